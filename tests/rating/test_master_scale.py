"""Master scale: contiguous bands, grade <-> PD, notching, custom scales."""

from __future__ import annotations

import numpy as np
import pytest

from computecredit.errors import InputError
from computecredit.rating.master_scale import MasterScale, load_master_scale


def test_bundled_scale_has_at_least_15_grades_plus_default_and_contiguous_bands() -> None:
    scale = load_master_scale()
    assert len(scale.performing) >= 15
    assert scale.codes[0] == "AAA" and scale.codes[-2] == "C" and scale.default.code == "D"
    assert scale.performing[0].pd_min == 0.0
    for upper, lower in zip(scale.performing, scale.performing[1:], strict=False):
        assert upper.pd_max == lower.pd_min
        assert upper.pd_mid < lower.pd_mid


def test_every_mid_point_maps_back_to_its_grade() -> None:
    scale = load_master_scale()
    mids = np.array([g.pd_mid for g in scale.grades])
    assert scale.grades_for_pds(mids).tolist() == list(scale.codes)


def test_band_edges_belong_to_the_worse_grade() -> None:
    scale = load_master_scale()
    bb = scale.grade("BB")
    assert scale.grade_for_pd(bb.pd_max).code == "BB-"
    assert scale.grade_for_pd(np.nextafter(bb.pd_max, 0.0)).code == "BB"


def test_pd_outside_unit_interval_is_bad_input() -> None:
    with pytest.raises(InputError, match="must lie in"):
        load_master_scale().grade_for_pd(1.5)


def test_notching_stays_on_performing_grades() -> None:
    scale = load_master_scale()
    assert scale.notch("C", -3) == "C"
    assert scale.notch("D", 2) == "D"
    assert scale.notch("A", 1) == "A+"


def test_custom_scale_round_trips_and_rejects_gaps() -> None:
    data = {
        "name": "tiny",
        "grades": [
            {"grade": "1", "pd_mid": 0.01, "pd_max": 0.05},
            {"grade": "2", "pd_mid": 0.2, "pd_max": 1.0},
            {"grade": "D", "pd_mid": 1.0, "pd_max": 1.0},
        ],
    }
    scale = MasterScale.from_dict(data)
    assert MasterScale.from_dict(scale.to_dict()) == scale
    data["grades"][1]["pd_max"] = 0.9
    with pytest.raises(InputError, match="must end at 1"):
        MasterScale.from_dict(data)
