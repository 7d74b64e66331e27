"""Migration 0001_core creates the schema of the tables' metadata, identically on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import computecredit.store.tables  # noqa: F401  (registers every table)
from computecredit.store.base import Base
from computecredit.store.database import Database

CORE_TABLES = {
    "banks",
    "borrowers",
    "collateral_items",
    "exposures",
    "facilities",
    "financial_statements",
    "projects",
    "rating_records",
    "statement_lines",
    "users",
}


def test_upgrade_creates_the_metadata_schema(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()
    try:
        assert db.current_revision() is not None
        with db.engine.connect() as conn:
            inspector = sa.inspect(conn)
            assert set(inspector.get_table_names()) >= CORE_TABLES
            for name in CORE_TABLES:
                table = Base.metadata.tables[name]
                reflected = {col["name"]: col for col in inspector.get_columns(name)}
                assert set(reflected) == {col.name for col in table.columns}, name
                for column in table.columns:
                    assert reflected[column.name]["nullable"] == column.nullable, (name, column.name)
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert [d for d in diffs if _is_core(d)] == []
    finally:
        db.dispose()


def test_downgrade_to_base_removes_core_tables(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade("0001_core")
    from alembic import command

    with db.engine.begin() as connection:
        config = db.alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with db.engine.connect() as conn:
        assert not CORE_TABLES & set(sa.inspect(conn).get_table_names())
    db.dispose()


def _is_core(diff: object) -> bool:
    # Later migrations (other teams) may add tables; this test owns only 0001_core's tables.
    text = repr(diff)
    return any(f"'{name}'" in text or f"name='{name}'" in text for name in CORE_TABLES)
