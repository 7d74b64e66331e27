"""``computecredit audit``: check the hash chain of the audit log, and show its latest entries."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from computecredit.cli.common import EXIT_FAILURE, console, err_console, print_json, report_errors
from computecredit.config import get_settings
from computecredit.services import audit
from computecredit.store.database import Database

app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
@report_errors
def verify(json_output: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Recompute every entry's hash and link; exit 1 at the first entry that was edited, removed or moved."""
    db = Database(get_settings().database_url)
    try:
        with db.transaction() as session:
            report = audit.verify(session)
    finally:
        db.dispose()
    if json_output:
        print_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "broken_seq": report.broken_seq,
                "reason": report.reason,
                "head_hash": report.head_hash,
            }
        )
    elif report.ok:
        console.print(f"[green]audit chain intact[/]: {report.entries} entries, head {report.head_hash[:16]}…")
    else:
        err_console.print(f"[bold red]audit chain broken[/] at entry {report.broken_seq}: {report.reason}")
    if not report.ok:
        raise typer.Exit(EXIT_FAILURE)


@app.command("tail")
@report_errors
def tail(
    limit: int = typer.Option(20, "-n", "--limit", min=1, max=10_000, help="How many entries."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """The latest entries of the audit log, newest first."""
    db = Database(get_settings().database_url)
    try:
        with db.transaction() as session:
            entries = audit.recent(session, limit)
            rows: list[dict[str, Any]] = [
                {
                    "seq": e.seq,
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "entity": f"{e.entity_type} {e.entity_id}",
                    "hash": e.hash,
                }
                for e in entries
            ]
    finally:
        db.dispose()
    if json_output:
        print_json({"entries": rows})
        return
    table = Table("#", "at (UTC)", "actor", "action", "entity", "hash")
    for row in rows:
        table.add_row(
            str(row["seq"]), row["at"][:19], row["actor"], row["action"], row["entity"], row["hash"][:12]
        )
    console.print(table)
