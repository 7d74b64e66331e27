"""GPU residual values, LTV and haircut."""

from __future__ import annotations

import numpy as np
import pytest

from computecredit.projects.collateral import gpu_residual_value, ltv_path, recommended_haircut, residual_share


def test_residual_value_falls_with_age_and_faster_decline() -> None:
    ages = np.arange(0, 73, 6)
    slow = residual_share(ages, annual_price_decline=0.15)
    fast = residual_share(ages, annual_price_decline=0.35)
    assert slow[0] == pytest.approx(1.0) and np.all(np.diff(slow) <= 1e-12)
    assert np.all(fast <= slow + 1e-12)
    assert slow[-1] == pytest.approx(0.0)


def test_residual_value_in_cny() -> None:
    assert gpu_residual_value("H100", 0, purchase_price=250_000) == pytest.approx(250_000)
    assert 0 < gpu_residual_value("H100", 30, purchase_price=250_000) < 125_000
    with pytest.raises(ValueError):
        gpu_residual_value("Ascend 910C", 12)


def test_ltv_rises_when_the_loan_amortises_slower_than_the_gpus() -> None:
    balance = np.linspace(100.0, 0.0, 61)
    ltv = ltv_path(balance, 150.0, 0, annual_price_decline=0.3)
    assert ltv[0] == pytest.approx(100 / 150)
    assert ltv[30] > ltv[0]


def test_haircut_grows_with_stress() -> None:
    mild = recommended_haircut(0, annual_price_decline=0.1, decline_sd=0.02)
    harsh = recommended_haircut(0, annual_price_decline=0.3, decline_sd=0.1)
    assert 0 < mild < harsh < 1
