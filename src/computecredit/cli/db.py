"""``computecredit db``: migrate, back up and restore the database (SQLite by default, PostgreSQL via the URL)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
import typer

from computecredit.cli.common import console, print_json, report_errors
from computecredit.config import get_settings
from computecredit.store.database import Database
from computecredit.store.schema import head_revisions, require_current

app = typer.Typer(
    help="Database: migrate the schema, back up and restore (COMPUTECREDIT_DATABASE_URL).", no_args_is_help=True
)

JSON = typer.Option(False, "--json", help="Print one JSON object.")


def open_database(*, migrated: bool = True) -> Database:
    """The configured database; with ``migrated`` a schema behind the migrations is refused (exit 1)."""
    db = Database(get_settings().database_url)
    if migrated:
        require_current(db)
    return db


def shown_url(db: Database) -> str:
    """The database URL with any password hidden."""
    return sa.engine.make_url(db.url).render_as_string(hide_password=True)


@app.command()
@report_errors
def upgrade(
    revision: str = typer.Option("head", help="Target revision."),
    as_json: bool = JSON,
) -> None:
    """Apply the migrations (the same on SQLite and PostgreSQL)."""
    db = open_database(migrated=False)
    before = db.current_revision()
    db.upgrade(revision)
    after = db.current_revision()
    db.dispose()
    if as_json:
        print_json({"database": shown_url(db), "from_revision": before, "revision": after})
    else:
        console.print(f"database {shown_url(db)}: {before or 'empty'} → [bold]{after}[/]")


@app.command()
@report_errors
def current(as_json: bool = JSON) -> None:
    """Show the schema revision of the database and whether it is up to date."""
    db = open_database(migrated=False)
    revision = db.current_revision()
    heads = sorted(head_revisions(db))
    db.dispose()
    if as_json:
        print_json({"database": shown_url(db), "revision": revision, "heads": heads, "current": revision in heads})
    else:
        state = "up to date" if revision in heads else f"behind (latest: {', '.join(heads)})"
        console.print(f"database {shown_url(db)}: {revision or 'empty'} — {state}")


@app.command()
@report_errors
def backup(
    file: Path = typer.Argument(..., help="Backup file to write (JSON lines; gzip when it ends in .gz)."),
    as_json: bool = JSON,
) -> None:
    """Write the whole database to FILE: one consistent snapshot, restorable on SQLite or PostgreSQL."""
    from computecredit.store.backup import dump, open_backup

    db = open_database()
    partial = file.with_name(f".partial-{file.name}")
    with open_backup(partial, "w") as out:
        counts = dump(db, out)
    partial.replace(file)  # a backup file exists only once it is whole
    db.dispose()
    _report("backup", db, file, counts, as_json)


@app.command()
@report_errors
def restore(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Backup file made by `db backup`."),
    as_json: bool = JSON,
) -> None:
    """Restore FILE into the configured database, which must be empty; all rows or none."""
    from computecredit.store.backup import load, open_backup

    db = open_database(migrated=False)
    with open_backup(file, "r") as lines:
        counts = load(db, lines)
    db.dispose()
    _report("restore", db, file, counts, as_json)


def _report(action: str, db: Database, file: Path, counts: dict[str, int], as_json: bool) -> None:
    if as_json:
        print_json({"action": action, "database": shown_url(db), "file": str(file), "rows": counts})
        return
    busy = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
    console.print(f"{action} {shown_url(db)} ↔ {file}: {sum(counts.values())} rows ({busy})", soft_wrap=True)
