"""Admin use cases on SQLite and PostgreSQL: the last-admin rule, bank edits, and the audit entry that is
written with each change (and not without it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from computecredit.domain.bank import Bank
from computecredit.errors import InputError
from computecredit.services import admin, audit
from computecredit.store import bank as bank_store
from computecredit.store.database import Database
from computecredit.store.users import get_user


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.upgrade()
    with audit.write_transaction(database) as s:
        admin.create_user(s, "setup", "boss", "Boss", "admin", "a-long-password")
        bank_store.save_bank(
            s,
            Bank(
                name_zh="示例银行",
                name_en="Example Bank",
                as_of=date(2025, 12, 31),
                net_capital=Decimal("6e9"),
                tier1_net_capital=Decimal("5e9"),
                loan_book=Decimal("6e10"),
                hurdle_rate=Decimal("0.12"),
            ),
        )
    yield database
    database.dispose()


def test_last_admin_rule_and_audit(db: Database) -> None:
    with pytest.raises(InputError, match="last active admin"), audit.write_transaction(db) as s:
        admin.update_user(s, "setup", "boss", active=False)
    with audit.write_transaction(db) as s:
        admin.create_user(s, "boss", "deputy", "Deputy", "admin", "a-long-password")
        admin.update_user(s, "deputy", "boss", role="risk_manager")
    with db.transaction() as s:
        assert get_user(s, "boss").role.value == "risk_manager"
        entries = [(e.action, e.entity_id) for e in audit.recent(s, 10)]
        assert entries[:2] == [("user.update", "boss"), ("user.create", "deputy")]
        assert audit.verify(s).ok


def test_bank_edit_is_stored_and_audited_or_not_at_all(db: Database) -> None:
    with db.transaction() as s:
        count = len(audit.recent(s, 100))
    with pytest.raises(InputError, match="tier1_net_capital"), audit.write_transaction(db) as s:
        admin.update_bank(s, "boss", {"tier1_net_capital": "70亿"})
    with audit.write_transaction(db) as s:
        admin.update_bank(s, "boss", {"net_capital": "108.6亿", "tier1_net_capital": "95亿"})
    with db.transaction() as s:
        bank = bank_store.get_bank(s)
        assert (bank.net_capital, bank.tier1_net_capital) == (Decimal("10860000000"), Decimal("9500000000"))
        assert len(audit.recent(s, 100)) == count + 1
        assert audit.verify(s).ok
