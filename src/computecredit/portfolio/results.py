"""The result every loss engine returns: risk measures at one confidence level and Euler contributions.

``contributions`` holds each obligor's Euler allocation of expected shortfall (its expected loss in the
scenarios beyond VaR); they sum to ``es``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from computecredit import reference

# Bumped when a change to the engines can change a published figure for the same inputs.
MODEL_VERSION = "portfolio-1.0"


def provenance(*tables: str) -> dict[str, Any]:
    """Model version and the versions (SHA-256 prefixes) of the reference tables a result used.

    >>> sorted(provenance("master_scale.yaml")["reference_versions"])
    ['master_scale.yaml']
    """
    return {"model_version": MODEL_VERSION, "reference_versions": {t: reference.version(t) for t in tables}}


@dataclass(frozen=True)
class LossResult:
    """Loss-distribution figures (元): ``var`` is the loss quantile at ``confidence`` (not net of EL),
    ``es`` the expected shortfall at the same level, ``unexpected_loss`` the standard deviation of loss.
    Simulated results also carry standard errors of VaR, ES and UL and a 95% interval for VaR."""

    method: str
    confidence: float
    expected_loss: float
    unexpected_loss: float
    var: float
    es: float
    contributions: np.ndarray
    var_std_error: float | None = None
    es_std_error: float | None = None
    ul_std_error: float | None = None
    var_interval: tuple[float, float] | None = None
    simulations: int | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The headline figures as plain floats (the JSON keys of ``portfolio risk``)."""
        out: dict[str, Any] = {
            "method": self.method,
            "confidence": self.confidence,
            "expected_loss": self.expected_loss,
            "unexpected_loss": self.unexpected_loss,
            "var": self.var,
            "es": self.es,
        }
        if self.var_std_error is not None:
            out["var_std_error"] = self.var_std_error
            out["var_relative_std_error"] = self.var_std_error / self.var if self.var > 0 else None
        if self.var_interval is not None:
            out["var_interval_95"] = list(self.var_interval)
        if self.es_std_error is not None:
            out["es_std_error"] = self.es_std_error
        if self.ul_std_error is not None:
            out["ul_std_error"] = self.ul_std_error
        if self.simulations is not None:
            out["simulations"] = self.simulations
        return out


def tail_quantities(
    losses: np.ndarray, probabilities: np.ndarray, confidence: float
) -> tuple[float, float, float, float]:
    """VaR, tail mass beyond VaR, the atom at VaR, and E[L; L > VaR] of a discrete distribution.

    ES follows as ``(tail_mean + var * (1 - confidence - tail_mass)) / (1 - confidence)``, the
    definition that stays exact with atoms (Acerbi & Tasche 2002).

    >>> tail_quantities(np.array([0.0, 1.0, 2.0]), np.array([0.9, 0.08, 0.02]), 0.95)
    (1.0, 0.02, 0.08, 0.04)
    """
    order = np.argsort(losses, kind="stable")
    x = losses[order]
    p = probabilities[order]
    cdf = np.cumsum(p)
    total = cdf[-1]
    index = int(np.searchsorted(cdf, confidence * total - 1e-15 * total, side="left"))
    index = min(index, len(x) - 1)
    var = float(x[index])
    beyond = x > var
    tail_mass = float(p[beyond].sum() / total)
    atom = float(p[x == var].sum() / total)
    tail_mean = float((p[beyond] * x[beyond]).sum() / total)
    return var, tail_mass, atom, tail_mean
