"""Backup and restore through the CLI, on SQLite and on PostgreSQL: the demo bank, changed by a rating, backed
up and restored into an empty database of the same backend, passes `audit verify` and serves the same figures.

(Across backends the figures can differ in the last digits: SQLite keeps more decimals than a NUMERIC(20, 10)
column, and PostgreSQL rounds them when the rows are restored.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from tests.conftest import DEMO_PASSWORD
from tests.web.support import start_server
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.services import audit
from computecredit.store.database import Database

FIGURES = (
    "/api/v1/portfolio/risk",
    "/api/v1/borrowers?limit=100",
    "/api/v1/borrowers/{uscc}/ratings",
    "/api/v1/monitoring/alerts?limit=100",
)


def _cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> dict:  # type: ignore[type-arg]
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", url)
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _figures(db: Database, uscc: str) -> dict[str, object]:
    uv, thread, url, _app = start_server(db)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            login = client.post("/api/v1/auth/token", json={"username": "risk", "password": DEMO_PASSWORD})
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            return {path: client.get(path.format(uscc=uscc)).json() for path in FIGURES}
    finally:
        uv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def second_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database on the same backend as ``database_url``."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    name = f"{sa.engine.make_url(database_url).database}_second"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_restored_database_verifies_and_serves_the_same_figures(
    demo_db: Database, database_url: str, second_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo bank onto this backend, then one more rating: new ids after a restore (PostgreSQL's
    # sequences must have moved past the restored ones).
    _cli(monkeypatch, demo_db.url, "db", "backup", str(tmp_path / "demo.jsonl"))
    _cli(monkeypatch, database_url, "db", "restore", str(tmp_path / "demo.jsonl"))
    uscc = _first_uscc(demo_db)
    _cli(monkeypatch, database_url, "borrower", "rate", uscc)

    file = tmp_path / "bank.jsonl.gz"
    made = _cli(monkeypatch, database_url, "db", "backup", str(file))
    assert made["rows"]["rating_records"] > 40 and made["rows"]["audit_log"] > 0
    restored = _cli(monkeypatch, second_url, "db", "restore", str(file))
    assert restored["rows"] == made["rows"]

    source, copy = Database(database_url), Database(second_url)
    with source.transaction() as session:
        original = audit.verify(session)
    with copy.transaction() as session:
        again = audit.verify(session)
    assert again.ok and (again.entries, again.head_hash) == (original.entries, original.head_hash)
    assert _figures(copy, uscc) == _figures(source, uscc)
    # A restore never mixes into a database that holds data.
    refused = CliRunner().invoke(app, ["db", "restore", str(file)])
    assert refused.exit_code != 0 and "empty database" in refused.output
    source.dispose()
    copy.dispose()


def test_a_cut_off_backup_is_refused_and_nothing_is_written(demo_db: Database, tmp_path: Path) -> None:
    import io

    from computecredit.errors import InputError
    from computecredit.store.backup import dump, load

    out = io.StringIO()
    dump(demo_db, out)
    lines = out.getvalue().splitlines(keepends=True)
    target = Database(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(InputError, match="cut off"):
        load(target, lines[: len(lines) // 2])
    with target.transaction() as session:
        assert audit.verify(session).entries == 0


def _first_uscc(db: Database) -> str:
    from computecredit.store.borrowers import list_borrowers

    with db.transaction() as session:
        return list_borrowers(session)[0].uscc
