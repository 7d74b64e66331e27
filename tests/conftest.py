"""Shared fixtures: real databases (a temporary SQLite file; a fresh PostgreSQL database per session).

The PostgreSQL suite is marked ``postgres``; ``make test`` deselects it loudly when no server answers.
Each test session creates its own PostgreSQL database, so parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    return os.environ.get("COMPUTECREDIT_TEST_DATABASE_URL", DEFAULT_PG)


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server_url: str) -> Iterator[str]:
    """A brand-new PostgreSQL database for this test session, dropped at the end."""
    admin = sa.create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("COMPUTECREDIT_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"no PostgreSQL server: {exc}")
    url = sa.engine.make_url(postgres_server_url).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Run a storage test on both backends: a temp SQLite file and a fresh PostgreSQL database.

    PostgreSQL tests share the session database, so the schema is dropped after each test.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = request.getfixturevalue("postgres_database_url")
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def _demo_bank_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo bank loaded once per test session into a SQLite file (users' password: demo-password)."""
    from computecredit.services.demo import load_demo_bank
    from computecredit.store.database import Database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = Database(f"sqlite:///{path}")
    load_demo_bank(db, password=DEMO_PASSWORD)
    db.dispose()
    return path


DEMO_PASSWORD = "demo-password"


@pytest.fixture
def demo_db(_demo_bank_file: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A migrated SQLite :class:`~computecredit.store.database.Database` holding the demo bank (a fresh copy
    per test, so tests may write). Every demo user's password is ``demo-password``."""
    import shutil

    from computecredit.store.database import Database

    copy = tmp_path / "demo.db"
    shutil.copyfile(_demo_bank_file, copy)
    db = Database(f"sqlite:///{copy}")
    yield db
    db.dispose()
