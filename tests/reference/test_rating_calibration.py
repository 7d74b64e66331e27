"""The expert cards' score-to-PD line against published long-run default rates.

Sources (docs/rating.md, "Calibration"):

- S&P Global Ratings, *Default, Transition, and Recovery: 2023 Annual Global Corporate Default And Rating
  Transition Study* (2024-03-28), global corporate average one-year default rates by rating category,
  1981–2023, issuer-weighted, rounded: 'AA' 0.02%, 'A' 0.05%, 'BBB' 0.15%, 'BB' 0.6%, 'B' 3.2%,
  'CCC'/'C' ≈ 26%.
- National Financial Regulatory Administration (NFRA), commercial banks' NPL ratio 1.59% at end-2023
  (reported by Xinhua, 2024).

The line is anchored at score 75 ↔ 'BBB' and 25 ↔ 'B'; the test checks the anchors and that the points in
between and beyond fall on the agencies' rates for the neighbouring categories.
"""

from __future__ import annotations

import math

import pytest

from computecredit.rating.expert import load_expert_config, rate

SP_ONE_YEAR = {"AA": 0.0002, "A": 0.0005, "BBB": 0.0015, "BB": 0.006, "B": 0.032, "CCC/C": 0.26}
CN_COMMERCIAL_BANK_NPL_2023 = 0.0159


def _pd(score: float) -> float:
    config = load_expert_config()
    return 1.0 / (1.0 + math.exp(-(config.intercept + config.slope * score)))


def test_anchors_are_the_agency_rates() -> None:
    assert _pd(75) == pytest.approx(SP_ONE_YEAR["BBB"], rel=1e-9)
    assert _pd(25) == pytest.approx(SP_ONE_YEAR["B"], rel=1e-9)


def test_neutral_score_lies_in_the_bb_category_and_below_chinese_banks_npl_ratio() -> None:
    neutral = _pd(50)
    assert SP_ONE_YEAR["BBB"] < neutral < SP_ONE_YEAR["B"]
    assert neutral == pytest.approx(SP_ONE_YEAR["BB"], rel=0.2)  # 0.69% against 0.6%
    assert neutral < CN_COMMERCIAL_BANK_NPL_2023


def test_ends_fall_between_the_neighbouring_categories() -> None:
    assert SP_ONE_YEAR["AA"] < _pd(100) < SP_ONE_YEAR["A"]
    assert SP_ONE_YEAR["B"] < _pd(0) < SP_ONE_YEAR["CCC/C"]


def _financials(
    debt_to_assets: float, cover: float, current: float, margin: float, growth: float, cfo: float
) -> dict[str, float]:
    return {
        "debt_to_assets": debt_to_assets,
        "interest_coverage": cover,
        "current_ratio": current,
        "net_margin": margin,
        "revenue_growth": growth,
        "cfo_to_debt": cfo,
    }


def test_statement_only_ratings_of_typical_firms() -> None:
    """A profitable, moderately levered, cash-generating firm rated from its statements alone lands at the
    information cap's investment grade; a loss-maker burning cash lands in the speculative grades."""
    config, scale = load_expert_config(), load_expert_config().master_scale
    for card in config.cards:
        sound = rate(config, card, _financials(0.5, 6.0, 1.5, 0.08, 0.10, 0.15), {})
        assert sound.completeness < 0.5 and sound.grade == "BBB+" and sound.capped
        assert sound.model_pd < SP_ONE_YEAR["BB"]
        loss = rate(config, card, _financials(0.7, 0.5, 1.0, -0.05, -0.10, -0.02), {})
        assert scale.grade(loss.grade).rank >= scale.grade("BB").rank
        assert loss.pd > SP_ONE_YEAR["BB"]
