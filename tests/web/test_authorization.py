"""Every API endpoint and page, called by every role: only the roles that may use it get through.

The table below is the access policy; a new endpoint fails :func:`test_every_endpoint_is_classified` until
it is added here, so none can ship without a decision on who may call it.
"""

from __future__ import annotations

import re

import pytest
from tests.web.support import PASSWORD, ROLE_USER, Server

ALL = frozenset({"analyst", "approver", "risk_manager", "admin"})
DECIDERS = frozenset({"approver", "risk_manager"})
AUDITORS = frozenset({"admin", "risk_manager"})
PUBLIC = None

API_ACCESS: dict[tuple[str, str], frozenset[str] | None] = {
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("DELETE", "/api/v1/auth/token"): ALL,
    ("GET", "/api/v1/auth/me"): ALL,
    ("GET", "/api/v1/dashboard"): ALL,
    ("GET", "/api/v1/borrowers"): ALL,
    ("GET", "/api/v1/borrowers/{uscc}"): ALL,
    ("GET", "/api/v1/borrowers/{uscc}/ratings"): ALL,
    ("POST", "/api/v1/borrowers/{uscc}/ratings"): frozenset({"analyst", "risk_manager"}),
    ("POST", "/api/v1/borrowers/{uscc}/statements"): frozenset({"analyst"}),
    ("GET", "/api/v1/borrowers/{uscc}/statements/template"): ALL,
    ("PUT", "/api/v1/borrowers/{uscc}/branch"): frozenset({"admin"}),
    ("GET", "/api/v1/proposals"): ALL,
    ("POST", "/api/v1/proposals"): frozenset({"analyst"}),
    ("GET", "/api/v1/proposals/queue"): DECIDERS,
    ("POST", "/api/v1/proposals/preview"): frozenset({"analyst"}),
    ("POST", "/api/v1/proposals/{proposal_id}/analyse"): frozenset({"analyst"}),
    ("GET", "/api/v1/proposals/{proposal_id}/memo"): ALL,
    ("GET", "/api/v1/proposals/{proposal_id}"): ALL,
    ("POST", "/api/v1/proposals/{proposal_id}/submit"): frozenset({"analyst"}),
    ("POST", "/api/v1/proposals/{proposal_id}/approve"): DECIDERS,
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): DECIDERS,
    ("POST", "/api/v1/proposals/{proposal_id}/return"): DECIDERS,
    ("GET", "/api/v1/facilities/{reference}"): ALL,
    ("POST", "/api/v1/facilities/{reference}/drawdowns"): frozenset({"analyst", "risk_manager"}),
    ("POST", "/api/v1/facilities/{reference}/repayments"): frozenset({"analyst", "risk_manager"}),
    ("GET", "/api/v1/portfolio/risk"): ALL,
    ("GET", "/api/v1/projects"): ALL,
    ("POST", "/api/v1/projects/evaluate"): ALL,
    ("PUT", "/api/v1/projects/{code}/inputs"): frozenset({"analyst", "risk_manager"}),
    ("GET", "/api/v1/portfolio/stress"): frozenset({"risk_manager", "approver", "admin"}),
    ("POST", "/api/v1/jobs"): ALL,
    ("GET", "/api/v1/jobs/{job_id}"): ALL,
    ("GET", "/api/v1/jobs/{job_id}/result"): ALL,
    ("GET", "/api/v1/jobs/{job_id}/file"): ALL,
    ("POST", "/api/v1/monitoring/ingest"): frozenset({"analyst", "risk_manager", "admin"}),
    ("POST", "/api/v1/monitoring/runs"): AUDITORS,
    ("GET", "/api/v1/monitoring/alerts"): ALL,
    ("PATCH", "/api/v1/monitoring/alerts/{alert_id}"): AUDITORS,
    ("GET", "/api/v1/admin/users"): frozenset({"admin"}),
    ("GET", "/api/v1/admin/reference"): frozenset({"admin"}),
    ("POST", "/api/v1/admin/users"): frozenset({"admin"}),
    ("PATCH", "/api/v1/admin/users/{username}"): frozenset({"admin"}),
    ("GET", "/api/v1/admin/bank"): frozenset({"admin"}),
    ("PATCH", "/api/v1/admin/bank"): frozenset({"admin"}),
    ("GET", "/api/v1/audit"): AUDITORS,
    ("POST", "/api/v1/audit/verify"): AUDITORS,
    ("GET", "/health"): PUBLIC,
    ("GET", "/ready"): PUBLIC,
}

PAGE_ACCESS: dict[str, frozenset[str]] = {
    "/": ALL,
    "/proposals": ALL,
    "/borrowers": ALL,
    "/portfolio": ALL,
    "/monitoring": ALL,
    "/projects": ALL,
    "/proposals/new": frozenset({"analyst"}),
    "/approvals": DECIDERS,
    "/admin": frozenset({"admin"}),
    "/audit": AUDITORS,
}

# Placeholders that exist in no database: an allowed role gets 404/409/422, never 401/403.
PATH_VALUES = {
    "proposal_id": "999999",
    "alert_id": "999999",
    "job_id": "0" * 32,
    "uscc": "91110000MA0WEB0026",
    "username": "no_such_user",
    "code": "no_such_project",
    "reference": "NO-SUCH-FACILITY",
}
BODIES = {"/api/v1/jobs": {"kind": "no.such.kind"}, "/api/v1/proposals": {}}


def _spec_operations(server: Server) -> set[tuple[str, str]]:
    with server.client("t_admin") as client:
        spec = client.get("/api/v1/openapi.json").json()
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item}


def test_every_endpoint_is_classified(server: Server) -> None:
    assert _spec_operations(server) == set(API_ACCESS)


def _call(server: Server, username: str | None, method: str, template: str):  # type: ignore[no-untyped-def]
    path = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], template)
    with server.client(username) as client:
        body = BODIES.get(template, {"comment": "x"}) if method in ("POST", "PUT", "PATCH") else None
        if template == "/api/v1/auth/token" and method == "DELETE" and username is not None:
            # Revoking would end the shared token of this user: use a fresh one.
            token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).json()
            client.headers["Authorization"] = f"Bearer {token['access_token']}"
        return client.request(method, path, json=body)


@pytest.mark.parametrize(("method", "template"), sorted(k for k, v in API_ACCESS.items() if v is not None))
def test_api_access_by_role(server: Server, method: str, template: str) -> None:
    allowed = API_ACCESS[(method, template)]
    assert _call(server, None, method, template).status_code == 401
    for role, username in ROLE_USER.items():
        response = _call(server, username, method, template)
        if role in allowed:
            assert response.status_code not in (401, 403, 500), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.status_code, response.text)
            assert f"role {role} may not" in response.json()["detail"]


@pytest.mark.parametrize("path", sorted(PAGE_ACCESS))
def test_page_access_by_role(server: Server, path: str) -> None:
    for role, username in ROLE_USER.items():
        with server.client(username) as client:
            status = client.get(path).status_code
        assert status == (200 if role in PAGE_ACCESS[path] else 403), (role, path, status)


def test_job_kinds_have_their_own_roles(server: Server) -> None:
    for role, username in ROLE_USER.items():
        with server.client(username) as client:
            response = client.post("/api/v1/jobs", json={"kind": "audit.verify"})
        assert response.status_code == (202 if role in AUDITORS else 403), role
    for role, username in ROLE_USER.items():
        with server.client(username) as client:
            response = client.post(
                "/api/v1/jobs", json={"kind": "portfolio.simulate", "params": {"simulations": 10}}
            )
        assert response.status_code == (202 if role == "risk_manager" else 403), role


def test_jobs_of_others_are_hidden_from_non_auditors(server: Server) -> None:
    with server.client("t_admin") as client:
        job = client.post("/api/v1/jobs", json={"kind": "audit.verify"}).json()
    with server.client("t_analyst") as client:
        assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    with server.client("t_risk") as client:
        assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 200
