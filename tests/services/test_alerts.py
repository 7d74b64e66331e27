"""Acting on monitoring alerts on SQLite and PostgreSQL: status moves, reassignment, and the audit entry
(with the comment) written in the same transaction as the change, or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from computecredit.domain.borrowers import Borrower
from computecredit.domain.users import User
from computecredit.errors import InputError, WorkflowError
from computecredit.services import alerts, audit
from computecredit.store.borrowers import save_borrower
from computecredit.store.database import Database
from computecredit.store.monitoring import AlertRow
from computecredit.store.users import add_user
from computecredit.store.workbench import AuditEntry

USCC = "91110000MA0WEB001Q"
# Longer than the audit log's entity id column: the entry must name the alert by its id.
KEY = "signal|" + USCC + "|FIN-COVENANT-BREACH|" + "x" * 120


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.upgrade()
    with database.transaction() as s:
        add_user(s, User(username="risk", display_name="Risk", role="risk_manager"), "a-long-password")
        borrower, _new = save_borrower(
            s,
            Borrower(
                uscc=USCC,
                name_zh="北京测试算力科技有限公司",
                name_en="Beijing Test Compute Technology Co.",
                segment="compute_leasing_cloud",
                province="beijing",
                hub="京津冀",
                ownership="private",
                employees=120,
                revenue=Decimal("2e8"),
                total_assets=Decimal("6e8"),
            ),
        )
        s.flush()
        s.add(
            AlertRow(
                key=KEY,
                kind="signal",
                borrower_id=borrower.id,
                subject="FA-1",
                rule_id="FIN-COVENANT-BREACH",
                severity="high",
                owner="analyst",
                due_date=date(2026, 1, 5),
                raised_on=date(2025, 12, 31),
                last_seen_on=date(2025, 12, 31),
                status="open",
                title_zh="违约",
                title_en="Breach",
            )
        )
    yield database
    database.dispose()


def _entries(db: Database) -> list[AuditEntry]:
    with db.transaction() as s:
        return list(s.scalars(sa.select(AuditEntry).where(AuditEntry.entity_type == "monitoring_alert")))


def test_acknowledge_reassign_close_each_leave_an_audit_entry(db: Database) -> None:
    with db.transaction() as s:
        alert_id = s.scalar(sa.select(AlertRow.id))
    with audit.write_transaction(db) as s:
        done = alerts.act_on_alert(s, alert_id, "risk", "called the CFO", "acknowledge", owner="risk")
    assert (done["status"], done["owner"]) == ("acknowledged", "risk")
    with audit.write_transaction(db) as s:
        alerts.act_on_alert(s, alert_id, "risk", "cured", "close")
    with db.transaction() as s:
        assert alerts.list_alerts(s, status="active") == ([], 0)
        closed, total = alerts.list_alerts(s, owner="risk", status="closed")
    assert total == 1 and closed[0]["last_comment"] == "cured"
    entries = _entries(db)
    assert [e.action for e in entries] == ["monitoring.alert.acknowledge", "monitoring.alert.close"]
    assert (
        json.loads(entries[0].after_json)["key"] == KEY
        and json.loads(entries[0].before_json)["owner"] == "analyst"
    )
    with audit.write_transaction(db) as s:
        assert audit.verify(s).ok


def test_a_refused_action_changes_nothing_and_logs_nothing(db: Database) -> None:
    with db.transaction() as s:
        alert_id = s.scalar(sa.select(AlertRow.id))
    with pytest.raises(InputError, match="owner"), audit.write_transaction(db) as s:
        alerts.act_on_alert(s, alert_id, "risk", "x", "acknowledge", owner="nobody")
    with pytest.raises(WorkflowError), audit.write_transaction(db) as s:
        alerts.act_on_alert(s, alert_id, "risk", "x", "reopen")
    with db.transaction() as s:
        assert s.get(AlertRow, alert_id).status == "open"
    assert _entries(db) == []
