"""Admin actions on the real server: users (create, role, deactivate), bank parameters, their audit trail,
and the rules that keep at least one admin able to log in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.web.support import PASSWORD, Server, browser_login, csrf_of

from computecredit.jsonable import to_jsonable
from computecredit.services import audit
from computecredit.store import bank as bank_store
from computecredit.store.users import UserRow, find_user_row

OTHERS = ("t_analyst", "t_approver", "t_risk")


def _audit_of(server: Server, entity_type: str, entity_id: str) -> list:
    with server.db.transaction() as session:
        return audit.recent(session, 5, entity_type, entity_id)


def _chain_ok(server: Server) -> bool:
    with server.db.transaction() as session:
        return audit.verify(session).ok


def test_admin_creates_a_user_who_can_log_in(server: Server) -> None:
    body = {"username": "new_analyst", "display_name": "新分析师", "role": "analyst", "password": "long-enough-1"}
    with server.client("t_admin") as client:
        response = client.post("/api/v1/admin/users", json=body)
        assert response.status_code == 201, response.text
        assert response.json() == {
            "username": "new_analyst",
            "display_name": "新分析师",
            "role": "analyst",
            "active": True,
            "branch_code": "HO",
        }
        again = client.post("/api/v1/admin/users", json=body)
        assert again.status_code == 422
        assert again.json()["errors"][0]["field"] == "username"
    with server.client() as client:
        login = client.post("/api/v1/auth/token", json={"username": "new_analyst", "password": "long-enough-1"})
        assert login.status_code == 200
    entry = _audit_of(server, "user", "new_analyst")[-1]
    assert (entry.actor, entry.action, entry.before_json) == ("t_admin", "user.create", "null")
    assert "long-enough-1" not in entry.after_json
    assert _chain_ok(server)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "short_pw", "display_name": "x", "role": "analyst", "password": "1234567"}, "password"),
        (
            {"username": "Bad Name", "display_name": "x", "role": "analyst", "password": "long-enough-1"},
            "username",
        ),
        ({"username": "no_role", "display_name": "x", "role": "king", "password": "long-enough-1"}, "role"),
    ],
)
def test_bad_new_user_is_refused_naming_the_field(server: Server, body: dict, field: str) -> None:
    with server.client("t_admin") as client:
        response = client.post("/api/v1/admin/users", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()["errors"][0]
    assert problem["field"] == field and problem["rule"]
    assert "1234567" not in response.text
    with server.db.transaction() as session:
        assert find_user_row(session, body["username"]) is None


def test_admin_changes_role_and_deactivates_and_the_user_feels_it(server: Server) -> None:
    body = {"username": "temp_user", "display_name": "Temp", "role": "analyst", "password": PASSWORD}
    with server.client("t_admin") as client:
        assert client.post("/api/v1/admin/users", json=body).status_code == 201
    with server.client() as client:
        token = client.post("/api/v1/auth/token", json={"username": "temp_user", "password": PASSWORD}).json()
    as_temp = {"Authorization": f"Bearer {token['access_token']}"}
    with server.client("t_admin") as client:
        changed = client.patch("/api/v1/admin/users/temp_user", json={"role": "approver"})
        assert changed.json()["role"] == "approver"
        assert client.get("/api/v1/proposals/queue", headers=as_temp).status_code == 200
        assert client.patch("/api/v1/admin/users/temp_user", json={"active": False}).json()["active"] is False
        assert client.get("/api/v1/auth/me", headers=as_temp).status_code == 401
        assert client.patch("/api/v1/admin/users/temp_user", json={"active": True}).json()["active"] is True
        assert client.get("/api/v1/auth/me", headers=as_temp).status_code == 200
        assert client.patch("/api/v1/admin/users/nobody_here", json={"active": True}).status_code == 404
        assert client.patch("/api/v1/admin/users/temp_user", json={}).status_code == 200  # no change, no entry
    actions = [(e.action, e.before_json, e.after_json) for e in _audit_of(server, "user", "temp_user")]
    assert (
        actions[0][0] == "user.update" and '"active":false' in actions[0][1] and '"active":true' in actions[0][2]
    )
    assert '"role":"analyst"' in actions[2][1] and '"role":"approver"' in actions[2][2]
    assert _chain_ok(server)


@pytest.mark.parametrize("username", OTHERS)
def test_other_roles_cannot_administer(server: Server, username: str) -> None:
    with server.client(username) as client:
        created = client.post(
            "/api/v1/admin/users",
            json={"username": "sneaky", "display_name": "x", "role": "admin", "password": "long-enough-1"},
        )
        promoted = client.patch(f"/api/v1/admin/users/{username}", json={"role": "admin"})
        bank = client.patch("/api/v1/admin/bank", json={"net_capital": "1亿"})
    assert (created.status_code, promoted.status_code, bank.status_code) == (403, 403, 403)
    with server.db.transaction() as session:
        assert find_user_row(session, "sneaky") is None
        assert find_user_row(session, username).role != "admin"


def test_last_admin_keeps_the_keys(server: Server) -> None:
    with server.db.transaction() as session:
        others = [
            row.username
            for row in session.query(UserRow).filter(UserRow.role == "admin", UserRow.active.is_(True))
            if row.username != "t_admin"
        ]
    with server.client("t_admin") as client:
        myself = client.patch("/api/v1/admin/users/t_admin", json={"active": False})
        assert myself.status_code == 422 and myself.json()["errors"][0]["field"] == "active"
        try:
            for name in others:
                assert client.patch(f"/api/v1/admin/users/{name}", json={"active": False}).status_code == 200
            demoted = client.patch("/api/v1/admin/users/t_admin", json={"role": "analyst"})
            assert demoted.status_code == 422
            assert demoted.json()["errors"][0]["field"] == "role"
            assert "last active admin" in demoted.json()["errors"][0]["rule"]
        finally:
            for name in others:
                client.patch(f"/api/v1/admin/users/{name}", json={"active": True})
        assert client.get("/api/v1/auth/me").json()["role"] == "admin"


def test_admin_edits_bank_parameters_with_banker_amounts(server: Server) -> None:
    with server.db.transaction() as session:
        before = bank_store.get_bank(session)
    with server.client("t_admin") as client:
        bad = client.patch("/api/v1/admin/bank", json={"net_capital": "很多钱"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "net_capital"
        over = client.patch("/api/v1/admin/bank", json={"tier1_net_capital": str(before.net_capital * 2)})
        assert over.status_code == 422 and over.json()["errors"][0]["field"] == "tier1_net_capital"
        huge = client.patch("/api/v1/admin/bank", json={"loan_book": "1" + "0" * 22})
        assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "loan_book"
        stale = client.patch("/api/v1/admin/bank", json={"as_of": "2000-01-01"})
        assert stale.status_code == 422 and stale.json()["errors"][0]["field"] == "as_of"
        hurdle = client.patch("/api/v1/admin/bank", json={"hurdle_rate": "1.5"})
        assert hurdle.status_code == 422 and hurdle.json()["errors"][0]["field"] == "hurdle_rate"
        response = client.patch("/api/v1/admin/bank", json={"net_capital": "108.6亿", "hurdle_rate": "0.11"})
        assert response.status_code == 200, response.text
        try:
            assert Decimal(response.json()["net_capital"]) == Decimal("10860000000")
            with server.db.transaction() as session:
                after = bank_store.get_bank(session)
            assert (after.net_capital, after.hurdle_rate) == (Decimal("10860000000"), Decimal("0.11"))
            assert after.loan_book == before.loan_book
            entry = _audit_of(server, "bank", before.name_en)[0]
            assert entry.action == "bank.update" and '"net_capital":"10860000000"' in entry.after_json
            assert f'"net_capital":"{to_jsonable(before.net_capital, exact=True)}"' in entry.before_json
        finally:
            restore = {"net_capital": str(before.net_capital), "hurdle_rate": str(before.hurdle_rate)}
            assert client.patch("/api/v1/admin/bank", json=restore).status_code == 200
    assert _chain_ok(server)


def test_admin_page_forms_need_csrf_and_work(server: Server) -> None:
    client = browser_login(server, "t_admin")
    try:
        page = client.get("/admin")
        assert page.status_code == 200 and 'action="/admin/bank"' in page.text and 'name="password"' in page.text
        form = {"username": "form_user", "display_name": "Form", "role": "approver", "password": "long-enough-1"}
        assert client.post("/admin/users", data=form).status_code == 403
        csrf = csrf_of(client, "/admin")
        assert client.post("/admin/users", data={**form, "csrf_token": csrf}).status_code == 303
        deactivate = {"role": "approver", "active": "false", "csrf_token": csrf}
        assert client.post("/admin/users/form_user", data=deactivate).status_code == 303
        with server.db.transaction() as session:
            row = find_user_row(session, "form_user")
            assert (row.role, row.active) == ("approver", False)
        bank = _bank_form(server)
        refused = client.post("/admin/bank", data={**bank, "loan_book": "-5亿", "csrf_token": csrf})
        assert refused.status_code == 422 and "<code>loan_book</code>" in refused.text
        assert 'value="-5亿"' in refused.text  # the page comes back with what was typed
        short = client.post(
            "/admin/users", data={**form, "username": "form_user2", "password": "short", "csrf_token": csrf}
        )
        assert short.status_code == 422 and "<code>password</code>" in short.text
        assert client.post("/admin/bank", data={**bank, "csrf_token": csrf}).status_code == 303

    finally:
        client.close()


def _bank_form(server: Server) -> dict[str, str]:
    with server.db.transaction() as session:
        bank = bank_store.get_bank(session)
    return {k: str(getattr(bank, k)) for k in ("net_capital", "tier1_net_capital", "loan_book", "hurdle_rate")}
