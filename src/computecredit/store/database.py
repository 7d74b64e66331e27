"""Engines, sessions and migrations.

One use case = one transaction: :meth:`Database.transaction` commits everything or nothing.

Several processes may write at once (web workers, the CLI, job workers). On PostgreSQL the audit log's
advisory lock orders them. On SQLite a transaction that reads and then writes fails at once ("database
is locked") if another process committed in between, whatever the busy timeout; so a use case that
writes takes :meth:`Database.write_transaction`, which on SQLite starts with ``BEGIN IMMEDIATE`` (it takes
the single write lock first, waiting up to :data:`SQLITE_BUSY_TIMEOUT_S`). Reads never block (WAL).

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

from computecredit.store import versions

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 60.0
# Any constant works: it names the PostgreSQL advisory lock that lets one process at a time migrate.
_PG_MIGRATION_LOCK = 7_202_502


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets foreign keys enforced and its parent folder created."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # the driver's own BEGIN is deferred; we emit ours
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(connection: sa.Connection) -> None:
            writing = connection.get_execution_options().get("sqlite_immediate", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class ReadOnlyError(RuntimeError):
    """A read transaction (:meth:`Database.read_transaction`) tried to write."""


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(row) for row in session.dirty):
        raise ReadOnlyError("a read transaction may not write; use Database.transaction")


def _refuse_bulk_writes(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlyError("a read transaction may not write; use Database.transaction")


class Database:
    """A database at ``url`` with a session factory and Alembic migrations."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )
        # Reads on PostgreSQL run without BEGIN and COMMIT, two round trips fewer: under READ COMMITTED each
        # statement sees what was committed when it started, inside a transaction or not.
        self._read_sessions = sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.backend == "postgresql"
            else self.engine,
            expire_on_commit=False,
        )
        for factory in (self._sessions, self._write_sessions, self._read_sessions):
            versions.watch(factory)
        sa.event.listen(self._read_sessions, "before_flush", _refuse_writes)
        sa.event.listen(self._read_sessions, "do_orm_execute", _refuse_bulk_writes)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``.

        >>> Database("sqlite:///:memory:").backend
        'sqlite'
        """
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back entirely on error."""
        with self._unit_of_work(self._sessions) as session:
            yield session

    @contextmanager
    def read_transaction(self) -> Iterator[Session]:
        """A session that only reads (a write raises :class:`ReadOnlyError` and nothing is written); each of its
        queries sees what was committed when it started (on PostgreSQL it runs in autocommit mode).

        >>> with Database("sqlite:///:memory:").read_transaction() as session:
        ...     session.execute(sa.text("select 2")).scalar()
        2
        """
        with self._unit_of_work(self._read_sessions) as session:
            yield session

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """A transaction that will write: on SQLite it holds the write lock from its start (module notes)."""
        with self._unit_of_work(self._write_sessions) as session:
            yield session

    @staticmethod
    @contextmanager
    def _unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
        session = factory()
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
            if self.backend == "postgresql":  # several web workers may start at once
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            config = self.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def current_revision(self) -> str | None:
        from alembic.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def fill_pool(self) -> None:
        """Open the pool's connections now, not on the first requests after a start (each new PostgreSQL
        connection starts a server process; two hundred users' first requests paid for ten of them at once)."""
        size = self.engine.pool.size() if isinstance(self.engine.pool, sa.QueuePool) else 1
        connections = [self.engine.connect() for _ in range(size)]
        for connection in connections:
            connection.close()

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
