"""Expert model arithmetic against a hand-worked case; innovation limits; overrides; bundled cards."""

from __future__ import annotations

import math

import pytest

from computecredit.domain.ratings import Override
from computecredit.errors import InputError
from computecredit.rating.expert import ExpertConfig, load_expert_config, rate

CONFIG = {
    "version": "t1",
    "information_caps": [[0.6, "BB+"]],
    "calibration": {"score_high": 100, "pd_high": 0.001, "score_low": 0, "pd_low": 0.2},
    "factors": {
        "debt_to_assets": {"source": "ratio", "anchors": [[0.2, 100], [0.8, 0]]},
        "utilisation": {"source": "input", "anchors": [[0.4, 0], [0.9, 100]]},
        "state_support": {"source": "input", "levels": {"strong": 100, "none": 40}},
    },
    "segments": {"test": {"weights": {"debt_to_assets": 0.5, "utilisation": 0.3, "state_support": 0.2}}},
    "innovation": {
        "max_uplift_notches": 1,
        "thresholds": [[50, 1], [90, 2]],
        "components": {"invention_patents": {"weight": 1.0, "anchors": [[0, 0], [10, 100]]}},
    },
}


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_hand_worked_case() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    result = rate(config, "test", {"debt_to_assets": 0.5}, {"utilisation": 0.65, "state_support": "strong"})
    # factor scores: 0.5 -> 50 (half way 0.2..0.8), 0.65 -> 50 (half way 0.4..0.9), strong -> 100
    assert [f.score for f in result.factors] == pytest.approx([50.0, 50.0, 100.0])
    # score = 0.5*50 + 0.3*50 + 0.2*100 = 60
    assert result.score == pytest.approx(60.0)
    # contributions = w * (s - 50): 0, 0, +10
    assert result.contributions() == pytest.approx(
        {"debt_to_assets": 0.0, "utilisation": 0.0, "state_support": 10.0}
    )
    slope = (_logit(0.001) - _logit(0.2)) / 100
    expected_pd = 1 / (1 + math.exp(-(_logit(0.2) + slope * 60)))
    assert result.model_pd == pytest.approx(expected_pd, rel=1e-12)
    assert round(expected_pd, 6) == 0.009026
    assert result.model_grade == "BBB-"  # band [0.00638, 0.00917)
    assert [f.code for f in result.moved_up] == ["state_support"] and result.moved_down == []


def test_missing_factor_is_left_out_and_weights_renormalise() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    result = rate(config, "test", {"debt_to_assets": 0.5}, {"state_support": "strong"})
    # utilisation missing: score = (0.5*50 + 0.2*100) / 0.7, nothing scored as poor
    assert result.score == pytest.approx((0.5 * 50 + 0.2 * 100) / 0.7)
    assert result.moved_down == [] and result.missing == ["utilisation"]
    missing = next(f for f in result.factors if f.code == "utilisation")
    assert missing.score is None and missing.contribution == 0.0 and missing.source is None
    assert result.completeness == pytest.approx(0.7) and result.cap_grade is None
    # the same borrower with utilisation entered at the card's neutral point scores lower: the missing
    # factor was not read as poor, and entering a value changes the result
    known = rate(config, "test", {"debt_to_assets": 0.5}, {"state_support": "strong", "utilisation": 0.4})
    assert known.score < result.score


def test_little_information_caps_the_best_grade() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    # only state support, the strongest answer: 20% of the weight present, cap BB+ below 60%
    result = rate(config, "test", {}, {"state_support": "strong"})
    assert result.completeness == pytest.approx(0.2)
    assert result.model_grade != "BB+" and config.master_scale.notches_between("BB+", result.model_grade) > 0
    assert (result.grade, result.capped) == ("BB+", True)
    assert result.pd == pytest.approx(config.master_scale.pd_for_grade("BB+"))
    with pytest.raises(InputError, match="no factor of the test card has a value"):
        rate(config, "test", {}, {})


def test_entered_ratio_replaces_the_statements_value() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    from_statements = rate(config, "test", {"debt_to_assets": 0.5}, {})
    entered = rate(config, "test", {"debt_to_assets": 0.5}, {"debt_to_assets": 0.2})
    assert entered.score > from_statements.score
    assert [f.source for f in entered.factors if f.code == "debt_to_assets"] == ["entered"]
    assert [f.source for f in from_statements.factors if f.code == "debt_to_assets"] == ["statements"]


def test_factor_outside_the_card_is_refused_naming_the_card() -> None:
    config = load_expert_config()
    with pytest.raises(InputError, match=r"factors\.utilisation.*does not apply to the servers card"):
        rate(config, "servers_hardware", {"debt_to_assets": 0.5}, {"utilisation": 0.9})


def test_every_factor_of_every_card_moves_the_result() -> None:
    config = load_expert_config()
    for key, card in config.cards.items():
        base = rate(config, key, {"debt_to_assets": 0.5}, {})
        for code in card.weights:
            factor = config.factors[code]
            strong = next(iter(factor.scale.levels)) if factor.scale.levels else factor.scale.anchors[-1][0]
            weak = list(factor.scale.levels)[-1] if factor.scale.levels else factor.scale.anchors[0][0]
            a = rate(config, key, {"debt_to_assets": 0.5}, {code: strong})
            b = rate(config, key, {"debt_to_assets": 0.5}, {code: weak})
            assert a.score != b.score, (key, code)
            assert {a.score, b.score} != {base.score}, (key, code)


def test_innovation_lifts_smes_within_the_limit_only() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    args = ("test", {"debt_to_assets": 0.5}, {"utilisation": 0.65, "state_support": "strong"})
    one = rate(config, *args, innovation={"invention_patents": 6}, is_sme=True)
    assert one.innovation.score == pytest.approx(60.0) and one.innovation.notches == 1
    assert (one.model_grade, one.grade) == ("BBB-", "BBB")
    assert one.pd == config.master_scale.pd_for_grade("BBB")
    capped = rate(config, *args, innovation={"invention_patents": 10}, is_sme=True)
    assert capped.innovation.notches == 1  # threshold 90 earns 2, the limit is 1
    large = rate(config, *args, innovation={"invention_patents": 10}, is_sme=False)
    assert large.grade == large.model_grade and not large.innovation.applied


def test_override_keeps_model_grade_and_records_reason_and_user() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    override = Override(grade="BB", reason="group guarantee not in the model", user="approver1")
    inputs = {"utilisation": 0.65, "state_support": "strong"}
    result = rate(config, "test", {"debt_to_assets": 0.5}, inputs, override=override)
    assert (result.grade, result.final_grade) == ("BBB-", "BB")
    assert result.final_pd == config.master_scale.pd_for_grade("BB")
    with pytest.raises(InputError, match="must change the grade"):
        rate(
            config,
            "test",
            {"debt_to_assets": 0.5},
            inputs,
            override=Override(grade="BBB-", reason="no change at all here", user="u"),
        )


def test_bad_inputs_name_the_factor() -> None:
    config = ExpertConfig.from_dict(CONFIG)
    with pytest.raises(InputError, match=r"factors\.state_support"):
        rate(config, "test", {}, {"state_support": "maybe"})
    with pytest.raises(InputError, match="not a factor"):
        rate(config, "test", {}, {"utilisaton": 0.5})
    with pytest.raises(InputError, match="no expert scorecard"):
        rate(config, "robots", {}, {})


def test_bundled_cards_cover_every_segment_and_weights_sum_to_one() -> None:
    config = load_expert_config()
    assert set(config.cards) == {"chips", "servers", "datacentres", "leasing_cloud"}
    for card in config.cards.values():
        assert sum(card.weights.values()) == pytest.approx(1.0)
        for code in card.weights:
            assert config.factors[code].meaning
    from computecredit.domain.borrowers import ChainSegment

    for segment in ChainSegment:
        assert config.card_for(segment.value)
