"""Who a token is, kept per web process (the ``access`` token of store/versions.py): a request authenticates
with one query, and a token revoked or a user changed in another process is refused at that process's next
request, not later."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from computecredit.services.demo import load_demo_bank
from computecredit.store import versions
from computecredit.store.database import Database, ReadOnlyError
from computecredit.store.users import UserRow
from computecredit.web import deps
from computecredit.web.app import create_app

PASSWORD = "demo-password-1"


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_a_token_revoked_in_another_process_is_refused_at_once(database_url: str) -> None:
    db = Database(database_url)
    load_demo_bank(db, password=PASSWORD)
    other_db = Database(database_url)  # another web process
    with TestClient(create_app(db)) as first, TestClient(create_app(other_db)) as other:
        token = first.post("/api/v1/auth/token", json={"username": "analyst", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        assert first.get("/api/v1/auth/me", headers=bearer).json()["username"] == "analyst"

        with _statements(db) as seen:  # kept: one read of the tokens, nothing of tokens, users or branches
            assert deps._authenticate(db, token["access_token"], "api") is not None
        queries = [s for s in seen if s != "BEGIN"]  # SQLite's own BEGIN; PostgreSQL reads in autocommit
        assert len(queries) == 1 and "data_versions" in queries[0]

        assert other.delete("/api/v1/auth/token", headers=bearer).status_code == 204
        assert first.get("/api/v1/auth/me", headers=bearer).status_code == 401
    other_db.dispose()
    db.dispose()


def test_a_user_deactivated_elsewhere_is_refused_at_once(database_url: str) -> None:
    db = Database(database_url)
    load_demo_bank(db, password=PASSWORD)
    with TestClient(create_app(db)) as client:
        token = client.post("/api/v1/auth/token", json={"username": "analyst", "password": PASSWORD}).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
        other = Database(database_url)
        with other.transaction() as session:  # through the ORM, as the platform writes: the token is renewed
            session.scalars(sa.select(UserRow).where(UserRow.username == "analyst")).one().active = False
        other.dispose()
        assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    db.dispose()


def test_tokens_are_read_once_per_transaction_and_again_after_a_write(demo_db: Database) -> None:
    with demo_db.transaction() as session, _statements(demo_db) as seen:
        first = versions.tokens(session)
        versions.tokens(session)
        assert sum("data_versions" in s for s in seen) == 1
        versions.renew(session, "users")
        assert versions.tokens(session)[versions.ACCESS] != first[versions.ACCESS]  # its own new token


def test_what_is_not_found_is_not_kept(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        assert versions.kept(session, versions.ACCESS, "nobody", lambda: None) is None
        assert versions.kept(session, versions.ACCESS, "nobody", lambda: "found") == "found"
        assert versions.kept(session, versions.ACCESS, "nobody", lambda: "read again") == "found"


@pytest.mark.parametrize("write", ["add", "bulk"])
def test_a_read_transaction_may_not_write(demo_db: Database, write: str) -> None:
    with pytest.raises(ReadOnlyError), demo_db.read_transaction() as session:
        if write == "add":
            session.add(UserRow(username="intruder", display_name="x", role="admin", password_hash="x"))
            session.flush()
        else:
            session.execute(sa.update(UserRow).values(active=False))
    with demo_db.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).where(UserRow.username == "intruder")) == 0
        assert session.scalar(sa.select(sa.func.count()).where(UserRow.active.is_(False))) == 0


def test_the_proposal_list_reads_its_relations_per_page_not_per_proposal(demo_db: Database) -> None:
    """Facilities, decisions and programme tags of a page of proposals come in a fixed number of queries."""
    from decimal import Decimal

    from computecredit.services import workflow
    from computecredit.store import borrowers as borrower_store

    def queries_for_a_page() -> tuple[int, int]:
        with demo_db.read_transaction() as session, _statements(demo_db) as seen:
            rows, total = workflow.list_proposals(session, limit=50)
            for row in rows:  # everything the API shows of each proposal
                _ = (row.facility, row.programme_codes, [d.action for d in row.decisions])
        return sum(s != "BEGIN" for s in seen), total

    before, total = queries_for_a_page()
    with demo_db.transaction() as session:
        uscc = borrower_store.list_borrowers(session)[0].uscc
        actor = workflow.Actor("analyst", "analyst")
        for months in (12, 24, 36):
            workflow.create(session, actor, workflow.Terms(uscc, "working_capital_loan", Decimal("1e7"), months))
    after, more = queries_for_a_page()
    assert more == total + 3
    assert after == before
