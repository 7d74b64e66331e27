"""Scorecard training: binning edge cases, selection, calibration, reproduction of the regression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computecredit.errors import InputError
from computecredit.rating.points import CategoricalBinning, PointsModel
from computecredit.rating.scorecard import ScorecardConfig, bin_variable, train_scorecard
from computecredit.rating.training import TrainOptions, load_model, train


def _data(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    leverage = rng.uniform(0, 1, n)
    margin = rng.normal(0.05, 0.1, n)
    margin[rng.random(n) < 0.1] = np.nan
    segment = rng.choice(["chips", "servers", "cloud"], n)
    logit = -4 + 3 * leverage - 8 * np.nan_to_num(margin, nan=-0.1) + (segment == "cloud") * 0.8
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    x = pd.DataFrame(
        {
            "leverage": leverage,
            "margin": margin,
            "segment": segment,
            "constant": np.full(n, 7.0),
            "empty": np.full(n, np.nan),
        }
    )
    return x, y


@pytest.fixture(scope="module")
def fitted() -> tuple[PointsModel, pd.DataFrame, np.ndarray]:
    x, y = _data()
    return train_scorecard(x, y), x, y


def test_constant_and_all_missing_columns_are_dropped_with_reasons(fitted) -> None:
    model, _, _ = fitted
    assert model.training["dropped"]["empty"] == "all values missing"
    assert model.training["dropped"]["constant"].startswith("IV 0.0000")
    assert set(model.variables) == {"leverage", "margin", "segment"}


def test_constant_column_bins_to_one_regular_bin() -> None:
    binned = bin_variable(pd.Series(np.ones(100), name="c"), np.array([0, 1] * 50))
    assert binned.binning.edges == () and binned.iv == 0.0


def test_categorical_detected_by_dtype_and_unseen_category_gets_worst_points(fitted) -> None:
    model, x, _ = fitted
    term = next(t for t in model.terms if t.name == "segment")
    assert isinstance(term.binning, CategoricalBinning)
    assert term.points[term.binning.unseen_index] == min(term.points[: term.binning.missing_index + 1])
    row = x.iloc[[0]].assign(segment="robots")
    assert model.predict(row).score[0] == pytest.approx(
        model.score(x.iloc[[0]].assign(segment="cloud"))[0]
        - term.points[term.binning.lookup()["cloud"]]
        + term.points[term.binning.unseen_index]
    )


def test_missing_values_get_their_observed_woe(fitted) -> None:
    model, _, _ = fitted
    rows = model.training["bins"]["margin"]
    missing = next(r for r in rows if r["bin"] == "missing")
    assert missing["count"] > 0 and missing["woe"] != 0.0


def test_points_reproduce_the_logistic_regression(fitted) -> None:
    model, x, _ = fitted
    coef = model.training["coefficients"]
    logit = np.full(len(x), model.training["intercept"])
    for term in model.terms:
        idx = term.binning.index(term.binning.column(x))
        woe = np.array([r["woe"] for r in model.training["bins"][term.name]])
        logit += coef[term.name] * woe[idx]
    pd_lr = 1 / (1 + np.exp(-logit))
    assert np.allclose(model.predict(x).pd, pd_lr, rtol=1e-9)


def test_numeric_trend_is_monotone(fitted) -> None:
    model, _, _ = fitted
    rates = [r["event_rate"] for r in model.training["bins"]["leverage"] if r["bin"] not in ("missing",)]
    assert rates == sorted(rates)


def test_special_codes_get_their_own_bin() -> None:
    x, y = _data()
    x.loc[::25, "leverage"] = -999.0
    model = train_scorecard(x, y, ScorecardConfig(special_codes=(-999.0,)))
    term = next(t for t in model.terms if t.name == "leverage")
    assert term.binning.special_values == ((-999.0,),)
    assert any(r["bin"] == "special [-999.0]" and r["count"] == 120 for r in model.training["bins"]["leverage"])


def test_calibration_to_training_rate_and_to_a_central_tendency() -> None:
    x, y = _data(2000, seed=1)
    frame = x.assign(bad=y)
    default = train(frame, TrainOptions(target="bad", test_size=0.0))
    assert default.predict(x).pd.mean() == pytest.approx(y.mean(), abs=1e-10)
    central = train(frame, TrainOptions(target="bad", test_size=0.0, central_tendency=0.02))
    assert central.predict(x).pd.mean() == pytest.approx(0.02, abs=1e-10)
    assert central.calibration.slope == default.calibration.slope


def test_trained_model_round_trips_exactly(tmp_path) -> None:
    x, y = _data(1500, seed=2)
    model = train(x.assign(bad=y), TrainOptions(target="bad"))
    loaded = load_model(model.to_dict())
    assert loaded == model
    assert loaded.score(x).tobytes() == model.score(x).tobytes()
    assert set(model.metrics) == {"train", "out_of_fold"}  # fitted on every row, measured out of fold


def test_bad_target_is_bad_input() -> None:
    x, y = _data(300)
    with pytest.raises(InputError, match="default flag must be 0 or 1"):
        train(x.assign(bad=np.where(y == 1, 2, 0)), TrainOptions(target="bad"))
    with pytest.raises(InputError, match="no such column"):
        train(x.assign(bad=y), TrainOptions(target="flag"))
