"""Build a :class:`~computecredit.facilities.proposal.Proposal` from the shared domain records: the bank, the
borrower and its statements, its rating, the facility and the book's exposures. Pure: the caller reads them.

What the records do not say is derived, each rule stated here so the memo's figures stay traceable:

- working-capital inputs from the last two statements (averages of opening and closing balances;
  预收账款 includes 合同负债 since CAS 14 (2017) moved advances there; own funds = 流动资产 − 流动负债;
  existing WC loans = 短期借款; other WC funding = 应付票据; growth = last year's revenue growth, floored at 0);
- covenant test values from the latest statement (current ratio, debt to assets, debt / EBITDA, interest cover,
  net margin, revenue growth, operating cash flow), and the memo's EBITDA and debt, as
  :mod:`computecredit.domain.metrics` defines them;
- the exposure class from the product and the borrower's size; a booked facility's exposure as booked;
- the deal's own sizing terms (``facility.structuring``: target DSCR, buy-back amount...) as given; a
  project loan's target DSCR defaults to 1.30x;
- GPU collateral at its value at a default a year ahead on the residual-value path, with the linked
  project engine's recommended haircut (the haircut table's otherwise);
- the existing position from the book's other exposures to the borrower and its group (a child loan and its
  parent line are one limit, so they are left out of each other's position);
- pricing policy from ``reference/data/bank_policy_defaults.yaml``; compute risks from ``compute_risks.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from computecredit.domain.bank import Bank
from computecredit.domain.borrowers import Borrower
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import Facility, ProductType
from computecredit.domain.metrics import headline_year, statement_figures
from computecredit.domain.ratings import RatingRecord
from computecredit.domain.statements import FinancialStatement
from computecredit.facilities.lgd import haircut_row as load_csv_row
from computecredit.facilities.proposal import Proposal, facility_ead
from computecredit.facilities.working_capital import WorkingCapitalInputs
from computecredit.reference import load_yaml

ZERO = Decimal(0)


def _v(statement: FinancialStatement, code: str) -> Decimal:
    return statement.yuan(code) or ZERO


def headline_financials(statements: Sequence[FinancialStatement]) -> list[dict[str, Any]]:
    """Revenue, EBITDA, net income and interest-bearing debt per fiscal year, oldest first (the memo's trend;
    :func:`computecredit.domain.metrics.headline_year`); a year without an EBITDA is left out."""
    years = (headline_year(s) for s in sorted(statements, key=lambda s: s.fiscal_year))
    return [asdict(year) for year in years if year is not None]


def wc_inputs_from_statements(
    current: FinancialStatement, previous: FinancialStatement | None, growth: float | None = None
) -> WorkingCapitalInputs:
    """Inputs of the working-capital formula from the borrower's statements (rules in the module docstring).

    >>> s = FinancialStatement(borrower_uscc="91640100MA7X00001X", fiscal_year=2024, unit="万元",
    ...     values={"inventories": 200, "accounts_receivable": 300, "cash": 500, "accounts_payable": 160,
    ...             "paid_in_capital": 840, "operating_revenue": 3000, "operating_costs": 2400})
    >>> w = wc_inputs_from_statements(s, None, growth=0.1)
    >>> w.revenue, w.avg_inventory, w.own_funds
    (Decimal('30000000'), Decimal('2000000'), Decimal('8400000'))
    """

    def average(code: str) -> Decimal:
        closing = _v(current, code)
        return closing if previous is None else (closing + _v(previous, code)) / 2

    revenue = _v(current, "operating_revenue")
    if growth is None:
        before = _v(previous, "operating_revenue") if previous is not None else ZERO
        growth = max(float(revenue / before - 1), 0.0) if before > 0 else 0.0
    margin = float(_v(current, "net_profit") / revenue) if revenue > 0 else 0.0
    current_assets = _v(current, "total_current_assets")
    current_liabilities = _v(current, "total_current_liabilities")
    return WorkingCapitalInputs(
        revenue=revenue,
        cost_of_sales=_v(current, "operating_costs"),
        profit_margin=Decimal(str(round(margin, 6))),
        growth=Decimal(str(round(min(growth, 5.0), 6))),
        avg_inventory=average("inventories"),
        avg_receivables=average("accounts_receivable"),
        avg_prepayments=average("prepayments"),
        avg_payables=average("accounts_payable"),
        avg_advances_received=average("advances_from_customers") + average("contract_liabilities"),
        own_funds=max(current_assets - current_liabilities, ZERO),
        existing_wc_loans=_v(current, "short_term_borrowings"),
        other_wc_funding=_v(current, "notes_payable"),
    )


def project_results(result: Any, code: str | None = None) -> dict[str, Any]:
    """The proposal's ``project`` section from a :class:`computecredit.projects.ProjectResult`.

    Annual CFADS feeds the DSCR debt capacity; the tornado's low/high cases become the sensitivities; the
    simulation's min-DSCR histogram, quantiles and default probability become the Monte Carlo summary.
    """
    from computecredit.projects import MODEL_VERSION

    metrics = result.metrics
    annual = result.annual()
    sensitivities = []
    for row in result.tornado:
        for side in ("low", "high"):
            sensitivities.append(
                {
                    "name_zh": row["label"],
                    "name_en": row["label"],
                    "change": side,
                    "min_dscr": row[f"min_dscr_{side}"],
                    "equity_irr": row[f"equity_irr_{side}"],
                }
            )
    monte_carlo = None
    sim = result.simulation
    if sim is not None and sim.histogram.get("edges"):
        edges, counts = sim.histogram["edges"], sim.histogram["counts"]
        below = sum(c for c, lo in zip(counts, edges[:-1], strict=True) if lo < 1.0)
        monte_carlo = {
            "metric": "min_dscr",
            "runs": sim.paths,
            "bin_edges": edges,
            "counts": counts,
            "p5": sim.min_dscr.get("p05"),
            "p50": sim.min_dscr.get("p50"),
            "probability_below_one": below / sim.paths if sim.paths else None,
            "p_default": sim.p_default,
        }
    return {
        "code": code,
        "name": result.inputs.name,
        "name_en": result.inputs.name,
        "capex": Decimal(str(round(float(annual["capex"].sum()), 2))),
        "npv": Decimal(str(round(float(metrics["npv"]), 2))),
        "irr": float(metrics["project_irr"] or 0.0),
        "min_dscr": float(metrics["min_dscr"]),
        "avg_dscr": float(metrics["avg_dscr"]),
        "llcr": None if metrics.get("llcr") is None else float(metrics["llcr"]),
        "max_debt": Decimal(str(round(float(result.max_debt), 2))),
        "cfads": [Decimal(str(round(float(v), 2))) for v in annual["cfads"]],
        "sensitivities": sensitivities,
        "monte_carlo": monte_carlo,
        "recommended_haircut": round(float(result.collateral["recommended_haircut"]), 6),
        "engine_version": f"projects {MODEL_VERSION}",
    }


def gpu_value_at_default(
    value: Decimal, valuation_date: date | None, as_of: date, horizon_months: int = 12
) -> Decimal:
    """GPU collateral's value at a default ``horizon_months`` after ``as_of``, on the residual-value path.

    The appraisal is taken as the servers' value new at ``valuation_date`` (or at ``as_of`` when absent); the
    project engine's residual share (rental-income based, fitted price decline) carries it forward.
    """
    from computecredit.projects.collateral import residual_share
    from computecredit.reference.gpu_rental import fitted_annual_decline

    start = valuation_date or as_of
    age = max((as_of.year - start.year) * 12 + (as_of.month - start.month), 0) + horizon_months
    share = float(residual_share(age, annual_price_decline=fitted_annual_decline()))
    return (value * Decimal(str(share))).quantize(Decimal("0.01"))


def collateral_terms(facility: Facility, as_of: date, project: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Haircuts the facility's collateral takes beyond the table: GPU servers lose value fast, so they enter
    the LGD at their value at a default a year ahead, on top of the project engine's recommended haircut
    (the table's when no project is linked). The stored appraisal stays in the facility record.
    """
    base = project.get("recommended_haircut") if project else None
    terms: list[dict[str, Any]] = []
    for item in facility.collateral:
        if item.type.value == "gpu_servers":
            if base is None:
                base = float(load_csv_row("gpu_servers")["haircut"])
            at_default = gpu_value_at_default(item.value, item.valuation_date, as_of)
            combined = 1 - (1 - float(base)) * float(at_default / item.value)
            terms.append({"haircut": round(min(max(combined, 0.0), 1.0), 6)})
        else:
            terms.append({})
    return terms


def _exposure_amount(facility: Facility, exposure: Exposure | None) -> tuple[Decimal, Decimal]:
    """(on-balance loans, EAD) of one facility of the book, by the engine's one EAD definition."""
    drawn = exposure.drawn if exposure else facility.amount
    undrawn = exposure.undrawn if exposure else ZERO
    loans = ZERO if facility.is_guarantee else drawn
    return loans, facility_ead(facility, drawn, undrawn).ead


def _linked(a: Facility, b: Facility) -> bool:
    return a.reference == b.reference or a.parent_reference == b.reference or b.parent_reference == a.reference


def exposure_class(facility: Facility, borrower: Borrower, exposure: Exposure | None) -> str:
    """Standardised exposure class: project finance by phase (drawing = pre-operational), SME or corporate."""
    if facility.product is ProductType.FIXED_ASSET_PROJECT_LOAN:
        drawing = exposure is not None and exposure.undrawn > 0
        return "project_finance_pre_operational" if drawing or exposure is None else "project_finance_operational"
    return "corporate_sme" if borrower.is_sme else "corporate_general"


def proposal_from_records(
    *,
    bank: Bank,
    borrower: Borrower,
    statements: Sequence[FinancialStatement],
    rating: RatingRecord,
    facility: Facility,
    book: Sequence[tuple[Facility, Exposure | None, Borrower]],
    as_of: date,
    analyst: str,
    guarantor_ratings: dict[str, RatingRecord] | None = None,
    project: dict[str, Any] | None = None,
    exposure: Exposure | None = None,
    target_dscr: float = 1.30,
    notes: Sequence[dict[str, str]] = (),
) -> Proposal:
    """The proposal for ``facility`` from the records (``book``: every facility with its exposure and borrower;
    ``exposure``: the facility's own when it is booked; ``project``: :func:`project_results` of its project)."""
    ordered = sorted(statements, key=lambda s: s.fiscal_year)
    current = ordered[-1] if ordered else None
    previous = ordered[-2] if len(ordered) > 1 else None
    policy = {k: v for k, v in load_yaml("bank_policy_defaults.yaml").items() if k != "source"}

    position: dict[str, Any] = {
        "customer_loans": ZERO,
        "customer_exposure": ZERO,
        "group_exposure": ZERO,
        "group_credit": ZERO,
        "sector_loans": {},
        "hub_loans": {},
    }
    for other, other_exposure, owner in book:
        if _linked(other, facility):
            continue
        loans, amount = _exposure_amount(other, other_exposure)
        same_group = borrower.group_name is not None and owner.group_name == borrower.group_name
        if owner.uscc == borrower.uscc:
            position["customer_loans"] += loans
            position["customer_exposure"] += amount
        if owner.uscc == borrower.uscc or same_group:
            position["group_exposure"] += amount
            position["group_credit"] += other.amount if other.parent_reference is None else ZERO
        sector = owner.segment.value
        position["sector_loans"][sector] = position["sector_loans"].get(sector, ZERO) + loans
        if owner.hub is not None:
            position["hub_loans"][owner.hub.value] = position["hub_loans"].get(owner.hub.value, ZERO) + loans

    structuring: dict[str, Any] = {
        "exposure_class": exposure_class(facility, borrower, exposure),
        "sector": borrower.segment.value,
        "position": position,
        "covenant_test_values": statement_figures(current, previous) if current else {},
    }
    if project is not None:
        structuring["target_dscr"] = target_dscr
    structuring.update(facility.structuring)
    wc_products = (ProductType.WORKING_CAPITAL_LOAN, ProductType.CREDIT_LINE)
    if facility.product in wc_products and current is not None and _v(current, "operating_revenue") > 0:
        structuring["wc_inputs"] = wc_inputs_from_statements(current, previous)
    terms = {}
    for guarantor in facility.guarantors:
        record = (guarantor_ratings or {}).get(guarantor.uscc or "")
        if record is not None:
            terms[guarantor.name] = {"pd": float(record.final_pd)}
    structuring["guarantor_terms"] = terms
    structuring["collateral_terms"] = collateral_terms(facility, as_of, project)

    library = load_yaml("compute_risks.yaml")
    risks = [{"key": key, **library["risks"][key]} for key in library["segments"][borrower.segment.value]]
    credentials = borrower.credentials
    profile_zh = (
        f"{borrower.name_zh}，{borrower.segment.zh}企业，位于{borrower.province.zh}"
        + (f"（{borrower.hub.zh}枢纽）" if borrower.hub else "")
        + (f"，成立于{borrower.established.isoformat()}" if borrower.established else "")
        + f"，从业人员{borrower.employees}人，{borrower.ownership.zh}，企业规模：{borrower.size_class.zh}"
        + (
            f"；专精特新：{credentials.specialised_level.zh}"
            if credentials.specialised_level.value != "none"
            else ""
        )
        + "。"
    )
    profile_en = (
        f"{borrower.name_en}: {borrower.segment.en.lower()}, {borrower.province.en}"
        + (f" ({borrower.hub.en} hub)" if borrower.hub else "")
        + (f", established {borrower.established.isoformat()}" if borrower.established else "")
        + f", {borrower.employees} employees, {borrower.ownership.en.lower()}, size class {borrower.size_class.en}."
    )
    return Proposal.model_validate(
        {
            "id": facility.reference,
            "as_of": as_of,
            "analyst": analyst,
            "bank": bank,
            "policy": policy,
            "borrower": borrower,
            "profile": {
                "profile_zh": profile_zh,
                "profile_en": profile_en,
                "financials": headline_financials(ordered),
            },
            "rating": rating,
            "project": project,
            "notes": list(notes),
            "exposure": exposure,
            "facility": facility,
            "structuring": structuring,
            "risks": risks,
        }
    )


__all__ = [
    "collateral_terms",
    "exposure_class",
    "headline_financials",
    "proposal_from_records",
    "wc_inputs_from_statements",
]
