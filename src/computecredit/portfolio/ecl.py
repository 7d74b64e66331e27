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
(1 − cum'(t) = (1 − cum(t))^h, h chosen so cum'(1) = PD). Lifetime ECL = Σ_t marginal PD_t·LGD·EAD·(1+r)^−t
over the remaining maturity (a bullet exposure; the last year pro rata); 12-month ECL stops at one year.
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


def _ecl_from_curve(curve: np.ndarray, maturity: float, exposure: float, rate: float, horizon: float) -> float:
    """Σ marginal PD · exposure · discount over min(maturity, horizon) years, the last year pro rata."""
    end = min(maturity, horizon)
    total = 0.0
    year = 1
    while year - 1 < end:
        fraction = min(1.0, end - (year - 1))
        cum_start = curve[year - 1]
        cum_end = curve[year - 1] + fraction * (curve[year] - curve[year - 1])
        total += float(cum_end - cum_start) * exposure / (1.0 + rate) ** (year - 1 + fraction)
        year += 1
    return total


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
) -> EclResult:
    """Stage each row and compute its probability-weighted ECL.

    Optional book columns: ``days_past_due``, ``origination_pd`` (or ``origination_rating``), ``rating``
    (a master-scale grade), ``five_category`` (五级分类), ``eir`` (effective interest rate, fraction; 0 if
    absent).
    """
    matrix_name = "given" if transitions is not None else TRANSITION_TABLE
    transitions = transitions or default_transitions()
    scale = scale or load_master_scale()
    dpd = _column(portfolio, "days_past_due", 0)
    rating = _column(portfolio, "rating", None)
    origination_pd = _column(portfolio, "origination_pd", None)
    origination_rating = _column(portfolio, "origination_rating", None)
    category = _column(portfolio, "five_category", None)
    eir = _column(portfolio, "eir", 0.0)
    problems = []
    for row in range(portfolio.n):
        try:
            dpd[row] = float(dpd[row])
            eir[row] = float(eir[row])
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
            problems.append(
                Problem("days_past_due/eir", (dpd[row], eir[row]), "must be numbers", portfolio.source, row + 1)
            )
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
        years = max(1, math.ceil(maturity))
        curve = term_structure(pd_now, years, grade, transitions, scale, shapes)
        ead = float(portfolio.ead[row])
        weighted = 0.0
        twelve_month = lifetime = 0.0
        for scenario in scenarios:
            lgd = min(1.0, float(portfolio.lgd[row]) * scenario.lgd_multiplier)
            stressed = _stress_curve(curve, scenario.pd_multiplier)
            m12 = _ecl_from_curve(stressed, maturity, ead * lgd, float(eir[row]), 1.0)
            life = _ecl_from_curve(stressed, maturity, ead * lgd, float(eir[row]), maturity)
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
                "pd_lifetime": float(curve[min(years, len(curve) - 1)]) if stage < 3 else 1.0,
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
            **provenance(TRANSITION_TABLE, "master_scale.yaml"),
        },
    )
