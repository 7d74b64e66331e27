"""``computecredit capital``: regulatory capital figures (IRB function, standardised weights, CCFs)."""

from __future__ import annotations

import typer
from rich.table import Table

from computecredit.cli.common import console, print_json, report_errors
from computecredit.facilities.capital import (
    ccf_items,
    credit_conversion_factor,
    exposure_classes,
    irb_capital,
    standardised_risk_weight,
)
from computecredit.money import parse_amount

app = typer.Typer(
    help="Regulatory capital: IRB corporate function, standardised risk weights, CCFs.", no_args_is_help=True
)


@app.command("irb")
@report_errors
def irb(
    pd: float = typer.Option(..., "--pd", help="Probability of default, a fraction (0.01 = 1%)."),
    lgd: float = typer.Option(..., "--lgd", help="Loss given default, a fraction."),
    maturity: float = typer.Option(..., "--maturity", help="Effective maturity M in years, 1 to 5."),
    sales: str | None = typer.Option(
        None, "--sales", help="Annual sales (元, or with a unit: 1.5亿) for the SME adjustment."
    ),
    pd_floor: float | None = typer.Option(
        None,
        "--pd-floor",
        help="PD floor, a fraction (default: the corporate 0.05% of the 2023 rules; 0.0003 = Basel II).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """IRB corporate capital requirement K per unit of EAD and risk weight 12.5·K (no 1.06 factor).

    The PD is floored (``pd`` in the output is the floored PD, ``pd_estimate`` the one given)."""
    amount = parse_amount(sales, field="sales") if sales is not None else None
    result = irb_capital(pd=pd, lgd=lgd, maturity=maturity, sales=amount, pd_floor=pd_floor)
    if as_json:
        print_json(result)
        return
    table = Table(title="IRB corporate capital (Basel II ¶272–273; 资本管理办法 2023 IRB annex)")
    table.add_column("term")
    table.add_column("value", justify="right")
    for name, value in (
        ("PD given", f"{result.pd_estimate:.4%}"),
        ("PD floor", f"{result.pd_floor:.4%}"),
        ("PD used (floored)", f"{result.pd:.4%}"),
        ("LGD", f"{lgd:.2%}"),
        ("M (years)", f"{maturity:g}"),
        ("correlation R", f"{result.correlation:.6f}"),
        ("SME reduction of R", f"{result.sme_adjustment:.6f}"),
        ("maturity adjustment b", f"{result.maturity_adjustment:.6f}"),
        ("K", f"{result.k:.6f}"),
        ("risk weight (12.5·K)", f"{result.risk_weight:.2%}"),
    ):
        table.add_row(name, value)
    console.print(table)


@app.command("risk-weight")
@report_errors
def risk_weight(
    exposure_class: str | None = typer.Argument(None, help="Exposure class key; omit to list them all."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Standardised (权重法) risk weights of the 2023 capital rules, with article and source."""
    entries = [standardised_risk_weight(k) for k in ([exposure_class] if exposure_class else exposure_classes())]
    _show(entries, "risk weight", as_json)


@app.command("ccf")
@report_errors
def ccf(
    item: str | None = typer.Argument(None, help="Off-balance-sheet item key; omit to list them all."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Credit conversion factors of the 2023 capital rules, with article and source."""
    entries = [credit_conversion_factor(k) for k in ([item] if item else ccf_items())]
    _show(entries, "CCF", as_json)


def _show(entries: list, heading: str, as_json: bool) -> None:
    if as_json:
        print_json({"entries": entries})
        return
    table = Table()
    for column in ("key", heading, "中文", "article", "verified"):
        table.add_column(column)
    for e in entries:
        table.add_row(e.key, f"{e.value:.0%}", e.label_zh, e.article, e.verified)
    console.print(table)
