"""The portable points model: one JSON format for every explainable PD model, and its fast scorer.

A **points model** scores a row as::

    score = base_points + Σ_terms points_term[bin(x_v)] + Σ_interactions points_ab[bin_a(x_a), bin_b(x_b)]

and turns the score into a PD with a logistic **calibration**, ``log-odds of default = a + b·score``,
then into a grade of the embedded **master scale**. Higher scores mean lower risk when ``b < 0`` (the
usual scorecard convention). Everything needed to score is in the JSON file; nothing is refitted on load.

Binnings (how a value finds its bin; bins are numbered ``0 … n_bins-1``):

- :class:`NumericBinning` — ``edges`` sorted strictly increasing, ``k = len(edges) + 1`` regular bins with
  right-open intervals ``(-inf, e0), [e0, e1), …, [e_last, +inf)``; bin ``k`` holds missing values
  (NaN/None); bins ``k+1 …`` hold the listed special-value groups (e.g. ``[-999]``), checked before the
  regular bins. Out-of-range values, ±inf included, fall into the first or last regular bin.
- :class:`CategoricalBinning` — ``groups`` of category labels (strings; numbers are matched by their
  canonical text, ``1.0`` → ``"1"``), one bin per group; then a missing bin and an **unseen** bin for
  categories not seen in training. ``unseen_rule`` records how the unseen bin's points were set
  (``"missing"``: as the missing bin, ``"worst"``: the lowest points, ``"zero"``, or ``"explicit"``).

Terms:

- :class:`PointsTerm` — one variable's points table: one float per bin of its binning.
- :class:`InteractionTerm` — a readable 2-D points table over two variables' binnings (each axis has its
  own binning, missing/special/unseen cells included): ``points[i][j]`` for bin ``i`` of the first and
  ``j`` of the second variable.

A WoE scorecard exports as terms whose points are ``-factor·β·WoE`` per bin (no interactions); an
additive model (issue 9: cyclic boosting / GAM) exports each shape function as a term on its fine bins and
each pairwise interaction as an :class:`InteractionTerm`; any calibration can be placed on top.

**Reason codes** are the terms with the largest shortfall between the points a row received and the
best points that term can give (ties broken by term order); terms with no shortfall are never reasons.

**Exactness**: JSON floats are written with Python's ``repr`` (shortest text that reads back to the same
double), and scoring sums terms in a fixed order, so a loaded model reproduces every score bit for bit.

>>> from computecredit.rating.master_scale import load_master_scale
>>> model = PointsModel(
...     base_points=500.0,
...     terms=(
...         PointsTerm(NumericBinning("leverage", edges=(0.4, 0.7)), points=(60.0, 30.0, 0.0, 10.0)),
...         PointsTerm(CategoricalBinning("segment", groups=(("chips",), ("servers", "cloud"))),
...                    points=(20.0, 5.0, 0.0, 0.0)),
...     ),
...     calibration=Calibration(intercept=12.0, slope=-0.03),
...     master_scale=load_master_scale(),
... )
>>> result = model.predict({"leverage": [0.2, 0.75, None], "segment": ["chips", "cloud", "robots"]}, reasons=2)
>>> result.score.tolist(), result.grade.tolist()
([580.0, 505.0, 510.0], ['BBB', 'B', 'B+'])
>>> result.reasons[1].tolist()
['leverage', 'segment']
>>> PointsModel.from_json(model.to_json()) == model
True
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from pandas import DataFrame  # the `pd` field of ScoreResult shadows the module in its annotations
from scipy.optimize import brentq

from computecredit.errors import InputError
from computecredit.rating.master_scale import MasterScale, load_master_scale

FORMAT = "computecredit.points/1"
UNSEEN_RULES = ("missing", "worst", "zero", "explicit")

Frame: TypeAlias = pd.DataFrame | Mapping[str, Any]  # a table, or columns (or one row of scalars)


# --- binnings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumericBinning:
    """Right-open intervals on sorted ``edges``, then a missing bin, then one bin per special-value group.

    >>> b = NumericBinning("x", edges=(0.0, 1.0), special_values=((-999.0,),))
    >>> b.index(np.array([-5.0, 0.0, 0.5, 1.0, np.nan, -999.0, np.inf])).tolist()
    [0, 1, 1, 2, 3, 4, 2]
    >>> b.labels()
    ['(-inf, 0.0)', '[0.0, 1.0)', '[1.0, inf)', 'missing', 'special [-999.0]']
    """

    variable: str
    edges: tuple[float, ...]
    special_values: tuple[tuple[float, ...], ...] = ()
    kind: Literal["numeric"] = "numeric"

    def __post_init__(self) -> None:
        edges = tuple(float(e) for e in self.edges)
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "special_values", tuple(tuple(float(v) for v in g) for g in self.special_values))
        if any(not math.isfinite(e) for e in edges) or any(b <= a for a, b in itertools.pairwise(edges)):
            raise InputError(f"{self.variable}.edges", list(edges), "must be finite and strictly increasing")
        if any(math.isnan(v) for g in self.special_values for v in g):
            raise InputError(f"{self.variable}.special_values", self.special_values, "NaN is the missing bin")

    @property
    def n_regular(self) -> int:
        return len(self.edges) + 1

    @property
    def missing_index(self) -> int:
        return self.n_regular

    @property
    def n_bins(self) -> int:
        return self.n_regular + 1 + len(self.special_values)

    def index(self, values: np.ndarray) -> np.ndarray:
        """Bin index of each value (float array; NaN is missing)."""
        idx = np.searchsorted(np.asarray(self.edges, dtype=np.float64), values, side="right")
        missing = np.isnan(values)
        if missing.any():
            idx[missing] = self.missing_index
        for offset, group in enumerate(self.special_values):
            hit = np.isin(values, group)
            if hit.any():
                idx[hit] = self.missing_index + 1 + offset
        return idx

    def labels(self) -> list[str]:
        """Human-readable label of each bin, in bin order."""
        bounds = [-math.inf, *self.edges, math.inf]
        regular = [f"{'(' if i == 0 else '['}{bounds[i]!r}, {bounds[i + 1]!r})" for i in range(self.n_regular)]
        return [*regular, "missing", *(f"special {list(g)}" for g in self.special_values)]

    def column(self, frame: Frame, source: str | None = None) -> np.ndarray:
        """The variable's values as float64 (NaN for missing); non-numbers are bad input."""
        raw = _get_column(frame, self.variable, source)
        if isinstance(raw, np.ndarray):
            if raw.dtype.kind in "fiub":
                return raw.astype(np.float64, copy=False)
            try:  # fast path for small object arrays (one API row): None becomes NaN
                return raw.astype(np.float64)
            except (TypeError, ValueError):
                pass  # locate the bad value below
        series = pd.Series(raw) if not isinstance(raw, pd.Series) else raw
        if series.dtype.kind in "fiub":
            return series.to_numpy(dtype=np.float64, na_value=np.nan)
        numbers = pd.to_numeric(series, errors="coerce")
        bad = numbers.isna() & series.notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(self.variable, series.iloc[row], "must be a number", source=source, row=row + 1)
        return numbers.to_numpy(dtype=np.float64, na_value=np.nan)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variable": self.variable,
            "edges": list(self.edges),
            "special_values": [list(g) for g in self.special_values],
        }


@dataclass(frozen=True)
class CategoricalBinning:
    """One bin per group of category labels, then a missing bin, then the bin for unseen categories.

    >>> b = CategoricalBinning("segment", groups=(("chips",), ("servers", "1")))
    >>> b.index(pd.Series(["servers", None, "chips", "robots", 1.0], dtype=object)).tolist()
    [1, 2, 0, 3, 1]
    """

    variable: str
    groups: tuple[tuple[str, ...], ...]
    unseen_rule: str = "missing"
    kind: Literal["categorical"] = "categorical"

    def __post_init__(self) -> None:
        groups = tuple(tuple(category_key(c) for c in g) for g in self.groups)
        object.__setattr__(self, "groups", groups)
        flat = [c for g in groups for c in g]
        if len(set(flat)) != len(flat):
            raise InputError(f"{self.variable}.groups", flat, "a category may belong to one group only")
        if self.unseen_rule not in UNSEEN_RULES:
            raise InputError(f"{self.variable}.unseen_rule", self.unseen_rule, f"must be one of {UNSEEN_RULES}")

    @property
    def missing_index(self) -> int:
        return len(self.groups)

    @property
    def unseen_index(self) -> int:
        return len(self.groups) + 1

    @property
    def n_bins(self) -> int:
        return len(self.groups) + 2

    def lookup(self) -> dict[str, int]:
        return {c: i for i, g in enumerate(self.groups) for c in g}

    def index(self, values: Any) -> np.ndarray:
        """Bin index of each value (any array-like; None/NaN is missing)."""
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
        lookup = self.lookup()
        per_unique = np.asarray(
            [lookup.get(category_key(u), self.unseen_index) for u in uniques] + [self.missing_index],
            dtype=np.intp,
        )
        return per_unique[codes]  # code -1 (missing) picks the last entry

    def labels(self) -> list[str]:
        return [", ".join(g) for g in self.groups] + ["missing", "unseen"]

    def column(self, frame: Frame, source: str | None = None) -> Any:
        return _get_column(frame, self.variable, source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "variable": self.variable,
            "groups": [list(g) for g in self.groups],
            "unseen_rule": self.unseen_rule,
        }


Binning = NumericBinning | CategoricalBinning


def category_key(value: Any) -> str:
    """Canonical text of a category: integral numbers lose their ``.0`` so ``1``, ``1.0``, ``"1"`` agree.

    >>> category_key(3.0), category_key("A"), category_key(True)
    ('3', 'A', 'True')
    """
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


def binning_from_dict(data: Mapping[str, Any]) -> Binning:
    """Read a binning written by ``to_dict``."""
    if data["kind"] == "numeric":
        return NumericBinning(
            str(data["variable"]),
            edges=tuple(data["edges"]),
            special_values=tuple(tuple(g) for g in data.get("special_values", ())),
        )
    if data["kind"] == "categorical":
        return CategoricalBinning(
            str(data["variable"]),
            groups=tuple(tuple(g) for g in data["groups"]),
            unseen_rule=str(data.get("unseen_rule", "missing")),
        )
    raise InputError("binning.kind", data.get("kind"), "must be 'numeric' or 'categorical'")


# --- terms -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsTerm:
    """Points per bin of one variable; ``points`` has one float per bin of ``binning``."""

    binning: Binning
    points: tuple[float, ...]
    label: str = ""

    def __post_init__(self) -> None:
        points = tuple(float(p) for p in self.points)
        object.__setattr__(self, "points", points)
        if len(points) != self.binning.n_bins:
            raise InputError(
                f"{self.name}.points", len(points), f"needs {self.binning.n_bins} values (one per bin)"
            )
        if not all(math.isfinite(p) for p in points):
            raise InputError(f"{self.name}.points", list(points), "must be finite")

    @property
    def name(self) -> str:
        return self.binning.variable

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.binning.variable,)

    @property
    def best_points(self) -> float:
        return max(self.points)

    def points_for(self, frame: Frame, source: str | None = None) -> np.ndarray:
        """Points of each row of ``frame`` for this term."""
        idx = self.binning.index(self.binning.column(frame, source))
        return np.asarray(self.points, dtype=np.float64)[idx]

    def table(self) -> list[dict[str, Any]]:
        """Rows ``{bin, label, points}`` for reports."""
        return [
            {"bin": i, "label": lab, "points": p}
            for i, (lab, p) in enumerate(zip(self.binning.labels(), self.points, strict=True))
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"binning": self.binning.to_dict(), "points": list(self.points), "label": self.label}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PointsTerm:
        return cls(binning_from_dict(data["binning"]), tuple(data["points"]), str(data.get("label", "")))


@dataclass(frozen=True)
class InteractionTerm:
    """A 2-D points table over two variables' bins: ``points[i][j]`` for bin ``i`` of ``first`` and bin
    ``j`` of ``second``.

    >>> t = InteractionTerm(NumericBinning("a", (0.0,)), NumericBinning("b", (5.0,)),
    ...                     points=((1.0, 2.0, 0.0), (3.0, 4.0, 0.0), (0.0, 0.0, 0.0)))
    >>> t.points_for({"a": [-1.0, 1.0], "b": [9.0, None]}).tolist()
    [2.0, 0.0]
    """

    first: Binning
    second: Binning
    points: tuple[tuple[float, ...], ...]
    label: str = ""

    def __post_init__(self) -> None:
        table = tuple(tuple(float(p) for p in row) for row in self.points)
        object.__setattr__(self, "points", table)
        shape = (self.first.n_bins, self.second.n_bins)
        if len(table) != shape[0] or any(len(row) != shape[1] for row in table):
            raise InputError(f"{self.name}.points", [len(r) for r in table], f"needs shape {shape}")
        if not all(math.isfinite(p) for row in table for p in row):
            raise InputError(f"{self.name}.points", "table", "must be finite")
        if self.first.variable == self.second.variable:
            raise InputError(f"{self.name}", self.first.variable, "an interaction needs two different variables")

    @property
    def name(self) -> str:
        return f"{self.first.variable} × {self.second.variable}"

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.first.variable, self.second.variable)

    @property
    def best_points(self) -> float:
        return max(max(row) for row in self.points)

    def points_for(self, frame: Frame, source: str | None = None) -> np.ndarray:
        i = self.first.index(self.first.column(frame, source))
        j = self.second.index(self.second.column(frame, source))
        return np.asarray(self.points, dtype=np.float64)[i, j]

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.to_dict(),
            "second": self.second.to_dict(),
            "points": [list(row) for row in self.points],
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InteractionTerm:
        return cls(
            binning_from_dict(data["first"]),
            binning_from_dict(data["second"]),
            tuple(tuple(r) for r in data["points"]),
            str(data.get("label", "")),
        )


# --- scaling and calibration -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scaling:
    """Points scaling: ``base_score`` points at good:bad odds ``base_odds``; odds double every ``pdo``.

    ``score = offset + factor·ln(odds_good)`` with ``factor = pdo/ln 2`` and
    ``offset = base_score − factor·ln(base_odds)`` (Siddiqi, *Credit Risk Scorecards*, 2006, ch. 6).

    >>> s = Scaling(pdo=20.0, base_score=600.0, base_odds=50.0)
    >>> round(s.factor, 4), round(s.offset, 4)
    (28.8539, 487.1229)
    >>> round(float(s.calibration().pd(np.array([600.0]))[0]), 6)  # odds 50:1 -> PD 1/51
    0.019608
    """

    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def calibration(self) -> Calibration:
        """The calibration implied by the scaling alone: ``log-odds(bad) = (offset − score)/factor``."""
        return Calibration(intercept=self.offset / self.factor, slope=-1.0 / self.factor, method="scaling")

    def to_dict(self) -> dict[str, Any]:
        return {"pdo": self.pdo, "base_score": self.base_score, "base_odds": self.base_odds}


@dataclass(frozen=True)
class Calibration:
    """``log-odds of default = intercept + slope·score``; ``method`` and ``target`` record how it was set.

    >>> cal = Calibration(intercept=10.0, slope=-0.02)
    >>> scores = np.array([400.0, 500.0, 600.0])
    >>> shifted = cal.shifted_to(0.05, scores)
    >>> round(float(shifted.pd(scores).mean()), 12), shifted.slope == cal.slope
    (0.05, True)
    """

    intercept: float
    slope: float
    method: str = "logistic"
    target: float | None = None

    def log_odds(self, scores: np.ndarray) -> np.ndarray:
        return self.intercept + self.slope * np.asarray(scores, dtype=np.float64)

    def pd(self, scores: np.ndarray) -> np.ndarray:
        """PD for each score (numerically stable logistic)."""
        z = self.log_odds(scores)
        out = np.empty_like(z)
        pos = z >= 0
        out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
        ez = np.exp(z[~pos])
        out[~pos] = ez / (1.0 + ez)
        return out

    def shifted_to(self, central_tendency: float, scores: np.ndarray) -> Calibration:
        """Keep the slope, move the intercept so the mean PD over ``scores`` equals ``central_tendency``."""
        if not 0.0 < central_tendency < 1.0:
            raise InputError("central_tendency", central_tendency, "must lie strictly between 0 and 1")
        scores = np.asarray(scores, dtype=np.float64)
        if scores.size == 0:
            raise InputError("scores", 0, "need at least one score to calibrate on")

        def gap(shift: float) -> float:
            return float(replace(self, intercept=self.intercept + shift).pd(scores).mean()) - central_tendency

        low, high = -50.0, 50.0
        shift = brentq(gap, low, high, xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=500)
        return replace(
            self, intercept=self.intercept + shift, method=f"{self.method}+central", target=central_tendency
        )

    @classmethod
    def fit(cls, scores: np.ndarray, defaults: np.ndarray) -> Calibration:
        """Fit ``a + b·score`` by maximum likelihood (unpenalised logistic regression on the score).

        >>> rng = np.random.default_rng(0)
        >>> s = rng.normal(600, 50, 20_000)
        >>> y = rng.random(20_000) < 1 / (1 + np.exp(-(12 - 0.025 * s)))
        >>> cal = Calibration.fit(s, y)
        >>> abs(cal.slope + 0.025) < 0.003
        True
        """
        from sklearn.linear_model import LogisticRegression

        scores = np.asarray(scores, dtype=np.float64)
        y = np.asarray(defaults).astype(int)
        centre, spread = float(scores.mean()), float(scores.std()) or 1.0
        lr = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=1000, tol=1e-10)
        lr.fit(((scores - centre) / spread).reshape(-1, 1), y)
        slope = float(lr.coef_[0, 0]) / spread
        return cls(intercept=float(lr.intercept_[0]) - slope * centre, slope=slope, method="logistic")

    def to_dict(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "slope": self.slope, "method": self.method, "target": self.target}


# --- the model -------------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    """Scores, PDs, grades and (optionally) reason codes for each row."""

    score: np.ndarray
    pd: np.ndarray
    grade: np.ndarray
    reasons: np.ndarray | None = None  # rows × k term names, "" where a row has fewer reasons

    def to_frame(self) -> DataFrame:
        """Columns ``score, pd, grade`` and ``reason_1 … reason_k``."""
        out = pd.DataFrame({"score": self.score, "pd": self.pd, "grade": self.grade})
        if self.reasons is not None:
            for k in range(self.reasons.shape[1]):
                out[f"reason_{k + 1}"] = self.reasons[:, k]
        return out


@dataclass(frozen=True)
class PointsModel:
    """An additive points model with calibration and master scale; see the module docstring.

    ``model_type`` says what produced it (``scorecard``, ``additive``, ``expert``…); ``training`` holds
    metadata (rows, default rate, library versions, data fingerprint…) and ``metrics`` validation figures;
    both must be JSON-ready.
    """

    base_points: float
    terms: tuple[PointsTerm, ...]
    calibration: Calibration
    master_scale: MasterScale = field(default_factory=load_master_scale)
    interactions: tuple[InteractionTerm, ...] = ()
    scaling: Scaling = field(default_factory=Scaling)
    model_type: str = "scorecard"
    name: str = "model"
    version: str = "1"
    target: str | None = None
    training: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_points", float(self.base_points))
        names = [t.name for t in self.all_terms]
        if len(set(names)) != len(names):
            raise InputError("terms", names, "each variable (and each pair) may have one term only")

    @property
    def all_terms(self) -> tuple[PointsTerm | InteractionTerm, ...]:
        """Main-effect terms, then interactions: the fixed order of summation and of reason codes."""
        return (*self.terms, *self.interactions)

    @property
    def variables(self) -> list[str]:
        """Input columns the model reads, in first-use order."""
        seen: dict[str, None] = {}
        for term in self.all_terms:
            for v in term.variables:
                seen.setdefault(v, None)
        return list(seen)

    def term_points(self, frame: Frame, source: str | None = None) -> np.ndarray:
        """Matrix ``rows × terms`` of the points each term gives each row (order of :attr:`all_terms`)."""
        columns = [term.points_for(frame, source) for term in self.all_terms]
        if not columns:
            return np.zeros((_n_rows(frame), 0))
        return np.column_stack(columns)

    def score(self, frame: Frame, source: str | None = None) -> np.ndarray:
        """Total points of each row (float64)."""
        total = np.full(_n_rows(frame), self.base_points, dtype=np.float64)
        for term in self.all_terms:
            total += term.points_for(frame, source)
        return total

    def predict(self, frame: Frame, reasons: int = 0, source: str | None = None) -> ScoreResult:
        """Score, PD, grade and the top ``reasons`` reason codes of each row."""
        if reasons:
            matrix = self.term_points(frame, source)
            scores = np.full(matrix.shape[0], self.base_points, dtype=np.float64)
            for k in range(matrix.shape[1]):  # same order as score(): bit-identical totals
                scores += matrix[:, k]
            codes = self.reason_codes(matrix, reasons)
        else:
            scores, codes = self.score(frame, source), None
        pds = self.calibration.pd(scores)
        return ScoreResult(scores, pds, self.master_scale.grades_for_pds(pds), codes)

    def reason_codes(self, matrix: np.ndarray, top: int) -> np.ndarray:
        """Rows × ``top`` names of the terms with the largest shortfall vs their best points, largest
        first; ``""`` where a row has fewer terms below their best."""
        names = np.asarray([t.name for t in self.all_terms] + [""], dtype=object)
        best = np.asarray([t.best_points for t in self.all_terms], dtype=np.float64)
        shortfall = best[None, :] - matrix
        order = np.argsort(-shortfall, axis=1, kind="stable")[:, :top]
        picked = np.take_along_axis(shortfall, order, axis=1)
        order[picked <= 0.0] = len(names) - 1
        if order.shape[1] < top:  # fewer terms than requested reasons
            order = np.pad(order, ((0, 0), (0, top - order.shape[1])), constant_values=len(names) - 1)
        return names[order]

    def explain(self, row: Mapping[str, Any]) -> list[dict[str, Any]]:
        """For one row: each term's bin label, points, best points and shortfall (largest shortfall first)."""
        frame = {k: [v] for k, v in row.items()}
        out = []
        for term in self.all_terms:
            pts = float(term.points_for(frame)[0])
            if isinstance(term, PointsTerm):
                idx = int(term.binning.index(term.binning.column(frame))[0])
                label = term.binning.labels()[idx]
            else:
                label = " & ".join(b.labels()[int(b.index(b.column(frame))[0])] for b in (term.first, term.second))
            out.append(
                {
                    "term": term.name,
                    "bin": label,
                    "points": pts,
                    "best_points": term.best_points,
                    "shortfall": term.best_points - pts,
                }
            )
        return sorted(out, key=lambda r: -r["shortfall"])

    def with_calibration(self, calibration: Calibration) -> PointsModel:
        return replace(self, calibration=calibration)

    # --- serialisation ---

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (format ``computecredit.points/1``)."""
        return {
            "format": FORMAT,
            "model_type": self.model_type,
            "name": self.name,
            "version": self.version,
            "target": self.target,
            "variables": self.variables,
            "base_points": self.base_points,
            "terms": [t.to_dict() for t in self.terms],
            "interactions": [t.to_dict() for t in self.interactions],
            "scaling": self.scaling.to_dict(),
            "calibration": self.calibration.to_dict(),
            "master_scale": self.master_scale.to_dict(),
            "training": dict(self.training),
            "metrics": dict(self.metrics),
        }

    def to_json(self) -> str:
        """JSON text; floats keep full precision (``repr``), NaN/inf are refused."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, allow_nan=False)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> PointsModel:
        if data.get("format") != FORMAT:
            raise InputError("format", data.get("format"), f"expected {FORMAT!r}", source=source)
        try:
            cal, scaling = data["calibration"], data.get("scaling", {})
            return cls(
                base_points=data["base_points"],
                terms=tuple(PointsTerm.from_dict(t) for t in data["terms"]),
                interactions=tuple(InteractionTerm.from_dict(t) for t in data.get("interactions", ())),
                calibration=Calibration(
                    float(cal["intercept"]),
                    float(cal["slope"]),
                    str(cal.get("method", "logistic")),
                    cal.get("target"),
                ),
                scaling=Scaling(**{k: float(v) for k, v in scaling.items()}),
                master_scale=MasterScale.from_dict(data["master_scale"]),
                model_type=str(data.get("model_type", "scorecard")),
                name=str(data.get("name", "model")),
                version=str(data.get("version", "1")),
                target=data.get("target"),
                training=data.get("training", {}),
                metrics=data.get("metrics", {}),
            )
        except KeyError as exc:
            raise InputError(str(exc.args[0]), None, "required in a points model", source=source) from None
        except InputError as exc:
            raise exc.with_source(source) from None

    @classmethod
    def from_json(cls, text: str, source: str | None = None) -> PointsModel:
        return cls.from_dict(json.loads(text), source=source)

    @classmethod
    def load(cls, path: str | Path) -> PointsModel:
        return cls.from_json(Path(path).read_text(encoding="utf-8"), source=str(path))


def _get_column(frame: Frame, variable: str, source: str | None) -> Any:
    try:
        column = frame[variable]
    except KeyError:
        raise InputError(variable, None, "column required by the model is missing", source=source) from None
    if isinstance(column, (pd.Series, np.ndarray)):
        return column
    if isinstance(column, (str, bytes)) or not isinstance(column, Sequence):
        column = [column]  # one row given as scalars
    return np.asarray(column, dtype=object)


def _n_rows(frame: Frame) -> int:
    if isinstance(frame, pd.DataFrame):
        return len(frame)
    for value in frame.values():
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            return 1
        return len(value)
    return 0


__all__ = [
    "FORMAT",
    "Binning",
    "Calibration",
    "CategoricalBinning",
    "InteractionTerm",
    "NumericBinning",
    "PointsModel",
    "PointsTerm",
    "Scaling",
    "ScoreResult",
    "binning_from_dict",
    "category_key",
]
