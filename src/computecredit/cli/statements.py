"""``computecredit statements``: the Excel template, import and export of financial statements."""

from __future__ import annotations

from pathlib import Path

import typer

from computecredit.cli.common import console, print_json, report_errors
from computecredit.cli.db import open_database
from computecredit.services import statements as service

app = typer.Typer(help="Financial statements (财务报表): Excel template, import, export.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON object.")


@app.command()
@report_errors
def template(
    file: Path = typer.Argument(..., help="the .xlsx to write"),
    uscc: str = typer.Option(..., help="the borrower's 统一社会信用代码"),
    years: list[int] = typer.Option(..., "--year", help="fiscal year (repeat for each year)"),
    unit: str = typer.Option("万元", help="unit of the amounts: 元, 千元, 万元, 百万元 or 亿元"),
    as_json: bool = JSON,
) -> None:
    """Write a blank Excel template for one borrower, with zh/en labels, one column per year."""
    service.template(file, uscc, years, unit=unit)
    if as_json:
        print_json({"file": str(file), "uscc": uscc, "years": years, "unit": unit})
    else:
        console.print(f"wrote the template for {uscc} ({', '.join(map(str, years))}) to {file}")


@app.command("import")
@report_errors
def import_(file: Path = typer.Argument(..., help=".csv or .xlsx"), as_json: bool = JSON) -> None:
    """Import statements in one transaction; an unbalanced balance sheet is refused with its gap."""
    db = open_database()
    result = service.import_statements(db, file)
    db.dispose()
    if as_json:
        print_json(result)
    else:
        console.print(
            f"{file.name}: statements {result['statements_created']} new, {result['statements_updated']} updated"
        )


@app.command()
@report_errors
def export(
    file: Path = typer.Argument(..., help=".csv or .xlsx"),
    uscc: str | None = typer.Option(None, help="only this borrower"),
    as_json: bool = JSON,
) -> None:
    """Export stored statements; the file imports back to the same numbers."""
    db = open_database()
    count = service.export_statements(db, file, uscc)
    db.dispose()
    if as_json:
        print_json({"file": str(file), "statements": count})
    else:
        console.print(f"wrote {count} statements to {file}")
