"""The paired AUC comparison of two PD models on the same borrowers (DeLong, DeLong & Clarke-Pearson,
"Comparing the areas under two or more correlated receiver operating characteristic curves: a
nonparametric approach", Biometrics 44(3), 1988, 837–845): the fast mid-rank computation (Sun & Xu, IEEE
Signal Processing Letters 21(11), 2014) must equal the paper's definition written out pair by pair."""

from __future__ import annotations

import numpy as np
import pytest

from computecredit.rating.validation import paired_auc_difference


def test_paired_auc_difference_matches_delongs_definition() -> None:
    """The mid-rank computation equals DeLong et al. (1988) written out pair by pair: structural
    components V10 (per default) and V01 (per non-default) and their covariances across the two models."""
    rng = np.random.default_rng(2)
    y = (rng.random(120) < 0.3).astype(int)
    first = y + rng.normal(0, 1.0, 120)
    second = np.round(y + rng.normal(0, 1.5, 120), 1)  # ties, which count one half
    positives, negatives = y == 1, y == 0

    def components(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        diff = scores[positives][:, None] - scores[negatives][None, :]
        psi = (diff > 0) + 0.5 * (diff == 0)
        return psi.mean(axis=1), psi.mean(axis=0)

    (v10a, v01a), (v10b, v01b) = components(first), components(second)
    s10, s01 = np.cov([v10a, v10b]), np.cov([v01a, v01b])
    variance = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / positives.sum()
    variance += (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / negatives.sum()
    diff, error = paired_auc_difference(y, first, second)
    assert diff == pytest.approx(v10a.mean() - v10b.mean(), abs=1e-12)
    assert error == pytest.approx(np.sqrt(variance), rel=1e-9)
    assert paired_auc_difference(y, first, first) == (0.0, 0.0)
