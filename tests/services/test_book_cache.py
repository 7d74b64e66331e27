"""The book that proposals read (:class:`Records`) is kept between requests only while nothing in it changed:
every write to the bank, borrowers, facilities, collateral or exposures renews the book's token, whichever
connection (another web process, the CLI) made it, and a write rolled back leaves nothing behind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from computecredit.services import audit
from computecredit.services import rating as rating_service
from computecredit.services.demo import load_demo_bank
from computecredit.services.facilities import Records
from computecredit.store import facilities as facility_store
from computecredit.store import versions
from computecredit.store.database import Database
from computecredit.store.facilities import FacilityRow


def _book_token(db: Database) -> str | None:
    with db.transaction() as session:
        return versions.tokens(session).get(versions.BOOK)


def _amount(db: Database, reference: str) -> Decimal:
    with db.transaction() as session:
        return Records.load(session).facilities[reference].amount


def test_the_book_is_read_again_after_a_change_from_another_connection(database_url: str) -> None:
    db = Database(database_url)
    load_demo_bank(db, password="demo-password-1")
    other = Database(database_url)  # as another web process or the CLI would write
    with db.transaction() as session:
        first = Records.load(session)
    reference = next(iter(first.facilities))
    with db.transaction() as session:
        again = Records.load(session)
    assert again.facilities[reference] is first.facilities[reference]  # kept, not read again

    token = _book_token(db)
    with audit.write_transaction(other) as session:
        uscc = first.facilities[reference].borrower_uscc
        rating_service.rate_stored_borrower(session, uscc, "analyst")
    assert _book_token(db) == token  # a rating is not part of the book

    with other.transaction() as session:
        facility = facility_store.list_facilities(session)[0]
        facility_store.save_facility(session, facility.model_copy(update={"amount": facility.amount + 1}))
    assert _book_token(db) != token
    assert _amount(db, facility.reference) == facility.amount + 1

    with other.transaction() as session:  # an ORM bulk statement renews the token too
        session.query(FacilityRow).filter(FacilityRow.reference == facility.reference).update(
            {"amount": facility.amount + 2}
        )
    assert _amount(db, facility.reference) == facility.amount + 2
    other.dispose()
    db.dispose()


def test_a_change_rolled_back_is_not_kept(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        facility = facility_store.list_facilities(session)[0]
    with pytest.raises(RuntimeError), demo_db.transaction() as session:
        facility_store.save_facility(session, facility.model_copy(update={"amount": Decimal(1)}))
        assert Records.load(session).facilities[facility.reference].amount == 1  # the writer sees its own
        raise RuntimeError("roll back")
    assert _amount(demo_db, facility.reference) == facility.amount


def test_watched_tables_exist() -> None:
    from computecredit.store.base import Base

    assert all(tables <= set(Base.metadata.tables) for tables in versions.WATCHED.values())


def test_the_book_reads_all_ratings_at_once(demo_db: Database) -> None:
    """The book assembles every facility: its ratings come in one query, not one per facility."""
    import sqlalchemy as sa

    from computecredit.services.portfolio import book_from_store

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(demo_db.engine, "before_cursor_execute", count)
    try:
        book = book_from_store(demo_db)
    finally:
        sa.event.remove(demo_db.engine, "before_cursor_execute", count)
    ratings = [s for s in statements if "rating_records" in s]
    assert book.n > 10
    assert len(ratings) == 1


def test_statements_are_kept_until_one_changes(demo_db: Database) -> None:
    """A borrower's statements are read again after any statement changes, from whatever connection."""
    from computecredit.store import borrowers as borrower_store

    other = Database(demo_db.url)
    with demo_db.transaction() as session:
        uscc = next(
            b.uscc
            for b in borrower_store.list_borrowers(session)
            if borrower_store.list_statements(session, b.uscc)
        )
        first = borrower_store.list_statements(session, uscc)
        again = borrower_store.list_statements(session, uscc)
    assert again == first and again is not first and again[0] is first[0]  # kept; a list of the caller's own

    latest = first[-1]
    with other.transaction() as session:
        borrower_store.save_statement(session, latest.model_copy(update={"auditor": "另一家会计师事务所"}))
    with demo_db.transaction() as session:
        assert borrower_store.list_statements(session, uscc)[-1].auditor == "另一家会计师事务所"
    other.dispose()
