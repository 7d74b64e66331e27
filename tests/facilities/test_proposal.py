"""assess(): the limit is the smallest constraint, the structure is rebuilt at that limit (or kept as booked),
and the analyst's overrides are named, applied and recorded. Proposals come from the one assembly over the
demo bank's records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from computecredit.domain.facilities import AnalystOverride
from computecredit.facilities.proposal import Proposal, assess, exposure_risk
from computecredit.services.facilities import Records, assemble, read_deal, stored_deal
from computecredit.store.database import Database

EXAMPLES = Path(__file__).parents[2] / "examples" / "facilities"


@pytest.fixture(scope="module")
def proposals(_demo_bank_file: Path) -> dict[str, Proposal]:
    db = Database(f"sqlite:///{_demo_bank_file}")
    try:
        with db.transaction() as session:
            records = Records.load(session)
            found = {path.stem: assemble(records, read_deal(path)) for path in EXAMPLES.glob("*.yaml")}
            found["booked_ningxia"] = assemble(records, stored_deal(records, "PL-2025-NX-001"))
            return found
    finally:
        db.dispose()


def _changed(proposal: Proposal, **changes: Any) -> Proposal:
    data = proposal.model_dump(mode="json")
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return Proposal.model_validate(data)


def test_ningxia_deal_is_sized_by_the_project_engine(proposals: dict[str, Proposal]) -> None:
    a = assess(proposals["ningxia_project"])
    keys = [c.key for c in a.limit.constraints]
    assert keys[:3] == ["requested", "project_max_debt", "dscr_capacity"]
    max_debt = next(c for c in a.limit.constraints if c.key == "project_max_debt").amount
    assert max_debt == proposals["ningxia_project"].project.max_debt  # type: ignore[union-attr]


def test_ningxia_loan_at_a_bank_with_little_capital_is_cut_to_the_headroom(proposals: dict[str, Proposal]) -> None:
    a = assess(
        _changed(
            proposals["ningxia_project"],
            bank__net_capital="25亿",
            bank__tier1_net_capital="21亿",
            structuring__position={},
            policy__hub_limits={},
        )
    )
    assert a.limit.binding.key == "concentration"
    assert a.limit.limit == Decimal("250000000")  # 10% of 25亿
    assert not any(c.breach for c in a.structure.concentration)


def test_structure_is_rebuilt_at_the_recommended_limit(proposals: dict[str, Proposal]) -> None:
    a = assess(proposals["server_maker_wc_line"])
    assert a.limit.binding.key == "wc_need"
    drawn = a.limit.limit * Decimal("0.6")
    assert a.structure.ead.ead == drawn + (a.limit.limit - drawn) * Decimal("0.4")
    # at approval the book carries an undrawn commitment of the limit
    assert a.booking.drawn == 0 and a.booking.ead.ead == a.limit.limit * Decimal("0.4")


def test_a_booked_facility_is_structured_as_booked(proposals: dict[str, Proposal]) -> None:
    proposal = proposals["booked_ningxia"]
    booked = proposal.exposure
    assert booked is not None
    a = assess(proposal)
    assert (a.structure.risk.drawn, a.structure.risk.undrawn) == (booked.drawn, booked.undrawn)
    assert a.structure.ead.ead == booked.drawn + booked.undrawn * Decimal("0.4")
    assert a.booking == exposure_risk(proposal, booked.drawn, booked.undrawn)


def test_buyback_rate_above_cap_is_a_condition(proposals: dict[str, Proposal]) -> None:
    a = assess(_changed(proposals["chip_buyback"], facility__rate={"base": "lpr_1y", "spread_bp": 0}))
    assert a.recommendation in ("approve_with_conditions", "decline")
    assert any("2.25%" in c for c in a.conditions_en)


def test_guarantee_exposure_uses_the_advance_payment_ccf(proposals: dict[str, Proposal]) -> None:
    a = assess(proposals["platform_guarantee"])
    assert a.structure.ead.ead == a.limit.limit * Decimal("0.5")


def test_overrides_are_applied_and_named(proposals: dict[str, Proposal]) -> None:
    base = proposals["ningxia_project"]
    overrides = [
        AnalystOverride(key="pd", value=Decimal("0.01"), reason="sponsor support letter"),
        AnalystOverride(key="haircut", value=Decimal("0.9"), collateral_index=0, reason="no GPU resale market"),
        AnalystOverride(key="limit", value=Decimal("2e8"), reason="first tranche only"),
    ]
    changed = _changed(base, facility__overrides=[o.model_dump(mode="json") for o in overrides])
    a, plain = assess(changed), assess(base)
    assert a.structure.risk.pd == 0.01 != plain.structure.risk.pd
    gpu = next(line for line in a.structure.lgd.lines if line.kind == "gpu_servers")
    assert gpu.haircut == 0.9
    assert a.limit.limit == Decimal("2e8") and a.limit.binding.key == "analyst_override"
    assert any("first tranche only" in c for c in a.conditions_en)


def test_a_guarantee_lowers_the_lgd_the_book_uses(proposals: dict[str, Proposal]) -> None:
    proposal = _changed(
        proposals["server_maker_wc_line"],
        facility__guarantors=[{"name": "母公司", "kind": "corporate"}],
        structuring__guarantor_terms={"母公司": {"pd": 0.001}},
    )
    guaranteed = exposure_risk(proposal, Decimal("1e8"), Decimal(0))
    plain = exposure_risk(proposals["server_maker_wc_line"], Decimal("1e8"), Decimal(0))
    assert guaranteed.lgd < plain.lgd == pytest.approx(plain.collateral.lgd)
    assert float(guaranteed.capital.expected_loss) == pytest.approx(
        float(guaranteed.ead.ead) * guaranteed.pd * guaranteed.lgd
    )


def test_gpu_value_at_default_follows_the_residual_path() -> None:
    from datetime import date

    from computecredit.facilities.from_records import gpu_value_at_default

    value = Decimal("100000000")
    sooner = gpu_value_at_default(value, date(2025, 1, 1), date(2025, 1, 1))
    later = gpu_value_at_default(value, date(2024, 1, 1), date(2025, 1, 1))
    assert 0 < later < sooner < value
