"""``computecredit facility``: limit sizing, structuring and the credit memo."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from rich.table import Table

from computecredit.cli.common import console, print_json, report_errors
from computecredit.errors import InputError
from computecredit.facilities.working_capital import parse_inputs, working_capital_need
from computecredit.money import format_amount

app = typer.Typer(help="Facilities: working-capital need, structuring, credit memo.", no_args_is_help=True)


def read_yaml(path: Path) -> object:
    """Read a YAML file; a missing or unparsable file is bad input naming the file."""
    if not path.is_file():
        raise InputError("file", str(path), "no such file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError("file", str(path), f"not valid YAML: {exc}") from None


@app.command("wc-need")
@report_errors
def wc_need(
    file: Path = typer.Argument(
        ..., help="YAML with revenue, cost_of_sales, profit_margin, growth, avg_* balances..."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Working-capital loan need (流动资金贷款需求量) by the 2010 办法's appendix formula."""
    inputs = parse_inputs(read_yaml(file), source=str(file))
    result = working_capital_need(inputs)
    if as_json:
        print_json(
            {
                "inputs": inputs,
                "turnover": {item.key: item for item in result.turnover},
                "cycle_days": result.cycle_days,
                "turnover_times": result.turnover_times,
                "working_capital_need": result.working_capital_need,
                "funding_available": result.funding_available,
                "new_wc_loan_limit": result.new_wc_loan_limit,
                "days_in_year": result.days_in_year,
                "source": result.source,
            }
        )
        return
    table = Table(title=f"营运资金周转 / working-capital turnover ({result.days_in_year}-day year)")
    for column in ("item", "average balance", "turns on", "times", "days"):
        table.add_column(column, justify="right")
    for item in result.turnover:
        sign = "−" if item.sign < 0 else "+"
        times = "—" if item.times is None else f"{item.times:.4f}"
        table.add_row(
            f"{sign} {item.label_zh} {item.key}",
            format_amount(item.average_balance),
            item.base,
            times,
            f"{item.days:.2f}",
        )
    console.print(table)
    turns = "—" if result.turnover_times is None else f"{result.turnover_times:.4f}"
    console.print(
        f"营运资金周转天数 cycle days: {result.cycle_days:.2f}   营运资金周转次数 turnover times: {turns}"
    )
    console.print(f"营运资金量 working-capital need: {format_amount(result.working_capital_need)}")
    console.print(f"自有资金+现有流贷+其他渠道 funding available: {format_amount(result.funding_available)}")
    console.print(f"[bold]新增流动资金贷款额度 new WC loan limit: {format_amount(result.new_wc_loan_limit)}[/]")
