"""One rate-a-borrower use case: a rating from the CLI, the web, a background job or the demo loader is
stored with exactly one ``rating.create`` audit entry, also when 78 of them run at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tests.web.support import start_server
from typer.testing import CliRunner

from computecredit.cli.main import app as cli
from computecredit.domain.users import User
from computecredit.services import audit
from computecredit.services import borrowers as borrower_service
from computecredit.services import rating as rating_service
from computecredit.services import statements as statement_service
from computecredit.services.demo import read_demo_bank
from computecredit.store import borrowers as borrower_store
from computecredit.store import ratings as rating_store
from computecredit.store.database import Database
from computecredit.store.users import add_user
from computecredit.store.workbench import AuditEntry

PASSWORD = "rating-password-1"


@pytest.fixture
def unrated_bank(database_url: str) -> Iterator[Database]:
    """The demo bank's borrowers and statements, no rating yet, and an analyst."""
    db = Database(database_url)
    db.upgrade()
    book = read_demo_bank()
    with db.transaction() as session:
        borrower_service.store_borrowers(session, book["borrowers"])
        statement_service.store_statements(session, book["statements"])
        add_user(session, User(username="r_analyst", display_name="r_analyst", role="analyst"), PASSWORD)
    yield db
    db.dispose()


def usccs(db: Database) -> list[str]:
    with db.transaction() as session:
        return sorted(b.uscc for b in borrower_store.list_borrowers(session))


def counts(db: Database) -> tuple[int, int]:
    """(rating records, ``rating.create`` audit entries) in the database."""
    with db.transaction() as session:
        records = sum(len(rating_store.list_ratings(session, u)) for u in usccs(db))
        entries = session.query(AuditEntry).filter(AuditEntry.action == "rating.create").count()
    return records, entries


def web_client(url: str) -> httpx.Client:
    token = httpx.post(f"{url}/api/v1/auth/token", json={"username": "r_analyst", "password": PASSWORD})
    token.raise_for_status()
    return httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {token.json()['access_token']}"}, timeout=120
    )


def run_batch_job(client: httpx.Client) -> dict:
    started = client.post("/api/v1/jobs", json={"kind": "rating.batch"})
    assert started.status_code == 202, started.text
    job = started.json()
    deadline = time.monotonic() + 300
    while job["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
        job = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    return client.get(f"/api/v1/jobs/{job['id']}/result").json()


def test_each_channel_adds_one_audit_entry_per_rating(
    unrated_bank: Database, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = unrated_bank
    first, second, *rest = usccs(db)
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["borrower", "rate", first, "--json"])
    assert result.exit_code == 0, result.output
    assert counts(db) == (1, 1)

    uv, thread, url, _app = start_server(db)
    try:
        with web_client(url) as client:
            assert client.post(f"/api/v1/borrowers/{second}/ratings", json={}).status_code == 200
            assert counts(db) == (2, 2)
            batch = run_batch_job(client)  # rates every borrower without a rating: the rest
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
    assert batch["rated"] == len(rest)
    assert counts(db) == (2 + len(rest), 2 + len(rest))
    with db.transaction() as session:
        by_entity = {e.entity_id: e.actor for e in audit.recent(session, 200) if e.action == "rating.create"}
        assert by_entity[first] == "cli" and by_entity[second] == "r_analyst"
        assert {by_entity[u] for u in rest} == {"r_analyst"}
        assert audit.verify(session).ok


def test_78_concurrent_ratings_give_78_audit_entries(unrated_bank: Database) -> None:
    """26 through the CLI's use case, 26 through the API and 26 by a batch job, all at once."""
    db = unrated_bank
    borrowers = usccs(db)
    rated_first, unrated = borrowers[:14], borrowers[14:]
    with audit.write_transaction(db) as session:
        for uscc in rated_first:  # the batch job leaves these alone, so it rates exactly the other 26
            rating_service.rate_stored_borrower(session, uscc, "setup")
    assert len(unrated) == 26 and counts(db) == (14, 14)

    uv, thread, url, _app = start_server(db)
    try:
        with web_client(url) as client, ThreadPoolExecutor(max_workers=16) as pool:
            job = pool.submit(run_batch_job, client)
            cli_path = [
                pool.submit(rating_service.rate_borrower, db, rated_first[i % 14], "cli") for i in range(26)
            ]
            web = [
                pool.submit(client.post, f"/api/v1/borrowers/{rated_first[i % 14]}/ratings", json={})
                for i in range(26)
            ]
            assert all(f.result()["stored"] for f in cli_path)
            assert [f.result().status_code for f in web] == [200] * 26
            assert job.result()["rated"] == 26
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
    assert counts(db) == (14 + 78, 14 + 78)
    with db.transaction() as session:
        assert audit.verify(session).ok


def test_the_demo_loader_audits_each_rating(demo_db: Database) -> None:
    records, entries = counts(demo_db)
    assert records == entries == len(usccs(demo_db)) > 0
