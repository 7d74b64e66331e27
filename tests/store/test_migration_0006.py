"""Migration 0006 keeps every stored row: on SQLite the headcount column is moved, no table is dropped
(a dropped ``borrowers`` would cascade to statements, ratings and facilities)."""

from __future__ import annotations

import sqlalchemy as sa

from computecredit.services import borrowers as borrower_service
from computecredit.services import statements as statement_service
from computecredit.services.demo import DEMO_DIR
from computecredit.store.database import Database


def _counts(db: Database) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return (
            conn.execute(sa.text("SELECT COUNT(*) FROM borrowers")).scalar_one(),
            conn.execute(sa.text("SELECT COUNT(*) FROM statement_lines")).scalar_one(),
        )


def test_upgrade_and_downgrade_keep_borrowers_and_their_statements(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()  # rows are written with today's tables, then taken back to 0005 (which keeps them)
    borrowers = borrower_service.read_borrowers(DEMO_DIR / "borrowers.csv")[:3]
    wanted = {b.uscc for b in borrowers}
    statements = [
        s for s in statement_service.read_statements(DEMO_DIR / "statements.csv") if s.borrower_uscc in wanted
    ]
    with db.transaction() as session:
        borrower_service.store_borrowers(session, borrowers)
        statement_service.store_statements(session, statements)
    before = _counts(db)
    assert before[0] == 3 and before[1] > 0
    _downgrade(db, "0005_deal_record")
    assert _counts(db) == before
    db.upgrade()
    assert _counts(db) == before
    with db.engine.connect() as conn:
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("borrowers")}
        assert columns["employees"]["nullable"]
        employees = conn.execute(sa.text("SELECT employees FROM borrowers ORDER BY uscc")).scalars().all()
    assert employees == [b.employees for b in sorted(borrowers, key=lambda b: b.uscc)]
    _downgrade(db, "0005_deal_record")
    assert _counts(db) == before
    db.dispose()


def _downgrade(db: Database, revision: str) -> None:
    from alembic import command

    with db.engine.begin() as connection:
        config = db.alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
