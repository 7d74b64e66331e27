"""``computecredit monitor``: ingest periodic data, run the early-warning rules, list open alerts.

computecredit monitor ingest payments_2026-01.csv
computecredit monitor run --as-of 2026-01-31 [--json] [--webhook URL] [--rules FILE]
computecredit monitor alerts [--owner NAME] [--json]
computecredit monitor load-demo
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from computecredit.cli.common import console, err_console, print_json, report_errors
from computecredit.config import get_settings
from computecredit.errors import InputError
from computecredit.services import demo
from computecredit.services import monitoring as service
from computecredit.store.database import Database

app = typer.Typer(help="Post-loan monitoring (贷后管理): periodic data, early warnings, 五级分类, alerts.")


def _database() -> Database:
    db = Database(get_settings().database_url)
    db.upgrade()
    return db


def _date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("--as-of", text, "must be a date YYYY-MM-DD") from None


@app.command()
@report_errors
def ingest(
    file: Path = typer.Argument(
        ..., help="CSV or YAML file: operating_reports*, payments*, market*, events*, statements*"
    ),
    kind: str | None = typer.Option(
        None, help=f"record kind ({', '.join(service.KINDS)}); default: from the file name"
    ),
    actor: str = typer.Option("cli", help="Who is acting (recorded in the audit log)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Validate a periodic data file and store every row, or none (a bad row is named with its field)."""
    report = service.ingest_file(_database(), file, kind, actor=actor)
    if json_output:
        print_json(report)
        return
    console.print(
        f"{report.source}: {report.rows} {report.kind} rows stored ({report.inserted} new, {report.replaced} replaced)"
    )


@app.command()
@report_errors
def run(
    as_of: str | None = typer.Option(None, "--as-of", help="Monitoring date YYYY-MM-DD (default: today)."),
    rules: Path | None = typer.Option(None, help="A rule table (YAML) instead of the bundled one."),
    webhook: str | None = typer.Option(None, help="POST new alerts as JSON to this URL."),
    actor: str = typer.Option("cli", help="Who is acting (recorded in the audit log)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Evaluate all rules on the stored book: signals, covenant breaches, classification changes, alerts."""
    rule_set = service.rules_from_file(rules) if rules else None
    outcome = service.run_monitoring(_database(), _date(as_of), rule_set, webhook, actor=actor)
    if outcome.webhook_error:
        err_console.print(f"[yellow]warning:[/] {outcome.webhook_error}", highlight=False)
    if json_output:
        payload = outcome.as_dict()
        payload["webhook_delivered"] = outcome.delivered
        print_json(payload)
        return
    result = outcome.result
    table = Table(title=f"Early-warning signals 预警信号 on {result.as_of}")
    for column in ("borrower", "rule", "severity", "evidence"):
        table.add_column(column)
    for s in result.signals:
        table.add_row(s.borrower_uscc, s.rule_id, s.severity, s.evidence_en)
    console.print(table)
    watch = Table(title="Watch list 关注名单")
    for column in ("borrower", "points", "worst class", "review"):
        watch.add_column(column)
    for w in result.watch_list:
        watch.add_row(
            w.borrower_uscc, str(w.points), f"{w.worst_class.zh} {w.worst_class.en}", "yes" if w.review else ""
        )
    console.print(watch)
    changes = Table(title="Classification changes 五级分类变动")
    for column in ("facility", "from", "to", "ECL stage", "articles"):
        changes.add_column(column)
    for c in result.changes:
        changes.add_row(
            c.facility_reference,
            c.previous.zh if c.previous else "-",
            c.category.zh,
            str(c.ecl_stage),
            ", ".join(sorted({article for article, _ in c.reasons})),
        )
    console.print(changes)
    console.print(
        f"{len(result.signals)} signals, {len(result.watch_list)} on the watch list, {len(result.reviews)} rating "
        f"reviews, {len(result.changes)} classification changes, {len(outcome.new_alerts)} new alerts"
        + (f" ({outcome.delivered} delivered)" if webhook else "")
    )


@app.command()
@report_errors
def alerts(
    owner: str | None = typer.Option(None, help="Only this owner's alerts."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Open alerts with owner and due date, most urgent first."""
    found = service.open_alerts(_database(), owner)
    if json_output:
        print_json({"alerts": found})
        return
    table = Table(title="Open alerts 待处理预警")
    for column in ("due", "owner", "severity", "borrower", "alert"):
        table.add_column(column)
    for a in found:
        table.add_row(a["due_date"], a["owner"], a["severity"], a["borrower_uscc"], a["title_zh"])
    console.print(table)


@app.command("load-demo")
@report_errors
def load_demo(json_output: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Store the demo monitoring history (monthly 2025-01 to 2026-06), after the demo bank if the book is empty."""
    db = _database()
    users: list[dict[str, str]] = []
    if demo.is_empty(db):
        loaded = demo.load_demo_bank(db)  # loads the monitoring history too
        rows = loaded["monitoring_rows"]
        users = loaded["users"]
    else:
        rows = {report.kind: report.rows for report in service.load_demo_history(db)}
    if json_output:
        print_json({"rows": rows, "users": users})
        return
    for user in users:
        console.print(f"demo user {user['username']}: one-time password {user['password']}", highlight=False)
    for kind, count in rows.items():
        console.print(f"{kind}: {count} rows")
