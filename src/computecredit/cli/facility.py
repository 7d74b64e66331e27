"""``computecredit facility``: limit sizing, structuring and the credit memo."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError
from rich.table import Table

from computecredit.cli.common import console, err_console, print_json, report_errors
from computecredit.cli.db import open_database
from computecredit.domain.validation import input_error
from computecredit.errors import InputError
from computecredit.facilities.working_capital import parse_inputs, working_capital_need
from computecredit.money import format_amount, parse_amount

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


DEAL_HELP = (
    "Deal YAML file (see examples/facilities/), or the reference of a stored facility (e.g. PL-2025-NX-001)."
)
OVERRIDE_HELP = (
    "An engine figure the analyst overrides: pd=0.02, limit=2.5亿 or haircut.0=0.35 (collateral item 0)."
)
REASON_HELP = "Why the figures are overridden (required with --override; recorded and shown in the memo)."


def parse_overrides(items: list[str], reason: str | None, analyst: str = "analyst") -> list[Any]:
    """``--override`` options as the analyst's named overrides; each needs ``--reason``.

    >>> [(o.key.value, o.value, o.collateral_index) for o in parse_overrides(["haircut.1=0.3"], "vendor buy-back")]
    [('haircut', Decimal('0.3'), 1)]
    """
    from computecredit.domain.facilities import AnalystOverride

    if items and not (reason and reason.strip()):
        raise InputError("--reason", reason, "an override needs its reason")
    overrides = []
    for item in items:
        name, sep, value = item.partition("=")
        key, _, index = name.partition(".")
        if not sep or key not in ("pd", "limit", "haircut"):
            raise InputError("--override", item, "must be pd=VALUE, limit=AMOUNT or haircut.N=VALUE")
        try:
            amount = parse_amount(value) if key == "limit" else Decimal(value)
            position = int(index) if index else None
        except (ValueError, ArithmeticError):
            raise InputError("--override", item, "the value must be a number") from None
        try:
            overrides.append(AnalystOverride(key=key, value=amount, reason=str(reason), collateral_index=position))
        except ValidationError as exc:
            raise input_error(exc, prefix="--override") from None
    return overrides


@app.command("assess")
@report_errors
def assess_command(
    deal: str = typer.Argument(..., help=DEAL_HELP),
    override: list[str] = typer.Option([], "--override", help=OVERRIDE_HELP),
    reason: str | None = typer.Option(None, "--reason", help=REASON_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Size, structure, price and check a deal; show the binding constraint and the recommendation."""
    from computecredit.services.facilities import assess_deal, summary

    db = open_database()
    try:
        assessment = assess_deal(db, deal, parse_overrides(override, reason))
    finally:
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
        f"limit {format_amount(assessment.limit.limit)}  PD {result['pd']:.2%}  EAD {format_amount(result['ead'])}  "
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
    deal: str = typer.Argument(..., help=DEAL_HELP),
    override: list[str] = typer.Option([], "--override", help=OVERRIDE_HELP),
    reason: str | None = typer.Option(None, "--reason", help=REASON_HELP),
    lang: str = typer.Option("zh", "--lang", help="zh or en."),
    fmt: str = typer.Option("html", "--format", help="html or pdf."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default <id>.memo.<lang>.<format>)."
    ),
) -> None:
    """Write the credit memo (授信审批报告) of a deal as HTML or PDF, in Chinese or English."""
    if lang not in ("zh", "en"):
        raise InputError("--lang", lang, "must be zh or en")
    if fmt not in ("html", "pdf"):
        raise InputError("--format", fmt, "must be html or pdf")
    from computecredit.reports.pdf import RendererUnavailable
    from computecredit.services.facilities import write_memo

    overrides = parse_overrides(override, reason)
    db = open_database()
    try:
        path = write_memo(db, deal, output, lang, fmt, overrides)  # type: ignore[arg-type]
    except RendererUnavailable as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(f"wrote {path}")


def _record(
    kind: str, reference: str, amount_text: str, value_date: str | None, actor: str, as_json: bool
) -> None:
    from datetime import date

    from computecredit.services import facilities as facility_service

    try:
        day = date.fromisoformat(value_date) if value_date else date.today()
    except ValueError:
        raise InputError("--date", value_date, "must be a date YYYY-MM-DD") from None
    amount = parse_amount(amount_text, field="AMOUNT")
    move = facility_service.draw if kind == "drawdown" else facility_service.repay
    db = open_database()
    try:
        with db.transaction() as session:
            exposure = move(session, reference, amount, day, actor)
    finally:
        db.dispose()
    if as_json:
        print_json({"facility": reference, "kind": kind, "amount": amount, "exposure": exposure})
        return
    console.print(
        f"{reference}: {kind} {format_amount(amount)} on {day}; "
        f"drawn {format_amount(exposure.drawn)}, undrawn {format_amount(exposure.undrawn)}"
    )


@app.command("draw")
@report_errors
def draw_command(
    reference: str = typer.Argument(..., help="The stored facility's reference."),
    amount: str = typer.Argument(..., help="Amount drawn, e.g. 5000万."),
    value_date: str | None = typer.Option(None, "--date", help="Value date YYYY-MM-DD (default today)."),
    actor: str = typer.Option("cli", "--actor", help="Who records it (the audit log's actor)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Record a drawdown (放款); refused above the undrawn limit, with nothing written."""
    _record("drawdown", reference, amount, value_date, actor, as_json)


@app.command("repay")
@report_errors
def repay_command(
    reference: str = typer.Argument(..., help="The stored facility's reference."),
    amount: str = typer.Argument(..., help="Amount repaid, e.g. 3500万."),
    value_date: str | None = typer.Option(None, "--date", help="Value date YYYY-MM-DD (default today)."),
    actor: str = typer.Option("cli", "--actor", help="Who records it (the audit log's actor)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Record a repayment (还款); refused above the drawn balance."""
    _record("repayment", reference, amount, value_date, actor, as_json)
