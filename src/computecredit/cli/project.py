"""``computecredit project ...``: evaluate a 智算中心 project from its YAML file.

computecredit project evaluate examples/projects/ningxia_phase1.yaml --simulations 10000 --seed 7 --json
computecredit project evaluate FILE.yaml --report out.html --excel out.xlsx
computecredit project examples
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from computecredit.cli.common import console, print_json, report_errors
from computecredit.errors import InputError
from computecredit.money import format_amount
from computecredit.projects import evaluate as evaluate_project
from computecredit.projects import example_names, example_path
from computecredit.projects.result import ProjectResult

app = typer.Typer(help="Model 智算中心 projects: cash flows, DSCR, debt sizing, Monte Carlo, collateral, green.")


@app.command("evaluate")
@report_errors
def evaluate(
    file: Path = typer.Argument(..., help="project YAML (see docs/projects.md)"),
    simulations: int = typer.Option(10_000, "--simulations", "-n", help="Monte Carlo paths (0 skips it)"),
    seed: int = typer.Option(0, "--seed", help="random seed: the same seed gives the same result"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    report: Path | None = typer.Option(None, "--report", help="write an HTML report here"),
    excel: Path | None = typer.Option(None, "--excel", help="write the period tables to an .xlsx workbook"),
) -> None:
    """Evaluate a project: coverage, returns, debt capacity, sensitivities, simulation, collateral, green."""
    if simulations < 0:
        raise InputError("--simulations", simulations, "must be 0 or more")
    result = evaluate_project(file, simulations=simulations, seed=seed)
    if report is not None:
        from computecredit.projects.report import html_report

        report.write_text(html_report(result), encoding="utf-8")
    if excel is not None:
        from computecredit.projects.excel import excel_workbook

        excel.write_bytes(excel_workbook(result))
    if as_json:
        print_json(result.to_dict())
        return
    _print(result, report, excel)


@app.command("examples")
@report_errors
def examples(as_json: bool = typer.Option(False, "--json", help="print one JSON object")) -> None:
    """List the example projects shipped in examples/projects/."""
    names = {name: str(example_path(name)) for name in example_names()}
    if as_json:
        print_json({"examples": names})
        return
    for name, path in names.items():
        console.print(f"{name}  [dim]{path}[/]")


def _ratio(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}x"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print(result: ProjectResult, report: Path | None, excel: Path | None) -> None:
    m = result.metrics
    table = Table(title=f"{result.inputs.name}", show_header=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("senior debt", format_amount(m["senior_debt"])),
        ("gearing (debt / uses)", _share(m["gearing"])),
        ("min DSCR", _ratio(m["min_dscr"])),
        ("average DSCR", _ratio(m["avg_dscr"])),
        ("LLCR", _ratio(m["llcr"])),
        ("PLCR", _ratio(m["plcr"])),
        ("project IRR", _share(m["project_irr"])),
        ("equity IRR", _share(m["equity_irr"])),
        ("NPV", format_amount(m["npv"])),
        ("payback", "—" if m["payback_years"] is None else f"{m['payback_years']:.1f} years"),
        ("break-even utilisation", _share(result.breakeven_utilization)),
        (
            "break-even price",
            "—" if result.breakeven_price is None else f"{result.breakeven_price:.2f} CNY/card-hour",
        ),
        ("max debt", format_amount(result.max_debt)),
    ]
    if result.simulation is not None:
        s = result.simulation
        rows += [
            (f"p_default ({s.paths:,} paths)", _share(s.p_default)),
            ("annual PD / grade", f"{s.pd_annual:.3%} / {s.grade}"),
            ("expected loss", format_amount(s.expected_loss)),
            ("LGD", _share(s.lgd)),
            ("min DSCR p05", _ratio(s.min_dscr["p05"])),
        ]
    c = result.collateral
    rows += [
        ("GPU max LTV", _ratio(c["max_ltv"])),
        ("GPU haircut", _share(c["recommended_haircut"])),
        ("green-loan eligible", "yes" if result.green.eligible else "no"),
        ("CO2", f"{result.green.annual_co2_t:,.0f} t/year"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    for note in result.warnings:
        console.print(f"[yellow]note:[/] {note}")
    for path in (report, excel):
        if path is not None:
            console.print(f"wrote {path}")
