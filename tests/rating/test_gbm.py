"""LightGBM challenger: monotone constraints honoured, exact round trip, reason codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from computecredit.rating.gbm import BoostedModel, GbmConfig, train_gbm
from computecredit.rating.training import load_model


def _data(n: int = 2000) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(
        {"leverage": rng.uniform(0, 1, n), "coverage": rng.uniform(0, 10, n), "segment": rng.choice(["a", "b"], n)}
    )
    logit = -3 + 3 * x["leverage"] - 0.3 * x["coverage"] + (x["segment"] == "b") * 0.5
    return x, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int).to_numpy()


def test_constraints_make_pd_monotone_in_the_constrained_variable() -> None:
    x, y = _data()
    model = train_gbm(x, y, GbmConfig(n_estimators=60, monotone={"leverage": 1}))
    assert model.monotone["leverage"] == 1 and model.monotone["coverage"] == -1
    grid = pd.DataFrame({"leverage": np.linspace(0, 1, 50), "coverage": 3.0, "segment": "a"})
    pds = model.predict(grid).pd
    assert np.all(np.diff(pds) >= 0)


def test_round_trip_is_exact_and_unseen_category_scores() -> None:
    x, y = _data()
    model = train_gbm(x, y, GbmConfig(n_estimators=30))
    loaded = load_model(model.to_dict())
    assert isinstance(loaded, BoostedModel) and loaded == model
    assert loaded.score(x).tobytes() == model.score(x).tobytes()
    assert np.isfinite(loaded.score(x.head(1).assign(segment="zzz"))).all()


def test_reasons_name_variables_pushing_pd_up() -> None:
    x, y = _data()
    model = train_gbm(x, y, GbmConfig(n_estimators=30))
    risky = pd.DataFrame({"leverage": [0.99], "coverage": [0.1], "segment": ["b"]})
    reasons = model.predict(risky, reasons=2).reasons
    assert reasons is not None and set(reasons[0]) <= {"leverage", "coverage", "segment"}
    assert reasons[0][0] in {"leverage", "coverage"}
