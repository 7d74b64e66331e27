"""The portable points model: binning rules, reason codes, calibration, JSON exactness."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computecredit.errors import InputError
from computecredit.rating.points import (
    Calibration,
    CategoricalBinning,
    InteractionTerm,
    NumericBinning,
    PointsModel,
    PointsTerm,
    Scaling,
)


def _model(points_x=(40.0, 20.0, 0.0, 5.0, -10.0), base=300.0) -> PointsModel:
    return PointsModel(
        base_points=base,
        terms=(
            PointsTerm(NumericBinning("x", (0.0, 1.0), special_values=((-999.0,),)), points_x),
            PointsTerm(CategoricalBinning("seg", (("a",), ("b", "c")), unseen_rule="worst"), (7.0, 3.0, 1.0, 0.0)),
        ),
        interactions=(
            InteractionTerm(
                NumericBinning("x", (0.5,)),
                CategoricalBinning("seg", (("a",),)),
                points=((1.0, 0.0, 0.0), (2.0, -1.0, 0.0), (0.0, 0.0, 0.0)),
            ),
        ),
        calibration=Calibration(intercept=4.0, slope=-0.02),
        name="test",
    )


def test_numeric_bins_are_right_open_with_missing_special_and_out_of_range() -> None:
    binning = NumericBinning("x", (0.0, 1.0), special_values=((-999.0, -998.0),))
    values = np.array([-np.inf, -1e300, 0.0, np.nextafter(1.0, 0.0), 1.0, 1e300, np.inf, np.nan, -998.0])
    assert binning.index(values).tolist() == [0, 0, 1, 1, 2, 2, 2, 3, 4]


def test_constant_and_all_missing_columns_score() -> None:
    model = _model()
    frame = pd.DataFrame({"x": [np.nan] * 3, "seg": [None] * 3})
    # x missing -> 5, seg missing -> 1, interaction: x missing (row 2) & seg missing (col 1) -> 0
    assert model.score(frame).tolist() == [306.0] * 3


def test_unseen_category_uses_its_own_bin_and_numbers_match_their_text() -> None:
    binning = CategoricalBinning("seg", (("1",), ("b",)))
    assert binning.index([1, 1.0, "1", "b", "zz", None, float("nan")]).tolist() == [0, 0, 0, 1, 3, 2, 2]


def test_non_numeric_value_in_numeric_column_names_row_and_field() -> None:
    model = _model()
    with pytest.raises(InputError) as err:
        model.score(pd.DataFrame({"x": ["1.5", "abc"], "seg": ["a", "b"]}), source="data.csv")
    assert "data.csv, row 2: field 'x' = 'abc'" in str(err.value)


def test_missing_column_is_bad_input() -> None:
    with pytest.raises(InputError, match="'seg'"):
        _model().score(pd.DataFrame({"x": [1.0]}))


def test_score_is_the_sum_of_term_points() -> None:
    model = _model()
    frame = pd.DataFrame({"x": [-5.0, 0.7, 3.0, -999.0], "seg": ["a", "c", "new", "a"]})
    matrix = model.term_points(frame)
    assert np.array_equal(model.score(frame), model.base_points + matrix.sum(axis=1))
    # x=-5 -> 40, seg a -> 7, interaction (x<0.5, a) -> 1
    assert model.score(frame)[0] == 348.0


def test_reason_codes_are_largest_shortfalls_first_and_skip_terms_at_best() -> None:
    model = _model()
    frame = pd.DataFrame({"x": [-5.0, 3.0, 0.7], "seg": ["a", "zz", "a"]})
    reasons = model.predict(frame, reasons=3).reasons
    assert reasons is not None
    # row 0: x best (40), seg best (7), interaction at its best (2)? no: 1 < 2 -> shortfall 1
    assert reasons[0].tolist() == ["x × seg", "", ""]
    # row 1: x shortfall 40, seg unseen 0 -> 7, interaction 0 -> 2
    assert reasons[1].tolist() == ["x", "seg", "x × seg"]
    # row 2: x 20 -> 20, seg 0, interaction (x>=0.5, a) -> 2 best
    assert reasons[2].tolist() == ["x", "", ""]


def test_predict_with_reasons_gives_identical_scores() -> None:
    model = _model()
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=500), "seg": rng.choice(["a", "b", "q"], 500)})
    assert np.array_equal(model.predict(frame, reasons=2).score, model.score(frame))


def test_calibration_shift_hits_central_tendency_and_keeps_ranking() -> None:
    rng = np.random.default_rng(2)
    scores = rng.normal(600, 60, 5000)
    cal = Scaling(pdo=20, base_score=600, base_odds=50).calibration()
    shifted = cal.shifted_to(0.03, scores)
    assert shifted.pd(scores).mean() == pytest.approx(0.03, abs=1e-12)
    assert shifted.target == 0.03
    assert np.array_equal(np.argsort(shifted.pd(scores)), np.argsort(cal.pd(scores)))


def test_calibration_pd_is_stable_for_extreme_scores() -> None:
    pds = Calibration(0.0, -1.0).pd(np.array([-1e4, 0.0, 1e4]))
    assert pds.tolist() == [1.0, 0.5, 0.0]


def test_grades_follow_the_embedded_master_scale() -> None:
    model = _model()
    result = model.predict(pd.DataFrame({"x": [-5.0, 3.0], "seg": ["a", "zz"]}))
    expected = model.master_scale.grades_for_pds(result.pd)
    assert result.grade.tolist() == expected.tolist()


def test_json_round_trip_is_exact_and_strict() -> None:
    rng = np.random.default_rng(3)
    model = _model(points_x=tuple(rng.normal(size=5) * 1e3 / 7), base=float(np.pi * 100))
    model = model.with_calibration(Calibration(0.1 + 0.2, -1 / 3, target=1 / 7))
    loaded = PointsModel.from_json(model.to_json())
    assert loaded == model
    assert loaded.to_json() == model.to_json()
    frame = pd.DataFrame({"x": rng.normal(size=1000), "seg": rng.choice(["a", "b", "c", "q"], 1000)})
    assert np.array_equal(loaded.predict(frame).pd, model.predict(frame).pd)
    data = json.loads(model.to_json())
    assert data["format"] == "computecredit.points/1"
    assert data["variables"] == ["x", "seg"]


def test_loading_a_broken_model_names_the_file() -> None:
    data = _model().to_dict()
    data["terms"][0]["points"] = [1.0]
    with pytest.raises(InputError, match=r"m\.json: field 'x\.points'"):
        PointsModel.from_dict(data, source="m.json")


def test_interaction_table_shape_is_checked() -> None:
    with pytest.raises(InputError, match="shape"):
        InteractionTerm(NumericBinning("a", (0.0,)), NumericBinning("b", ()), points=((1.0, 2.0),))


@settings(max_examples=40, deadline=None)
@given(
    edges=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=0, max_size=6, unique=True),
    points=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=8, max_size=8),
    values=st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()), min_size=1, max_size=20),
)
def test_any_model_round_trips_bit_for_bit(edges: list[float], points: list[float], values: list) -> None:
    binning = NumericBinning("v", tuple(sorted(edges)))
    term = PointsTerm(binning, tuple(points[: binning.n_bins]))
    model = PointsModel(base_points=points[-1], terms=(term,), calibration=Calibration(points[0] / 1e3, -0.01))
    loaded = PointsModel.from_json(model.to_json())
    frame = {"v": values}
    assert loaded.score(frame).tobytes() == model.score(frame).tobytes()
