"""IRB corporate risk weights against published values.

Source: Basel Committee, *International Convergence of Capital Measurement and Capital Standards*
(June 2006), ¶272–273 (the formula) and Annex 5 "Illustrative IRB risk weights" (corporate exposures,
LGD 45%, M 2.5 years; the SME column at S = €5m, the full 0.04 reduction of R). The annex's values are
12.5·K without the 1.06 scaling factor, exactly the ``risk_weight`` of our function. China's rules express
S in 千万元 clamped to [3, 30]: sales of 0.3亿 or less get the full reduction, matching the annex's S = 5.

The annex was computed with Basel II's 0.03% PD floor (¶285); the rules in force floor corporate PDs at
0.05% (2023 rules' IRB annex, Basel III CRE32.4), so the annex is reproduced with ``pd_floor=0.0003``.
"""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm

from computecredit.facilities.capital import irb_capital

# (PD, corporate RW %, SME RW % at the full firm-size reduction) from Basel II Annex 5.
ANNEX5 = [
    (0.0003, 14.44, 11.30),
    (0.0010, 29.65, 23.30),
    (0.0025, 49.47, 39.01),
    (0.0050, 69.61, 54.91),
    (0.0100, 92.32, 72.40),
    (0.0200, 114.86, 88.55),
    (0.0500, 149.86, 112.26),
    (0.1000, 193.09, 146.51),
    (0.2000, 238.23, 188.42),
]


@pytest.mark.parametrize(("pd", "corporate", "sme"), ANNEX5)
def test_annex5_risk_weights(pd: float, corporate: float, sme: float) -> None:
    basel2 = {"pd_floor": 0.0003}
    assert irb_capital(pd, 0.45, 2.5, **basel2).risk_weight * 100 == pytest.approx(corporate, abs=0.02)
    sme_rw = irb_capital(pd, 0.45, 2.5, sales=30_000_000, **basel2).risk_weight
    assert sme_rw * 100 == pytest.approx(sme, abs=0.02)


def test_corporate_pd_floor_of_the_2023_rules_binds() -> None:
    """A 0.03% PD is capitalised as 0.05%: the annex's 0.05% row (19.65%), not its 0.03% row (14.44%)."""
    floored = irb_capital(0.0003, 0.45, 2.5)
    assert (floored.pd, floored.pd_estimate, floored.pd_floor) == (0.0005, 0.0003, 0.0005)
    assert floored.risk_weight * 100 == pytest.approx(19.65, abs=0.02)
    assert floored.k == irb_capital(0.0005, 0.45, 2.5).k
    assert irb_capital(0.002, 0.45, 2.5).pd == 0.002  # above the floor: untouched


def _independent_k(pd: float, lgd: float, m: float) -> float:
    """¶272 written out again from the text, term by term, as a cross-check."""
    r = 0.12 * (1 - math.exp(-50 * pd)) / (1 - math.exp(-50)) + 0.24 * (
        1 - (1 - math.exp(-50 * pd)) / (1 - math.exp(-50))
    )
    b = (0.11852 - 0.05478 * math.log(pd)) ** 2
    inner = (1 - r) ** -0.5 * norm.ppf(pd) + (r / (1 - r)) ** 0.5 * norm.ppf(0.999)
    return (lgd * norm.cdf(inner) - pd * lgd) * (1 - 1.5 * b) ** -1 * (1 + (m - 2.5) * b)


@pytest.mark.parametrize(("pd", "lgd", "m"), [(0.004, 0.40, 1.0), (0.03, 0.6, 4.0), (0.15, 0.25, 5.0)])
def test_formula_as_written_in_paragraph_272(pd: float, lgd: float, m: float) -> None:
    assert irb_capital(pd, lgd, m).k == pytest.approx(_independent_k(pd, lgd, m), rel=1e-12)


def test_china_sme_scale_midpoint() -> None:
    """S = 16.5 (1.65亿) is halfway between 3 and 30: R falls by 0.02, as Basel's S = 27.5 (€m) does."""
    result = irb_capital(0.01, 0.45, 2.5, sales=165_000_000)
    assert result.sme_adjustment == pytest.approx(0.02)
    assert result.correlation == pytest.approx(irb_capital(0.01, 0.45, 2.5).correlation - 0.02)


def test_pricing_and_stress_capital_use_the_same_floor() -> None:
    """Pricing's economic capital and the portfolio's stress-test capital go through the one IRB function."""
    from decimal import Decimal

    import numpy as np

    from computecredit.facilities.capital import irb_terms
    from computecredit.facilities.pricing import PricingInputs, raroc

    inputs = PricingInputs(
        ead=Decimal("1000000"),
        earning_balance=Decimal("1000000"),
        pd=0.0003,
        lgd=0.45,
        maturity=2.5,
        funding_rate=0.02,
        operating_cost_rate=0.005,
        hurdle=0.12,
    )
    floored_k = irb_capital(0.0005, 0.45, 2.5).k
    assert float(raroc(inputs, 0.04).economic_capital) == pytest.approx(1_000_000 * floored_k, rel=1e-12)
    book_k = irb_terms(np.array([0.0003, 0.0001, 0.01]), 0.45, 2.5).k
    assert book_k[0] == book_k[1] == floored_k
