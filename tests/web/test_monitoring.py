"""The monitoring page and API against the real server: upload data files, run, act on alerts, roles."""

from __future__ import annotations

import json

import sqlalchemy as sa
from tests.web.support import Server, browser_login, csrf_of

from computecredit.store.monitoring import AlertRow, PaymentRow
from computecredit.store.workbench import AuditEntry

FACILITY = "PL-2025-NX-001"
AS_OF = "2026-06-30"
GOOD = f"facility_reference,as_of,days_past_due,outstanding,overdue_amount,technical_delay\n{FACILITY},2026-07-31,0,1000000,0,false\n"
# Row 3 (the second data row) has a day count that is not a number.
BAD = GOOD + f"{FACILITY},2026-08-31,many,1000000,0,false\n"


def _payments(server: Server) -> int:
    with server.db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(PaymentRow)) or 0


def _upload(server: Server, username: str, content: str, name: str = "payments_2026-07.csv"):  # type: ignore[no-untyped-def]
    with server.client(username) as client:
        return client.post(
            "/api/v1/monitoring/ingest",
            data={"kind": "payments"},
            files={"file": (name, content.encode(), "text/csv")},
        )


def test_a_malformed_file_names_row_and_field_and_stores_nothing(server: Server) -> None:
    before = _payments(server)
    response = _upload(server, "t_analyst", BAD, "payments_bad.csv")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problems = response.json()["errors"]
    assert any(p["row"] == 3 and p["field"] == "days_past_due" for p in problems), problems
    assert _payments(server) == before


def test_a_good_file_is_stored_and_approvers_cannot_upload(server: Server) -> None:
    assert _upload(server, "t_approver", GOOD).status_code == 403
    before = _payments(server)
    response = _upload(server, "t_analyst", GOOD)
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 1
    assert _payments(server) == before + response.json()["inserted"]


def test_run_and_act_on_an_alert_with_an_audit_entry(server: Server) -> None:
    with server.client("t_analyst") as client:
        assert client.post("/api/v1/monitoring/runs", json={"as_of": AS_OF}).status_code == 403
    with server.client("t_risk") as client:
        run = client.post("/api/v1/monitoring/runs", json={"as_of": AS_OF})
        assert run.status_code == 200, run.text
        assert {"signals", "breaches", "classification_changes", "watch_list"} <= set(run.json())
        alerts = client.get("/api/v1/monitoring/alerts", params={"status": "open", "limit": 5}).json()
    assert alerts["total"] >= 1 and len(alerts["items"]) <= 5
    alert = alerts["items"][0]
    with server.client("t_approver") as client:
        assert client.get("/api/v1/monitoring/alerts").status_code == 200
        denied = client.patch(f"/api/v1/monitoring/alerts/{alert['id']}", json={"action": "close", "comment": "x"})
        assert denied.status_code == 403
    with server.client("t_risk") as client:
        path = f"/api/v1/monitoring/alerts/{alert['id']}"
        assert client.patch(path, json={"action": "acknowledge", "comment": ""}).status_code == 422
        nobody = client.patch(path, json={"action": "acknowledge", "comment": "x", "owner": "no_such_user"})
        assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "owner"
        done = client.patch(
            path, json={"action": "acknowledge", "comment": "called the borrower", "owner": "t_risk"}
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "acknowledged" and done.json()["owner"] == "t_risk"
        assert client.patch(path, json={"action": "acknowledge", "comment": "again"}).status_code == 409
        mine = client.get("/api/v1/monitoring/alerts", params={"owner": "t_risk", "status": "acknowledged"}).json()
        assert {a["id"]: a["last_comment"] for a in mine["items"]}[alert["id"]] == "called the borrower"
    with server.db.transaction() as session:
        entry = session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "monitoring.alert.acknowledge", AuditEntry.entity_id == str(alert["id"]))
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert entry is not None and entry.actor == "t_risk"
        assert json.loads(entry.after_json)["comment"] == "called the borrower"
        assert json.loads(entry.before_json)["status"] == "open"


def test_the_page_shows_actions_by_role_and_its_forms_work(server: Server) -> None:
    for username, can_run, can_upload in (
        ("t_approver", False, False),
        ("t_analyst", False, True),
        ("t_risk", True, True),
    ):
        with server.client(username) as client:
            page = client.get("/monitoring")
            chinese = client.get("/monitoring", headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 200 and "贷后监测与预警" in chinese.text
        assert ('id="run-now"' in page.text) is can_run, username
        assert ('action="/monitoring/ingest"' in page.text) is can_upload, username
    with server.db.transaction() as session:
        alert_id = session.scalar(sa.select(AlertRow.id).where(AlertRow.status != "closed").order_by(AlertRow.id))
    assert alert_id is not None
    analyst = browser_login(server, "t_analyst")
    denied = analyst.post(
        f"/monitoring/alerts/{alert_id}", data={"csrf_token": csrf_of(analyst, "/monitoring"), "comment": "x"}
    )
    assert denied.status_code == 403
    risk = browser_login(server, "t_risk")
    csrf = csrf_of(risk, "/monitoring")
    assert risk.post(f"/monitoring/alerts/{alert_id}", data={"action": "close", "comment": "x"}).status_code == 403
    closed = risk.post(
        f"/monitoring/alerts/{alert_id}", data={"csrf_token": csrf, "action": "close", "comment": "resolved"}
    )
    assert closed.status_code == 303, closed.text
    with server.db.transaction() as session:
        assert session.get(AlertRow, alert_id).status == "closed"
    ran = risk.post("/monitoring/run", data={"csrf_token": csrf, "as_of": AS_OF})
    assert (
        ran.status_code == 303
        and "Monitoring run" in risk.get(ran.headers["location"], headers={"Accept-Language": "en"}).text
    )


def test_a_run_date_out_of_range_is_refused(server: Server) -> None:
    with server.client("t_risk") as client:
        response = client.post("/api/v1/monitoring/runs", json={"as_of": "0001-01-01"})
        assert response.status_code == 422
        assert client.patch("/api/v1/monitoring/alerts/99999999999999", json={"comment": "x"}).status_code == 422
    risk = browser_login(server, "t_risk")
    page = risk.post("/monitoring/run", data={"csrf_token": csrf_of(risk, "/monitoring"), "as_of": "9999-12-31"})
    assert page.status_code == 422


def test_the_upload_form_shows_the_bad_row_and_stores_nothing(server: Server) -> None:
    analyst = browser_login(server, "t_analyst")
    before = _payments(server)
    response = analyst.post(
        "/monitoring/ingest",
        data={"csrf_token": csrf_of(analyst, "/monitoring"), "kind": "payments"},
        files={"file": ("payments_bad.csv", BAD.encode(), "text/csv")},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "row 3" in response.text and "days_past_due" in response.text
    assert _payments(server) == before
