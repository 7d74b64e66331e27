"""Green assessment: PUE rules, GB 40879 grades, CO2 arithmetic and green-loan eligibility."""

from __future__ import annotations

import pytest

from computecredit import green
from computecredit.errors import InputError


def _assess(**changes: object) -> green.GreenAssessment:
    args: dict[str, object] = {
        "province": "青海",
        "hub": None,
        "pue": 1.2,
        "annual_facility_kwh": 10_000_000.0,
        "green_power_share": 0.5,
        "pflops": 500.0,
        "utilization": 0.5,
    }
    args.update(changes)
    return green.assess(**args)  # type: ignore[arg-type]


def test_co2_is_energy_times_grid_factor_times_brown_share() -> None:
    result = _assess()
    assert result.annual_co2_t == pytest.approx(10_000_000 * 0.5 * 0.1567 / 1000)
    assert result.kg_co2_per_pflops_hour == pytest.approx(result.annual_co2_t * 1000 / (500 * 8760))
    assert result.kg_co2_per_delivered_pflops_hour == pytest.approx(2 * result.kg_co2_per_pflops_hour)
    assert result.annual_it_mwh == pytest.approx(10_000 / 1.2)


def test_grades_and_hub_limits() -> None:
    assert [green.gb40879_grade(p) for p in (1.15, 1.2, 1.25, 1.5, 1.51)] == [1, 1, 2, 3, None]
    assert _assess(hub="beijing_tianjin_hebei", pue=1.25).pue_meets_hub_rule is False  # PUE < 1.25
    assert _assess(hub="gansu", pue=1.2).pue_meets_hub_rule is True  # PUE ≤ 1.2
    assert _assess(pue=1.45).pue_meets_hub_rule is True  # outside hubs: < 1.5


def test_eligibility_cites_the_failed_rules() -> None:
    ok = _assess(hub="gansu", pue=1.18, green_power_share=0.85)
    assert ok.eligible
    too_brown = _assess(hub="gansu", pue=1.18, green_power_share=0.5)
    failed = [c for c in too_brown.checks if not c.passed]
    assert not too_brown.eligible and failed[0].rule == "green_power_share_min_new_hub"
    assert "2024" in failed[0].citation
    hot = _assess(pue=1.4)
    assert not hot.eligible and {c.rule for c in hot.checks if not c.passed} == {"green_data_centre_pue"}


def test_unknown_province() -> None:
    with pytest.raises(InputError, match=r"site\.province"):
        _assess(province="Atlantis")
