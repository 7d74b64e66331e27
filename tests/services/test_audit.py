"""The audit log is append-only and hash-chained: any edit, deletion or reordering is detected."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from computecredit.services import audit
from computecredit.store.base import Base
from computecredit.store.database import Database
from computecredit.store.workbench import AuditEntry


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    Base.metadata.create_all(database.engine, tables=[AuditEntry.__table__])
    with audit.write_transaction(database) as s:
        for i in range(5):
            audit.append(s, "alice", "proposal.update", "proposal", 1, {"amount": i}, {"amount": i + 1})
    yield database
    database.dispose()


def test_intact_chain_verifies(db: Database) -> None:
    with db.transaction() as s:
        report = audit.verify(s)
    assert report.ok and report.entries == 5


@pytest.mark.parametrize(
    ("statement", "broken", "reason"),
    [
        ("UPDATE audit_log SET after_json = 'tampered' WHERE seq = 3", 3, "content"),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", 1, "content"),
        ("DELETE FROM audit_log WHERE seq = 2", 2, "missing"),
        ("DELETE FROM audit_log WHERE seq = 5", None, None),
    ],
)
def test_tampering_is_found(db: Database, statement: str, broken: int | None, reason: str | None) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(statement))
    with db.transaction() as s:
        report = audit.verify(s)
    if broken is None:
        # Dropping the newest entry is only visible against a head hash kept elsewhere (the report gives it).
        assert report.ok and report.entries == 4
    else:
        assert not report.ok and report.broken_seq == broken and reason in report.reason


def test_rehashing_an_edited_entry_still_breaks_the_link_to_the_next(db: Database) -> None:
    with db.transaction() as s:
        entry = s.get(AuditEntry, 2)
        entry.after_json = '{"amount":42}'
        entry.hash = audit.entry_hash(entry)
    with db.transaction() as s:
        report = audit.verify(s)
    assert not report.ok and report.broken_seq == 3 and "link" in report.reason


def test_two_writers_cannot_fork_the_chain(db: Database) -> None:
    with db.transaction() as s:
        head = s.execute(sa.select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
        fork = AuditEntry(
            seq=head.seq + 1,
            at="x",
            actor="x",
            action="x",
            entity_type="x",
            entity_id="x",
            before_json="null",
            after_json="null",
            prev_hash=head.prev_hash,
        )
        fork.hash = audit.entry_hash(fork)
    with pytest.raises(sa.exc.IntegrityError), db.transaction() as s:
        s.add(fork)


def test_appends_roll_back_with_the_change_they_record(db: Database) -> None:
    with pytest.raises(RuntimeError), audit.write_transaction(db) as s:
        audit.append(s, "bob", "proposal.approve", "proposal", 1, None, None)
        raise RuntimeError("the use case failed after logging")
    with db.transaction() as s:
        assert audit.verify(s).entries == 5
