"""One entry point over the loss engines: a validated book and factor model in, risk figures and Euler
contributions by obligor, group, sector, region and hub out.

>>> book = Portfolio.from_records([
...     {"obligor_id": f"O{i}", "group_id": f"G{i % 3}", "sector": "servers" if i % 2 else "chips",
...      "region": "宁夏", "ead": 100.0 + i, "pd": 0.02, "lgd": 0.45, "maturity": 1.0} for i in range(20)])
>>> risk = portfolio_risk(book, "vasicek", rho=0.2, confidence=0.99)
>>> abs(sum(risk.contributions["sector"].values()) - risk.result.es) < 1e-9
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from computecredit.errors import InputError
from computecredit.portfolio.creditriskplus import creditriskplus_loss
from computecredit.portfolio.inputs import FactorModel, Portfolio
from computecredit.portfolio.mc import BatchMapper, CopulaModel, mc_loss
from computecredit.portfolio.pykhtin import multi_factor_loss
from computecredit.portfolio.results import LossResult, provenance
from computecredit.portfolio.vasicek import vasicek_loss

METHODS = ("vasicek", "pykhtin", "mc", "creditriskplus")


@dataclass(frozen=True)
class PortfolioRisk:
    """A :class:`LossResult` with its ES contributions aggregated by each dimension (元; each sums to ES)."""

    result: LossResult
    contributions: dict[str, dict[str, float]]

    def as_dict(self, top: int | None = None) -> dict[str, Any]:
        """Summary keys plus ``contributions`` by dimension (largest first, at most ``top`` per dimension)."""
        out = self.result.summary()
        out["details"] = {
            k: v for k, v in self.result.details.items() if k not in {"distribution", "var_contributions"}
        }
        out["contributions"] = {
            dim: dict(sorted(values.items(), key=lambda kv: -kv[1])[:top])
            for dim, values in self.contributions.items()
        }
        out.update(provenance("east_data_west_compute_hubs.csv"))
        return out


def resolve_factor_model(portfolio: Portfolio, factors: FactorModel | None, rho: float | None) -> FactorModel:
    """The model to use: the given one, or one common factor with asset correlation ``rho``."""
    if factors is not None:
        if rho is not None:
            raise InputError("rho", rho, "give either --rho or --factors, not both")
        return factors
    if rho is None:
        raise InputError("factors", None, "give a factor model (--factors) or one asset correlation (--rho)")
    if not 0.0 <= rho < 1.0:
        raise InputError("rho", rho, "must lie in [0, 1)")
    return FactorModel.one_factor(rho, sorted(set(portfolio.sector)))


def loss_result(
    portfolio: Portfolio,
    method: str,
    factors: FactorModel,
    confidence: float = 0.999,
    simulations: int | None = None,
    target_error: float | None = None,
    seed: int = 0,
    mapper: BatchMapper | None = None,
    workers: int | None = None,
    backend: str = "auto",
    loss_unit: float | None = None,
    pd_override: np.ndarray | None = None,
    contributions: bool = True,
    progress: Callable[[int, float | None], None] | None = None,
) -> LossResult:
    """Run one engine on the book's obligors (contributions in :meth:`Portfolio.obligors` order).

    ``pd_override`` replaces the obligors' PDs (same order), e.g. PDs from a project re-run under stress.
    """
    if method not in METHODS:
        raise InputError("method", method, f"must be one of {', '.join(METHODS)}")
    obligors = portfolio.obligors()
    pd = obligors.pd if pd_override is None else np.asarray(pd_override, dtype=float)
    sector_index = factors.sector_index(obligors.sector, source=portfolio.source)
    if method == "vasicek":
        return vasicek_loss(obligors.exposure, pd, factors.rho[sector_index], confidence)
    if method == "pykhtin":
        return multi_factor_loss(obligors.exposure, pd, sector_index, factors.rho, factors.loadings(), confidence)
    if method == "creditriskplus":
        return creditriskplus_loss(
            obligors.exposure,
            pd,
            sector_index,
            factors.volatility,
            factors.correlation,
            confidence,
            loss_unit,
            sector_weights=portfolio.sector_weights(factors.sectors),
        )
    model = CopulaModel.build(obligors.exposure, pd, sector_index, factors.loadings(), factors.rho)
    return mc_loss(
        model,
        confidence=confidence,
        simulations=simulations,
        target_error=target_error,
        seed=seed,
        mapper=mapper,
        workers=workers,
        backend=backend,
        contributions=contributions,
        progress=progress,
    )


def contributions_by_dimension(portfolio: Portfolio, by_obligor: np.ndarray) -> dict[str, dict[str, float]]:
    """Spread each obligor's contribution over its rows by exposure, then sum by group, sector, region, hub."""
    obligors = portfolio.obligors()
    row_obligor = portfolio.row_to_obligor()
    exposure = portfolio.exposure
    obligor_exposure = obligors.exposure[row_obligor]
    share = np.divide(exposure, obligor_exposure, out=np.zeros_like(exposure), where=obligor_exposure > 0)
    # An obligor with no exposure at risk contributes nothing; rows of an obligor split its share by exposure.
    row_contribution = by_obligor[row_obligor] * share
    labels = {
        "obligor": portfolio.obligor_id,
        "group": portfolio.group_id,
        "sector": portfolio.sector,
        "region": portfolio.region,
        "hub": portfolio.hub,
    }
    out: dict[str, dict[str, float]] = {}
    for dim, values in labels.items():
        totals: dict[str, float] = {}
        for label, amount in zip(values, row_contribution, strict=True):
            totals[str(label)] = totals.get(str(label), 0.0) + float(amount)
        out[dim] = totals
    return out


def portfolio_risk(
    portfolio: Portfolio,
    method: str,
    factors: FactorModel | None = None,
    rho: float | None = None,
    **options: Any,
) -> PortfolioRisk:
    """Risk figures of the book under ``method`` (``vasicek``, ``pykhtin``, ``mc`` or ``creditriskplus``).

    ``options`` are passed to :func:`loss_result` (confidence, simulations, target_error, seed, mapper,
    workers, backend, loss_unit, pd_override, progress).
    """
    model = resolve_factor_model(portfolio, factors, rho)
    result = loss_result(portfolio, method, model, **options)
    return PortfolioRisk(result=result, contributions=contributions_by_dimension(portfolio, result.contributions))
