"""Stress tests of a compute book: scenarios as data, transmitted to PDs and LGDs by sector sensitivities.

A scenario moves risk drivers (GPU rental prices, merchant utilisation, export controls, electricity, AI
demand) and may default named obligors. Each sector's systematic factor moves adversely by
Δ_s = Σ_d sensitivity[s][d]·driver_d standard deviations: the factor's distribution is shifted by −Δ_s
(it stays random), so in the one-factor Gaussian model each PD in the sector becomes
PD' = Φ(Φ⁻¹(PD) + √ρ_s·Δ_s), which is the PD itself when Δ_s = 0. LGDs rise by the LGD sensitivities. The library is ``reference/data/portfolio_stress_scenarios.yaml``.

Project loans can be re-valued by the project engine instead: pass ``project_pd``, a function that gets
the scenario and the book and returns stressed PDs by obligor id; they replace the sector-transmitted PDs
of those obligors. :func:`project_pd_hook` builds one that re-runs ``computecredit.projects`` (cash flows
and Monte Carlo) on each project's inputs with the scenario applied: merchant GPU prices scaled by the
rental-price driver, utilisation shifted by the utilisation driver, the electricity tariff scaled, and the
offtake contracts of defaulted customers dropped; the stressed PD is the simulation's annual PD.

>>> library = load_scenarios()
>>> sorted(library.scenarios)[:2]
['ai_demand_slowdown', 'electricity_up_30pct']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.special import ndtr, ndtri

from computecredit import reference
from computecredit.errors import InputError
from computecredit.facilities.capital import effective_maturity, irb_terms
from computecredit.portfolio.inputs import FactorModel, Portfolio
from computecredit.portfolio.risk import loss_result

SCENARIO_TABLE = "portfolio_stress_scenarios.yaml"
DRIVERS = ("gpu_rental_price", "merchant_utilisation", "electricity_price", "export_controls", "ai_demand")

ProjectPdHook = Callable[["StressScenario", Portfolio], Mapping[str, float]]


@dataclass(frozen=True)
class StressScenario:
    key: str
    name_zh: str
    name_en: str
    drivers: dict[str, float]
    default_obligors: tuple[str, ...] = ()
    default_largest_in_sector: str | None = None


@dataclass(frozen=True)
class ScenarioLibrary:
    """Scenarios plus the sector sensitivities that transmit them."""

    scenarios: dict[str, StressScenario]
    sensitivities: dict[str, dict[str, float]]
    lgd_sensitivities: dict[str, dict[str, float]]
    source: str | None = None
    sector_aliases: dict[str, str] = field(default_factory=dict)

    def stress_sector(self, sector: str) -> str:
        """The library's sector for a book's sector: itself, or its alias (the platform's chain segments)."""
        return sector if sector in self.sensitivities else self.sector_aliases.get(sector, sector)

    def check_sectors(self, sectors: Any, source: str | None = None) -> None:
        """Refuse a book sector the library cannot stress: it would silently come out unstressed."""
        for row, sector in enumerate(sectors):
            if self.stress_sector(str(sector)) not in self.sensitivities:
                known = sorted(set(self.sensitivities) | set(self.sector_aliases))
                raise InputError(
                    "sector",
                    sector,
                    f"has no stress sensitivities; known: {', '.join(known)}",
                    source=source,
                    row=row + 1,
                )

    def factor_move(self, sector: str, scenario: StressScenario) -> float:
        """Adverse move of the sector factor, in standard deviations."""
        row = self.sensitivities.get(self.stress_sector(sector), {})
        return float(sum(row.get(d, 0.0) * x for d, x in scenario.drivers.items()))

    def lgd_add(self, sector: str, scenario: StressScenario) -> float:
        row = self.lgd_sensitivities.get(self.stress_sector(sector), {})
        return float(sum(row.get(d, 0.0) * x for d, x in scenario.drivers.items()))


def scenario_library_from_mapping(document: Any, source: str | None = None) -> ScenarioLibrary:
    """Validate a scenario document (see the bundled YAML for the layout)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("scenarios"), Mapping):
        raise InputError("scenarios", None, "needs a 'scenarios' mapping", source=source)

    def numbers(table: Any, path: str) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for sector, row in (table or {}).items():
            if not isinstance(row, Mapping):
                raise InputError(f"{path}.{sector}", row, "must map drivers to numbers", source=source)
            for driver, value in row.items():
                if driver not in DRIVERS:
                    raise InputError(
                        f"{path}.{sector}.{driver}",
                        driver,
                        f"unknown driver; known: {', '.join(DRIVERS)}",
                        source=source,
                    )
                if not isinstance(value, (int, float)):
                    raise InputError(f"{path}.{sector}.{driver}", value, "must be a number", source=source)
            out[str(sector)] = {str(d): float(v) for d, v in row.items()}
        return out

    scenarios = {}
    for key, spec in document["scenarios"].items():
        if not isinstance(spec, Mapping):
            raise InputError(f"scenarios.{key}", spec, "must be a mapping", source=source)
        drivers = numbers({"drivers": spec.get("drivers") or {}}, f"scenarios.{key}")["drivers"]
        scenarios[str(key)] = StressScenario(
            key=str(key),
            name_zh=str(spec.get("name_zh", key)),
            name_en=str(spec.get("name_en", key)),
            drivers=drivers,
            default_obligors=tuple(str(o) for o in spec.get("default_obligors", ()) or ()),
            default_largest_in_sector=spec.get("default_largest_in_sector"),
        )
    return ScenarioLibrary(
        scenarios=scenarios,
        sensitivities=numbers(document.get("sensitivities"), "sensitivities"),
        lgd_sensitivities=numbers(document.get("lgd_sensitivities"), "lgd_sensitivities"),
        source=source,
        sector_aliases={str(k): str(v) for k, v in (document.get("sector_aliases") or {}).items()},
    )


def load_scenarios(path: str | Path | None = None) -> ScenarioLibrary:
    """The bundled library, or a user's YAML in the same layout."""
    if path is None:
        return scenario_library_from_mapping(reference.load_yaml(SCENARIO_TABLE), source=SCENARIO_TABLE)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    return scenario_library_from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")), source=path.name)


def defaulted_obligors(portfolio: Portfolio, scenario: StressScenario) -> set[str]:
    """Obligors the scenario defaults: those it names, and the largest in ``default_largest_in_sector``."""
    defaulted = set(scenario.default_obligors)
    if scenario.default_largest_in_sector is not None:
        in_sector = portfolio.sector == scenario.default_largest_in_sector
        if np.any(in_sector):
            totals: dict[str, float] = {}
            for oid, ead in zip(portfolio.obligor_id[in_sector], portfolio.ead[in_sector], strict=True):
                totals[oid] = totals.get(oid, 0.0) + float(ead)
            defaulted.add(max(totals, key=lambda k: totals[k]))
    return defaulted


def stressed_parameters(
    portfolio: Portfolio,
    factors: FactorModel,
    library: ScenarioLibrary,
    scenario: StressScenario,
    project_pd: ProjectPdHook | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stressed PD and LGD of each row of the book.

    >>> book = Portfolio.from_records([{"obligor_id": "L1", "group_id": "G", "sector": "compute_leasing",
    ...     "region": "浙江", "ead": 1e8, "pd": 0.02, "lgd": 0.5, "maturity": 3}])
    >>> lib = load_scenarios()
    >>> pd_, lgd = stressed_parameters(book, FactorModel.one_factor(0.2, ["compute_leasing"]), lib,
    ...                                lib.scenarios["gpu_rental_halved"])
    >>> round(float(pd_[0]), 4), round(float(lgd[0]), 2)
    (0.1232, 0.65)
    """
    sector_index = factors.sector_index(portfolio.sector, source=portfolio.source)
    library.check_sectors(portfolio.sector, source=portfolio.source)
    rho = factors.rho[sector_index]
    move = np.array([library.factor_move(s, scenario) for s in portfolio.sector])
    with np.errstate(divide="ignore"):
        pd = ndtr(ndtri(portfolio.pd) + np.sqrt(rho) * move)
    lgd = np.clip(portfolio.lgd + np.array([library.lgd_add(s, scenario) for s in portfolio.sector]), 0.0, 1.0)
    defaulted = defaulted_obligors(portfolio, scenario)
    if project_pd is not None:
        overrides = project_pd(scenario, portfolio)
        for row, oid in enumerate(portfolio.obligor_id):
            if oid in overrides:
                value = float(overrides[oid])
                if not 0.0 <= value <= 1.0:
                    raise InputError("pd", value, f"project re-run PD for {oid} must lie in [0, 1]", row=row + 1)
                pd[row] = value
    pd[np.isin(portfolio.obligor_id, list(defaulted))] = 1.0
    return pd, lgd


@dataclass(frozen=True)
class StressOutcome:
    """Figures of one scenario (元) and the names whose expected loss rises most."""

    key: str
    name_zh: str
    name_en: str
    expected_loss: float
    var: float
    es: float
    capital: float
    rwa: float
    delta_expected_loss: float
    delta_var: float
    delta_capital: float
    capital_ratio: float | None
    capital_ratio_impact: float | None
    defaulted: list[str]
    worst_names: list[dict[str, Any]] = field(default_factory=list)


def _figures(
    portfolio: Portfolio,
    factors: FactorModel,
    method: str,
    pd: np.ndarray,
    lgd: np.ndarray,
    options: dict[str, Any],
) -> dict[str, float]:
    stressed = portfolio.replace(pd=pd, lgd=lgd)
    result = loss_result(stressed, method, factors, contributions=False, **options)
    k = irb_terms(pd, lgd, effective_maturity(portfolio.maturity)).k
    capital = float((k * portfolio.ead).sum())
    return {
        "expected_loss": float((pd * lgd * portfolio.ead).sum()),
        "var": result.var,
        "es": result.es,
        "capital": capital,
        "rwa": 12.5 * capital,
    }


def run_stress(
    portfolio: Portfolio,
    factors: FactorModel,
    library: ScenarioLibrary | None = None,
    method: str = "vasicek",
    scenarios: list[str] | None = None,
    bank_capital: float | None = None,
    bank_rwa: float | None = None,
    project_pd: ProjectPdHook | None = None,
    worst: int = 5,
    **options: Any,
) -> tuple[dict[str, float], list[StressOutcome]]:
    """Baseline figures and one :class:`StressOutcome` per scenario.

    Capital is the Basel IRB requirement Σ K·EAD (RWA = 12.5·capital). With the bank's total capital and
    RWA, the capital-ratio impact assumes the extra expected loss is provisioned out of capital and the
    book's RWA change adds to the bank's RWA. ``options`` go to the loss engine (confidence, seed…).
    """
    library = library or load_scenarios()
    keys = scenarios or list(library.scenarios)
    unknown = [k for k in keys if k not in library.scenarios]
    if unknown:
        raise InputError("scenario", unknown[0], f"not in the library ({', '.join(library.scenarios)})")
    for name, value in (("bank_capital", bank_capital), ("bank_rwa", bank_rwa)):
        if value is not None and value <= 0:
            raise InputError(name, value, "must be positive")
    base = _figures(portfolio, factors, method, portfolio.pd, portfolio.lgd, options)
    base_ratio = bank_capital / bank_rwa if bank_capital and bank_rwa else None
    if base_ratio is not None:
        base["capital_ratio"] = base_ratio
    base_el_rows = portfolio.pd * portfolio.lgd * portfolio.ead
    outcomes = []
    for key in keys:
        scenario = library.scenarios[key]
        pd, lgd = stressed_parameters(portfolio, factors, library, scenario, project_pd)
        figures = _figures(portfolio, factors, method, pd, lgd, options)
        ratio = impact = None
        if bank_capital and bank_rwa:
            delta_el = figures["expected_loss"] - base["expected_loss"]
            ratio = (bank_capital - delta_el) / (bank_rwa + figures["rwa"] - base["rwa"])
            impact = ratio - bank_capital / bank_rwa
        increase = pd * lgd * portfolio.ead - base_el_rows
        names = []
        for row in np.argsort(-increase, kind="stable")[:worst]:
            names.append(
                {
                    "obligor_id": str(portfolio.obligor_id[row]),
                    "sector": str(portfolio.sector[row]),
                    "ead": float(portfolio.ead[row]),
                    "pd": float(portfolio.pd[row]),
                    "stressed_pd": float(pd[row]),
                    "lgd": float(portfolio.lgd[row]),
                    "stressed_lgd": float(lgd[row]),
                    "delta_expected_loss": float(increase[row]),
                }
            )
        outcomes.append(
            StressOutcome(
                key=key,
                name_zh=scenario.name_zh,
                name_en=scenario.name_en,
                expected_loss=figures["expected_loss"],
                var=figures["var"],
                es=figures["es"],
                capital=figures["capital"],
                rwa=figures["rwa"],
                delta_expected_loss=figures["expected_loss"] - base["expected_loss"],
                delta_var=figures["var"] - base["var"],
                delta_capital=figures["capital"] - base["capital"],
                capital_ratio=ratio,
                capital_ratio_impact=impact,
                defaulted=sorted({str(o) for o in portfolio.obligor_id[pd >= 1.0]}),
                worst_names=names,
            )
        )
    return base, outcomes


def stressed_project_inputs(inputs: Any, scenario: StressScenario, defaulted_names: set[str]) -> Any | None:
    """The project's inputs (``projects.ProjectInputs``) with the scenario applied, or None when none of the
    scenario's drivers reaches the project (export controls and AI demand have no project input)."""
    from computecredit.projects import parse_inputs
    from computecredit.reference.energy import hub_tariff

    data = inputs.model_dump(mode="python")
    changed = False
    price = scenario.drivers.get("gpu_rental_price", 0.0)
    if price:
        data["revenue"]["merchant"]["price"] *= 1.0 + price
        for cluster in data["accelerators"]:
            if cluster.get("merchant_price") is not None:
                cluster["merchant_price"] *= 1.0 + price
        changed = True
    utilisation = scenario.drivers.get("merchant_utilisation", 0.0)
    if utilisation:
        ramp = data["revenue"]["merchant"]["utilization_ramp"]
        data["revenue"]["merchant"]["utilization_ramp"] = [min(1.0, max(0.0, u + utilisation)) for u in ramp]
        changed = True
    electricity = scenario.drivers.get("electricity_price", 0.0)
    if electricity:
        site = data["site"]
        grid = site["tariff_cny_per_kwh"] or hub_tariff(site["hub"] or "").tariff_cny_per_kwh
        green = site["green_tariff_cny_per_kwh"] or grid
        site["tariff_cny_per_kwh"] = grid * (1.0 + electricity)
        site["green_tariff_cny_per_kwh"] = green * (1.0 + electricity)
        changed = True
    offtake = data["revenue"]["offtake"]
    kept = [contract for contract in offtake if str(contract["customer"]) not in defaulted_names]
    if len(kept) != len(offtake):
        data["revenue"]["offtake"] = kept
        changed = True
    return parse_inputs(data) if changed else None


def project_pd_hook(projects: Mapping[str, Any], simulations: int = 2000, seed: int = 0) -> ProjectPdHook:
    """A ``project_pd`` hook that re-runs the project engine for the obligors in ``projects`` (obligor id →
    ``ProjectInputs``, a mapping or a YAML path). A defaulted obligor also matches offtake customers by its
    ``name`` column when the book has one."""
    from computecredit import projects as project_engine

    def load(source: Any) -> Any:
        if isinstance(source, project_engine.ProjectInputs):
            return source
        if isinstance(source, Mapping):
            return project_engine.parse_inputs(dict(source))
        return project_engine.load_project(source)

    loaded = {oid: load(source) for oid, source in projects.items()}

    def hook(scenario: StressScenario, portfolio: Portfolio) -> dict[str, float]:
        defaulted = defaulted_obligors(portfolio, scenario)
        names = set(defaulted)
        if "name" in portfolio.extra:
            names |= {
                str(n)
                for n, o in zip(portfolio.extra["name"], portfolio.obligor_id, strict=True)
                if o in defaulted
            }
        out = {}
        for oid, inputs in loaded.items():
            stressed = stressed_project_inputs(inputs, scenario, names)
            if stressed is None:
                continue
            result = project_engine.evaluate(stressed, simulations=simulations, seed=seed, sensitivities=False)
            if result.simulation is not None:
                out[oid] = float(result.simulation.pd_annual)
        return out

    return hook
