"""``computecredit audit verify`` and ``audit tail`` on a real database: exit 0 on an intact chain, 1 on a
tampered one, with the broken entry named."""

from __future__ import annotations

import json

import sqlalchemy as sa
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.services import audit
from computecredit.store.database import Database


def test_verify_and_tail(sqlite_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = Database(sqlite_url)
    db.upgrade()
    with audit.write_transaction(db) as session:
        for amount in ("5000万", "6000万", "7000万"):
            audit.append(session, "alice", "proposal.update", "proposal", 1, None, {"amount": amount})
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", sqlite_url)
    runner = CliRunner()

    intact = runner.invoke(app, ["audit", "verify", "--json"])
    assert intact.exit_code == 0, intact.output
    assert json.loads(intact.stdout) | {"head_hash": None} == {
        "ok": True,
        "entries": 3,
        "broken_seq": None,
        "reason": None,
        "head_hash": None,
    }
    tail = json.loads(runner.invoke(app, ["audit", "tail", "-n", "2", "--json"]).stdout)
    assert [e["seq"] for e in tail["entries"]] == [3, 2]

    with db.engine.begin() as conn:
        conn.execute(sa.text('UPDATE audit_log SET after_json = \'{"amount":"1亿"}\' WHERE seq = 2'))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "entry 2" in broken.output
    db.dispose()
