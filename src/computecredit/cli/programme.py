"""``computecredit programme ...``: the bank's lending programmes, relending quotas and product lines.

computecredit programme list [--as-of 2025-12-31] [--json]
computecredit programme progress AI-CHAIN-2025 [--as-of 2025-12-31] [--json]
computecredit programme report AI-CHAIN-2025 --lang en -o report.pdf
computecredit programme tag AI-CHAIN-2025 FA-2025-104
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import typer
from rich.table import Table

from computecredit.cli.common import console, err_console, print_json, report_errors
from computecredit.cli.db import open_database
from computecredit.errors import InputError
from computecredit.money import format_amount
from computecredit.programmes import Progress

app = typer.Typer(help="Programmes: AI-chain lending programmes, relending quotas, tech-SME product lines.")


def _as_of(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InputError("--as-of", text, "must be a date YYYY-MM-DD") from None


def _overview(results: list[Progress]) -> Table:
    table = Table("code", "kind", "name", "amount", "committed", "share", "pace", "remaining")
    for r in results:
        p = r.programme
        table.add_row(
            p.code,
            p.kind.value,
            p.name_zh,
            format_amount(p.amount),
            format_amount(r.committed),
            f"{r.share_of_target:.1%}",
            "—" if r.pace is None else f"{r.pace:.2f}",
            format_amount(r.remaining),
        )
    return table


@app.command("list")
@report_errors
def list_command(
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date YYYY-MM-DD (default: the bank's reporting date)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Every programme with its amount, what is committed and the pace."""
    from computecredit.services import programmes as service

    db = open_database()
    try:
        results = service.overview(db, _as_of(as_of))
    finally:
        db.dispose()
    if as_json:
        print_json({"programmes": [service.progress_view(r) for r in results]})
        return
    console.print(_overview(results))


@app.command("progress")
@report_errors
def progress_command(
    code: str = typer.Argument(..., help="The programme's code."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date YYYY-MM-DD (default: the bank's reporting date)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """A programme's progress: committed, drawn, remaining, pace, by segment, hub and year, and its risk."""
    from computecredit.services import programmes as service

    db = open_database()
    try:
        result = service.programme_progress(db, code, _as_of(as_of))
    finally:
        db.dispose()
    if as_json:
        print_json(service.progress_view(result))
        return
    console.print(_overview([result]))
    segments = Table("segment", "committed", "drawn", "facilities")
    for s in result.by_segment:
        segments.add_row(s.key, format_amount(s.committed), format_amount(s.drawn), str(s.facilities))
    console.print(segments)
    console.print(
        f"expected loss {format_amount(result.expected_loss)}; NPL {result.npl_count}; "
        f"watch list {result.watch_count}; {result.borrowers} borrowers, {len(result.members)} facilities"
    )


@app.command("report")
@report_errors
def report_command(
    code: str = typer.Argument(..., help="The programme's code."),
    output: Path = typer.Option(..., "--output", "-o", help="Write here: .html or .pdf."),
    lang: str = typer.Option("zh", "--lang", help="zh or en."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date YYYY-MM-DD (default: the bank's reporting date)."
    ),
) -> None:
    """The programme report for the head office or the regulator (HTML or PDF, zh or en)."""
    from computecredit.reports import programme as report
    from computecredit.reports.pdf import RendererUnavailable
    from computecredit.services import programmes as service

    if lang not in ("zh", "en"):
        raise InputError("--lang", lang, "must be zh or en")
    if output.suffix not in (".html", ".pdf"):
        raise InputError("--output", str(output), "must end in .html or .pdf")
    language: Literal["zh", "en"] = "zh" if lang == "zh" else "en"
    db = open_database()
    try:
        result = service.programme_progress(db, code, _as_of(as_of))
    finally:
        db.dispose()
    if output.suffix == ".html":
        output.write_text(report.render_html(result, language), encoding="utf-8")
    else:
        try:
            output.write_bytes(report.render_pdf(result, language))
        except RendererUnavailable as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    console.print(f"wrote {output}")


@app.command("tag")
@report_errors
def tag_command(
    code: str = typer.Argument(..., help="The programme's code."),
    reference: str = typer.Argument(..., help="The booked facility's reference."),
    actor: str = typer.Option("cli", "--actor", help="Who tags it (the audit log's actor)."),
) -> None:
    """Put a booked facility in a programme (its eligibility and the quota are checked)."""
    from computecredit.services import audit
    from computecredit.services import programmes as service

    db = open_database()
    try:
        with audit.write_transaction(db) as session:
            programme = service.tag_facility(session, actor, code, reference)
    finally:
        db.dispose()
    console.print(f"{reference} is in {programme.code} ({programme.name_zh})")
