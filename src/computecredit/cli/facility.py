"""``computecredit facility``: limit sizing, structuring and the credit memo."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml
from rich.table import Table

from computecredit.cli.common import console, err_console, print_json, report_errors
from computecredit.cli.db import open_database
from computecredit.errors import InputError
from computecredit.facilities.working_capital import parse_inputs, working_capital_need
from computecredit.money import format_amount
from computecredit.store.database import Database

# The memo service (matplotlib, Jinja2, the store) is imported inside the commands that use it, so the other
# command groups do not pay for it at start-up.

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
    file: Path | None = typer.Argument(
        None, help="YAML with revenue, cost_of_sales, profit_margin, growth, avg_* balances..."
    ),
    borrower: str | None = typer.Option(
        None,
        "--borrower",
        help="Instead of FILE: a stored borrower's USCC; inputs come from its last two statements.",
    ),
    growth: float | None = typer.Option(
        None, "--growth", help="With --borrower: expected revenue growth (default: last year's, floored at 0)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Working-capital loan need (流动资金贷款需求量) by the 2010 办法's appendix formula."""
    if (file is None) == (borrower is None):
        raise InputError("FILE/--borrower", None, "give either a YAML file or --borrower USCC")
    if file is not None:
        inputs = parse_inputs(read_yaml(file), source=str(file))
    else:
        from computecredit.services.facilities import wc_inputs_for_borrower

        db = open_database()
        try:
            inputs = wc_inputs_for_borrower(db, str(borrower), growth)
        finally:
            db.dispose()
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


def _database_for(proposal: str) -> Database | None:
    """The configured database when ``proposal`` names a stored facility rather than a file."""
    if Path(proposal).is_file() or proposal.endswith((".yaml", ".yml")):
        return None
    return open_database()


PROPOSAL_HELP = "Proposal YAML file, or the reference of a stored facility (e.g. PL-2025-NX-001)."
PD_HELP = "PD to use instead of the borrower's stored rating (a fraction); recorded as the analyst's input."


@app.command("assess")
@report_errors
def assess_command(
    proposal: str = typer.Argument(..., help=PROPOSAL_HELP),
    pd: float | None = typer.Option(None, "--pd", help=PD_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Size, structure, price and check a proposal; show the binding constraint and the recommendation."""
    from computecredit.services.facilities import assess_proposal, summary

    db = _database_for(proposal)
    try:
        assessment = assess_proposal(proposal, db=db, pd=pd)
    finally:
        if db is not None:
            db.dispose()
    result = summary(assessment)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"{assessment.proposal.id}: {result['recommendation']}")
    table.add_column("constraint")
    table.add_column("maximum", justify="right")
    for constraint in assessment.limit.constraints:
        mark = " ← binding" if constraint is assessment.limit.binding else ""
        table.add_row(f"{constraint.basis_zh} / {constraint.basis_en}{mark}", format_amount(constraint.amount))
    console.print(table)
    raroc = "—" if result["raroc"] is None else f"{result['raroc']:.2%}"
    console.print(
        f"limit {format_amount(assessment.limit.limit)}  EAD {format_amount(result['ead'])}  "
        f"LGD {result['lgd']:.2%}  IRB RW {result['irb_risk_weight']:.2%}  RAROC {raroc}"
    )
    for check in assessment.structure.concentration:
        status = "[red]BREACH[/]" if check.breach else "ok"
        console.print(
            f"{check.label_zh} {check.ratio:.2%} of {check.base_name} (limit {check.limit_share:.0%}): {status}"
        )


@app.command("memo")
@report_errors
def memo(
    proposal: str = typer.Argument(..., help=PROPOSAL_HELP),
    pd: float | None = typer.Option(None, "--pd", help=PD_HELP),
    lang: str = typer.Option("zh", "--lang", help="zh or en."),
    fmt: str = typer.Option("html", "--format", help="html or pdf."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default <id>.memo.<lang>.<format>)."
    ),
) -> None:
    """Write the credit memo (授信审批报告) of a proposal as HTML or PDF, in Chinese or English."""
    if lang not in ("zh", "en"):
        raise InputError("--lang", lang, "must be zh or en")
    if fmt not in ("html", "pdf"):
        raise InputError("--format", fmt, "must be html or pdf")
    from computecredit.reports.pdf import RendererUnavailable
    from computecredit.services.facilities import write_memo

    db = _database_for(proposal)
    try:
        path = write_memo(proposal, output, lang, fmt, db=db, pd=pd)  # type: ignore[arg-type]
    except RendererUnavailable as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        if db is not None:
            db.dispose()
    console.print(f"wrote {path}")
