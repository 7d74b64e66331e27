"""Engines, sessions and migrations.

One use case = one transaction: :meth:`Database.transaction` commits everything or nothing.

>>> db = Database("sqlite:///:memory:")
>>> with db.transaction() as session:
...     session.execute(sa.text("select 1")).scalar()
1
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets foreign keys enforced and its parent folder created."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Database:
    """A database at ``url`` with a session factory and Alembic migrations."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back entirely on error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def alembic_config(self) -> Config:

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations up to ``revision`` (the same ones on SQLite and PostgreSQL)."""
        from alembic import command

        with self.engine.begin() as connection:
            config = self.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def current_revision(self) -> str | None:
        from alembic.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def ping(self) -> None:
        """Ask the database a trivial question; raises when it does not answer (health checks)."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def is_empty(self, tables: tuple[str, ...]) -> bool:
        """Whether none of ``tables`` holds a row (a table not created yet counts as empty).

        >>> Database("sqlite:///:memory:").is_empty(("borrowers",))
        True
        """
        with self.engine.connect() as connection:
            present = set(sa.inspect(connection).get_table_names())
            for table in tables:
                if table in present and connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one():
                    return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
