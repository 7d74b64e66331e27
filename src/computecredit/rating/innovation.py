"""The innovation assessment (科技创新评价) of a borrower, and whether it has steady operating cash flow.

A technology-SME product line (科技易贷 and the like) lends to firms whose statements cannot carry an ordinary
rating: no steady operating cash flow. For those firms the innovation assessment the expert model already
makes (:func:`computecredit.rating.expert.assess_innovation`: invention patents, citations, R&D intensity and
staff, 专精特新 level, high-tech status, awards, venture rounds) is what a product line's eligibility rules and
grade cap rest on. :func:`innovation_assessment` gives both from the borrower and its statements, from the
same inputs the rating uses (:func:`innovation_inputs`), so a product line and the rating cannot disagree.

**Steady operating cash flow** (bank policy, :data:`STEADY_YEARS`): 经营活动产生的现金流量净额
(:func:`computecredit.domain.metrics.operating_cash_flow`, the one definition) positive in each of the last two
fiscal years up to the latest statement. A year without a statement, or whose statement has no cash-flow line,
does not count as steady: missing figures are no evidence of cash flow.

>>> from computecredit.domain.borrowers import Borrower
>>> from computecredit.domain.statements import FinancialStatement
>>> firm = Borrower(uscc="91520100MADMJQ00GN", name_zh="贵州示例智能软件有限公司", name_en="Guizhou Example Software",
...     segment="ai_software_services", province="guizhou", ownership="private", employees=40,
...     revenue="800万", total_assets="1500万",
...     credentials={"invention_patents": 6, "patents": 15, "rd_staff": 18, "specialised_level": "provincial",
...                  "high_tech_enterprise": True})
>>> def year(y, ocf):
...     return FinancialStatement(borrower_uscc=firm.uscc, fiscal_year=y, unit="万元", values={
...         "cash": 300, "fixed_assets": 1200, "short_term_borrowings": 200, "paid_in_capital": 1300,
...         "operating_revenue": 800, "operating_costs": 500, "rd_expenses": 120, "net_operating_cash_flow": ocf})
>>> a = innovation_assessment(firm, [year(2023, 60), year(2024, -90)])
>>> a.steady_cash_flow, [(y.year, y.operating_cash_flow) for y in a.cash_flow]
(False, [(2023, Decimal('600000')), (2024, Decimal('-900000'))])
>>> round(a.score, 1), a.notches, a.missing
(62.7, 1, ('patent_citations', 'awards', 'venture_funding_rounds'))
>>> a.components["rd_intensity"], a.inputs["rd_intensity"]  # 120 / 800 = 15% R&D intensity
(100.0, 0.15)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from computecredit.domain.borrowers import Borrower
from computecredit.domain.metrics import MissingLine, operating_cash_flow, yuan_lines
from computecredit.domain.statements import FinancialStatement
from computecredit.rating.expert import ExpertConfig, assess_innovation, load_expert_config
from computecredit.rating.ratios import statement_ratios

# Bank policy: the fiscal years (the latest statement's and those before it) whose operating cash flow must
# all be positive for the borrower to count as having steady operating cash flow.
STEADY_YEARS = 2


def innovation_inputs(borrower: Borrower, rd_intensity: float | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    """Innovation-assessment inputs from the borrower's credentials, its R&D intensity and ``extra``
    (citations, awards, venture rounds; ``extra`` wins where both give a value).

    R&D intensity is the statements' (``rd_expenses / operating_revenue`` of the latest year) when given, else
    the credentials' R&D spend over the borrower's revenue.
    """
    cred = borrower.credentials
    derived: dict[str, Any] = {
        "invention_patents": cred.invention_patents,
        "rd_intensity": rd_intensity
        if rd_intensity is not None
        else (float(cred.rd_spend) / float(borrower.revenue) if borrower.revenue else None),
        "rd_staff_share": cred.rd_staff / borrower.employees if borrower.employees else None,
        "specialised_level": cred.specialised_level.value,
        "high_tech_enterprise": str(cred.high_tech_enterprise).lower(),
    }
    return {**derived, **extra}


@dataclass(frozen=True)
class CashFlowYear:
    """One fiscal year's operating cash flow in 元; ``None`` when there is no statement or no cash-flow line."""

    year: int
    operating_cash_flow: Decimal | None


@dataclass(frozen=True)
class CashFlowTest:
    """Whether the borrower has steady operating cash flow, and the years it was judged on (oldest first)."""

    steady: bool
    years: tuple[CashFlowYear, ...]


def steady_operating_cash_flow(
    statements: Sequence[FinancialStatement], years: int = STEADY_YEARS
) -> CashFlowTest:
    """Operating cash flow positive in each of the last ``years`` fiscal years up to the latest statement
    (a year's consolidated statement where it has one, else its first).

    >>> steady_operating_cash_flow([]).steady
    False
    """
    by_year: dict[int, FinancialStatement] = {}
    for statement in statements:
        held = by_year.get(statement.fiscal_year)
        if held is None or (statement.consolidated and not held.consolidated):
            by_year[statement.fiscal_year] = statement
    if not by_year:
        return CashFlowTest(False, ())
    latest = max(by_year)
    checked = []
    for year in range(latest - years + 1, latest + 1):
        found = by_year.get(year)
        try:
            value = None if found is None else operating_cash_flow(yuan_lines(found))
        except MissingLine:
            value = None
        checked.append(CashFlowYear(year, value))
    steady = all(y.operating_cash_flow is not None and y.operating_cash_flow > 0 for y in checked)
    return CashFlowTest(steady, tuple(checked))


@dataclass(frozen=True)
class InnovationAssessment:
    """What a product line's eligibility and grade cap read: steady cash flow or not, the innovation score
    0–100 with each component's score (0–100) and the inputs behind it, the components with no input
    (``missing``: scored 0, as the expert model does), and the grade uplift the expert model grants for the
    score (``notches``; 0 for a large enterprise)."""

    steady_cash_flow: bool
    cash_flow: tuple[CashFlowYear, ...]
    score: float
    components: dict[str, float]
    inputs: dict[str, Any]
    missing: tuple[str, ...]
    notches: int
    is_sme: bool
    config_version: str


def innovation_assessment(
    borrower: Borrower,
    statements: Sequence[FinancialStatement],
    innovation: Mapping[str, Any] | None = None,
    config: ExpertConfig | None = None,
) -> InnovationAssessment:
    """The borrower's innovation assessment and cash-flow test (see the module docstring).

    ``innovation`` gives what the records do not hold (``patent_citations``, ``awards``,
    ``venture_funding_rounds``) or replaces what they say, as in a rating request.
    """
    config = config or load_expert_config()
    _year, ratios, _trends = statement_ratios(statements)
    rd_intensity = ratios["rd_intensity"].value if "rd_intensity" in ratios else None
    inputs = innovation_inputs(borrower, rd_intensity, innovation or {})
    result = assess_innovation(config.innovation, inputs, borrower.is_sme)
    cash_flow = steady_operating_cash_flow(statements)
    return InnovationAssessment(
        steady_cash_flow=cash_flow.steady,
        cash_flow=cash_flow.years,
        score=result.score,
        components=dict(result.components),
        inputs={code: inputs.get(code) for code in config.innovation.components},
        missing=tuple(code for code in config.innovation.components if inputs.get(code) is None),
        notches=result.notches,
        is_sme=borrower.is_sme,
        config_version=config.version,
    )


__all__ = [
    "STEADY_YEARS",
    "CashFlowTest",
    "CashFlowYear",
    "InnovationAssessment",
    "innovation_assessment",
    "innovation_inputs",
    "steady_operating_cash_flow",
]
