"""``computecredit portfolio``: loss distributions, concentration, migration, stress tests and ECL of a book.

Shell only: read files, call the engines in ``computecredit.portfolio``, print Rich tables or one JSON object.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.table import Table

from computecredit.cli.common import console, err_console, print_json, report_errors
from computecredit.errors import InputError
from computecredit.money import format_amount
from computecredit.portfolio.concentration import concentration as book_concentration
from computecredit.portfolio.inputs import FactorModel, load_factor_model, load_portfolio_csv
from computecredit.portfolio.mc import dask_mapper
from computecredit.portfolio.risk import METHODS, portfolio_risk
from computecredit.reference import version as reference_version

app = typer.Typer(help="Portfolio credit risk: loss distribution, concentration, migration, stress, ECL.")


def _amount(value: float | None) -> str:
    from decimal import Decimal

    return "—" if value is None else format_amount(Decimal(str(round(value, 2))))


@contextmanager
def _scheduler(address: str | None, timeout: float = 20.0):
    """A Dask mapper on the cluster at ``address`` (closed afterwards), or None for the local thread pool."""
    if address is None:
        yield None
        return
    from distributed import Client

    try:
        client = Client(address, timeout=f"{timeout}s")
    except OSError as exc:
        raise InputError("scheduler", address, f"no Dask scheduler answers there: {exc}") from None
    try:
        yield dask_mapper(client)
    finally:
        client.close()


def _load_limits(path: Path | None) -> dict[str, dict[str, float]] | None:
    if path is None:
        return None
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict):
        raise InputError("(file)", path.name, "limits must map a dimension to {name: amount}", source=path.name)
    return {str(dim): {str(k): float(v) for k, v in (values or {}).items()} for dim, values in document.items()}


@app.command("risk")
@report_errors
def risk(
    book: Path = typer.Argument(
        ..., help="Book CSV: obligor_id, group_id, sector, region, ead, pd, lgd, maturity."
    ),
    method: str = typer.Option("vasicek", "--method", help="vasicek | pykhtin | mc | creditriskplus."),
    rho: float | None = typer.Option(None, "--rho", help="One common factor with this asset correlation."),
    factors: Path | None = typer.Option(None, "--factors", help="Factor model YAML (sectors, correlation)."),
    confidence: float = typer.Option(0.999, "--confidence", help="Quantile level of VaR and ES."),
    simulations: int | None = typer.Option(None, "--simulations", help="mc: scenarios (first round)."),
    target_error: float | None = typer.Option(
        None, "--target-error", help="mc: stop when the relative s.e. of VaR (valid for lumpy losses) is ≤ this."
    ),
    seed: int = typer.Option(0, "--seed", help="mc: random seed (same seed, same answer)."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="mc: Dask scheduler address, e.g. tcp://h:8786."
    ),
    scheduler_timeout: float = typer.Option(
        20.0, "--scheduler-timeout", help="mc: seconds to reach the scheduler."
    ),
    workers: int | None = typer.Option(None, "--workers", help="mc: local threads (default: all cores)."),
    backend: str = typer.Option("auto", "--backend", help="mc: auto | numpy | cupy."),
    loss_unit: float | None = typer.Option(None, "--loss-unit", help="creditriskplus: loss unit in 元."),
    tier1_capital: float | None = typer.Option(None, "--tier1-capital", help="Tier-1 capital (元) for limit use."),
    net_capital: float | None = typer.Option(None, "--net-capital", help="Net capital (元) for limit use."),
    limits: Path | None = typer.Option(None, "--limits", help="YAML {dimension: {name: limit in 元}}."),
    top: int = typer.Option(10, "--top", help="Largest contributors to list per dimension."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Loss distribution of a book: EL, UL, VaR, ES, Euler ES contributions and concentration."""
    if method not in METHODS:
        raise InputError("method", method, f"must be one of {', '.join(METHODS)}")
    portfolio = load_portfolio_csv(book)
    model: FactorModel | None = load_factor_model(factors) if factors is not None else None
    if method == "creditriskplus" and model is None:
        raise InputError("factors", None, "creditriskplus needs --factors with a volatility per sector")
    with _scheduler(scheduler, scheduler_timeout) as mapper:
        options: dict[str, Any] = {"confidence": confidence, "seed": seed, "backend": backend}
        if method == "mc":
            options.update(simulations=simulations, target_error=target_error, workers=workers)
            options["mapper"] = mapper
            if not as_json:
                options["progress"] = lambda done, error: err_console.print(
                    f"simulated {done:,} scenarios; relative s.e. of VaR {error:.2%}", highlight=False
                )
        if method == "creditriskplus":
            options["loss_unit"] = loss_unit
        result = portfolio_risk(portfolio, method, factors=model, rho=rho, **options)
    concentration = book_concentration(
        portfolio, tier1_capital=tier1_capital, net_capital=net_capital, limits=_load_limits(limits)
    )
    payload = result.as_dict(top=top)
    payload["reference_versions"]["regulatory_parameters.yaml"] = reference_version("regulatory_parameters.yaml")
    payload["book"] = {"source": portfolio.source, "exposures": portfolio.n, "ead": float(portfolio.ead.sum())}
    payload["concentration"] = concentration
    if as_json:
        print_json(payload)
        return
    _print_risk(payload)


def _print_risk(payload: dict[str, Any]) -> None:
    table = Table(title=f"Loss distribution ({payload['method']}, {payload['confidence']:.2%})")
    table.add_column("measure")
    table.add_column("amount", justify="right")
    for key in ("expected_loss", "unexpected_loss", "var", "es"):
        table.add_row(key, _amount(payload[key]))
    if "var_std_error" in payload:
        relative = payload["var_relative_std_error"]
        table.add_row(
            "var_std_error",
            f"{_amount(payload['var_std_error'])} ({'—' if relative is None else f'{relative:.2%}'})",
        )
        low, high = payload["var_interval_95"]
        table.add_row("var 95% interval", f"{_amount(low)} – {_amount(high)}")
        table.add_row("es_std_error", _amount(payload["es_std_error"]))
        table.add_row("ul_std_error", _amount(payload.get("ul_std_error")))
        table.add_row("simulations", str(payload["simulations"]))
    console.print(table)
    for dim in ("sector", "group", "obligor"):
        contrib = Table(title=f"ES contributions by {dim}")
        contrib.add_column(dim)
        contrib.add_column("ES contribution", justify="right")
        contrib.add_column("share", justify="right")
        for label, value in payload["contributions"][dim].items():
            contrib.add_row(label, _amount(value), f"{value / payload['es']:.1%}" if payload["es"] else "—")
        console.print(contrib)
    _print_concentration(payload["concentration"])


def _print_concentration(concentration: dict[str, Any]) -> None:
    table = Table(title="Concentration (by EAD)")
    for column in ("dimension", "count", "HHI", "effective n", "top 1", "top 5", "top 10", "Gini"):
        table.add_column(column, justify="right")
    for dim, c in concentration.items():
        table.add_row(
            dim,
            str(c["count"]),
            f"{c['hhi']:.4f}",
            f"{c['effective_number']:.1f}",
            f"{c['top_1']:.1%}",
            f"{c['top_5']:.1%}",
            f"{c['top_10']:.1%}",
            f"{c['gini']:.3f}",
        )
    console.print(table)
    breaches = [(dim, row) for dim, c in concentration.items() for row in c["largest"] if row.get("breach")]
    for dim, row in breaches:
        err_console.print(f"[yellow]limit breach:[/] {dim} {row['name']}: {row['limit_use']}")


@app.command("concentration")
@report_errors
def concentration(
    book: Path = typer.Argument(..., help="Book CSV."),
    tier1_capital: float | None = typer.Option(None, "--tier1-capital", help="Tier-1 capital (元)."),
    net_capital: float | None = typer.Option(None, "--net-capital", help="Net capital (元)."),
    limits: Path | None = typer.Option(None, "--limits", help="YAML {dimension: {name: limit in 元}}."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """HHI, top-N shares, Gini and limit use by name, group, sector, region and hub."""
    portfolio = load_portfolio_csv(book)
    result = book_concentration(
        portfolio, tier1_capital=tier1_capital, net_capital=net_capital, limits=_load_limits(limits)
    )
    if as_json:
        print_json(result)
        return
    _print_concentration(result)


__all__ = ["app"]


def _read_table(path: Path | None) -> Any:
    import pandas as pd

    if path is None:
        return None
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    return pd.read_csv(path, dtype={"obligor_id": str})


@app.command("migration")
@report_errors
def migration(
    instruments: Path = typer.Argument(
        ..., help="CSV: instrument_id, obligor_id, rating, face, coupon, maturity_years, seniority."
    ),
    transitions: Path = typer.Option(..., "--transitions", help="CSV: 'from' and one column per rating incl. D."),
    curves: Path = typer.Option(..., "--curves", help="CSV: rating, year_1, year_2, … (forward zero rates)."),
    recovery: Path = typer.Option(..., "--recovery", help="YAML: seniority → {mean, std}."),
    asset_correlation: float = typer.Option(0.0, "--asset-correlation", help="Pairwise asset correlation ρ."),
    correlation: Path | None = typer.Option(
        None, "--correlation", help="CSV: obligor_id + one column per obligor (asset correlation matrix)."
    ),
    loadings: Path | None = typer.Option(
        None, "--loadings", help="CSV: obligor_id + one column per factor (independent factors, Σ² < 1)."
    ),
    confidence: float = typer.Option(0.99, "--confidence", help="value_quantile is at 1 − confidence."),
    method: str = typer.Option("auto", "--method", help="auto | exact | simulation."),
    simulations: int = typer.Option(100_000, "--simulations", help="Scenarios when simulating."),
    seed: int = typer.Option(0, "--seed", help="Random seed when simulating."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """CreditMetrics value distribution at the one-year horizon: mean, std and the 1 − Q value quantile."""
    import pandas as pd

    from computecredit.portfolio.migration import load_curves, load_recovery, load_transitions, migration_risk

    if not instruments.exists():
        raise FileNotFoundError(f"no such file: {instruments}")
    result = migration_risk(
        pd.read_csv(instruments, dtype={"instrument_id": str, "obligor_id": str, "rating": str}),
        load_transitions(transitions),
        load_curves(curves),
        load_recovery(recovery),
        asset_correlation=asset_correlation,
        confidence=confidence,
        method=method,
        simulations=simulations,
        seed=seed,
        source=instruments.name,
        correlation=_read_table(correlation),
        loadings=_read_table(loadings),
    )
    from computecredit.portfolio.results import MODEL_VERSION

    payload = {**result.summary(), "model_version": MODEL_VERSION}
    if as_json:
        print_json(payload)
        return
    table = Table(title=f"Value at the one-year horizon ({result.method})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in ("mean_value", "std_value", "value_quantile", "credit_var"):
        table.add_row(key, f"{payload[key]:,.2f}")
    console.print(table)


@app.command("stress")
@report_errors
def stress(
    book: Path = typer.Argument(..., help="Book CSV."),
    rho: float | None = typer.Option(None, "--rho", help="One common factor with this asset correlation."),
    factors: Path | None = typer.Option(None, "--factors", help="Factor model YAML."),
    scenarios: Path | None = typer.Option(
        None, "--scenarios", help="Scenario YAML (default: the bundled library)."
    ),
    only: list[str] = typer.Option([], "--scenario", help="Run only this scenario (repeatable)."),
    method: str = typer.Option(
        "vasicek", "--method", help="Loss engine for VaR: vasicek | pykhtin | mc | creditriskplus."
    ),
    confidence: float = typer.Option(0.999, "--confidence", help="Quantile level of VaR."),
    simulations: int | None = typer.Option(None, "--simulations", help="mc: scenarios."),
    seed: int = typer.Option(0, "--seed", help="mc: random seed."),
    bank_capital: float | None = typer.Option(None, "--bank-capital", help="Bank's total capital (元)."),
    bank_rwa: float | None = typer.Option(None, "--bank-rwa", help="Bank's total RWA (元)."),
    worst: int = typer.Option(5, "--worst", help="Worst names to list per scenario."),
    project: list[str] = typer.Option(
        [], "--project", help="OBLIGOR_ID=PROJECT.yaml: re-run the project engine for this obligor (repeatable)."
    ),
    project_simulations: int = typer.Option(2000, "--project-simulations", help="Paths per project re-run."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Compute-industry stress scenarios: EL, VaR, capital and capital-ratio impact, worst names."""
    from computecredit.portfolio.risk import resolve_factor_model
    from computecredit.portfolio.stress import load_scenarios, project_pd_hook, run_stress

    portfolio = load_portfolio_csv(book)
    project_files: dict[str, Path] = {}
    for item in project:
        obligor, _, path = item.partition("=")
        if not path or obligor not in set(portfolio.obligor_id):
            raise InputError("project", item, "must be OBLIGOR_ID=PROJECT.yaml with an obligor of the book")
        project_files[obligor] = Path(path)
    hook = project_pd_hook(project_files, simulations=project_simulations, seed=seed) if project_files else None
    model = resolve_factor_model(portfolio, load_factor_model(factors) if factors else None, rho)
    options: dict[str, Any] = {"confidence": confidence, "seed": seed}
    if method == "mc":
        options["simulations"] = simulations
    base, outcomes = run_stress(
        portfolio,
        model,
        load_scenarios(scenarios),
        method=method,
        scenarios=list(only) or None,
        bank_capital=bank_capital,
        bank_rwa=bank_rwa,
        worst=worst,
        project_pd=hook,
        **options,
    )
    from computecredit.portfolio.results import provenance

    tables = ["regulatory_parameters.yaml"] + ([] if scenarios else ["portfolio_stress_scenarios.yaml"])
    payload = {
        "method": method,
        "confidence": confidence,
        "baseline": base,
        "scenarios": outcomes,
        **provenance(*tables),
    }
    if as_json:
        print_json(payload)
        return
    table = Table(title=f"Stress tests ({method}, VaR {confidence:.2%})")
    for column in ("scenario", "EL", "ΔEL", "VaR", "ΔVaR", "capital", "Δcapital", "ratio impact", "worst name"):
        table.add_column(column, justify="right")
    table.add_row(
        "baseline",
        _amount(base["expected_loss"]),
        "",
        _amount(base["var"]),
        "",
        _amount(base["capital"]),
        "",
        "",
        "",
    )
    for o in outcomes:
        table.add_row(
            o.name_zh,
            _amount(o.expected_loss),
            _amount(o.delta_expected_loss),
            _amount(o.var),
            _amount(o.delta_var),
            _amount(o.capital),
            _amount(o.delta_capital),
            "—" if o.capital_ratio_impact is None else f"{o.capital_ratio_impact * 100:+.2f} pt",
            o.worst_names[0]["obligor_id"] if o.worst_names else "",
        )
    console.print(table)


@app.command("ecl")
@report_errors
def ecl(
    book: Path = typer.Argument(
        ...,
        help="Book CSV; optional days_past_due, origination_pd, rating, five_category, amortisation, eir, "
        "frequency, schedule.",
    ),
    scenarios: Path | None = typer.Option(None, "--scenarios", help="Macro scenarios YAML (weights sum to 1)."),
    transitions: Path | None = typer.Option(None, "--transitions", help="One-year transition matrix CSV."),
    sicr_ratio: float = typer.Option(2.0, "--sicr-ratio", help="Stage 2 when PD ≥ this × origination PD…"),
    sicr_absolute: float = typer.Option(0.005, "--sicr-absolute", help="…and PD − origination PD ≥ this."),
    pd_curve: Path | None = typer.Option(
        None, "--pd-curve", help="CSV: obligor_id or rating, year, cumulative_pd (default: from the matrix)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """IFRS 9 / CAS 22 expected credit loss: stages, 12-month and lifetime ECL, weighted macro scenarios.

    Loans amortise per the book's optional amortisation, eir, frequency and schedule columns."""
    from computecredit.portfolio.ecl import BASE_ONLY, expected_credit_loss, load_macro_scenarios, load_pd_curves
    from computecredit.portfolio.migration import load_transitions

    portfolio = load_portfolio_csv(book)
    result = expected_credit_loss(
        portfolio,
        scenarios=load_macro_scenarios(scenarios) if scenarios else BASE_ONLY,
        transitions=load_transitions(transitions) if transitions else None,
        sicr_ratio=sicr_ratio,
        sicr_absolute=sicr_absolute,
        pd_curves=load_pd_curves(pd_curve) if pd_curve else None,
    )
    if as_json:
        print_json({**result.summary(), "rows": result.rows})
        return
    table = Table(title="Expected credit loss")
    for column in ("stage", "count", "EAD", "ECL", "coverage"):
        table.add_column(column, justify="right")
    for stage, figures in sorted(result.by_stage.items()):
        coverage = figures["ecl"] / figures["ead"] if figures["ead"] else 0.0
        table.add_row(
            str(stage), str(figures["count"]), _amount(figures["ead"]), _amount(figures["ecl"]), f"{coverage:.2%}"
        )
    console.print(table)
    console.print(f"ECL total: {_amount(result.total)}")


@app.command("export-book")
@report_errors
def export_book(
    out: Path = typer.Argument(..., help="CSV to write (the book format every portfolio command reads)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Latest exposures on or before this date (YYYY-MM-DD)."
    ),
    missing_pd: float | None = typer.Option(None, "--missing-pd", help="PD for borrowers without a rating."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Write the bank's book from the database as a CSV: per facility the EAD, LGD and PD the facilities
    engine gives it as booked (`facility assess REF` shows the same)."""
    from datetime import date

    from computecredit.config import get_settings
    from computecredit.services.portfolio import book_from_store
    from computecredit.store.database import Database

    day = None
    if as_of is not None:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise InputError("--as-of", as_of, "must be a date YYYY-MM-DD") from None
    db = Database(get_settings().database_url)
    try:
        db.upgrade()
        book = book_from_store(db, as_of=day, missing_pd=missing_pd)
    finally:
        db.dispose()
    book.frame().to_csv(out, index=False)
    total = float(book.ead.sum())
    obligors = book.obligors().n
    if as_json:
        print_json({"path": str(out), "exposures": book.n, "obligors": obligors, "ead": total})
        return
    console.print(f"wrote {book.n} exposures of {obligors} obligors ({_amount(total)}) to {out}")
