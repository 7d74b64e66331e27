"""The additive PD model (issue 9): additivity, monotone terms, exact JSON, interaction limit, scoring
rules for unseen and out-of-range values, and the benchmark script on a tiny sample."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from computecredit.errors import InputError
from computecredit.rating.additive import (
    AdditiveConfig,
    default_flags,
    fit_additive,
    monotone_from_data,
    monotone_violations,
    train_additive,
)
from computecredit.rating.additive_compare import (
    best_explainable,
    compare_fitted,
    compare_models,
    discrimination,
    interaction_tables,
)
from computecredit.rating.points import CategoricalBinning, NumericBinning, PointsModel

ROOT = Path(__file__).resolve().parents[2]
FAST = {"max_bins": 16, "bags": 2, "max_rounds": 100}


def _data(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Risk rises with leverage (with a wiggle), falls with coverage, depends on segment, and on an
    interaction of size and age; a third of coverage is missing (and risky)."""
    rng = np.random.default_rng(seed)
    leverage = rng.uniform(0, 1, n)
    coverage = rng.lognormal(0, 1, n)
    size, age = rng.normal(0, 1, n), rng.normal(0, 1, n)
    segment = rng.choice(["chips", "servers", "cloud", "leasing"], n, p=[0.4, 0.3, 0.2, 0.1])
    logit = (
        -3.0
        + 3.0 * leverage
        + 0.4 * np.sin(12 * leverage)
        - 0.6 * np.log(coverage)
        + 1.5 * size * age
        + np.select([segment == "chips", segment == "leasing"], [0.8, -0.5], 0.0)
    )
    missing = rng.random(n) < 0.3
    logit = np.where(missing, logit + 1.0, logit)
    default = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    coverage = np.where(missing, np.nan, coverage)
    return pd.DataFrame(
        {
            "leverage": leverage,
            "coverage": coverage,
            "size": size,
            "age": age,
            "segment": segment,
            "default": default,
        }
    )


@cache
def _model(**overrides: object) -> PointsModel:
    """A cached fit; a ``monotone`` tuple of pairs stands for the mapping (cache keys must hash)."""
    if isinstance(overrides.get("monotone"), tuple):
        overrides["monotone"] = dict(overrides["monotone"])  # type: ignore[arg-type]
    return train_additive(_data(), "default", AdditiveConfig(**{**FAST, **overrides}))  # type: ignore[arg-type]


def test_score_is_the_sum_of_term_points_for_every_row() -> None:
    model, data = _model(), _data(500, seed=11)
    matrix = model.term_points(data)
    total = np.full(len(data), model.base_points)
    for k in range(matrix.shape[1]):
        total += matrix[:, k]
    assert np.array_equal(model.score(data), total)
    assert matrix.shape[1] == len(model.terms) + len(model.interactions)
    assert model.model_type == "additive"


def test_model_discriminates_and_is_calibrated_to_the_central_tendency() -> None:
    data = _data(2000, seed=3)
    model = _model()
    pds = model.predict(data).pd
    assert discrimination(data["default"].to_numpy(), pds)["auc"] > 0.75
    train_scores = model.score(_data())
    assert model.calibration.pd(train_scores).mean() == pytest.approx(model.training["default_rate"], abs=1e-9)
    chosen = train_additive(_data(), "default", AdditiveConfig(**FAST, central_tendency=0.02))
    assert chosen.calibration.pd(chosen.score(_data())).mean() == pytest.approx(0.02, abs=1e-9)


def test_configured_monotone_term_is_monotone_and_unconstrained_one_is_not() -> None:
    free = _model()
    constrained = _model(monotone=(("leverage", "ascending"),))
    leverage = {t.name: t for t in free.terms}["leverage"]
    regular = np.asarray(leverage.points[: leverage.binning.n_regular])
    assert (np.diff(regular) > 0).any()  # the wiggle shows up without the constraint...
    term = {t.name: t for t in constrained.terms}["leverage"]
    regular = np.asarray(term.points[: term.binning.n_regular])
    assert (np.diff(regular) <= 0).all()  # ...and risk only rises (points only fall) with it
    assert regular[0] > regular[-1]
    assert monotone_violations(constrained) == []
    assert constrained.training["monotone"] == {"leverage": "ascending"}
    assert constrained.training["monotone_verified"] is True


def test_auto_monotone_uses_a_spearman_check() -> None:
    data = _data()
    found = monotone_from_data(data, data["default"].to_numpy(), ["leverage", "coverage", "size"])
    assert found == {"leverage": "ascending", "coverage": "descending"}
    model = _model(monotone="auto")
    assert model.training["monotone"] == found
    assert monotone_violations(model) == []


def test_monotone_violations_reports_a_broken_term() -> None:
    model = _model(monotone=(("leverage", "ascending"),))
    broken = PointsModel.from_dict({**model.to_dict(), "training": {"monotone": {"coverage": "ascending"}}})
    violations = monotone_violations(broken)
    assert violations and {v["variable"] for v in violations} == {"coverage"}


def test_json_round_trip_is_exact() -> None:
    model, data = _model(), _data(800, seed=5)
    loaded = PointsModel.from_json(model.to_json())
    assert loaded == model
    assert np.array_equal(loaded.score(data), model.score(data))
    assert np.array_equal(loaded.predict(data).pd, model.predict(data).pd)
    assert json.loads(model.to_json())["interactions"]


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_interactions_are_limited_as_configured(limit: int) -> None:
    model = _model(max_interactions=limit, interaction_bins=4)
    assert len(model.interactions) <= limit
    if limit:
        assert set(model.interactions[0].variables) == {"size", "age"}  # the true interaction comes first
        axes = [b for t in model.interactions for b in (t.first, t.second) if isinstance(b, NumericBinning)]
        assert all(b.n_regular <= 4 for b in axes)


def test_unseen_category_and_out_of_range_values_follow_the_documented_rule() -> None:
    model = _model()
    terms = {t.name: t for t in model.terms}
    segment, leverage = terms["segment"], terms["leverage"]
    assert isinstance(segment.binning, CategoricalBinning) and segment.binning.unseen_rule == "worst"
    unseen = segment.points_for({"segment": ["quantum"]})[0]
    assert unseen == min(segment.points)
    assert isinstance(leverage.binning, NumericBinning)
    low, high = leverage.points_for({"leverage": [-50.0, np.inf]})
    first, last = leverage.points_for({"leverage": [0.0, 1.0]})
    assert (low, high) == (leverage.points[0], leverage.points[leverage.binning.n_regular - 1]) == (first, last)
    assert "unseen bin (worst)" in model.training["rules"]["unseen_category"]


def test_unseen_rule_missing_and_empty_missing_bin() -> None:
    data = _data()
    model = train_additive(data, "default", AdditiveConfig(**FAST, unseen_rule="missing", max_interactions=0))
    segment = {t.name: t for t in model.terms}["segment"]
    b = segment.binning
    assert isinstance(b, CategoricalBinning)
    assert segment.points[b.unseen_index] == segment.points[b.missing_index]
    # leverage has no missing values in training: its missing bin gets the worst points
    leverage = {t.name: t for t in model.terms}["leverage"]
    assert leverage.points_for({"leverage": [None]})[0] == min(leverage.points)


def test_special_values_get_their_own_bin() -> None:
    data = _data()
    data.loc[data.index[:200], "coverage"] = -999.0
    model = train_additive(data, "default", AdditiveConfig(**FAST, special_values={"coverage": [-999.0]}))
    coverage = {t.name: t for t in model.terms}["coverage"]
    assert isinstance(coverage.binning, NumericBinning)
    assert coverage.binning.special_values == ((-999.0,),)
    assert coverage.binning.index(np.array([-999.0]))[0] == coverage.binning.n_regular + 1


def test_reason_codes_are_the_terms_furthest_below_their_best() -> None:
    model = _model()
    row = {"leverage": 0.99, "coverage": 0.05, "size": 0.0, "age": 0.0, "segment": "servers"}
    result = model.predict({k: [v] for k, v in row.items()}, reasons=2)
    explained = model.explain(row)
    assert result.reasons is not None
    assert result.reasons[0].tolist() == [explained[0]["term"], explained[1]["term"]]


def test_bad_configuration_and_target_are_input_errors() -> None:
    with pytest.raises(InputError, match="learning_rate"):
        AdditiveConfig(learning_rate=0.0)
    with pytest.raises(InputError, match="monotone"):
        AdditiveConfig(monotone={"x": "up"})  # type: ignore[dict-item]
    with pytest.raises(InputError, match="0/1"):
        default_flags(["bad", "good"])
    data = _data(300)
    with pytest.raises(InputError, match="nope"):
        train_additive(data, "default", AdditiveConfig(**FAST, monotone={"nope": "ascending"}))
    with pytest.raises(InputError, match="both defaults"):
        train_additive(data.assign(default=0), "default")


def test_compare_models_ranks_the_explainable_ones() -> None:
    data = _data(1500, seed=9)
    y = data["default"].to_numpy()
    rows = compare_models(y, {"additive": _model().predict(data).pd, "gbm": np.full(len(y), y.mean())})
    assert [r["model"] for r in rows] == ["additive", "gbm"]
    assert rows[1]["auc"] == 0.5 and rows[0]["auc"] > 0.75
    assert best_explainable(rows) == "additive"


def test_benchmark_script_runs_on_a_small_sample() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "rating_models.py"),
            "--folds",
            "2",
            "--datasets",
            "polish,german,demo",
            "--sample",
            "300",
            "--models",
            "additive,scorecard,gbm",
            "--throughput-rows",
            "500",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    rows = json.loads(done.stdout)["rows"]
    assert {(r["data"], r["model"]) for r in rows} == {
        (d, m) for d in ("polish", "german", "demo") for m in ("additive", "scorecard", "gbm")
    }
    assert all(0.5 < r["auc"] <= 1.0 and r["rows_per_s"] > 0 for r in rows)


def test_max_terms_keeps_the_most_important_variables() -> None:
    model = _model(max_terms=2, max_interactions=1)
    assert {t.name for t in model.terms} == {"leverage", "coverage"}  # the two strongest main effects
    assert set(model.training["dropped"]) == {"size", "age", "segment"}
    assert all(set(t.variables) <= {"leverage", "coverage"} for t in model.interactions)


def test_fit_additive_takes_features_and_flags_like_the_other_trainers() -> None:
    data = _data(1500)
    x, y = data.drop(columns="default"), data["default"].to_numpy(dtype=float)
    model = fit_additive(x, y, AdditiveConfig(**FAST, max_interactions=0))
    assert model.variables == list(x.columns) and model.target is None
    with pytest.raises(InputError, match="one flag per row"):
        fit_additive(x, y[:-1])


def test_compare_fitted_and_interaction_tables_feed_the_model_card() -> None:
    data = _data(1000, seed=4)
    model = _model()
    rows = compare_fitted({"additive": model}, data, data["default"].to_numpy())
    assert rows[0]["explainable"] and rows[0]["auc"] > 0.7
    tables = interaction_tables(model)
    assert [t["term"] for t in tables] == [t.name for t in model.interactions]
    first = model.interactions[0]
    assert len(tables[0]["rows"]) == first.first.n_bins and len(tables[0]["points"][0]) == first.second.n_bins


def test_chance_interactions_do_not_pass_the_score_test() -> None:
    """Without any interaction in the data, no pair is significant at the default level; the true
    size × age interaction of ``_data`` is (see the interaction-limit test)."""
    rng = np.random.default_rng(3)
    n = 1500
    x = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(list("pqrs"), n)})
    logit = -2.0 + x["a"] - 0.5 * x["b"] + (x["c"] == "p")
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    model = fit_additive(x, y, AdditiveConfig(**FAST, max_interactions=3))
    assert model.interactions == ()
    assert model.training["interactions"] == []
    forced = fit_additive(x, y, AdditiveConfig(**FAST, max_interactions=3, interaction_alpha=1.0))
    assert len(forced.interactions) == 3  # with the test switched off the screen fills every slot


def test_scorecard_start_is_a_ridge_logistic_regression_on_the_weights_of_evidence() -> None:
    """Where the fine bins are the coarse ones (categories), a term's starting shape is its WoE column
    times the regression coefficient, binned and fitted on the bag's fit rows only."""
    from sklearn.linear_model import LogisticRegression

    from computecredit.rating.additive import _start_bins, _start_shapes, _Term
    from computecredit.rating.scorecard import weight_of_evidence

    rng = np.random.default_rng(5)
    n = 2000
    frame = pd.DataFrame({"grade": rng.choice(list("abc"), n), "sector": rng.choice(list("xy"), n)})
    logit = -1.5 + np.select([frame["grade"] == "a", frame["grade"] == "c"], [-1.0, 1.0], 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(logit + (frame["sector"] == "x"))))).astype(np.int64)
    config = AdditiveConfig(start_c=0.5)
    fit_rows = np.arange(0, n, 2)
    unbinned = [_Term(v, np.empty(0, np.intp), 0, 0) for v in frame.columns]
    coarse = _start_bins(frame, y, unbinned, fit_rows, config, None)
    terms = [_Term(c.name, c.codes, c.n_bins, 0) for c in coarse]  # fine bins = coarse bins
    intercept, shapes = _start_shapes(terms, coarse, y, fit_rows, config)
    woe = np.column_stack(
        [
            weight_of_evidence(
                np.bincount(c.codes[fit_rows], minlength=c.n_bins).astype(float),
                np.bincount(c.codes[fit_rows], weights=y[fit_rows], minlength=c.n_bins),
            )[c.codes]
            for c in coarse
        ]
    )
    expected = LogisticRegression(C=0.5, max_iter=1000).fit(woe[fit_rows], y[fit_rows]).decision_function(woe)
    start_logit = intercept + sum(s[t.codes] for s, t in zip(shapes, terms, strict=True))
    assert np.allclose(start_logit, expected, atol=1e-6)
    with pytest.raises(InputError, match="start"):
        AdditiveConfig(start="free")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="start_trend"):
        AdditiveConfig(start_trend="wiggly")


def test_start_is_chosen_by_out_of_fold_auc_with_the_one_standard_error_rule() -> None:
    """Plain boosting replaces the WoE-logistic start only when its out-of-fold AUC is higher by more
    than one standard error; the fitted model records the check it made."""
    from computecredit.rating.additive import _Bagged, _choose_start
    from computecredit.rating.validation import paired_auc_difference

    rng = np.random.default_rng(11)
    y = (rng.random(3000) < 0.2).astype(int)
    signal = y + rng.normal(0, 1.0, y.size)

    def bagged(out_of_fold: np.ndarray) -> _Bagged:
        return _Bagged(0.0, [], [], out_of_fold)

    clearly = {"zero": bagged(signal), "scorecard": bagged(signal + rng.normal(0, 1.0, y.size))}
    assert _choose_start(y, clearly)[0] == "zero"
    slightly = {"zero": bagged(signal), "scorecard": bagged(signal + rng.normal(0, 0.05, y.size))}
    gain, error = paired_auc_difference(y, signal, slightly["scorecard"].out_of_fold)
    assert 0 < gain < error and _choose_start(y, slightly)[0] == "scorecard"

    x = pd.DataFrame({f"v{i}": rng.normal(size=400) for i in range(6)})
    flags = (rng.random(400) < 1 / (1 + np.exp(1.2 - 0.4 * x.sum(axis=1)))).astype(int)
    check = fit_additive(x, flags, AdditiveConfig(max_interactions=0)).training["start"]
    beats = check["zero_minus_scorecard"] > check["standard_error"]
    assert check["chosen"] == ("zero" if beats else "scorecard")
    aucs = check["out_of_fold_auc"]
    assert aucs["zero"] - aucs["scorecard"] == pytest.approx(check["zero_minus_scorecard"], abs=1e-9)
    forced = fit_additive(x, flags, AdditiveConfig(**FAST, start="zero", max_interactions=0))
    assert forced.training["start"] == {"chosen": "zero"}
