"""统一社会信用代码 check characters (GB 32100-2015) on codes of real, publicly registered companies."""

from __future__ import annotations

import pytest

from computecredit.domain import uscc
from computecredit.errors import InputError

# Codes printed on public business licences / disclosures (national enterprise credit information system).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司 (Shenzhen)
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司 (Hangzhou)
    "91110108551385082Q",  # 小米科技有限责任公司 (Beijing)
    "91350100M000100Y43",  # the worked example of GB 32100-2015 (Fuzhou)
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert uscc.is_valid(code)
    assert uscc.check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_other_check_character_is_refused(code: str) -> None:
    wrong = [c for c in uscc.ALPHABET if c != code[17]]
    assert not any(uscc.is_valid(code[:17] + c) for c in wrong)


def test_a_single_changed_character_is_detected() -> None:
    code = REAL_CODES[0]
    for position in range(17):
        for char in uscc.ALPHABET:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1 :]
                assert not uscc.is_valid(changed), changed


def test_weights_are_powers_of_three_mod_31() -> None:
    assert uscc.WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert len(uscc.ALPHABET) == 31 and not set("IOSVZ") & set(uscc.ALPHABET)


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("91440300192203821", "18 characters"),
        ("9144030019220382160", "18 characters"),
        ("91440300I92203821X", "not allowed"),
        ("91A40300192203821X", "administrative division"),
        ("914403001922038217", "check character must be '6'"),
        (914403001922038216, "text code"),
    ],
)
def test_bad_codes_name_the_rule(code: object, rule: str) -> None:
    with pytest.raises(InputError) as caught:
        uscc.validate(code)  # type: ignore[arg-type]
    assert rule in caught.value.problems[0].rule
    assert caught.value.problems[0].field == "uscc"


def test_lower_case_and_spaces_are_normalised() -> None:
    assert uscc.validate(" 9144030071526726xg ") == "9144030071526726XG"


def test_complete_makes_valid_codes() -> None:
    assert uscc.is_valid(uscc.complete("91640100MA7X00001"))
