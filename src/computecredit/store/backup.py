"""Backup and restore: every table as JSON lines, the same file for SQLite and PostgreSQL.

A backup is a text file (gzip-compressed when its name ends in ``.gz``): a header line with the format,
the schema revision and the tables in dependency order, then one line per row (``{"table": ..., "row":
{...}}``, parents before children), then a trailer with the row count of each table, so that a cut-off
file is refused. It is read in one transaction (a consistent snapshot: REPEATABLE READ on PostgreSQL,
one read transaction on SQLite), and restored in one transaction into an empty database at the same
schema revision: all rows, or none. Values keep their exact text: decimals as strings, dates and times in
ISO 8601, so the audit chain's hashes still match (``computecredit audit verify``).

>>> import io, tempfile
>>> source = Database(f"sqlite:///{tempfile.mkdtemp()}/a.db"); source.upgrade()
>>> out = io.StringIO(); dump(source, out)["users"]
0
>>> target = Database(f"sqlite:///{tempfile.mkdtemp()}/b.db")
>>> load(target, io.StringIO(out.getvalue()))["users"]
0
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

import sqlalchemy as sa

import computecredit.store.tables  # noqa: F401  (registers every table)
from computecredit.errors import InputError, WorkflowError
from computecredit.store.base import Base
from computecredit.store.database import Database
from computecredit.store.schema import head_revisions

FORMAT = "computecredit-backup"
VERSION = 1
BATCH = 1000


def _tables() -> list[sa.Table]:
    return list(Base.metadata.sorted_tables)  # parents before children


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _decoder(column: sa.Column[Any]) -> Any:
    """How to turn a column's stored JSON value back into what the column takes."""
    kind = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(kind, sa.Date):
        return date.fromisoformat
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode
    return None


def _revision(connection: sa.Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def dump(db: Database, out: IO[str]) -> dict[str, int]:
    """Write the whole database to ``out`` as JSON lines; return the row count of each table."""
    options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"} if db.backend == "postgresql" else {}
    counts: dict[str, int] = {}
    with db.engine.connect().execution_options(**options) as connection, connection.begin():
        tables = _tables()
        header = {"format": FORMAT, "version": VERSION, "revision": _revision(connection)}
        out.write(json.dumps({**header, "tables": [t.name for t in tables]}) + "\n")
        for table in tables:
            counts[table.name] = 0
            key = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*key))
            for row in rows.mappings():
                line = {"table": table.name, "row": {k: _encode(v) for k, v in row.items()}}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                counts[table.name] += 1
    out.write(json.dumps({"end": True, "rows": counts}) + "\n")
    return counts


def load(db: Database, lines: Iterable[str]) -> dict[str, int]:
    """Restore a backup into ``db`` (migrated here to the backup's revision, which must be the latest;
    the database must hold no rows); one transaction. Returns the row count of each table."""
    stream = iter(lines)
    header = _header(next(stream, ""))
    if header["revision"] not in head_revisions(db):
        raise WorkflowError(
            f"the backup is at schema revision {header['revision']}, this version at "
            f"{', '.join(sorted(head_revisions(db)))}: restore it with the version that made it, then upgrade"
        )
    db.upgrade()
    tables = {t.name: t for t in _tables()}
    decoders = {
        name: {c.name: d for c in table.columns if (d := _decoder(c)) is not None}
        for name, table in tables.items()
    }
    counts = dict.fromkeys(tables, 0)
    with db.write_transaction() as session:
        connection = session.connection()
        occupied = [
            name
            for name, table in tables.items()
            if connection.execute(sa.select(table).where(*_unseeded(table)).limit(1)).first()
        ]
        if occupied:
            raise WorkflowError(f"restore needs an empty database; this one has rows in {', '.join(occupied)}")
        for table in tables.values():
            if _unseeded(table):  # the backup brings its own copy of what the migrations wrote
                connection.execute(sa.delete(table))
        pending: list[dict[str, Any]] = []
        current: str | None = None
        trailer: dict[str, Any] | None = None
        for number, text in enumerate(stream, 2):
            item = json.loads(text)
            if item.get("end"):
                trailer = item
                break
            name = item.get("table")
            if name not in tables:
                raise InputError("backup", f"line {number}", f"names no known table ({name!r})")
            if name != current and pending:
                connection.execute(sa.insert(tables[str(current)]), _parents_first(tables[str(current)], pending))
                pending = []
            current = name
            row = item["row"]
            for column, decode in decoders[name].items():
                if row.get(column) is not None:
                    row[column] = decode(row[column])
            pending.append(row)
            counts[name] += 1
            if len(pending) >= BATCH:
                connection.execute(sa.insert(tables[name]), _parents_first(tables[name], pending))
                pending = []
        if pending:
            connection.execute(sa.insert(tables[str(current)]), _parents_first(tables[str(current)], pending))
        if trailer is None or {k: v for k, v in counts.items() if v} != {
            k: v for k, v in trailer["rows"].items() if v
        }:
            raise InputError(
                "backup", "trailer", "is missing or does not match the rows read: the file is cut off"
            )
        if db.backend == "postgresql":
            _advance_sequences(connection, tables.values())
    return counts


def _parents_first(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (a branch's parent branch) each after the row it refers to, so
    the foreign key holds at every insert; rows of other tables as they are."""
    links = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not links:
        return rows
    child, parent = links[0]
    present = {row[parent] for row in rows}
    placed: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    waiting = list(rows)
    while waiting:
        ready = [r for r in waiting if r[child] is None or r[child] in placed or r[child] not in present]
        ready = ready or waiting  # a cycle: insert as is, and let the database refuse it
        ordered += ready
        placed.update(r[parent] for r in ready)
        done = {id(r) for r in ready}
        waiting = [r for r in waiting if id(r) not in done]
    return ordered


# Rows the migrations themselves write (0010_branches: the head office; 0011 and 0012: the tokens), by
# table and key: a new database holds them.
SEEDED = {"branches": ("code", ("HO",)), "data_versions": ("name", ("book", "statements", "access"))}


def _unseeded(table: sa.Table) -> tuple[sa.ColumnElement[bool], ...]:
    """The condition leaving out the rows the migrations wrote to ``table`` (none for most tables)."""
    if table.name not in SEEDED:
        return ()
    column, values = SEEDED[table.name]
    return (table.c[column].not_in(values),)


def _header(text: str) -> dict[str, Any]:
    try:
        header = json.loads(text)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError("backup", text[:40], f"is not a {FORMAT} file")
    if header.get("version") != VERSION:
        raise InputError("backup", header.get("version"), f"format version must be {VERSION}")
    return header


def _advance_sequences(connection: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """PostgreSQL: move each serial id's sequence past the restored ids, so new rows do not collide."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto"
                and isinstance(column.type, sa.Integer)
                and len(table.primary_key) == 1
            ):
                sequence = connection.execute(
                    sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                ).scalar()
                if sequence:
                    connection.execute(
                        sa.text(
                            f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                        ),
                        {"s": sequence},
                    )


@contextmanager
def open_backup(path: Path, mode: str) -> Iterator[IO[str]]:
    """A backup file for reading (``r``) or writing (``w``), gzip when its name ends in ``.gz``."""
    if path.suffix == ".gz":
        handle = cast(IO[str], gzip.open(path, f"{mode}t", encoding="utf-8"))  # noqa: SIM115
    else:
        handle = open(path, mode, encoding="utf-8")  # noqa: SIM115 (closed by the with below)
    with handle:
        yield handle
