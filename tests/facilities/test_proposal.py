"""assess(): the limit is the smallest constraint, and the structure is rebuilt at that limit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from computecredit.facilities.proposal import Proposal, assess

EXAMPLES = Path(__file__).parents[2] / "examples" / "facilities"


def _load(name: str, **changes: object) -> Proposal:
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return Proposal.model_validate(data)


def test_ningxia_loan_fits_the_regional_banks_capital() -> None:
    a = assess(_load("ningxia_project"))
    single = next(c for c in a.structure.concentration if c.key == "single_customer_loans")
    assert single.base_amount == Decimal("12500000000") and not single.breach
    assert a.limit.limit == Decimal("280000000")


def test_ningxia_loan_at_a_bank_with_little_capital_is_cut_to_the_headroom() -> None:
    a = assess(
        _load(
            "ningxia_project",
            bank__net_capital="25亿",
            bank__tier1_net_capital="21亿",
            structuring__position={},
            policy__hub_limits={},
        )
    )
    assert a.limit.binding.key == "concentration"
    assert a.limit.limit == Decimal("250000000")  # 10% of 25亿
    assert not any(c.breach for c in a.structure.concentration)


def test_structure_is_rebuilt_at_the_recommended_limit() -> None:
    a = assess(_load("server_maker_wc_line"))
    assert a.limit.binding.key == "wc_need"
    drawn = a.limit.limit * Decimal("0.6")
    assert a.structure.ead.ead == drawn + (a.limit.limit - drawn) * Decimal("0.4")


def test_buyback_rate_above_cap_is_a_condition() -> None:
    a = assess(_load("chip_buyback", facility__rate={"base": "lpr_1y", "spread_bp": 0}))
    assert a.recommendation == "approve_with_conditions"
    assert any("2.25%" in c for c in a.conditions_en)


def test_guarantee_exposure_uses_the_advance_payment_ccf() -> None:
    a = assess(_load("platform_guarantee"))
    assert a.structure.ead.ead == a.limit.limit * Decimal("0.5")
    assert a.structure.capital.method == "substitution"


def test_gpu_value_at_default_follows_the_residual_path() -> None:
    from datetime import date

    from computecredit.facilities.from_records import gpu_value_at_default

    value = Decimal("100000000")
    sooner = gpu_value_at_default(value, date(2025, 1, 1), date(2025, 1, 1))
    later = gpu_value_at_default(value, date(2024, 1, 1), date(2025, 1, 1))
    assert 0 < later < sooner < value
