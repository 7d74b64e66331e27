"""LGD, EAD and collateral: haircuts, recovery timing, guarantees and credit conversion factors.

Economic LGD of one exposure: collateral is applied best first (lowest haircut), each at its value
at default less the haircut, discounted over its recovery time; what collateral does not cover
recovers like a senior unsecured claim. Haircuts and recovery times come from
``reference/data/collateral_haircuts.csv`` (each row cites its basis) unless the proposal overrides them.

Capital recognises only the collateral that Basel III's foundation IRB approach recognises (the table's
``firb_eligible``: financial collateral, receivables, real estate, other physical collateral). An IP pledge
lowers the economic LGD (expected loss, pricing, ECL) by its haircut-table recovery but not the capital LGD:
for capital its share of the EAD recovers like an unsecured claim (CRE32.5).

>>> result = economic_lgd(ead=Decimal("100"), collateral=[Collateral("deposit", Decimal("30"))],
...                       unsecured_lgd=0.45, discount_rate=0.0)
>>> round(result.lgd, 4)
0.315
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Literal

from computecredit.errors import InputError
from computecredit.facilities.capital import credit_conversion_factor, double_default_capital, irb_capital
from computecredit.reference import load_csv, load_yaml, version

HAIRCUT_TABLE = "collateral_haircuts.csv"
RISK_SHARING_TABLE = "risk_sharing.yaml"
# Basel II ¶287: senior unsecured claims on corporates without recognised collateral, F-IRB.
DEFAULT_UNSECURED_LGD = 0.45


@dataclass(frozen=True)
class Collateral:
    """One piece of collateral: its kind (a row of the haircut table) and its value at default in 元.

    For GPU servers the value at default comes from the project engine's residual-value path (chip
    generation and age at the expected default time); the caller passes that figure.
    """

    kind: str
    value: Decimal
    haircut: float | None = None
    recovery_months: float | None = None
    description: str = ""


@dataclass(frozen=True)
class CollateralLine:
    kind: str
    label_zh: str
    label_en: str
    description: str
    value: Decimal
    haircut: float
    recovery_months: float
    net_value: Decimal
    applied: Decimal
    present_value: Decimal
    basis: str


@dataclass(frozen=True)
class LGDResult:
    """Economic LGD with the recovery from each collateral line and from the unsecured remainder;
    ``capital_lgd`` the LGD that capital uses (only F-IRB-eligible collateral recognised)."""

    ead: Decimal
    lgd: float
    lines: list[CollateralLine]
    secured: Decimal
    unsecured: Decimal
    unsecured_lgd: float
    unsecured_recovery: Decimal
    discount_rate: float
    table_version: str
    capital_lgd: float


def haircut_row(kind: str) -> dict:
    """The haircut-table row for a collateral kind.

    >>> haircut_row("gpu_servers")["haircut"]
    0.4
    """
    rows = _haircut_rows()
    if kind not in rows:
        raise InputError("collateral.kind", kind, f"unknown; known: {', '.join(rows)}")
    return dict(rows[kind])


@cache
def _haircut_rows() -> dict[str, dict]:
    """The haircut table by key, read once (the book looks rows up for every facility)."""
    return {str(row["key"]): row for row in load_csv(HAIRCUT_TABLE).to_dict("records")}


def economic_lgd(
    ead: Decimal,
    collateral: list[Collateral],
    *,
    unsecured_lgd: float = DEFAULT_UNSECURED_LGD,
    discount_rate: float = 0.05,
    unsecured_recovery_months: float = 24,
) -> LGDResult:
    """LGD = 1 − (discounted net collateral recoveries + unsecured recovery) / EAD.

    ``capital_lgd`` is the same waterfall over the F-IRB-eligible collateral only.

    >>> ip = Collateral("ip_pledge.invention_patent", Decimal("100"))
    >>> result = economic_lgd(Decimal("100"), [ip], discount_rate=0.0)
    >>> round(result.lgd, 4), round(result.capital_lgd, 4)  # 25 recovered from the patent, 75 × 55% unsecured
    (0.3375, 0.45)
    """
    if ead <= 0:
        raise InputError("ead", ead, "must be positive")
    if not 0.0 <= unsecured_lgd <= 1.0:
        raise InputError("unsecured_lgd", unsecured_lgd, "must lie in [0, 1]")
    prepared = []
    for index, item in enumerate(collateral):
        row = haircut_row(item.kind)
        haircut = float(row["haircut"]) if item.haircut is None else item.haircut
        months = float(row["recovery_months"]) if item.recovery_months is None else item.recovery_months
        if not 0.0 <= haircut <= 1.0:
            raise InputError(f"collateral[{index}].haircut", haircut, "must lie in [0, 1]")
        if item.value < 0:
            raise InputError(f"collateral[{index}].value", item.value, "must not be negative")
        prepared.append((haircut, months, item, row))
    prepared.sort(key=lambda entry: entry[0])

    def waterfall(
        items: list[tuple[float, float, Collateral, dict]],
    ) -> tuple[list[CollateralLine], Decimal, Decimal, Decimal]:
        """Collateral lines applied best first, the EAD they leave unsecured, its recovery, and the recovery
        in all."""
        remaining = ead
        lines = []
        recovered = Decimal(0)
        for haircut, months, item, row in items:
            net = item.value * Decimal(str(1.0 - haircut))
            applied = min(net, remaining)
            remaining -= applied
            pv = applied / Decimal(str((1.0 + discount_rate) ** (months / 12.0)))
            recovered += pv
            lines.append(
                CollateralLine(
                    kind=item.kind,
                    label_zh=str(row["label_zh"]),
                    label_en=str(row["label_en"]),
                    description=item.description,
                    value=item.value,
                    haircut=haircut,
                    recovery_months=months,
                    net_value=net,
                    applied=applied,
                    present_value=pv,
                    basis=str(row["source"]),
                )
            )
        unsecured_pv = (
            remaining
            * Decimal(str(1.0 - unsecured_lgd))
            / Decimal(str((1.0 + discount_rate) ** (unsecured_recovery_months / 12.0)))
        )
        return lines, remaining, unsecured_pv, recovered + unsecured_pv

    def loss_rate(recovered: Decimal) -> float:
        return max(0.0, min(1.0, float(1 - recovered / ead)))

    lines, remaining, unsecured_recovery, recovered = waterfall(prepared)
    eligible = [entry for entry in prepared if bool(entry[3]["firb_eligible"])]
    capital_recovered = recovered if len(eligible) == len(prepared) else waterfall(eligible)[3]
    return LGDResult(
        ead=ead,
        lgd=loss_rate(recovered),
        lines=lines,
        secured=ead - remaining,
        unsecured=remaining,
        unsecured_lgd=unsecured_lgd,
        unsecured_recovery=unsecured_recovery,
        discount_rate=discount_rate,
        table_version=version(HAIRCUT_TABLE),
        capital_lgd=loss_rate(capital_recovered),
    )


@dataclass(frozen=True)
class OffBalanceItem:
    """An off-balance-sheet item (guarantee, letter of credit, undrawn commitment) and its CCF key."""

    kind: str
    amount: Decimal


@dataclass(frozen=True)
class EADLine:
    kind: str
    label_zh: str
    label_en: str
    amount: Decimal
    ccf: float
    ead: Decimal
    article: str


@dataclass(frozen=True)
class EADResult:
    drawn: Decimal
    ead: Decimal
    lines: list[EADLine] = field(default_factory=list)


def exposure_at_default(drawn: Decimal, off_balance: list[OffBalanceItem]) -> EADResult:
    """EAD = drawn + Σ off-balance amount × CCF (2023 rules' CCF table).

    >>> r = exposure_at_default(Decimal("300"), [OffBalanceItem("commitment_other", Decimal("200"))])
    >>> r.ead
    Decimal('380.0')
    """
    if drawn < 0:
        raise InputError("drawn", drawn, "must not be negative")
    lines = []
    total = drawn
    for item in off_balance:
        entry = credit_conversion_factor(item.kind)
        ead = item.amount * Decimal(str(entry.value))
        total += ead
        lines.append(
            EADLine(item.kind, entry.label_zh, entry.label_en, item.amount, entry.value, ead, entry.article)
        )
    return EADResult(drawn=drawn, ead=total, lines=lines)


@dataclass(frozen=True)
class RiskSharing:
    """The documented loss share of a guarantor kind that shares the bank's loss (``risk_sharing.yaml``) and how
    capital treats it: ``substitution_if_rated`` (a guarantee) or ``none`` (a fiscal pool, not a guarantee)."""

    kind: str
    covered_share: float
    capital: Literal["substitution_if_rated", "none"]
    label_zh: str
    label_en: str


def risk_sharing(kind: str) -> RiskSharing | None:
    """The documented share for a guarantor kind, or ``None`` for a kind that does not share losses by a share.

    >>> risk_sharing("government_fund").covered_share, risk_sharing("risk_sharing_fund").capital
    (0.8, 'none')
    >>> risk_sharing("corporate") is None
    True
    """
    entry = load_yaml(RISK_SHARING_TABLE)["kinds"].get(kind)
    if entry is None:
        return None
    return RiskSharing(
        kind, float(entry["covered_share"]), entry["capital"], str(entry["label_zh"]), str(entry["label_en"])
    )


@dataclass(frozen=True)
class Guarantee:
    """A third-party guarantee (保证) or loss-sharing arrangement covering ``covered_share`` of the EAD, up to
    ``amount`` 元.

    With a ``pd`` (the guarantor's, from its rating) the covered part takes the guarantor's risk by substitution
    or double default where that lowers capital. Without one - a government financing guarantee the bank has
    not rated, or a risk-compensation fund, which is no guarantee - the covered part is a ``loss_sharing``: its
    loss is the sharer's (a state-backed scheme is taken to pay), so the bank's expected loss on it is nil, and
    capital gets no relief (the obligor's K on the whole EAD).
    """

    guarantor: str
    amount: Decimal
    pd: float | None
    lgd: float = DEFAULT_UNSECURED_LGD
    method: Literal["substitution", "double_default"] = "substitution"
    covered_share: float = 1.0
    kind: str = ""


@dataclass(frozen=True)
class GuaranteedCapital:
    """Capital and expected loss of an exposure split into its guaranteed and unguaranteed parts.

    ``method`` is how the covered part was recognised (``none`` without a guarantee); ``expected_loss_before``
    the expected loss before it (EAD × PD × LGD after collateral).
    """

    method: str
    ead: Decimal
    covered: Decimal
    k_unguaranteed: float
    k_guaranteed: float
    capital: Decimal
    expected_loss: Decimal
    risk_weight: float
    expected_loss_before: Decimal
    guarantor: str | None = None
    guarantor_kind: str | None = None
    covered_share: float | None = None


def guaranteed_capital(
    ead: Decimal,
    pd: float,
    lgd: float,
    maturity: float,
    guarantee: Guarantee | None,
    sales: Decimal | None = None,
    capital_lgd: float | None = None,
) -> GuaranteedCapital:
    """IRB capital with a guarantee recognised by PD/LGD substitution or by double default (Basel II ¶284), and
    the expected loss after it; or a loss sharing, which lowers the expected loss and not capital.

    Substitution is used only where it lowers capital (Basel II ¶302: no recognition that raises it). ``lgd``
    is the economic LGD (expected loss); ``capital_lgd`` the LGD of the obligor's K (default: ``lgd``).

    >>> g = Guarantee("母公司", Decimal("50"), pd=0.002)
    >>> r = guaranteed_capital(Decimal("100"), 0.03, 0.45, 2.5, g)
    >>> r.k_guaranteed < r.k_unguaranteed, r.covered
    (True, Decimal('50'))
    >>> fund = Guarantee("风险补偿资金池", Decimal("100"), pd=None, covered_share=0.5, kind="risk_sharing_fund")
    >>> shared = guaranteed_capital(Decimal("100"), 0.03, 0.45, 2.5, fund)
    >>> shared.method, float(shared.expected_loss_before), float(shared.expected_loss)
    ('loss_sharing', 1.35, 0.675)
    >>> shared.capital == guaranteed_capital(Decimal("100"), 0.03, 0.45, 2.5, None).capital  # no capital relief
    True
    """
    obligor = irb_capital(pd, lgd if capital_lgd is None else capital_lgd, maturity, sales)
    before = ead * Decimal(str(pd * lgd))
    if guarantee is None:
        capital = ead * Decimal(str(obligor.k))
        return GuaranteedCapital(
            "none", ead, Decimal(0), obligor.k, obligor.k, capital, before, obligor.risk_weight, before
        )
    if not 0.0 < guarantee.covered_share <= 1.0:
        raise InputError("guarantee.covered_share", guarantee.covered_share, "must lie in (0, 1]")
    covered = min(guarantee.amount, ead * Decimal(str(guarantee.covered_share)))
    method: str = guarantee.method
    if guarantee.pd is None:
        method, k_covered, el_covered = "loss_sharing", obligor.k, 0.0
    elif guarantee.method == "double_default":
        k_covered = double_default_capital(pd, guarantee.pd, guarantee.lgd, maturity)
        el_covered = pd * guarantee.pd * guarantee.lgd
    elif guarantee.method == "substitution":
        k_covered = irb_capital(guarantee.pd, guarantee.lgd, maturity).k
        el_covered = guarantee.pd * guarantee.lgd
    else:
        raise InputError("guarantee.method", guarantee.method, "must be 'substitution' or 'double_default'")
    if guarantee.pd is not None and k_covered >= obligor.k:
        k_covered, el_covered = obligor.k, pd * lgd
    uncovered = ead - covered
    capital = uncovered * Decimal(str(obligor.k)) + covered * Decimal(str(k_covered))
    expected_loss = uncovered * Decimal(str(pd * lgd)) + covered * Decimal(str(el_covered))
    risk_weight = float(capital / ead) * 12.5 if ead > 0 else 0.0
    return GuaranteedCapital(
        method,
        ead,
        covered,
        obligor.k,
        k_covered,
        capital,
        expected_loss,
        risk_weight,
        before,
        guarantee.guarantor,
        guarantee.kind or None,
        guarantee.covered_share,
    )


__all__ = [
    "DEFAULT_UNSECURED_LGD",
    "Collateral",
    "CollateralLine",
    "EADLine",
    "EADResult",
    "Guarantee",
    "GuaranteedCapital",
    "LGDResult",
    "OffBalanceItem",
    "RiskSharing",
    "economic_lgd",
    "exposure_at_default",
    "guaranteed_capital",
    "haircut_row",
    "risk_sharing",
]
