"""Concentration checks against the bank's own capital, and the bank's own sector and hub limits.

Regulatory limits (``reference/data/regulatory_parameters.yaml``): loans to one non-bank customer
≤ 10% of 资本净额; exposure to one non-bank customer ≤ 15% and to a group of connected customers ≤ 20%
of 一级资本净额 (《商业银行大额风险暴露管理办法》2018); credit to one group client ≤ 15% of 资本净额.
The base is always the bank's capital, never its loan book: a 2.8亿 loan at a bank whose loan book is
under 1000亿 is measured against that bank's 资本净额.

>>> bank = BankCapital("宁夏某城商行", net_capital=Decimal("12.5e9"), tier1_net_capital=Decimal("10.5e9"),
...                    loan_book=Decimal("95e9"))
>>> checks = check_concentration(bank, Position(), ProposedExposure(loans=Decimal("2.8e8"), exposure=Decimal("2.8e8")))
>>> c = checks[0]
>>> c.key, round(c.ratio, 4), c.breach
('single_customer_loans', 0.0224, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from computecredit.errors import InputError
from computecredit.reference import load_yaml, version

PARAMETERS_TABLE = "regulatory_parameters.yaml"


@dataclass(frozen=True)
class BankLimit:
    """A bank's own limit on a sector or a hub: a share of its loan book or of its capital."""

    key: str
    share: float
    base: str = "loan_book"


@dataclass(frozen=True)
class BankCapital:
    """The lending bank's capital and book (元) and its own sector/hub limits."""

    name: str
    net_capital: Decimal
    tier1_net_capital: Decimal
    loan_book: Decimal
    sector_limits: dict[str, BankLimit] = field(default_factory=dict)
    hub_limits: dict[str, BankLimit] = field(default_factory=dict)


@dataclass(frozen=True)
class Position:
    """What the bank already has with the customer, its group, the sector and the hub (元)."""

    customer_loans: Decimal = Decimal(0)
    customer_exposure: Decimal = Decimal(0)
    group_exposure: Decimal = Decimal(0)
    group_credit: Decimal = Decimal(0)
    sector_loans: dict[str, Decimal] = field(default_factory=dict)
    hub_loans: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class ProposedExposure:
    """The proposal: on-balance loans, exposure after CCFs, face amount of credit, sector and hub."""

    loans: Decimal = Decimal(0)
    exposure: Decimal = Decimal(0)
    credit: Decimal | None = None
    sector: str | None = None
    hub: str | None = None


@dataclass(frozen=True)
class ConcentrationCheck:
    """One limit: amount after the proposal, its base, the limit, headroom (negative when breached)."""

    key: str
    label_zh: str
    label_en: str
    measure: str
    amount_after: Decimal
    base_name: str
    base_amount: Decimal
    limit_share: float
    limit_amount: Decimal
    ratio: float
    headroom: Decimal
    breach: bool
    article: str
    verified: str


def _base(bank: BankCapital, name: str) -> Decimal:
    bases = {
        "net_capital": bank.net_capital,
        "tier1_net_capital": bank.tier1_net_capital,
        "loan_book": bank.loan_book,
    }
    if name not in bases:
        raise InputError("limit.base", name, f"must be one of {', '.join(bases)}")
    value = bases[name]
    if value <= 0:
        raise InputError(f"bank.{name}", value, "must be positive")
    return value


def _check(
    key, label_zh, label_en, measure, amount, bank, base_name, share, article, verified
) -> ConcentrationCheck:
    base = _base(bank, base_name)
    limit = base * Decimal(str(share))
    return ConcentrationCheck(
        key=key,
        label_zh=label_zh,
        label_en=label_en,
        measure=measure,
        amount_after=amount,
        base_name=base_name,
        base_amount=base,
        limit_share=share,
        limit_amount=limit,
        ratio=float(amount / base),
        headroom=limit - amount,
        breach=amount > limit,
        article=article,
        verified=verified,
    )


def check_concentration(
    bank: BankCapital, position: Position, proposal: ProposedExposure
) -> list[ConcentrationCheck]:
    """Regulatory checks first (in the table's order), then the bank's sector and hub limits."""
    credit = proposal.loans if proposal.credit is None else proposal.credit
    after = {
        "loans": position.customer_loans + proposal.loans,
        "exposure": position.customer_exposure + proposal.exposure,
        "group_exposure": max(position.group_exposure, position.customer_exposure) + proposal.exposure,
        "group_credit": position.group_credit + credit,
    }
    checks = [
        _check(
            row["key"],
            row["label_zh"],
            row["label_en"],
            row["measure"],
            after[row["measure"]],
            bank,
            row["base"],
            float(row["limit"]),
            row["article"],
            row["verified"],
        )
        for row in load_yaml(PARAMETERS_TABLE)["concentration"]["limits"]
    ]
    for kind, limits, held, name in (
        ("sector", bank.sector_limits, position.sector_loans, proposal.sector),
        ("hub", bank.hub_limits, position.hub_loans, proposal.hub),
    ):
        if name is None or name not in limits:
            continue
        limit = limits[name]
        checks.append(
            _check(
                f"{kind}:{name}",
                f"{'行业' if kind == 'sector' else '枢纽节点'}限额 {name}",
                f"bank {kind} limit {name}",
                f"{kind}_loans",
                held.get(name, Decimal(0)) + proposal.loans,
                bank,
                limit.base,
                limit.share,
                "bank policy",
                "bank's own limit",
            )
        )
    return checks


@dataclass(frozen=True)
class LargeExposure:
    """Whether the customer's exposure after the proposal is a 大额风险暴露 (reported to the regulator)."""

    exposure_after: Decimal
    threshold: Decimal
    share: float
    is_large: bool
    source: str


def large_exposure(bank: BankCapital, position: Position, proposal: ProposedExposure) -> LargeExposure:
    """Customer exposure after the proposal against the large-exposure threshold (2.5% of 一级资本净额).

    >>> bank = BankCapital("b", net_capital=Decimal(100), tier1_net_capital=Decimal(80), loan_book=Decimal(900))
    >>> large_exposure(bank, Position(), ProposedExposure(exposure=Decimal(3))).is_large
    True
    """
    rule = load_yaml(PARAMETERS_TABLE)["concentration"]["large_exposure_threshold"]
    threshold = _base(bank, rule["base"]) * Decimal(str(rule["share"]))
    after = position.customer_exposure + proposal.exposure
    return LargeExposure(
        after, threshold, float(rule["share"]), after >= threshold, f"{rule['source']} ({rule['verified']})"
    )


def loan_headroom(checks: list[ConcentrationCheck], proposal: ProposedExposure) -> Decimal:
    """How much more (or less, if negative) the proposed loan amount could be before any limit binds.

    Exposure-based limits scale with the proposal's exposure-to-amount ratio (its CCF).
    """
    amount = proposal.loans if proposal.loans > 0 else (proposal.credit or Decimal(0))
    if amount <= 0:
        return Decimal(0)
    scale = {
        "loans": Decimal(1),
        "group_credit": Decimal(1),
        "exposure": proposal.exposure / amount,
        "group_exposure": proposal.exposure / amount,
        "sector_loans": Decimal(1),
        "hub_loans": Decimal(1),
    }
    room = [c.headroom / scale[c.measure] for c in checks if scale[c.measure] > 0]
    return min(room) if room else Decimal(0)


def parameters_version() -> str:
    """Version of the table the limits came from."""
    return version(PARAMETERS_TABLE)


__all__ = [
    "BankCapital",
    "BankLimit",
    "ConcentrationCheck",
    "LargeExposure",
    "Position",
    "ProposedExposure",
    "check_concentration",
    "large_exposure",
    "loan_headroom",
    "parameters_version",
]
