"""Security of the workbench against a real server: credentials everywhere, cookies, CSRF, throttling, headers."""

from __future__ import annotations

import httpx
from tests.web.support import BORROWER_USCC, PASSWORD, Server, browser_login, csrf_of, hidden


def test_health_and_login_answer_without_credentials(server: Server) -> None:
    with server.client() as client:
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/login").status_code == 200


def test_everything_else_needs_credentials(server: Server) -> None:
    with server.client() as client:
        for path in ("/api/v1/proposals", "/api/v1/openapi.json", "/api/v1/auth/me", "/api/v1/audit"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.headers["www-authenticate"].startswith("Bearer")
            body = response.json()
            assert body["status"] == 401 and body["title"] == "Unauthorized"
        page = client.get("/proposals?state=proposal")
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fproposals%3Fstate%3Dproposal"
        assert client.get("/api/v1/proposals", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_login_sets_a_hardened_session_cookie_and_logout_revokes_it(server: Server) -> None:
    client = httpx.Client(base_url=server.url, follow_redirects=False)
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "t_analyst",
            "password": PASSWORD,
            "csrf_token": hidden(page.text, "csrf_token"),
            "next": "//evil.example",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"  # no open redirect
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cc_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain HTTP on loopback
    assert client.get("/").status_code == 200
    stolen = client.cookies.get("cc_session")
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    replay = httpx.Client(base_url=server.url, cookies={"cc_session": stolen}, follow_redirects=False)
    assert replay.get("/").status_code == 303  # the old cookie no longer works


def test_login_without_its_form_token_is_refused(server: Server) -> None:
    with server.client() as client:
        response = client.post("/login", data={"username": "t_analyst", "password": PASSWORD, "csrf_token": "x"})
        assert response.status_code == 400 and "cc_session" not in response.cookies


def test_cookie_requests_that_change_state_need_the_csrf_token(server: Server) -> None:
    client = browser_login(server, "t_analyst")
    body = {"borrower_ref": BORROWER_USCC, "product": "credit_line", "amount": "1000万", "tenor_months": 12}
    assert client.post("/api/v1/proposals", json=body).status_code == 403
    assert client.post("/api/v1/proposals", json=body, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    ok = client.post("/api/v1/proposals", json=body, headers={"X-CSRF-Token": csrf_of(client)})
    assert ok.status_code == 201, ok.text
    # Bearer tokens are never sent by a browser on its own, so they need no CSRF token.
    with server.client("t_analyst") as api:
        assert api.post("/api/v1/proposals", json=body).status_code == 201


def test_login_throttling(server: Server) -> None:
    try:
        with server.client() as client:
            codes = [
                client.post(
                    "/api/v1/auth/token", json={"username": "t_admin", "password": "wrong-password"}
                ).status_code
                for _ in range(6)
            ]
            assert codes == [401] * 5 + [429]
            blocked = client.post("/api/v1/auth/token", json={"username": "t_admin", "password": PASSWORD})
            assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    finally:
        server.reset_throttle()
    with server.client() as client:
        assert (
            client.post("/api/v1/auth/token", json={"username": "t_admin", "password": PASSWORD}).status_code
            == 200
        )


def test_one_users_failed_logins_do_not_block_another_user_at_the_same_address(server: Server) -> None:
    """Everyone behind one office proxy shares an address: t_admin's typos must not lock out t_analyst."""
    try:
        with server.client() as client:
            for _ in range(6):
                client.post("/api/v1/auth/token", json={"username": "t_admin", "password": "wrong-password"})
            assert (
                client.post("/api/v1/auth/token", json={"username": "t_admin", "password": PASSWORD}).status_code
                == 429
            )
            other = client.post("/api/v1/auth/token", json={"username": "t_analyst", "password": PASSWORD})
            assert other.status_code == 200, other.text
    finally:
        server.reset_throttle()


def test_security_headers_on_pages_and_api(server: Server) -> None:
    with server.client("t_analyst") as client:
        for path in ("/login", "/api/v1/proposals", "/"):
            headers = client.get(path).headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert "script-src 'self'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
            assert headers["cache-control"] == "no-store"
            assert "server" not in headers or "uvicorn" not in headers["server"]


def test_errors_are_problem_documents_without_internals(server: Server) -> None:
    with server.client("t_analyst") as client:
        bad = client.post(
            "/api/v1/proposals",
            json={"borrower_ref": BORROWER_USCC, "product": "credit_line", "amount": "lots", "tenor_months": 0},
        )
        assert bad.status_code == 422
        body = bad.json()
        assert bad.headers["content-type"].startswith("application/problem+json")
        fields = {e["field"] for e in body["errors"]}
        assert {"amount", "tenor_months"} <= fields
        assert "Traceback" not in bad.text and 'File "' not in bad.text
        missing = client.get("/api/v1/proposals/999999")
        assert missing.status_code == 404 and missing.json()["detail"] == "no proposal 999999"
        not_json = client.post(
            "/api/v1/proposals", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert not_json.status_code == 422 and "Traceback" not in not_json.text


def test_revoked_bearer_token_stops_working(server: Server) -> None:
    with server.client() as client:
        token = client.post("/api/v1/auth/token", json={"username": "t_risk", "password": PASSWORD}).json()[
            "access_token"
        ]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "risk_manager"
        assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
