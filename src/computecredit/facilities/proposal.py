"""A facility proposal and its assessment: every engine of this package applied to one deal.

The proposal (usually a YAML file, later a stored proposal) carries the borrower's figures, the
rating and project results it relies on, the bank's capital and policy parameters and the facility
asked for. :func:`assess` sizes the limit (naming the binding constraint), then structures the facility
at that limit: EAD, LGD, capital, concentration, pricing and covenants. Pure: no I/O.

>>> from pathlib import Path
>>> import yaml
>>> path = Path(__file__).parents[3] / "examples" / "facilities" / "ningxia_project.yaml"
>>> a = assess(Proposal.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
>>> a.limit.binding.key, a.limit.limit
('requested', Decimal('280000000'))
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from computecredit.facilities.capital import TableEntry, effective_maturity, standardised_risk_weight
from computecredit.facilities.concentration import (
    BankCapital,
    BankLimit,
    ConcentrationCheck,
    Position,
    ProposedExposure,
    check_concentration,
    loan_headroom,
)
from computecredit.facilities.covenants import Covenant, CovenantResult, check_covenants
from computecredit.facilities.lgd import (
    DEFAULT_UNSECURED_LGD,
    Collateral,
    EADResult,
    Guarantee,
    GuaranteedCapital,
    LGDResult,
    OffBalanceItem,
    economic_lgd,
    exposure_at_default,
    guaranteed_capital,
)
from computecredit.facilities.pricing import PricingInputs, PricingResult, price
from computecredit.facilities.sizing import (
    Constraint,
    LimitDecision,
    dscr_debt_capacity,
    finance_lease_rule,
    guarantee_exposure_rule,
    leverage_debt_capacity,
    recommend_limit,
    share_buyback_rule,
)
from computecredit.facilities.working_capital import WorkingCapitalInputs, WorkingCapitalNeed, working_capital_need
from computecredit.money import parse_amount
from computecredit.reference import versions

Product = Literal["working_capital", "credit_line", "project_loan", "share_buyback", "guarantee", "finance_lease"]
GUARANTEE_PRODUCTS = ("guarantee",)


def _amount(value: Any) -> Any:
    if isinstance(value, str):
        return parse_amount(value)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limit(_Model):
    share: float = Field(gt=0, le=1)
    base: Literal["loan_book", "net_capital", "tier1_net_capital"] = "loan_book"


class Bank(_Model):
    """The lending bank: capital (元), policy parameters, its own sector and hub limits."""

    name: str
    name_en: str | None = None
    net_capital: Decimal = Field(gt=0, description="资本净额")
    tier1_net_capital: Decimal = Field(gt=0, description="一级资本净额")
    loan_book: Decimal = Field(gt=0)
    hurdle: float = Field(gt=0, lt=1, description="RAROC hurdle")
    funding_rate: float = Field(ge=0, lt=1, description="FTP funding rate")
    operating_cost_rate: float = Field(ge=0, lt=1)
    tax_rate: float = Field(default=0.25, ge=0, lt=1)
    capital_return_rate: float = Field(default=0.0, ge=0, lt=1)
    discount_rate: float = Field(default=0.05, ge=0, lt=1, description="rate to discount recoveries")
    sector_limits: dict[str, Limit] = Field(default_factory=dict)
    hub_limits: dict[str, Limit] = Field(default_factory=dict)

    _amounts = field_validator("net_capital", "tier1_net_capital", "loan_book", mode="before")(_amount)


class FinancialYear(_Model):
    """One year of the borrower's statements (元)."""

    year: int
    revenue: Decimal
    cost_of_sales: Decimal | None = None
    ebitda: Decimal
    net_income: Decimal
    total_debt: Decimal
    interest_expense: Decimal | None = None
    operating_cash_flow: Decimal | None = None
    current_assets: Decimal | None = None
    current_liabilities: Decimal | None = None

    _amounts = field_validator(
        "revenue",
        "cost_of_sales",
        "ebitda",
        "net_income",
        "total_debt",
        "interest_expense",
        "operating_cash_flow",
        "current_assets",
        "current_liabilities",
        mode="before",
    )(_amount)


class Driver(_Model):
    name_zh: str
    name_en: str
    value: str
    effect: Literal["+", "-", "0"] = "0"


class Rating(_Model):
    """The rating the proposal relies on (from the rating engine or an approved rating)."""

    grade: str
    pd: float = Field(gt=0, lt=1)
    model: str
    rated_on: date
    drivers: list[Driver] = Field(default_factory=list)


class Holder(_Model):
    holder: str
    share: float = Field(gt=0, le=1)


class Borrower(_Model):
    name: str
    name_en: str
    profile_zh: str
    profile_en: str
    group: str | None = None
    group_en: str | None = None
    ownership: list[Holder] = Field(default_factory=list)
    sector: str
    hub: str | None = None
    annual_sales: Decimal | None = Field(default=None, description="for the IRB SME adjustment (元)")
    financials: list[FinancialYear] = Field(default_factory=list)
    rating: Rating

    _amounts = field_validator("annual_sales", mode="before")(_amount)


class Sensitivity(_Model):
    name_zh: str
    name_en: str
    change: str
    min_dscr: float
    npv: Decimal

    _amounts = field_validator("npv", mode="before")(_amount)


class MonteCarlo(_Model):
    """Distribution of a project metric from the project engine's simulation, as a histogram."""

    metric: str
    runs: int = Field(gt=0)
    bin_edges: list[float]
    counts: list[int]
    p5: float
    p50: float
    p95: float
    probability_below_one: float = Field(ge=0, le=1)

    @field_validator("counts")
    @classmethod
    def _bins(cls, counts: list[int], info: Any) -> list[int]:
        edges = info.data.get("bin_edges", [])
        if len(edges) != len(counts) + 1:
            raise ValueError("needs one more bin edge than counts")
        return counts


class Project(_Model):
    """Key outputs of the project engine the proposal relies on."""

    name: str
    name_en: str
    capex: Decimal
    npv: Decimal
    irr: float
    min_dscr: float
    avg_dscr: float
    llcr: float | None = None
    max_debt: Decimal | None = None
    cfads: list[Decimal] = Field(default_factory=list, description="cash flow available for debt service per year")
    sensitivities: list[Sensitivity] = Field(default_factory=list)
    monte_carlo: MonteCarlo | None = None
    engine_version: str

    _amounts = field_validator("capex", "npv", "max_debt", mode="before")(_amount)

    @field_validator("cfads", mode="before")
    @classmethod
    def _cfads(cls, values: Any) -> Any:
        return [parse_amount(v) if isinstance(v, str) else v for v in values or []]


class CollateralItem(_Model):
    kind: str
    value: Decimal
    haircut: float | None = Field(default=None, ge=0, le=1)
    recovery_months: float | None = Field(default=None, ge=0)
    description: str = ""

    _amounts = field_validator("value", mode="before")(_amount)


class GuaranteeItem(_Model):
    guarantor: str
    amount: Decimal
    pd: float = Field(gt=0, lt=1)
    lgd: float = Field(default=DEFAULT_UNSECURED_LGD, ge=0, le=1)
    method: Literal["substitution", "double_default"] = "substitution"

    _amounts = field_validator("amount", mode="before")(_amount)


class ExistingPosition(_Model):
    customer_loans: Decimal = Decimal(0)
    customer_exposure: Decimal = Decimal(0)
    group_exposure: Decimal = Decimal(0)
    group_credit: Decimal = Decimal(0)
    sector_loans: dict[str, Decimal] = Field(default_factory=dict)
    hub_loans: dict[str, Decimal] = Field(default_factory=dict)

    _amounts = field_validator(
        "customer_loans", "customer_exposure", "group_exposure", "group_credit", mode="before"
    )(_amount)

    @field_validator("sector_loans", "hub_loans", mode="before")
    @classmethod
    def _maps(cls, values: Any) -> Any:
        return {k: _amount(v) for k, v in (values or {}).items()}


class Facility(_Model):
    """The facility asked for and the terms proposed."""

    product: Product
    purpose_zh: str
    purpose_en: str
    amount: Decimal = Field(gt=0, description="amount requested (元)")
    tenor_years: float = Field(gt=0, le=30)
    rate: float | None = Field(
        default=None, ge=0, lt=1, description="proposed rate (loans) or fee rate (guarantees)"
    )
    fees: Decimal = Decimal(0)
    funding_rate: float | None = Field(default=None, ge=0, lt=1, description="overrides the bank's FTP rate")
    drawn_share: float = Field(default=1.0, ge=0, le=1, description="expected drawn share of a line")
    exposure_class: str
    ccf_item: str | None = None
    wc_inputs: WorkingCapitalInputs | None = None
    buyback_amount: Decimal | None = None
    asset_value: Decimal | None = None
    lease_advance_rate: float | None = Field(default=None, gt=0, le=1)
    target_dscr: float | None = Field(default=None, gt=0)
    max_leverage: float | None = Field(default=None, gt=0)
    collateral: list[CollateralItem] = Field(default_factory=list)
    guarantee: GuaranteeItem | None = None
    covenants: list[Covenant] = Field(default_factory=list)
    covenant_test_values: dict[str, float] = Field(default_factory=dict)

    _amounts = field_validator("amount", "fees", "buyback_amount", "asset_value", mode="before")(_amount)


class Risk(_Model):
    key: Literal[
        "utilisation",
        "price_decline",
        "export_controls",
        "offtaker_concentration",
        "energy",
        "technology",
        "other",
    ]
    risk_zh: str
    risk_en: str
    mitigant_zh: str
    mitigant_en: str


class Proposal(_Model):
    """Everything a credit decision on one facility rests on."""

    id: str
    as_of: date
    analyst: str
    bank: Bank
    borrower: Borrower
    position: ExistingPosition = Field(default_factory=ExistingPosition)
    project: Project | None = None
    facility: Facility
    risks: list[Risk] = Field(default_factory=list)


class Structure(BaseModel):
    """The facility structured at one amount: EAD, LGD, capital, concentration, pricing."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    amount: Decimal
    ead: EADResult
    lgd: LGDResult
    capital: GuaranteedCapital
    standardised: TableEntry
    standardised_rwa: Decimal
    concentration: list[ConcentrationCheck]
    pricing: PricingResult | None


class Assessment(BaseModel):
    """The result of :func:`assess`, with the reference-table versions it used."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    proposal: Proposal
    working_capital: WorkingCapitalNeed | None
    limit: LimitDecision
    structure: Structure
    covenants: list[CovenantResult]
    recommendation: Literal["approve", "approve_with_conditions", "decline"]
    conditions_zh: list[str]
    conditions_en: list[str]
    reference_versions: dict[str, str]


def _bank_capital(bank: Bank) -> BankCapital:
    return BankCapital(
        name=bank.name,
        net_capital=bank.net_capital,
        tier1_net_capital=bank.tier1_net_capital,
        loan_book=bank.loan_book,
        sector_limits={k: BankLimit(k, v.share, v.base) for k, v in bank.sector_limits.items()},
        hub_limits={k: BankLimit(k, v.share, v.base) for k, v in bank.hub_limits.items()},
    )


def _exposure(facility: Facility, amount: Decimal) -> tuple[EADResult, ProposedExposure, Decimal]:
    """EAD of the facility at ``amount``, the concentration view of it, and the earning balance."""
    if facility.product in GUARANTEE_PRODUCTS:
        ead = exposure_at_default(Decimal(0), [OffBalanceItem(facility.ccf_item or "financial_guarantee", amount)])
        return ead, ProposedExposure(loans=Decimal(0), exposure=ead.ead, credit=amount), amount
    drawn = amount * Decimal(str(facility.drawn_share))
    undrawn = amount - drawn
    items = [OffBalanceItem(facility.ccf_item or "commitment_other", undrawn)] if undrawn > 0 else []
    ead = exposure_at_default(drawn, items)
    return ead, ProposedExposure(loans=amount, exposure=ead.ead, credit=amount), drawn


def _funding_rate(facility: Facility, bank: Bank) -> float:
    if facility.funding_rate is not None:
        return facility.funding_rate
    return 0.0 if facility.product in GUARANTEE_PRODUCTS else bank.funding_rate


def _structure(proposal: Proposal, amount: Decimal) -> Structure:
    facility, borrower, bank = proposal.facility, proposal.borrower, proposal.bank
    ead, exposure, earning = _exposure(facility, amount)
    exposure = ProposedExposure(exposure.loans, exposure.exposure, exposure.credit, borrower.sector, borrower.hub)
    ead_amount = ead.ead if ead.ead > 0 else Decimal(1)
    lgd = economic_lgd(
        ead_amount,
        [Collateral(c.kind, c.value, c.haircut, c.recovery_months, c.description) for c in facility.collateral],
        discount_rate=bank.discount_rate,
    )
    maturity = effective_maturity(facility.tenor_years)
    guarantee = (
        Guarantee(
            facility.guarantee.guarantor,
            facility.guarantee.amount,
            facility.guarantee.pd,
            facility.guarantee.lgd,
            facility.guarantee.method,
        )
        if facility.guarantee
        else None
    )
    capital = guaranteed_capital(
        ead_amount, borrower.rating.pd, lgd.lgd, maturity, guarantee, borrower.annual_sales
    )
    standardised = standardised_risk_weight(facility.exposure_class)
    pos = proposal.position
    checks = check_concentration(
        _bank_capital(bank),
        Position(
            pos.customer_loans,
            pos.customer_exposure,
            pos.group_exposure,
            pos.group_credit,
            dict(pos.sector_loans),
            dict(pos.hub_loans),
        ),
        exposure,
    )
    pricing = None
    if earning > 0 and capital.capital > 0:
        pricing = price(
            PricingInputs(
                ead=ead_amount,
                earning_balance=earning,
                pd=borrower.rating.pd,
                lgd=lgd.lgd,
                maturity=facility.tenor_years,
                funding_rate=_funding_rate(facility, bank),
                operating_cost_rate=bank.operating_cost_rate,
                hurdle=bank.hurdle,
                fees=facility.fees,
                tax_rate=bank.tax_rate,
                capital_return_rate=bank.capital_return_rate,
                economic_capital=capital.capital,
            ),
            proposal.as_of,
            facility.rate,
        )
    return Structure(
        amount=amount,
        ead=ead,
        lgd=lgd,
        capital=capital,
        standardised=standardised,
        standardised_rwa=ead.ead * Decimal(str(standardised.value)),
        concentration=checks,
        pricing=pricing,
    )


def _constraints(
    proposal: Proposal, requested: Structure
) -> tuple[list[Constraint], WorkingCapitalNeed | None, list[str]]:
    facility, borrower = proposal.facility, proposal.borrower
    constraints = [Constraint("requested", facility.amount, "申请金额", "amount requested", proposal.id)]
    breaches: list[str] = []
    wc = None
    if facility.wc_inputs is not None:
        wc = working_capital_need(facility.wc_inputs)
        constraints.append(
            Constraint(
                "wc_need",
                wc.new_wc_loan_limit,
                "流动资金贷款需求量测算 (新增流动资金贷款额度)",
                "working-capital need formula (new WC loan limit)",
                wc.source,
            )
        )
    project = proposal.project
    if project is not None and project.max_debt is not None:
        constraints.append(
            Constraint(
                "project_max_debt",
                project.max_debt,
                "项目现金流模型最大债务",
                "project model max debt",
                f"project engine {project.engine_version}",
            )
        )
    if facility.target_dscr is not None and project is not None and project.cfads:
        rate = facility.rate if facility.rate is not None else proposal.bank.funding_rate
        years = round(facility.tenor_years)
        capacity = dscr_debt_capacity([float(c) for c in project.cfads[:years]], facility.target_dscr, rate)
        constraints.append(
            Constraint(
                "dscr_capacity",
                capacity,
                f"目标DSCR {facility.target_dscr:.2f}x 下的债务承受能力",
                f"debt capacity at target DSCR {facility.target_dscr:.2f}x",
                "CFADS of the project model",
            )
        )
    if facility.max_leverage is not None and borrower.financials:
        latest = max(borrower.financials, key=lambda y: y.year)
        capacity = leverage_debt_capacity(latest.ebitda, facility.max_leverage, latest.total_debt)
        constraints.append(
            Constraint(
                "leverage_capacity",
                capacity,
                f"债务/EBITDA ≤ {facility.max_leverage:.1f}x ({latest.year}年)",
                f"debt / EBITDA ≤ {facility.max_leverage:.1f}x ({latest.year})",
                f"statements {latest.year}",
            )
        )
    if facility.product == "share_buyback" and facility.buyback_amount is not None:
        check = share_buyback_rule(facility.buyback_amount, facility.rate, facility.tenor_years)
        constraints.append(check.constraint)
        breaches.extend(check.breaches)
    if facility.product == "finance_lease" and facility.asset_value is not None:
        constraints.append(finance_lease_rule(facility.asset_value, facility.lease_advance_rate or 0.8).constraint)
    _, exposure, _ = _exposure(facility, facility.amount)
    headroom = loan_headroom(requested.concentration, exposure)
    if facility.product in GUARANTEE_PRODUCTS:
        exposure_room = min(
            c.headroom for c in requested.concentration if c.measure in ("exposure", "group_exposure")
        )
        check = guarantee_exposure_rule(
            facility.ccf_item or "financial_guarantee", requested.ead.ead + exposure_room
        )
        constraints.append(check.constraint)
        credit_room = min(c.headroom for c in requested.concentration if c.measure == "group_credit")
        headroom = credit_room
    constraints.append(
        Constraint(
            "concentration",
            facility.amount + headroom,
            "集中度余量 (资本净额/一级资本净额及本行限额)",
            "concentration headroom (net capital / tier-1 and the bank's own limits)",
            "regulatory_parameters.yaml",
        )
    )
    return constraints, wc, breaches


def assess(proposal: Proposal) -> Assessment:
    """Size, structure, price and check one proposal; recommend approve / with conditions / decline."""
    requested = _structure(proposal, proposal.facility.amount)
    constraints, wc, breaches = _constraints(proposal, requested)
    decision = recommend_limit(constraints, breaches)
    structure = _structure(proposal, decision.limit) if decision.limit > 0 else requested
    covenants = check_covenants(list(proposal.facility.covenants), dict(proposal.facility.covenant_test_values))
    zh: list[str] = []
    en: list[str] = []
    if decision.limit < proposal.facility.amount:
        zh.append(f"额度由申请金额调减至建议额度，约束条件: {decision.binding.basis_zh}")
        en.append(
            f"limit cut from the amount requested to the recommended limit; binding: {decision.binding.basis_en}"
        )
    for breach in breaches:
        zh.append(f"产品规则不符: {breach}")
        en.append(f"product rule not met: {breach}")
    pricing = structure.pricing
    if pricing is not None and pricing.meets_hurdle is False:
        zh.append(f"拟定利率低于RAROC门槛所需最低利率 {pricing.minimum_rate:.2%}")
        en.append(f"proposed rate below the {pricing.minimum_rate:.2%} needed for the RAROC hurdle")
    for result in covenants:
        if result.status in ("breach", "warning"):
            zh.append(f"承诺条款 {result.key} 状态: {result.status}")
            en.append(f"covenant {result.key}: {result.status}")
    if decision.limit <= 0 or any(c.breach for c in structure.concentration if c.article != "bank policy"):
        recommendation: Literal["approve", "approve_with_conditions", "decline"] = "decline"
    elif zh:
        recommendation = "approve_with_conditions"
    else:
        recommendation = "approve"
    return Assessment(
        proposal=proposal,
        working_capital=wc,
        limit=decision,
        structure=structure,
        covenants=covenants,
        recommendation=recommendation,
        conditions_zh=zh,
        conditions_en=en,
        reference_versions=versions(),
    )


__all__ = ["Assessment", "Proposal", "Structure", "assess"]
