from __future__ import annotations

from decimal import Decimal

import pytest

from computecredit.errors import InputError
from computecredit.facilities.lgd import (
    Collateral,
    Guarantee,
    OffBalanceItem,
    economic_lgd,
    exposure_at_default,
    guaranteed_capital,
)

E = Decimal("100000000")


def test_unsecured_lgd_is_discounted_recovery() -> None:
    result = economic_lgd(E, [], unsecured_lgd=0.45, discount_rate=0.05, unsecured_recovery_months=24)
    assert result.lgd == pytest.approx(1 - 0.55 / 1.05**2)


def test_best_collateral_first_and_capped_at_ead() -> None:
    collateral = [Collateral("property", Decimal("200000000")), Collateral("deposit", Decimal("30000000"))]
    result = economic_lgd(E, collateral, discount_rate=0.0)
    assert [line.kind for line in result.lines] == ["deposit", "property"]
    assert result.lines[0].applied == Decimal("30000000")
    assert result.lines[1].applied == Decimal("70000000")  # 200m × 60% = 120m, only 70m needed
    assert result.lgd == pytest.approx(0.0)


def test_longer_recovery_raises_lgd() -> None:
    fast = economic_lgd(E, [Collateral("gpu_servers", E, recovery_months=6)], discount_rate=0.08)
    slow = economic_lgd(E, [Collateral("gpu_servers", E, recovery_months=30)], discount_rate=0.08)
    assert slow.lgd > fast.lgd


def test_unknown_collateral_kind_is_bad_input() -> None:
    with pytest.raises(InputError, match=r"collateral\.kind"):
        economic_lgd(E, [Collateral("gold bars", E)])


def test_ead_applies_ccf_to_undrawn_and_guarantees() -> None:
    result = exposure_at_default(
        Decimal("300"),
        [
            OffBalanceItem("commitment_other", Decimal("200")),
            OffBalanceItem("financial_guarantee", Decimal("100")),
        ],
    )
    assert result.ead == Decimal("480")


def test_guarantee_substitution_and_double_default_lower_capital() -> None:
    none = guaranteed_capital(E, 0.03, 0.45, 2.5, None)
    sub = guaranteed_capital(E, 0.03, 0.45, 2.5, Guarantee("担保公司", E, pd=0.003))
    dd = guaranteed_capital(E, 0.03, 0.45, 2.5, Guarantee("担保公司", E, pd=0.003, method="double_default"))
    assert sub.capital < none.capital and dd.capital < none.capital
    assert sub.expected_loss < none.expected_loss


def test_weaker_guarantor_is_not_recognised() -> None:
    none = guaranteed_capital(E, 0.01, 0.45, 2.5, None)
    weak = guaranteed_capital(E, 0.01, 0.45, 2.5, Guarantee("弱担保人", E, pd=0.05))
    assert weak.capital == none.capital
