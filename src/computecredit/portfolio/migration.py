"""Rating-migration (mark-to-market) portfolio risk, as in J.P. Morgan's *CreditMetrics — Technical Document*
(1997), chapters 1–3 and 8.

At the one-year horizon each obligor migrates to a rating drawn from its transition-matrix row; a bond is
then worth its coupon plus its remaining cash flows discounted on the forward zero curve of the new
rating (annual compounding), or face × recovery in default. Obligors' migrations are linked by their
standard normal asset returns X_j, binned by the thresholds Φ⁻¹(cumulative probability from default
upwards): either one factor with pairwise asset correlation ρ (X_j = √ρ·Y + √(1−ρ)·ε_j), or an asset
correlation matrix between obligors (given as a matrix, or as per-obligor loadings L on independent
factors: corr(X_i, X_j) = L_i·L_j, the idiosyncratic share 1 − |L_i|²; CreditMetrics §8.4).

Small books are computed exactly: with one factor, for each node of a Gauss–Hermite quadrature over Y the
obligors are independent, so all joint rating outcomes are enumerated; with a matrix, each joint outcome is
a multivariate normal rectangle probability (Genz's algorithm, SciPy). Large books are simulated. The
joint migration probabilities of every pair of obligors (CreditMetrics Table 3.2's form) are bivariate
normal rectangle probabilities. Recovery uncertainty
(a ``std`` per seniority) adds face²·σ²·P(default) per instrument to the variance (recoveries independent,
CreditMetrics §3.3); the exact value quantile uses mean recoveries, the simulation draws Beta recoveries.

>>> values = bond_values(face=100, coupon=0.06, maturity_years=5, forward_rates=np.array([[0.041, 0.0467,
...                      0.0525, 0.0563]]), recovery=0.5113)
>>> values.round(2).tolist()
[107.53, 51.13]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.special import ndtr, ndtri
from scipy.stats import multivariate_normal

from computecredit.errors import InputError, Problem
from computecredit.portfolio.inputs import check_confidence

DEFAULT = "D"
EXACT_STATE_LIMIT = 200_000
EXACT_MATRIX_LIMIT = 4_096
JOINT_TABLE_LIMIT = 10
QUADRATURE_NODES = 96
INSTRUMENT_COLUMNS = ("instrument_id", "obligor_id", "rating", "face", "coupon", "maturity_years", "seniority")


@dataclass(frozen=True)
class TransitionMatrix:
    """One-year transition probabilities: ``matrix[i, j]`` = P(rating ``ratings[i]`` → ``states[j]``);
    ``states`` run from best to worst and end with default ``D``."""

    ratings: tuple[str, ...]
    states: tuple[str, ...]
    matrix: np.ndarray

    def row(self, rating: str) -> np.ndarray:
        return self.matrix[self.ratings.index(rating)]

    def thresholds(self, rating: str) -> np.ndarray:
        """Asset-return thresholds, worst state first: X below ``t[0]`` is default, below ``t[1]`` the next
        worst state, and so on (the last threshold is +∞)."""
        cumulative = np.cumsum(self.row(rating)[::-1])
        cumulative = np.clip(cumulative / cumulative[-1], 0.0, 1.0)
        return ndtri(cumulative)


def transition_matrix_from_frame(frame: pd.DataFrame, source: str | None = None) -> TransitionMatrix:
    """Validate a table with a ``from`` column and one column per rating including ``D``.

    >>> frame = pd.DataFrame({"from": ["A", "B"], "A": [0.9, 0.1], "B": [0.08, 0.8], "D": [0.02, 0.1]})
    >>> transition_matrix_from_frame(frame).states
    ('A', 'B', 'D')
    """
    if "from" not in frame.columns:
        raise InputError("columns", list(frame.columns), "needs a 'from' column", source=source)
    states = [str(c) for c in frame.columns if c not in ("from", "source")]
    if DEFAULT not in states:
        raise InputError("columns", states, "needs a default column 'D'", source=source)
    states = [s for s in states if s != DEFAULT] + [DEFAULT]
    values = frame[states].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    problems = []
    for row in range(len(frame)):
        name = str(frame["from"].iloc[row])
        if not np.all(np.isfinite(values[row])) or np.any(values[row] < 0) or np.any(values[row] > 1):
            problems.append(
                Problem(f"{name}", values[row].tolist(), "probabilities must lie in [0, 1]", source, row + 1)
            )
        elif abs(values[row].sum() - 1.0) > 0.001:
            problems.append(
                Problem(
                    f"{name}",
                    round(float(values[row].sum()), 6),
                    "row must sum to 1 within 0.001",
                    source,
                    row + 1,
                )
            )
    if problems:
        raise InputError(problems=problems)
    return TransitionMatrix(tuple(str(r) for r in frame["from"]), tuple(states), values)


def load_transitions(path: str | Path) -> TransitionMatrix:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    return transition_matrix_from_frame(pd.read_csv(path, dtype={"from": str}), source=path.name)


def load_curves(path: str | Path) -> dict[str, np.ndarray]:
    """Forward zero curves from the horizon: ``rating, year_1, year_2, …`` (fractions, annual compounding)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    frame = pd.read_csv(path, dtype={"rating": str})
    years = sorted((c for c in frame.columns if c.startswith("year_")), key=lambda c: int(c.split("_")[1]))
    if "rating" not in frame.columns or not years:
        raise InputError(
            "columns", list(frame.columns), "needs 'rating' and 'year_1', 'year_2', …", source=path.name
        )
    curves = {}
    for row in range(len(frame)):
        rates = pd.to_numeric(frame.loc[row, years], errors="coerce").to_numpy(dtype=float)
        known = rates[np.isfinite(rates)]
        if known.size and np.any((known <= -1) | (known > 1)):
            raise InputError(
                "rate", known.tolist(), "forward rates are fractions (0.05 = 5%)", source=path.name, row=row + 1
            )
        curves[str(frame.loc[row, "rating"])] = rates
    return curves


def load_recovery(path: str | Path) -> dict[str, tuple[float, float]]:
    """Recovery by seniority: ``{seniority: {mean: 0.51, std: 0.25}}`` (fractions of face)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    document = document.get("recovery", document) if isinstance(document, Mapping) else document
    if not isinstance(document, Mapping):
        raise InputError("(file)", path.name, "must map seniority to {mean, std}", source=path.name)
    out = {}
    for seniority, spec in document.items():
        if seniority == "source":
            continue
        if not isinstance(spec, Mapping) or "mean" not in spec:
            raise InputError(f"{seniority}", spec, "needs a recovery 'mean'", source=path.name)
        mean, std = float(spec["mean"]), float(spec.get("std", 0.0))
        if not 0 <= mean <= 1 or std < 0 or (std > 0 and std**2 >= mean * (1 - mean)):
            raise InputError(
                f"{seniority}",
                {"mean": mean, "std": std},
                "need 0 ≤ mean ≤ 1, 0 ≤ std² < mean·(1−mean)",
                source=path.name,
            )
        out[str(seniority)] = (mean, std)
    return out


def bond_values(
    face: float, coupon: float, maturity_years: int, forward_rates: np.ndarray, recovery: float
) -> np.ndarray:
    """Value at the one-year horizon in each non-default state (rows of ``forward_rates``), then default.

    The coupon paid at the horizon is included; remaining flows at t = 1 … M−1 years after the horizon are
    discounted by (1 + f_t)^t.
    """
    remaining = maturity_years - 1
    flows = np.full(remaining, face * coupon)
    if remaining > 0:
        flows[-1] += face
    t = np.arange(1, remaining + 1)
    present = (flows / (1.0 + forward_rates[:, :remaining]) ** t).sum(axis=1)
    horizon = face * coupon + (0.0 if remaining > 0 else face)
    return np.concatenate([horizon + present, [face * recovery]])


@dataclass(frozen=True)
class MigrationResult:
    """Value distribution at the horizon: ``value_quantile`` is the value at the 1 − confidence quantile."""

    mean_value: float
    std_value: float
    value_quantile: float
    confidence: float
    method: str
    details: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "mean_value": self.mean_value,
            "std_value": self.std_value,
            "value_quantile": self.value_quantile,
            "credit_var": self.mean_value - self.value_quantile,
            "confidence": self.confidence,
            "method": self.method,
            **self.details,
        }


def instruments_from_frame(frame: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Validate the instruments table (face in 元, coupon a fraction, whole years to maturity ≥ 1)."""
    missing = [c for c in INSTRUMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError("columns", list(frame.columns), f"missing required column(s) {missing}", source=source)
    frame = frame.copy()
    problems = []
    for name in ("face", "coupon", "maturity_years"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
        for bad in np.flatnonzero(~np.isfinite(frame[name].to_numpy(dtype=float))):
            problems.append(Problem(name, None, "must be a number", source, int(bad) + 1))
    for row, years in enumerate(frame["maturity_years"]):
        if np.isfinite(years) and (years < 1 or years != int(years)):
            problems.append(
                Problem("maturity_years", years, "must be a whole number of years ≥ 1", source, row + 1)
            )
    for row, face in enumerate(frame["face"]):
        if np.isfinite(face) and face < 0:
            problems.append(Problem("face", face, "must be ≥ 0", source, row + 1))
    if problems:
        raise InputError(problems=problems)
    for name in ("instrument_id", "obligor_id", "rating", "seniority"):
        frame[name] = frame[name].astype(str).str.strip()
    return frame


def obligor_state_values(
    instruments: pd.DataFrame,
    transitions: TransitionMatrix,
    curves: Mapping[str, np.ndarray],
    recovery: Mapping[str, tuple[float, float]],
    source: str | None = None,
) -> tuple[list[str], np.ndarray, np.ndarray, float]:
    """Per obligor: its rating's thresholds and its value in each state (worst first), plus the variance
    that recovery uncertainty adds (recoveries independent)."""
    problems = []
    non_default = transitions.states[:-1]
    for state in non_default:
        if state not in curves:
            problems.append(Problem("curves", state, "no forward curve for this rating", source))
    for row, r in enumerate(instruments.itertuples()):
        if r.rating not in transitions.ratings:
            problems.append(Problem("rating", r.rating, "not a row of the transition matrix", source, row + 1))
        if r.seniority not in recovery:
            problems.append(
                Problem(
                    "seniority", r.seniority, f"no recovery for it (known: {sorted(recovery)})", source, row + 1
                )
            )
        needed = int(r.maturity_years) - 1
        for state in non_default:
            if state in curves and (
                len(curves[state]) < needed or not np.all(np.isfinite(curves[state][:needed]))
            ):
                problems.append(
                    Problem(
                        "maturity_years",
                        r.maturity_years,
                        f"the {state} curve has fewer than {needed} years",
                        source,
                        row + 1,
                    )
                )
                break
    if problems:
        raise InputError(problems=problems)
    obligors = list(dict.fromkeys(instruments["obligor_id"]))
    rating_of: dict[str, str] = {}
    for row, r in enumerate(instruments.itertuples()):
        if rating_of.setdefault(r.obligor_id, r.rating) != r.rating:
            raise InputError(
                "rating", r.rating, f"obligor {r.obligor_id} has another rating", source=source, row=row + 1
            )
    longest = max(len(c) for c in curves.values())
    forward = np.array(
        [np.pad(curves[s], (0, longest - len(curves[s])), constant_values=np.nan) for s in non_default]
    )
    states = len(transitions.states)
    values = np.zeros((len(obligors), states))
    thresholds = np.zeros((len(obligors), states))
    recovery_variance = 0.0
    index = {o: i for i, o in enumerate(obligors)}
    for r in instruments.itertuples():
        mean, std = recovery[r.seniority]
        by_state = bond_values(float(r.face), float(r.coupon), int(r.maturity_years), forward, mean)
        values[index[r.obligor_id]] += by_state[::-1]  # worst (default) first
        default_probability = transitions.row(r.rating)[-1]
        recovery_variance += (float(r.face) * std) ** 2 * default_probability
    for o, i in index.items():
        thresholds[i] = transitions.thresholds(rating_of[o])
    return obligors, thresholds, values, recovery_variance


def _state_probabilities(thresholds: np.ndarray, rho: float, factor: np.ndarray) -> np.ndarray:
    """P(state | Y = factor) for each obligor: (nodes × obligors × states), worst state first."""
    scale = math.sqrt(1.0 - rho)
    upper = ndtr((thresholds[None, :, :] - math.sqrt(rho) * factor[:, None, None]) / scale)
    lower = np.concatenate([np.zeros((*upper.shape[:2], 1)), upper[:, :, :-1]], axis=2)
    return np.clip(upper - lower, 0.0, 1.0)


def exact_value_distribution(
    thresholds: np.ndarray, values: np.ndarray, rho: float
) -> tuple[np.ndarray, np.ndarray]:
    """Every joint outcome's book value and probability. Outcome index = Σ_j state_j·K^(m−1−j) (states
    worst first, obligor 1 most significant); probabilities by Gauss–Hermite quadrature over the factor."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    conditional = _state_probabilities(thresholds, rho, nodes)
    joint_values = np.zeros(1)
    joint_probs = np.ones((len(nodes), 1))
    for j in range(values.shape[0]):
        joint_values = (joint_values[:, None] + values[j][None, :]).ravel()
        joint_probs = (joint_probs[:, :, None] * conditional[:, j, None, :]).reshape(len(nodes), -1)
    return joint_values, weights @ joint_probs


@dataclass(frozen=True)
class AssetDependence:
    """X = Z·loadingsᵀ + idiosyncratic·ε (Z, ε independent standard normals): the correlation matrix is
    loadings·loadingsᵀ off the diagonal; ``matrix`` is None for one common factor (kept implicit)."""

    loadings: np.ndarray
    idiosyncratic: np.ndarray
    matrix: np.ndarray | None
    kind: str

    def pair(self, i: int, j: int) -> float:
        return float(self.loadings[i] @ self.loadings[j])

    @classmethod
    def one_factor(cls, count: int, rho: float) -> AssetDependence:
        return cls(np.full((count, 1), math.sqrt(rho)), np.full(count, math.sqrt(1.0 - rho)), None, "one_factor")


def asset_dependence(
    obligors: list[str],
    correlation: pd.DataFrame | None = None,
    loadings: pd.DataFrame | None = None,
    source: str | None = None,
) -> AssetDependence:
    """The obligors' asset dependence (in ``obligors`` order) from a matrix table (``obligor_id`` column,
    one column per obligor) or a loadings table (``obligor_id``, one column per factor; factors
    independent, Σ loading² < 1, the rest idiosyncratic).

    >>> d = asset_dependence(["a", "b"], loadings=pd.DataFrame({"obligor_id": ["a", "b"], "f": [0.6, 0.5]}))
    >>> d.matrix.tolist(), d.idiosyncratic.round(4).tolist()
    ([[1.0, 0.3], [0.3, 1.0]], [0.8, 0.866])
    """
    if (correlation is None) == (loadings is None):
        raise InputError("correlation", None, "give an asset correlation matrix or factor loadings, not both")
    table = correlation if correlation is not None else loadings
    assert table is not None
    if "obligor_id" not in table.columns:
        raise InputError("columns", list(table.columns), "needs an 'obligor_id' column", source=source)
    table = table.assign(obligor_id=table["obligor_id"].astype(str).str.strip()).set_index("obligor_id")
    missing = [o for o in obligors if o not in table.index]
    if missing:
        raise InputError("obligor_id", missing, "obligors of the book without a row", source=source)
    if correlation is not None:
        absent = [o for o in obligors if o not in table.columns]
        if absent:
            raise InputError("columns", absent, "obligors of the book without a column", source=source)
        matrix = table.loc[obligors, obligors].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        factor = None
    else:
        factor = table.loc[obligors].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(factor)):
            raise InputError("loadings", factor.tolist(), "must be numbers", source=source)
        squared = (factor**2).sum(axis=1)
        bad = np.flatnonzero(squared >= 1.0)
        if bad.size:
            raise InputError(
                "loadings",
                obligors[int(bad[0])],
                "Σ loading² must be < 1 (the rest is idiosyncratic)",
                source=source,
            )
        matrix = factor @ factor.T
        np.fill_diagonal(matrix, 1.0)
    if not np.all(np.isfinite(matrix)) or not np.allclose(matrix, matrix.T, atol=1e-12):
        raise InputError("correlation", matrix.tolist(), "must be a symmetric matrix of numbers", source=source)
    if not np.allclose(np.diag(matrix), 1.0) or np.any(np.abs(matrix) > 1.0):
        raise InputError(
            "correlation", matrix.tolist(), "needs a unit diagonal and entries in [−1, 1]", source=source
        )
    smallest = float(np.linalg.eigvalsh(matrix).min())
    if smallest < -1e-9:
        raise InputError(
            "correlation",
            matrix.tolist(),
            f"must be positive semi-definite (eigenvalue {smallest:.4g})",
            source=source,
        )
    if factor is not None:
        return AssetDependence(factor, np.sqrt(1.0 - (factor**2).sum(axis=1)), matrix, "loadings")
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    mixing = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))  # mixing·mixingᵀ = matrix
    return AssetDependence(mixing, np.zeros(len(obligors)), matrix, "matrix")


def _state_bounds(thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper asset-return bounds of each state (worst first)."""
    upper = thresholds.copy()
    lower = np.concatenate([np.full((*thresholds.shape[:-1], 1), -np.inf), thresholds[..., :-1]], axis=-1)
    return lower, upper


def exact_value_distribution_correlated(
    thresholds: np.ndarray, values: np.ndarray, correlation: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`exact_value_distribution`, with any asset correlation matrix: each joint outcome is the
    multivariate normal probability of its rectangle of asset returns."""
    count, states = values.shape
    lower, upper = _state_bounds(thresholds)
    possible = upper > lower
    law = multivariate_normal(mean=np.zeros(count), cov=correlation, allow_singular=True)
    joint_values = np.zeros(1)
    for j in range(count):
        joint_values = (joint_values[:, None] + values[j][None, :]).ravel()
    probabilities = np.zeros(states**count)
    for index, outcome in enumerate(itertools.product(range(states), repeat=count)):
        pick = np.array(outcome)
        rows = np.arange(count)
        if not possible[rows, pick].all():
            continue
        a, b = lower[rows, pick], upper[rows, pick]
        probabilities[index] = max(float(law.cdf(np.minimum(b, 40.0), lower_limit=np.maximum(a, -40.0))), 0.0)
    return joint_values, probabilities / probabilities.sum()


def joint_migration_probabilities(thresholds_a: np.ndarray, thresholds_b: np.ndarray, rho: float) -> np.ndarray:
    """P(obligor a ends in state k, obligor b in state l), states worst first, for asset correlation ``rho``
    (bivariate normal rectangle probabilities; CreditMetrics Table 3.2).

    >>> t = ndtri(np.array([0.1, 1.0]))
    >>> joint_migration_probabilities(t, t, 0.0).round(4).tolist()
    [[0.01, 0.09], [0.09, 0.81]]
    """
    edges_a = np.r_[-40.0, np.minimum(thresholds_a, 40.0)]
    edges_b = np.r_[-40.0, np.minimum(thresholds_b, 40.0)]
    grid = np.stack(np.meshgrid(edges_a, edges_b, indexing="ij"), axis=-1).reshape(-1, 2)
    law = multivariate_normal(mean=[0.0, 0.0], cov=[[1.0, rho], [rho, 1.0]], allow_singular=True)
    cdf = np.asarray(law.cdf(grid), dtype=float).reshape(len(edges_a), len(edges_b))
    cells = np.diff(np.diff(cdf, axis=0), axis=1)
    return np.clip(cells, 0.0, 1.0)


def pairwise_joint_migration(
    obligors: list[str], thresholds: np.ndarray, states: tuple[str, ...], dependence: AssetDependence
) -> list[dict[str, Any]]:
    """Joint migration tables of every pair of obligors (rows: first obligor's state, best first)."""
    best_first = list(states)
    out = []
    for i, j in itertools.combinations(range(len(obligors)), 2):
        rho = dependence.pair(i, j)
        table = joint_migration_probabilities(thresholds[i], thresholds[j], rho)[::-1, ::-1]
        out.append(
            {
                "obligors": [obligors[i], obligors[j]],
                "asset_correlation": rho,
                "states": best_first,
                "probabilities": table.tolist(),
            }
        )
    return out


def migration_risk(
    instruments: pd.DataFrame,
    transitions: TransitionMatrix,
    curves: Mapping[str, np.ndarray],
    recovery: Mapping[str, tuple[float, float]],
    asset_correlation: float = 0.0,
    confidence: float = 0.99,
    method: str = "auto",
    simulations: int = 100_000,
    seed: int = 0,
    source: str | None = None,
    correlation: pd.DataFrame | None = None,
    loadings: pd.DataFrame | None = None,
) -> MigrationResult:
    """Mean, standard deviation and 1 − confidence quantile of the book's value at the one-year horizon.

    Dependence: one factor with ``asset_correlation``, or an obligor asset correlation matrix
    (``correlation`` table) or per-obligor factor ``loadings`` (see :func:`asset_correlation_matrix`).
    ``method``: ``exact`` (enumeration; up to ~200,000 joint outcomes with one factor, 4,096 with a
    matrix), ``simulation``, or ``auto`` (exact when small enough). Books of at most
    ``JOINT_TABLE_LIMIT`` obligors report every pair's joint migration probabilities.
    """
    confidence = check_confidence(confidence)
    if not 0.0 <= asset_correlation < 1.0:
        raise InputError("asset_correlation", asset_correlation, "must lie in [0, 1)")
    if method not in ("auto", "exact", "simulation"):
        raise InputError("method", method, "must be auto, exact or simulation")
    instruments = instruments_from_frame(instruments, source)
    obligors, thresholds, values, recovery_variance = obligor_state_values(
        instruments, transitions, curves, recovery, source
    )
    dependence = AssetDependence.one_factor(len(obligors), asset_correlation)
    if correlation is not None or loadings is not None:
        if asset_correlation != 0.0:
            raise InputError("asset_correlation", asset_correlation, "give one correlation or a matrix/loadings")
        dependence = asset_dependence(obligors, correlation, loadings, source)
    matrix = dependence.matrix
    states = values.shape[1]
    outcomes = float(states) ** len(obligors)
    limit = EXACT_STATE_LIMIT if matrix is None else EXACT_MATRIX_LIMIT
    if method == "auto":
        method = "exact" if outcomes <= limit else "simulation"
    if method == "exact" and outcomes > limit:
        raise InputError(
            "method", "exact", f"{len(obligors)} obligors give {outcomes:.3g} joint outcomes: simulate"
        )
    alpha = 1.0 - confidence
    if method == "exact":
        if matrix is None:
            joint_values, probabilities = exact_value_distribution(thresholds, values, asset_correlation)
        else:
            joint_values, probabilities = exact_value_distribution_correlated(thresholds, values, matrix)
        mean = float(probabilities @ joint_values)
        variance = float(probabilities @ (joint_values - mean) ** 2) + recovery_variance
        order = np.argsort(joint_values, kind="stable")
        cdf = np.cumsum(probabilities[order])
        quantile = float(joint_values[order][min(int(np.searchsorted(cdf, alpha - 1e-12)), len(order) - 1)])
        details: dict[str, Any] = {"obligors": len(obligors), "outcomes": int(outcomes)}
    else:
        mean, variance, quantile = _simulate(
            obligors,
            thresholds,
            values,
            instruments,
            transitions,
            recovery,
            dependence,
            alpha,
            simulations,
            seed,
        )
        details = {"obligors": len(obligors), "simulations": simulations, "seed": seed}
    details["dependence"] = "one_factor" if matrix is None else ("loadings" if loadings is not None else "matrix")
    if len(obligors) <= JOINT_TABLE_LIMIT:
        details["joint_migration"] = pairwise_joint_migration(obligors, thresholds, transitions.states, dependence)
    return MigrationResult(mean, math.sqrt(max(variance, 0.0)), quantile, confidence, method, details)


def _simulate(
    obligors: list[str],
    thresholds: np.ndarray,
    values: np.ndarray,
    instruments: pd.DataFrame,
    transitions: TransitionMatrix,
    recovery: Mapping[str, tuple[float, float]],
    dependence: AssetDependence,
    alpha: float,
    simulations: int,
    seed: int,
) -> tuple[float, float, float]:
    """Simulated horizon values; defaulted instruments recover Beta(mean, std)·face when a std is given."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    index = {o: i for i, o in enumerate(obligors)}
    owner = np.array([index[o] for o in instruments["obligor_id"]])
    face = instruments["face"].to_numpy(dtype=float)
    mean_rec = np.array([recovery[s][0] for s in instruments["seniority"]])
    std_rec = np.array([recovery[s][1] for s in instruments["seniority"]])
    totals = np.empty(simulations)
    batch = max(1, 2_000_000 // max(len(obligors), 1))
    for start in range(0, simulations, batch):
        size = min(batch, simulations - start)
        factors = rng.standard_normal((size, dependence.loadings.shape[1]))
        assets = factors @ dependence.loadings.T + dependence.idiosyncratic * rng.standard_normal(
            (size, len(obligors))
        )
        state = np.empty((size, len(obligors)), dtype=np.int64)
        for j in range(len(obligors)):
            state[:, j] = np.searchsorted(thresholds[j], assets[:, j], side="right")
        state = np.minimum(state, values.shape[1] - 1)
        scenario = values[np.arange(len(obligors))[None, :], state].sum(axis=1)
        defaulted = state[:, owner] == 0
        if np.any(std_rec > 0) and defaulted.any():
            # Replace mean recoveries with Beta draws having the same mean and standard deviation.
            with np.errstate(divide="ignore", invalid="ignore"):
                common = np.where(std_rec > 0, mean_rec * (1 - mean_rec) / np.maximum(std_rec**2, 1e-300) - 1, 0.0)
            a = np.where(std_rec > 0, mean_rec * common, 1.0)
            b = np.where(std_rec > 0, (1 - mean_rec) * common, 1.0)
            draws = np.where(std_rec > 0, rng.beta(a, b, size=(size, len(face))), mean_rec)
            scenario += (defaulted * (draws - mean_rec) * face).sum(axis=1)
        totals[start : start + size] = scenario
    quantile = float(np.quantile(totals, alpha, method="inverted_cdf"))
    return float(totals.mean()), float(totals.var(ddof=1)), quantile
