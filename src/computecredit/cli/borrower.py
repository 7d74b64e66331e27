"""``computecredit borrower``: import borrowers (and statements) from CSV/Excel, list and export them."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import typer
from rich.table import Table

from computecredit.cli.common import console, print_json, report_errors
from computecredit.cli.db import open_database
from computecredit.domain.borrowers import ChainSegment, Hub
from computecredit.domain.labels import LabelledEnum
from computecredit.errors import InputError
from computecredit.money import format_amount
from computecredit.services import borrowers as service

app = typer.Typer(help="Borrowers (借款人): import, list, export.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON object.")


@app.command("import")
@report_errors
def import_(
    file: Path = typer.Argument(..., help="borrowers .csv, statements .csv, or an .xlsx workbook"),
    branch: str | None = typer.Option(
        None,
        "--branch",
        help="Book the borrowers at this branch (code, e.g. BJ) unless their row names one in a branch_code "
        "column; without either, new borrowers go to the head office (HO) and stored ones stay where they are.",
    ),
    as_json: bool = JSON,
) -> None:
    """Import borrowers (and statements) in one transaction: all rows or none."""
    db = open_database()
    result = service.import_file(db, file, branch)
    db.dispose()
    if as_json:
        print_json(result)
        return
    console.print(
        f"{file.name}: borrowers {result['borrowers_created']} new, {result['borrowers_updated']} updated; "
        f"statements {result['statements_created']} new, {result['statements_updated']} updated"
    )


@app.command("list")
@report_errors
def list_(
    segment: str | None = typer.Option(None, help=f"Only this chain segment ({ChainSegment.choices()})."),
    hub: str | None = typer.Option(None, help="Only this compute hub (code, 中文 or English)."),
    search: str | None = typer.Option(
        None, "--search", help="Part of the name (中文/English), the USCC or the stock code (688256, 688256.SH)."
    ),
    lang: str = typer.Option("zh", help="Label language: zh or en."),
    as_json: bool = JSON,
) -> None:
    """List borrowers with segment, hub, size class, stock code and revenue."""
    wanted_segment = _choice(ChainSegment, segment, "segment")
    wanted_hub = _choice(Hub, hub, "hub")
    db = open_database()
    borrowers = [
        b
        for b in service.list_borrowers(db, search)
        if (wanted_segment is None or b.segment is wanted_segment) and (wanted_hub is None or b.hub is wanted_hub)
    ]
    db.dispose()
    if as_json:
        print_json({"count": len(borrowers), "borrowers": [b.model_dump(mode="json") for b in borrowers]})
        return
    zh = lang.startswith("zh")
    table = Table(title=f"{'借款人' if zh else 'Borrowers'} ({len(borrowers)})")
    for header in (
        ("统一社会信用代码", "名称", "股票代码", "环节", "枢纽", "规模", "营业收入")
        if zh
        else ("USCC", "Name", "Stock code", "Segment", "Hub", "Size", "Revenue")
    ):
        table.add_column(header)
    for b in borrowers:
        table.add_row(
            b.uscc,
            b.name_zh if zh else b.name_en,
            b.ticker or "—",
            b.segment.label(lang),
            b.hub.label(lang) if b.hub else "—",
            b.size_class.label(lang),
            format_amount(b.revenue, lang=lang),
        )
    console.print(table)


@app.command()
@report_errors
def show(
    identifier: str = typer.Argument(..., help="统一社会信用代码, or the stock code (688256.SH or 688256)"),
    lang: str = typer.Option("zh", help="Label language: zh or en."),
    as_json: bool = JSON,
) -> None:
    """One borrower with the key lines of its statements, year by year."""
    db = open_database()
    borrower, statements = service.borrower_with_statements(db, identifier)
    db.dispose()
    if as_json:
        print_json(
            {
                "borrower": {**borrower.model_dump(mode="json"), "exchange": borrower.exchange},
                "statements": [s.model_dump(mode="json") for s in statements],
            }
        )
        return
    zh = lang.startswith("zh")
    console.print(f"[bold]{borrower.name_zh if zh else borrower.name_en}[/] {borrower.uscc}")
    facts = [
        (
            borrower.segment.label(lang),
            borrower.hub.label(lang) if borrower.hub else "—",
            borrower.province.label(lang),
        ),
        (
            borrower.ownership.label(lang)
            + (f" {borrower.ticker} ({borrower.exchange})" if borrower.ticker else ""),
            borrower.size_class.label(lang),
            borrower.credentials.specialised_level.label(lang),
        ),
    ]
    for line in facts:
        console.print(" · ".join(line))
    table = Table(title="财务摘要" if zh else "Financial summary")
    for header in (
        ("年度", "营业收入", "净利润", "资产总计", "资产负债率", "审计")
        if zh
        else ("Year", "Revenue", "Net profit", "Total assets", "Liabilities/assets", "Audited")
    ):
        table.add_column(header)
    for s in statements:
        assets = s.yuan("total_assets")
        liabilities = s.yuan("total_liabilities")
        ratio = f"{liabilities / assets:.1%}" if assets and liabilities is not None else "—"
        table.add_row(
            str(s.fiscal_year),
            format_amount(s.yuan("operating_revenue") or 0, lang=lang),
            format_amount(s.yuan("net_profit") or 0, lang=lang),
            format_amount(assets or 0, lang=lang),
            ratio,
            ("是" if s.audited else "否") if zh else ("yes" if s.audited else "no"),
        )
    console.print(table)


@app.command()
@report_errors
def export(
    file: Path = typer.Argument(..., help="target .csv or .xlsx (the import format)"),
    as_json: bool = JSON,
) -> None:
    """Export every borrower in the import format."""
    db = open_database()
    count = service.export_borrowers(db, file)
    db.dispose()
    if as_json:
        print_json({"file": str(file), "borrowers": count})
    else:
        console.print(f"wrote {count} borrowers to {file}")


@app.command()
@report_errors
def rate(
    target: str = typer.Argument(
        ..., help="USCC or stock code of a stored borrower, or a rating request file (.yaml/.json)"
    ),
    factor: list[str] = typer.Option(
        [],
        "--factor",
        help="Factor of the borrower's card as KEY=VALUE (e.g. utilisation=0.72); a ratio factor given here "
        "replaces the statements' value.",
    ),
    user: str = typer.Option("cli", "--user", help="Who rates (stored with the record)."),
    override_grade: str | None = typer.Option(None, "--override-grade", help="Override the model's grade."),
    override_reason: str | None = typer.Option(None, "--override-reason", help="Why (required with an override)."),
    as_json: bool = JSON,
) -> None:
    """Rate a borrower with the compute-chain expert model and explain the grade; stores the rating."""
    from computecredit.domain.ratings import Override
    from computecredit.services import rating as rating_service

    factors = {}
    for item in factor:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError("--factor", item, "must look like KEY=VALUE")
        factors[key.strip()] = _number_or_text(value.strip())
    override = None
    if override_grade is not None:
        override = Override(grade=override_grade, reason=override_reason or "", user=user)
    db = open_database()
    try:
        result = rating_service.rate_borrower(db, target, rated_by=user, factors=factors, override=override)
    finally:
        db.dispose()
    if as_json:
        print_json(result)
        return
    b = result["borrower"]
    console.print(
        f"[bold]{b['name_zh']}[/] ({b['uscc']}, {b['segment']}, {b['size_class']}) FY{result['fiscal_year']}: "
        f"score {result['score']:.1f} → model grade {result['model_grade']} (PD {result['model_pd']:.4%})"
    )
    info = result["information"]
    console.print(f"innovation: {result['innovation']['note']}")
    console.print(
        f"information: {info['completeness']:.0%} of the card's weight present"
        + (f"; best grade reachable {info['cap_grade']}" if info["cap_grade"] else "")
        + (" (the cap applies)" if info["capped"] else "")
        + f" → grade {result['grade']}"
    )
    if result["override"]:
        console.print(
            f"override by {result['override']['user']}: {result['final_grade']} — {result['override']['reason']}"
        )
    for title, key in (("moved it up 上调因素", "moved_up"), ("moved it down 下调因素", "moved_down")):
        table = Table(title=title)
        for col in ("factor", "value", "source", "score", "weight", "contribution"):
            table.add_column(col)
        for row in result[key]:
            table.add_row(
                f"{row['name_zh']} {row['factor']}",
                str(row["value"]),
                str(row["source"]),
                f"{row['score']:.0f}",
                f"{row['weight']:.2f}",
                f"{row['contribution']:+.2f}",
            )
        console.print(table)
    if info["missing_factors"]:
        console.print(
            "missing, left out of the score 缺失因素(不计分): "
            + ", ".join(f"{m['name_zh']} {m['factor']}" for m in info["missing_factors"])
        )
    console.print(
        f"final grade {result['final_grade']}, PD {result['final_pd']:.4%}; "
        + ("stored" if result["stored"] else "not stored (borrower not in the database)")
    )


def _number_or_text(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


E = TypeVar("E", bound=LabelledEnum)


def _choice(enum: type[E], text: str | None, field: str) -> E | None:
    if text is None:
        return None
    found = enum.parse(text)
    if found is None:
        raise InputError(field, text, f"must be one of {enum.choices()}")
    return found
