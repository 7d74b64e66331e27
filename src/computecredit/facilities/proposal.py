"""A facility proposal and its assessment: every engine of this package applied to one deal.

The proposal is assembled from the stored records by :func:`computecredit.facilities.from_records.
proposal_from_records` (the one assembly, whatever the screen): the borrower's figures, its rating, the
project engine's results, the bank's capital and policy parameters, the facility asked for (with its
collateral, guarantors, covenants and the analyst's named overrides) and, for a booked facility, its
exposure. :func:`assess` sizes the limit (naming the binding constraint), then structures the facility:
as booked when it has an exposure, else at the recommended limit; EAD, LGD, PD, capital, concentration,
pricing and covenants. :func:`exposure_risk` gives the EAD, LGD and PD of the facility at any drawn and
undrawn amounts: the book uses it for every facility, so the book and the assessment cannot disagree.
Pure: no I/O.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from computecredit.domain.bank import Bank
from computecredit.domain.borrowers import Borrower
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import CovenantOperator, Facility, OverrideKey, ProductType, RateBase
from computecredit.domain.ratings import RatingRecord
from computecredit.facilities.capital import TableEntry, effective_maturity, standardised_risk_weight
from computecredit.facilities.concentration import (
    BankCapital,
    BankLimit,
    ConcentrationCheck,
    LargeExposure,
    Position,
    ProposedExposure,
    check_concentration,
    large_exposure,
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
    risk_sharing,
)
from computecredit.facilities.pricing import LPRQuote, PricingInputs, PricingResult, lpr_on, price
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
from computecredit.reference import load_yaml, versions

# The CCF each guarantee product takes unless the structuring names another row of the CCF table.
GUARANTEE_CCF = {
    ProductType.ADVANCE_PAYMENT_GUARANTEE: "advance_payment_guarantee",
    ProductType.PERFORMANCE_GUARANTEE: "performance_guarantee",
}


def _amount(value: Any) -> Any:
    if isinstance(value, str):
        return parse_amount(value)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limit(_Model):
    share: float = Field(gt=0, le=1)
    base: Literal["loan_book", "net_capital", "tier1_net_capital"] = "loan_book"


class BankPolicy(_Model):
    """The bank's pricing and limit policy beyond its capital (which lives in :class:`domain.Bank`)."""

    funding_rate: float = Field(ge=0, lt=1, description="FTP funding rate")
    operating_cost_rate: float = Field(ge=0, lt=1)
    tax_rate: float = Field(default=0.25, ge=0, lt=1)
    capital_return_rate: float = Field(default=0.0, ge=0, lt=1)
    discount_rate: float = Field(default=0.05, ge=0, lt=1, description="rate to discount recoveries")
    sector_limits: dict[str, Limit] = Field(
        default_factory=dict, description="keyed by chain segment or 'compute'"
    )
    hub_limits: dict[str, Limit] = Field(default_factory=dict, description="keyed by hub code")


class FinancialYear(_Model):
    """One year of headline figures for the memo's trend chart (元)."""

    year: int
    revenue: Decimal
    ebitda: Decimal
    net_income: Decimal
    total_debt: Decimal

    _amounts = field_validator("revenue", "ebitda", "net_income", "total_debt", mode="before")(_amount)


class Holder(_Model):
    holder: str
    share: float = Field(gt=0, le=1)


class Profile(_Model):
    """The memo's narrative about the borrower: what it does, its group and shareholders, its trend."""

    profile_zh: str
    profile_en: str
    group_en: str | None = None
    shareholders: list[Holder] = Field(default_factory=list)
    financials: list[FinancialYear] = Field(default_factory=list)


class Sensitivity(_Model):
    name_zh: str
    name_en: str
    change: str
    min_dscr: float
    npv: Decimal | None = None
    equity_irr: float | None = None

    _amounts = field_validator("npv", mode="before")(_amount)


class MonteCarlo(_Model):
    """Distribution of a project metric from the project engine's simulation, as a histogram."""

    metric: str
    runs: int = Field(gt=0)
    bin_edges: list[float]
    counts: list[float]
    p5: float | None
    p50: float | None
    p95: float | None = None
    probability_below_one: float | None = Field(default=None, ge=0, le=1)
    p_default: float | None = Field(default=None, ge=0, le=1, description="simulated default over the loan's life")

    @field_validator("counts")
    @classmethod
    def _bins(cls, counts: list[float], info: Any) -> list[float]:
        edges = info.data.get("bin_edges", [])
        if len(edges) != len(counts) + 1:
            raise ValueError("needs one more bin edge than counts")
        return counts


class ProjectResults(_Model):
    """Key outputs of the project engine the proposal relies on (made by ``from_records.project_results``)."""

    code: str | None = None
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
    recommended_haircut: float | None = Field(
        default=None, ge=0, le=1, description="the project engine's haircut on the GPU collateral"
    )
    engine_version: str

    _amounts = field_validator("capex", "npv", "max_debt", mode="before")(_amount)

    @field_validator("cfads", mode="before")
    @classmethod
    def _cfads(cls, values: Any) -> Any:
        return [parse_amount(v) if isinstance(v, str) else v for v in values or []]


class CollateralTerms(_Model):
    """Overrides of the haircut table for one collateral item (same order as the facility's collateral)."""

    haircut: float | None = Field(default=None, ge=0, le=1)
    recovery_months: float | None = Field(default=None, ge=0)


class GuarantorTerms(_Model):
    """What the bank knows of a guarantor's credit: its PD and LGD, and how the guarantee is recognised."""

    pd: float = Field(gt=0, lt=1)
    lgd: float = Field(default=DEFAULT_UNSECURED_LGD, ge=0, le=1)
    method: Literal["substitution", "double_default"] = "substitution"


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


class Structuring(_Model):
    """The analyst's structuring inputs that the facility record does not carry."""

    exposure_class: str
    sector: str = Field(default="compute", description="key of the bank's sector limits")
    drawn_share: float = Field(default=1.0, ge=0, le=1, description="expected drawn share of a line")
    ccf_item: str | None = None
    funding_rate: float | None = Field(default=None, ge=0, lt=1, description="overrides the bank's FTP rate")
    fees: Decimal = Decimal(0)
    wc_inputs: WorkingCapitalInputs | None = None
    wc_need_binds: bool | None = Field(
        default=None, description="whether the WC need caps the limit (default: yes, except for a credit line)"
    )
    buyback_amount: Decimal | None = None
    asset_value: Decimal | None = None
    lease_advance_rate: float | None = Field(default=None, gt=0, le=1)
    target_dscr: float | None = Field(default=None, gt=0)
    max_leverage: float | None = Field(default=None, gt=0)
    collateral_terms: list[CollateralTerms] = Field(default_factory=list)
    guarantor_terms: dict[str, GuarantorTerms] = Field(default_factory=dict, description="keyed by guarantor name")
    covenant_warning_headroom: float = Field(default=0.10, ge=0)
    covenant_test_values: dict[str, float] = Field(default_factory=dict)
    position: ExistingPosition = Field(default_factory=ExistingPosition)

    _amounts = field_validator("fees", "buyback_amount", "asset_value", mode="before")(_amount)


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


class Note(_Model):
    """Something the approver must know about how the proposal was put together, in both languages."""

    zh: str
    en: str


_BANK_AMOUNTS = ("net_capital", "tier1_net_capital", "loan_book")
_BORROWER_AMOUNTS = ("revenue", "total_assets")


class Proposal(_Model):
    """Everything a credit decision on one facility rests on: the shared domain records plus structuring."""

    id: str
    as_of: date
    analyst: str
    bank: Bank
    policy: BankPolicy
    borrower: Borrower
    profile: Profile
    rating: RatingRecord
    project: ProjectResults | None = None
    facility: Facility
    structuring: Structuring
    risks: list[Risk] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list, description="what the assembly of the proposal could not do")
    exposure: Exposure | None = Field(default=None, description="the booked facility's latest exposure")

    @model_validator(mode="before")
    @classmethod
    def _amounts_with_units(cls, data: Any) -> Any:
        """Let the domain records' amounts be written with units ("125亿") in a proposal file."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for section, fields in (("bank", _BANK_AMOUNTS), ("borrower", _BORROWER_AMOUNTS)):
            if isinstance(data.get(section), dict):
                record = dict(data[section])
                for name in fields:
                    if isinstance(record.get(name), str):
                        record[name] = parse_amount(record[name], field=f"{section}.{name}")
                data[section] = record
        return data

    @property
    def tenor_years(self) -> float:
        return self.facility.tenor_months / 12

    @property
    def is_guarantee(self) -> bool:
        return self.facility.is_guarantee

    def lpr(self) -> LPRQuote:
        """The LPR the facility's rate refers to (the 5-year one for a ``lpr_5y`` base or tenors over 5 years)."""
        years = 10.0 if self.facility.rate.base is RateBase.LPR_5Y else self.tenor_years
        return lpr_on(self.as_of, years)

    def proposed_rate(self) -> float:
        """The annual rate (or guarantee fee) of the facility as a fraction."""
        return float(self.facility.rate.annual_rate(Decimal(str(self.lpr().rate))))

    def override(self, key: OverrideKey, collateral_index: int | None = None) -> Decimal | None:
        """The analyst's override of ``key`` (for a haircut: of that collateral item), if any."""
        for item in self.facility.overrides:
            if item.key is key and item.collateral_index == collateral_index:
                return item.value
        return None

    @property
    def pd(self) -> float:
        """The PD the assessment uses: the analyst's override, else the rating's final PD (its override first)."""
        override = self.override(OverrideKey.PD)
        return float(override if override is not None else self.rating.final_pd)


class ExposureRisk(BaseModel):
    """EAD, LGD, PD and IRB capital of a facility at given drawn and undrawn amounts.

    ``lgd`` is the loss given default after collateral and guarantees: the guarantee (or a government scheme's
    loss sharing, which takes its covered share of the loss off the bank) enters through the expected loss of
    the guaranteed capital calculation, so that EAD × PD × ``lgd`` is the engine's expected loss; ``lgd.lgd``
    (collateral only) stays in ``collateral``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    drawn: Decimal
    undrawn: Decimal
    ead: EADResult
    collateral: LGDResult
    capital: GuaranteedCapital
    pd: float
    lgd: float


class Structure(BaseModel):
    """The facility structured at one amount: EAD, LGD, capital, concentration, pricing."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    amount: Decimal
    risk: ExposureRisk
    standardised: TableEntry
    standardised_rwa: Decimal
    concentration: list[ConcentrationCheck]
    large_exposure: LargeExposure
    pricing: PricingResult | None

    @property
    def ead(self) -> EADResult:
        return self.risk.ead

    @property
    def lgd(self) -> LGDResult:
        return self.risk.collateral

    @property
    def capital(self) -> GuaranteedCapital:
        return self.risk.capital


class Assessment(BaseModel):
    """The result of :func:`assess`, with the reference-table versions it used."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    proposal: Proposal
    working_capital: WorkingCapitalNeed | None
    limit: LimitDecision
    structure: Structure
    booking: ExposureRisk = Field(description="the facility as the book carries it: now, or at approval")
    covenants: list[CovenantResult]
    recommendation: Literal["approve", "approve_with_conditions", "decline"]
    conditions_zh: list[str]
    conditions_en: list[str]
    reference_versions: dict[str, str]


def _bank_capital(proposal: Proposal) -> BankCapital:
    bank, policy = proposal.bank, proposal.policy
    return BankCapital(
        name=bank.name_zh,
        net_capital=bank.net_capital,
        tier1_net_capital=bank.tier1_net_capital,
        loan_book=bank.loan_book,
        sector_limits={k: BankLimit(k, v.share, v.base) for k, v in policy.sector_limits.items()},
        hub_limits={k: BankLimit(k, v.share, v.base) for k, v in policy.hub_limits.items()},
    )


def facility_ead(facility: Facility, drawn: Decimal, undrawn: Decimal, ccf_item: str | None = None) -> EADResult:
    """EAD = drawn + CCF × undrawn (a guarantee: CCF × its whole amount), CCFs from the one CCF table.

    >>> from computecredit.domain.facilities import Facility
    >>> line = Facility(reference="CL-1", borrower_uscc="91640100MA7X00001X", product="credit_line", amount="5亿",
    ...     tenor_months=24, rate={"base": "lpr_1y", "spread_bp": 40}, repayment="revolving")
    >>> facility_ead(line, Decimal("100000000"), Decimal("400000000")).ead
    Decimal('260000000.0')
    """
    if facility.is_guarantee:
        item = ccf_item or GUARANTEE_CCF[facility.product]
        return exposure_at_default(Decimal(0), [OffBalanceItem(item, drawn + undrawn)])
    items = [OffBalanceItem(ccf_item or "commitment_other", undrawn)] if undrawn > 0 else []
    return exposure_at_default(drawn, items)


def planned_drawing(proposal: Proposal, amount: Decimal) -> tuple[Decimal, Decimal]:
    """(drawn, undrawn) of a facility of ``amount`` drawn as the structuring expects."""
    drawn = amount * Decimal(str(proposal.structuring.drawn_share))
    return drawn, amount - drawn


def exposure_risk(proposal: Proposal, drawn: Decimal, undrawn: Decimal) -> ExposureRisk:
    """EAD, LGD (collateral and guarantee), PD and IRB capital of the facility at ``drawn`` and ``undrawn``."""
    ead = facility_ead(proposal.facility, drawn, undrawn, proposal.structuring.ccf_item)
    ead_amount = ead.ead if ead.ead > 0 else Decimal(1)
    collateral = economic_lgd(ead_amount, _collateral(proposal), discount_rate=proposal.policy.discount_rate)
    pd = proposal.pd
    capital = guaranteed_capital(
        ead_amount,
        pd,
        collateral.lgd,
        effective_maturity(proposal.tenor_years),
        _guarantee(proposal),
        proposal.borrower.revenue,
        capital_lgd=collateral.capital_lgd,
    )
    lgd = min(max(float(capital.expected_loss / ead_amount) / pd, 0.0), 1.0)
    return ExposureRisk(
        drawn=drawn, undrawn=undrawn, ead=ead, collateral=collateral, capital=capital, pd=pd, lgd=lgd
    )


def _exposure(
    proposal: Proposal, drawn: Decimal, undrawn: Decimal, ead: Decimal
) -> tuple[ProposedExposure, Decimal]:
    """The concentration view of the facility, and its earning balance."""
    structuring = proposal.structuring
    hub = proposal.borrower.hub.value if proposal.borrower.hub else None
    amount = drawn + undrawn
    if proposal.is_guarantee:
        return ProposedExposure(Decimal(0), ead, amount, structuring.sector, hub), amount
    return ProposedExposure(amount, ead, amount, structuring.sector, hub), drawn


def _guarantee(proposal: Proposal) -> Guarantee | None:
    """The one guarantee recognised: the first guarantor that the structuring gives credit terms for (its rating)
    or that shares the bank's loss by a documented share (``risk_sharing.yaml``: a government financing
    guarantee, a risk-compensation fund).

    A loss-sharing guarantor covers its ``covered_share`` (else its kind's documented share) of the EAD, up to
    its amount. Capital: a rated government financing guarantee by PD substitution; an unrated one, and a
    risk-compensation fund whatever its rating, not at all - only the expected loss falls
    (:class:`~computecredit.facilities.lgd.Guarantee`).
    """
    for guarantor in proposal.facility.guarantors:
        terms = proposal.structuring.guarantor_terms.get(guarantor.name)
        sharing = risk_sharing(guarantor.kind.value)
        if terms is None and sharing is None:
            continue
        amount = guarantor.amount if guarantor.amount is not None else proposal.facility.amount
        if guarantor.covered_share is not None:
            share = float(guarantor.covered_share)
        else:
            share = sharing.covered_share if sharing is not None else 1.0
        recognised = terms if sharing is None or sharing.capital == "substitution_if_rated" else None
        return Guarantee(
            guarantor.name,
            amount,
            recognised.pd if recognised is not None else None,
            recognised.lgd if recognised is not None else DEFAULT_UNSECURED_LGD,
            recognised.method if recognised is not None else "substitution",
            covered_share=share,
            kind=guarantor.kind.value,
        )
    return None


def _collateral(proposal: Proposal) -> list[Collateral]:
    """The collateral at its haircuts: the analyst's override, else the structuring's, else the table's."""
    terms = proposal.structuring.collateral_terms
    items = []
    for index, item in enumerate(proposal.facility.collateral):
        term = terms[index] if index < len(terms) else CollateralTerms()
        override = proposal.override(OverrideKey.HAIRCUT, index)
        haircut = float(override) if override is not None else term.haircut
        items.append(Collateral(item.haircut_key, item.value, haircut, term.recovery_months, item.description))
    return items


def _funding_rate(proposal: Proposal) -> float:
    if proposal.structuring.funding_rate is not None:
        return proposal.structuring.funding_rate
    return 0.0 if proposal.is_guarantee else proposal.policy.funding_rate


def _structure(proposal: Proposal, drawn: Decimal, undrawn: Decimal) -> Structure:
    policy, structuring = proposal.policy, proposal.structuring
    risk = exposure_risk(proposal, drawn, undrawn)
    ead, capital, pd = risk.ead, risk.capital, risk.pd
    ead_amount = ead.ead if ead.ead > 0 else Decimal(1)
    exposure, earning = _exposure(proposal, drawn, undrawn, ead.ead)
    standardised = standardised_risk_weight(structuring.exposure_class)
    pos = structuring.position
    position = Position(
        pos.customer_loans,
        pos.customer_exposure,
        pos.group_exposure,
        pos.group_credit,
        dict(pos.sector_loans),
        dict(pos.hub_loans),
    )
    bank_capital = _bank_capital(proposal)
    checks = check_concentration(bank_capital, position, exposure)
    large = large_exposure(bank_capital, position, exposure)
    pricing = None
    if earning > 0 and capital.capital > 0:
        pricing = price(
            PricingInputs(
                ead=ead_amount,
                earning_balance=earning,
                pd=pd,
                lgd=risk.lgd,
                maturity=proposal.tenor_years,
                funding_rate=_funding_rate(proposal),
                operating_cost_rate=policy.operating_cost_rate,
                hurdle=float(proposal.bank.hurdle_rate),
                fees=structuring.fees,
                tax_rate=policy.tax_rate,
                capital_return_rate=policy.capital_return_rate,
                economic_capital=capital.capital,
            ),
            proposal.as_of,
            proposal.proposed_rate(),
        )
    return Structure(
        amount=drawn + undrawn,
        risk=risk,
        standardised=standardised,
        standardised_rwa=ead.ead * Decimal(str(standardised.value)),
        concentration=checks,
        large_exposure=large,
        pricing=pricing,
    )


def _constraints(
    proposal: Proposal, requested: Structure
) -> tuple[list[Constraint], WorkingCapitalNeed | None, list[tuple[str, str]]]:
    facility, structuring = proposal.facility, proposal.structuring
    constraints = [Constraint("requested", facility.amount, "申请金额", "amount requested", proposal.id)]
    breaches: list[tuple[str, str]] = []  # (Chinese, English): what must be resolved
    wc = None
    if structuring.wc_inputs is not None:
        wc = working_capital_need(structuring.wc_inputs)
        binds = structuring.wc_need_binds
        if binds is None:
            # A 综合授信 line also carries acceptances and guarantees: by default the formula sizes only loans.
            binds = facility.product is not ProductType.CREDIT_LINE
        if binds:
            constraints.append(
                Constraint(
                    "wc_need",
                    wc.new_wc_loan_limit,
                    "流动资金贷款需求量测算 (新增流动资金贷款额度)",
                    "working-capital need formula (new WC loan limit)",
                    wc.source,
                )
            )
        elif wc.new_wc_loan_limit < facility.amount:
            breaches.append(
                (
                    f"流动资金贷款需求量测算仅支持新增流动资金贷款 {wc.new_wc_loan_limit:,.0f} 元：额度项下流贷提款须另行测算",
                    f"the WC need formula supports {wc.new_wc_loan_limit:,.0f} 元 of new WC loans: "
                    "WC-loan drawings on the line need their own need calculation",
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
    if structuring.target_dscr is not None and project is not None and project.cfads:
        years = max(round(proposal.tenor_years), 1)
        capacity = dscr_debt_capacity(
            [float(c) for c in project.cfads[:years]], structuring.target_dscr, proposal.proposed_rate()
        )
        constraints.append(
            Constraint(
                "dscr_capacity",
                capacity,
                f"目标DSCR {structuring.target_dscr:.2f}x 下的债务承受能力",
                f"debt capacity at target DSCR {structuring.target_dscr:.2f}x",
                "CFADS of the project model",
            )
        )
    if structuring.max_leverage is not None and proposal.profile.financials:
        latest = max(proposal.profile.financials, key=lambda y: y.year)
        capacity = leverage_debt_capacity(latest.ebitda, structuring.max_leverage, latest.total_debt)
        constraints.append(
            Constraint(
                "leverage_capacity",
                capacity,
                f"债务/EBITDA ≤ {structuring.max_leverage:.1f}x ({latest.year}年)",
                f"debt / EBITDA ≤ {structuring.max_leverage:.1f}x ({latest.year})",
                f"statements {latest.year}",
            )
        )
    if facility.product is ProductType.SHARE_BUYBACK_LOAN:
        buyback = structuring.buyback_amount
        check = share_buyback_rule(buyback or Decimal(0), proposal.proposed_rate(), proposal.tenor_years)
        breaches.extend(check.breaches)
        if buyback is None:
            breaches.append(
                ("未录入回购金额：无法检查90%上限", "buyback amount not recorded: the 90% cap cannot be checked")
            )
        else:
            constraints.append(check.constraint)
    if facility.product is ProductType.FINANCE_LEASE:
        # The leased asset's value: given, or the collateral the lease is written on.
        asset_value = structuring.asset_value or (facility.collateral_value if facility.collateral else None)
        if asset_value is None:
            breaches.append(
                (
                    "未录入租赁物价值：无法检查融资租赁上限",
                    "leased asset value not recorded: the finance-lease cap cannot be checked",
                )
            )
        else:
            constraints.append(finance_lease_rule(asset_value, structuring.lease_advance_rate or 0.8).constraint)
    exposure, _ = _exposure(proposal, requested.risk.drawn, requested.risk.undrawn, requested.ead.ead)
    headroom = loan_headroom(requested.concentration, exposure)
    if proposal.is_guarantee:
        exposure_room = min(
            c.headroom for c in requested.concentration if c.measure in ("exposure", "group_exposure")
        )
        ccf_item = structuring.ccf_item or GUARANTEE_CCF[facility.product]
        constraints.append(guarantee_exposure_rule(ccf_item, requested.ead.ead + exposure_room).constraint)
        headroom = min(c.headroom for c in requested.concentration if c.measure == "group_credit")
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


def covenants_of(proposal: Proposal) -> list[Covenant]:
    """The facility's covenants in the form the covenant engine tests."""
    return [
        Covenant(
            key=c.metric,
            metric=c.metric,
            bound="min" if c.operator is CovenantOperator.MIN else "max",
            threshold=float(c.threshold),
            frequency=c.frequency,
            warning_headroom=proposal.structuring.covenant_warning_headroom,
        )
        for c in proposal.facility.covenants
    ]


def _decide_limit(
    proposal: Proposal, constraints: list[Constraint], breaches: list[tuple[str, str]]
) -> LimitDecision:
    """The engine's recommended limit, or the analyst's named override of it (the engine's stays listed)."""
    decision = recommend_limit(constraints, breaches)
    override = proposal.override(OverrideKey.LIMIT)
    if override is None:
        return decision
    reason = next(o.reason for o in proposal.facility.overrides if o.key is OverrideKey.LIMIT)
    chosen = Constraint(
        "analyst_override",
        override,
        f"分析师调整额度（模型建议 {decision.limit:,.0f} 元）：{reason}",
        f"analyst's override of the limit (engine: {decision.limit:,.0f} 元): {reason}",
        proposal.analyst,
    )
    return LimitDecision(override, chosen, [*constraints, chosen], list(breaches))


def assess(proposal: Proposal) -> Assessment:
    """Size, structure, price and check one proposal; recommend approve / with conditions / decline.

    A booked facility (``proposal.exposure``) is structured as booked; a new one at the recommended limit,
    drawn as planned, and ``booking`` is what the book will carry at approval (an undrawn commitment).
    """
    requested = _structure(proposal, *planned_drawing(proposal, proposal.facility.amount))
    constraints, wc, breaches = _constraints(proposal, requested)
    decision = _decide_limit(proposal, constraints, breaches)
    booked = proposal.exposure
    if booked is not None:
        structure = _structure(proposal, booked.drawn, booked.undrawn)
        booking = structure.risk
    else:
        structure = (
            _structure(proposal, *planned_drawing(proposal, decision.limit)) if decision.limit > 0 else requested
        )
        booking = exposure_risk(proposal, Decimal(0), max(decision.limit, Decimal(0)))
    covenants = check_covenants(covenants_of(proposal), dict(proposal.structuring.covenant_test_values))
    zh: list[str] = [note.zh for note in proposal.notes]
    en: list[str] = [note.en for note in proposal.notes]
    for item in proposal.facility.overrides:
        zh.append(f"分析师调整 {item.key.zh}={item.value}，理由：{item.reason}")
        en.append(f"analyst's override of the {item.key.en}: {item.value} ({item.reason})")
    if booked is not None and decision.limit < booked.total:
        zh.append(
            f"已用额度超过模型目前支持的额度 {decision.limit:,.0f} 元，约束条件: {decision.binding.basis_zh}"
        )
        en.append(
            f"the booked facility exceeds the {decision.limit:,.0f} 元 the engine now supports; "
            f"binding: {decision.binding.basis_en}"
        )
    elif booked is None and decision.limit < proposal.facility.amount:
        zh.append(f"额度由申请金额调减至建议额度，约束条件: {decision.binding.basis_zh}")
        en.append(
            f"limit cut from the amount requested to the recommended limit; binding: {decision.binding.basis_en}"
        )
    for breach_zh, breach_en in breaches:
        zh.append(f"需落实: {breach_zh}")
        en.append(f"to resolve: {breach_en}")
    pricing = structure.pricing
    if pricing is not None and pricing.meets_hurdle is False:
        zh.append(f"拟定利率低于RAROC门槛所需最低利率 {pricing.minimum_rate:.2%}")
        en.append(f"proposed rate below the {pricing.minimum_rate:.2%} needed for the RAROC hurdle")
    names = {c["metric"]: c["zh"] for c in load_yaml("covenant_catalogue.yaml")["covenants"]}
    for result in covenants:
        if result.status in ("breach", "warning"):
            status_zh = "违反" if result.status == "breach" else "预警"
            zh.append(f"承诺条款 {names.get(result.key, result.key)}：{status_zh}")
            en.append(f"covenant {result.key}: {result.status}")
    regulatory_breach = any(c.breach for c in structure.concentration if c.article != "bank policy")
    if decision.limit <= 0 or regulatory_breach:
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
        booking=booking,
        covenants=covenants,
        recommendation=recommendation,
        conditions_zh=zh,
        conditions_en=en,
        reference_versions=versions(),
    )


__all__ = [
    "Assessment",
    "BankPolicy",
    "ExposureRisk",
    "Proposal",
    "Structure",
    "Structuring",
    "assess",
    "covenants_of",
    "exposure_risk",
    "facility_ead",
    "planned_drawing",
]
