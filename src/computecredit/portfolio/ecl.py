"""Expected credit loss under IFRS 9 / 企业会计准则第22号 (CAS 22): staging, 12-month and lifetime ECL,
probability-weighted macro scenarios.

Staging (IFRS 9 §5.5.3, §5.5.11, B5.5.37; 《商业银行预期信用损失法实施管理办法》, CBIRC 2022):
- stage 3 (credit-impaired): more than 90 days past due, PD = 1 or grade D, or five-category class
  次级/可疑/损失;
- stage 2 (significant increase in credit risk): more than 30 days past due, class 关注, or the one-year PD
  has at least doubled since origination *and* risen by at least 0.5 percentage points (both thresholds
  are parameters: the standard leaves them to the bank);
- stage 1 otherwise.

PD term structure: the obligor's grade on the master scale (``computecredit.rating.master_scale``; grade
given, or the grade of its PD) is mapped to its letter category in a one-year transition matrix (AA+ → AA,
CC and C → CCC); the cumulative default probabilities of that category, (Tᵗ)[r, D], give the shape, which
is scaled to the obligor's own one-year PD by a constant hazard multiplier
(1 − cum'(t) = (1 − cum(t))^h, h chosen so cum'(1) = PD). Or the curve is given (``--pd-curve``: by
obligor or rating, used as given). Lifetime ECL = Σ_j marginal PD_j·LGD·EAD_j·(1+EIR)^−t_j over the payment
periods j of the loan's repayment schedule (``portfolio.schedule``: bullet, annuity, equal principal or a
given schedule, ``frequency`` payments a year), EAD_j the balance outstanding in period j, t_j its end, the
cumulative PD linear within each year; 12-month ECL stops at one year.
Stage 1 books 12-month ECL, stage 2 lifetime ECL, stage 3 LGD·EAD.

Macro scenarios scale each hazard (1 − cum_s(t) = (1 − cum(t))^m_s) and LGD; ECL is their weighted mean.

>>> book = Portfolio.from_records([{"obligor_id": "A", "group_id": "G", "sector": "idc", "region": "宁夏",
...     "ead": 1e8, "pd": 0.02, "lgd": 0.45, "maturity": 3, "days_past_due": 45}])
>>> r = expected_credit_loss(book)
>>> r.rows[0]["stage"], round(r.rows[0]["ecl"] / 1e6, 2)
(2, 3.71)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from computecredit import reference
from computecredit.errors import InputError, Problem
from computecredit.portfolio.inputs import Portfolio
from computecredit.portfolio.migration import TransitionMatrix, transition_matrix_from_frame
from computecredit.portfolio.results import provenance
from computecredit.portfolio.schedule import RepaymentSchedule, repayment_schedule
from computecredit.rating.master_scale import MasterScale, load_master_scale

TRANSITION_TABLE = "creditmetrics_transition_matrix_1996.csv"
STAGE3_CLASSES = {"次级", "可疑", "损失", "substandard", "doubtful", "loss"}
STAGE2_CLASSES = {"关注", "special_mention", "special mention"}


@dataclass(frozen=True)
class MacroScenario:
    name: str
    weight: float
    pd_multiplier: float = 1.0
    lgd_multiplier: float = 1.0


BASE_ONLY = (MacroScenario("base", 1.0),)


def default_transitions() -> TransitionMatrix:
    """The bundled one-year matrix (CreditMetrics Technical Document 1997, Table 6.3)."""
    return transition_matrix_from_frame(reference.load_csv(TRANSITION_TABLE), source=TRANSITION_TABLE)


def letter_category(code: str, categories: Sequence[str]) -> str | None:
    """Letter category of a notched grade in the matrix's ratings.

    >>> letter_category("AA+", ("AAA", "AA", "A", "BBB", "BB", "B", "CCC")), letter_category("C", ("CCC",))
    ('AA', 'CCC')
    """
    base = code.rstrip("+-")
    if base in categories:
        return base
    if base in ("CC", "C") and "CCC" in categories:
        return "CCC"
    return None


def cumulative_default_curve(transitions: TransitionMatrix, rating: str, years: int) -> np.ndarray:
    """cum(t) = P(default by year t) for t = 0 … years, from powers of the one-year matrix (D absorbing).

    >>> cumulative_default_curve(default_transitions(), "BBB", 2).round(5).tolist()
    [0.0, 0.0018, 0.00481]
    """
    states = transitions.states
    size = len(states)
    full = np.zeros((size, size))
    for i, rating_from in enumerate(transitions.ratings):
        if rating_from in states:
            full[states.index(rating_from)] = transitions.matrix[i]
    full[-1, -1] = 1.0
    vector = np.zeros(size)
    vector[states.index(rating)] = 1.0
    curve = [0.0]
    for _ in range(years):
        vector = vector @ full
        curve.append(float(vector[-1]))
    return np.array(curve)


def term_structure(
    pd: float,
    years: int,
    grade: str | None,
    transitions: TransitionMatrix,
    scale: MasterScale,
    shapes: dict[tuple[str, int], np.ndarray] | None = None,
) -> np.ndarray:
    """Cumulative PD for t = 0 … years scaled to ``pd`` in year one (constant hazard when the grade has no
    letter category in the matrix). ``shapes`` memoises the matrix curves across calls."""
    if pd >= 1.0:
        return np.r_[0.0, np.ones(years)]
    code = grade or scale.grade_for_pd(pd).code
    category = letter_category(code, transitions.ratings)
    t = np.arange(years + 1, dtype=float)
    if category is None or pd <= 0.0:
        return 1.0 - (1.0 - pd) ** t
    key = (category, years)
    if shapes is None or key not in shapes:
        shape = cumulative_default_curve(transitions, category, years)
        if shapes is not None:
            shapes[key] = shape
    else:
        shape = shapes[key]
    if shape[1] <= 0.0:
        return 1.0 - (1.0 - pd) ** t
    multiplier = math.log1p(-pd) / math.log1p(-shape[1])
    return 1.0 - (1.0 - shape) ** multiplier


def _stress_curve(curve: np.ndarray, multiplier: float) -> np.ndarray:
    return 1.0 - (1.0 - curve) ** multiplier


def _ecl_from_curve(
    curve: np.ndarray, schedule: RepaymentSchedule, lgd: float, rate: float, horizon: float
) -> float:
    """Σ over payment periods of marginal PD · opening balance · LGD · (1 + EIR)^−t, t the period's end, up
    to ``horizon`` years (the period that crosses it pro rata); cumulative PD linear within each year."""
    end = min(float(schedule.ends[-1]), horizon)
    starts = schedule.starts
    inside = starts < end
    t0 = starts[inside]
    t1 = np.minimum(schedule.ends[inside], end)
    years = np.arange(len(curve), dtype=float)
    marginal = np.interp(t1, years, curve) - np.interp(t0, years, curve)
    return float(np.sum(marginal * schedule.opening[inside] * lgd / (1.0 + rate) ** t1))


def extend_curve(curve: np.ndarray, years: int) -> np.ndarray:
    """A cumulative PD curve (index = year) extended to ``years`` with its last year's conditional PD.

    >>> extend_curve(np.array([0.0, 0.1, 0.19]), 3).round(4).tolist()
    [0.0, 0.1, 0.19, 0.271]
    """
    if len(curve) > years:
        return curve
    survival = 1.0 - curve[-1]
    last = survival / (1.0 - curve[-2]) if curve[-2] < 1.0 else 0.0
    extra = survival * last ** np.arange(1, years - len(curve) + 2)
    return np.r_[curve, 1.0 - extra]


@dataclass(frozen=True)
class PdCurves:
    """Cumulative PD curves by obligor or by rating, index = year (``curve[0] = 0``)."""

    key: str
    curves: dict[str, np.ndarray]
    source: str | None = None

    def for_row(self, obligor_id: str, rating: str | None) -> np.ndarray | None:
        label = obligor_id if self.key == "obligor_id" else rating
        return None if label is None else self.curves.get(str(label))


def pd_curves_from_frame(frame: pd.DataFrame, source: str | None = None) -> PdCurves:
    """Curves from rows ``obligor_id`` or ``rating``, ``year`` (1, 2, …), ``cumulative_pd`` (fraction).

    >>> c = pd_curves_from_frame(pd.DataFrame({"rating": ["BB", "BB"], "year": [1, 2], "cumulative_pd": [.01, .03]}))
    >>> c.key, c.curves["BB"].tolist()
    ('rating', [0.0, 0.01, 0.03])
    """
    keys = [k for k in ("obligor_id", "rating") if k in frame.columns]
    if len(keys) != 1 or not {"year", "cumulative_pd"} <= set(frame.columns):
        raise InputError(
            "columns",
            list(frame.columns),
            "need obligor_id or rating (one of them), year, cumulative_pd",
            source=source,
        )
    key = keys[0]
    problems: list[Problem] = []
    years = pd.to_numeric(frame["year"], errors="coerce").to_numpy(dtype=float)
    cum = pd.to_numeric(frame["cumulative_pd"], errors="coerce").to_numpy(dtype=float)
    for row in range(len(frame)):
        if not (np.isfinite(years[row]) and years[row] >= 1 and years[row] == int(years[row])):
            problems.append(Problem("year", frame["year"].iloc[row], "must be a whole year ≥ 1", source, row + 1))
        if not (np.isfinite(cum[row]) and 0.0 <= cum[row] <= 1.0):
            problems.append(
                Problem("cumulative_pd", frame["cumulative_pd"].iloc[row], "must lie in [0, 1]", source, row + 1)
            )
    if problems:
        raise InputError(problems=problems)
    curves: dict[str, np.ndarray] = {}
    labels = frame[key].astype(str).str.strip().to_numpy()
    for label in dict.fromkeys(labels):
        rows = np.flatnonzero(labels == label)
        order = rows[np.argsort(years[rows])]
        if years[order].tolist() != list(range(1, len(order) + 1)):
            problems.append(
                Problem(
                    "year", years[order].tolist(), f"{key} {label}: years must run 1, 2, … without gaps", source
                )
            )
        elif np.any(np.diff(cum[order]) < 0):
            problems.append(
                Problem(
                    "cumulative_pd", cum[order].tolist(), f"{key} {label}: must not decrease with the year", source
                )
            )
        curves[str(label)] = np.r_[0.0, cum[order]]
    if problems:
        raise InputError(problems=problems)
    return PdCurves(key=key, curves=curves, source=source)


def load_pd_curves(path: str | Path) -> PdCurves:
    """Read a PD-curve CSV (see :func:`pd_curves_from_frame`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    return pd_curves_from_frame(pd.read_csv(path, dtype={"obligor_id": str, "rating": str}), source=path.name)


@dataclass(frozen=True)
class EclResult:
    """Per-row staging and ECL (元), totals by stage, and ECL under each macro scenario."""

    rows: list[dict[str, Any]]
    total: float
    by_stage: dict[int, dict[str, float]]
    by_scenario: dict[str, float]
    parameters: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "ecl": self.total,
            "by_stage": self.by_stage,
            "by_scenario": self.by_scenario,
            "parameters": self.parameters,
        }


def scenarios_from_mapping(document: Any, source: str | None = None) -> tuple[MacroScenario, ...]:
    """``{scenarios: {name: {weight, pd_multiplier, lgd_multiplier}}}``; weights must sum to 1.

    >>> [s.name for s in scenarios_from_mapping({"scenarios": {"base": {"weight": 0.7},
    ...     "downside": {"weight": 0.3, "pd_multiplier": 1.8}}})]
    ['base', 'downside']
    """
    table = document.get("scenarios") if isinstance(document, Mapping) else None
    if not isinstance(table, Mapping) or not table:
        raise InputError("scenarios", None, "needs a non-empty 'scenarios' mapping", source=source)
    out = []
    for name, spec in table.items():
        spec = spec or {}
        try:
            scenario = MacroScenario(
                str(name),
                float(spec.get("weight", 0.0)),
                float(spec.get("pd_multiplier", 1.0)),
                float(spec.get("lgd_multiplier", 1.0)),
            )
        except (TypeError, ValueError, AttributeError):
            raise InputError(
                f"scenarios.{name}", spec, "weight and multipliers must be numbers", source=source
            ) from None
        if scenario.weight < 0 or scenario.pd_multiplier < 0 or scenario.lgd_multiplier < 0:
            raise InputError(f"scenarios.{name}", spec, "weight and multipliers must be ≥ 0", source=source)
        out.append(scenario)
    weights = sum(s.weight for s in out)
    if abs(weights - 1.0) > 1e-6:
        raise InputError("scenarios", round(weights, 6), "weights must sum to 1", source=source)
    return tuple(out)


def load_macro_scenarios(path: str | Path) -> tuple[MacroScenario, ...]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    return scenarios_from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")), source=path.name)


def _column(portfolio: Portfolio, name: str, default: Any) -> np.ndarray:
    values = portfolio.extra.get(name)
    if values is None:
        return np.full(portfolio.n, default, dtype=object)
    return np.array(
        [default if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in values], dtype=object
    )


def expected_credit_loss(
    portfolio: Portfolio,
    scenarios: Sequence[MacroScenario] = BASE_ONLY,
    transitions: TransitionMatrix | None = None,
    scale: MasterScale | None = None,
    sicr_ratio: float = 2.0,
    sicr_absolute: float = 0.005,
    pd_curves: PdCurves | None = None,
) -> EclResult:
    """Stage each row and compute its probability-weighted ECL.

    Optional book columns: ``days_past_due``, ``origination_pd`` (or ``origination_rating``), ``rating``
    (a master-scale grade), ``five_category`` (五级分类) and the loan terms ``amortisation``, ``eir``,
    ``frequency``, ``schedule`` (:class:`~computecredit.portfolio.inputs.LoanTerms`; default a bullet loan,
    EIR 0, annual periods). ``pd_curves`` gives cumulative PD curves by obligor or rating, used as given
    (extended beyond their last year by its conditional PD); rows without one use the matrix curve.
    """
    matrix_name = "given" if transitions is not None else TRANSITION_TABLE
    transitions = transitions or default_transitions()
    scale = scale or load_master_scale()
    dpd = _column(portfolio, "days_past_due", 0)
    rating = _column(portfolio, "rating", None)
    origination_pd = _column(portfolio, "origination_pd", None)
    origination_rating = _column(portfolio, "origination_rating", None)
    category = _column(portfolio, "five_category", None)
    terms = portfolio.loan_terms()
    problems = []
    for row in range(portfolio.n):
        try:
            dpd[row] = float(dpd[row])
            if dpd[row] < 0:
                problems.append(Problem("days_past_due", dpd[row], "must be ≥ 0", portfolio.source, row + 1))
            if origination_pd[row] is None and origination_rating[row] is not None:
                origination_pd[row] = scale.pd_for_grade(str(origination_rating[row]))
            if origination_pd[row] is not None and not 0 <= float(origination_pd[row]) <= 1:
                problems.append(
                    Problem("origination_pd", origination_pd[row], "must lie in [0, 1]", portfolio.source, row + 1)
                )
            if rating[row] is not None:
                scale.grade(str(rating[row]))
        except InputError as exc:
            problems.extend(exc.with_source(portfolio.source, row + 1).problems)
        except (TypeError, ValueError):
            problems.append(Problem("days_past_due", dpd[row], "must be a number", portfolio.source, row + 1))
    if problems:
        raise InputError(problems=problems)

    rows = []
    by_scenario = {s.name: 0.0 for s in scenarios}
    shapes: dict[tuple[str, int], np.ndarray] = {}
    grade_of_pd = scale.grades_for_pds(portfolio.pd)
    for row in range(portfolio.n):
        pd_now = float(portfolio.pd[row])
        grade = str(grade_of_pd[row]) if rating[row] is None else str(rating[row])
        if grade is not None and grade == scale.default.code:
            pd_now = 1.0
        klass = None if category[row] is None else str(category[row]).strip()
        if dpd[row] > 90 or pd_now >= 1.0 or klass in STAGE3_CLASSES:
            stage = 3
        elif (
            dpd[row] > 30
            or klass in STAGE2_CLASSES
            or (
                origination_pd[row] is not None
                and pd_now >= sicr_ratio * float(origination_pd[row])
                and pd_now - float(origination_pd[row]) >= sicr_absolute
            )
        ):
            stage = 2
        else:
            stage = 1
        maturity = float(portfolio.maturity[row])
        loan = terms[row]
        schedule = repayment_schedule(
            float(portfolio.ead[row]), maturity, loan.amortisation, loan.eir, loan.frequency, loan.balances
        )
        life_end = float(schedule.ends[-1])
        years = max(1, math.ceil(life_end - 1e-9))
        given = None if pd_curves is None else pd_curves.for_row(str(portfolio.obligor_id[row]), rating[row])
        if given is not None:
            curve = extend_curve(given, years)
        else:
            curve = term_structure(pd_now, years, grade, transitions, scale, shapes)
        ead = float(portfolio.ead[row])
        weighted = 0.0
        twelve_month = lifetime = 0.0
        for scenario in scenarios:
            lgd = min(1.0, float(portfolio.lgd[row]) * scenario.lgd_multiplier)
            stressed = _stress_curve(curve, scenario.pd_multiplier)
            m12 = _ecl_from_curve(stressed, schedule, lgd, loan.eir, 1.0)
            life = _ecl_from_curve(stressed, schedule, lgd, loan.eir, life_end)
            value = ead * lgd if stage == 3 else (m12 if stage == 1 else life)
            weighted += scenario.weight * value
            twelve_month += scenario.weight * m12
            lifetime += scenario.weight * life
            by_scenario[scenario.name] += value
        rows.append(
            {
                "obligor_id": str(portfolio.obligor_id[row]),
                "stage": stage,
                "pd_12m": float(curve[1]) if stage < 3 else 1.0,
                "pd_lifetime": float(np.interp(life_end, np.arange(len(curve)), curve)) if stage < 3 else 1.0,
                "ecl_12m": twelve_month,
                "ecl_lifetime": lifetime,
                "ecl": weighted,
                "ead": ead,
            }
        )
    frame = pd.DataFrame(rows)
    by_stage = {
        int(stage): {"count": len(part), "ead": float(part["ead"].sum()), "ecl": float(part["ecl"].sum())}
        for stage, part in frame.groupby("stage")
    }
    return EclResult(
        rows=rows,
        total=float(frame["ecl"].sum()),
        by_stage=by_stage,
        by_scenario=by_scenario,
        parameters={
            "sicr_ratio": sicr_ratio,
            "sicr_absolute": sicr_absolute,
            "scenarios": [s.__dict__ for s in scenarios],
            "master_scale": scale.name,
            "transition_matrix": matrix_name,
            "pd_curves": None if pd_curves is None else (pd_curves.source or "given"),
            **provenance(TRANSITION_TABLE, "master_scale.yaml"),
        },
    )
