"""The SME product line's risk tools on the one LGD path: an IP pledge lowers the economic LGD by its
haircut-table recovery and not the capital LGD; a government financing guarantee or a risk-compensation fund
takes its covered share of the loss off the bank's expected loss and booking LGD, with no capital relief unless
a rated government guarantee qualifies for substitution; bad shares and IP kinds are refused naming the field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest

from computecredit.domain.facilities import Facility
from computecredit.domain.validation import parse
from computecredit.errors import InputError
from computecredit.facilities.lgd import Collateral, Guarantee, economic_lgd, guaranteed_capital
from computecredit.facilities.proposal import Proposal, assess, exposure_risk
from computecredit.services.facilities import Records, assemble, read_deal, summary
from computecredit.store.database import Database

EXAMPLES = Path(__file__).parents[2] / "examples" / "facilities"
EAD = Decimal("1000000")


@pytest.fixture(scope="module")
def wc_line(_demo_bank_file: Path) -> Proposal:
    db = Database(f"sqlite:///{_demo_bank_file}")
    try:
        with db.transaction() as session:
            return assemble(Records.load(session), read_deal(EXAMPLES / "server_maker_wc_line.yaml"))
    finally:
        db.dispose()


def _with(proposal: Proposal, **facility: Any) -> Proposal:
    data = proposal.model_dump(mode="json")
    data["facility"].update(facility)
    return Proposal.model_validate(data)


def test_hand_computed_ip_pledge_and_risk_sharing_fund() -> None:
    """EAD 100万, an invention-patent pledge appraised at 40万, PD 2%, no discounting.

    Economic LGD: the patent recovers 40万 × (1 − 75%) = 10万; the other 90万 recover 55% = 49.5万;
    LGD = 1 − 59.5/100 = 40.5%. Capital LGD: the pledge is not F-IRB collateral, so 45%.
    EL = 100万 × 2% × 40.5% = 8,100 元; a fund bearing 50% of the loss halves it to 4,050 元, booking LGD 20.25%;
    a government financing guarantee at its documented 80% leaves the bank 1,620 元, booking LGD 8.1%.
    """
    lgd = economic_lgd(EAD, [Collateral("ip_pledge.invention_patent", Decimal("400000"))], discount_rate=0.0)
    assert lgd.lines[0].applied == Decimal("100000.00")
    assert lgd.lgd == pytest.approx(0.405) and lgd.capital_lgd == pytest.approx(0.45)

    plain = guaranteed_capital(EAD, 0.02, lgd.lgd, 2.5, None, capital_lgd=lgd.capital_lgd)
    fund = Guarantee("科技信贷风险补偿资金池", EAD, pd=None, covered_share=0.5, kind="risk_sharing_fund")
    shared = guaranteed_capital(EAD, 0.02, lgd.lgd, 2.5, fund, capital_lgd=lgd.capital_lgd)
    assert float(plain.expected_loss) == pytest.approx(8100.0)
    assert float(shared.expected_loss_before) == pytest.approx(8100.0)
    assert float(shared.expected_loss) == pytest.approx(4050.0)
    assert float(shared.expected_loss) / float(EAD) / 0.02 == pytest.approx(0.2025)
    assert shared.covered == Decimal("500000.0") and shared.method == "loss_sharing"
    assert shared.capital == plain.capital  # no capital relief: K at the capital LGD of 45%
    scheme = Guarantee("省融资担保公司", EAD, pd=None, covered_share=0.8, kind="government_fund")
    assert float(guaranteed_capital(EAD, 0.02, lgd.lgd, 2.5, scheme).expected_loss) == pytest.approx(1620.0)


def test_the_guarantee_amount_caps_the_covered_share() -> None:
    scheme = Guarantee("省融资担保公司", Decimal("100000"), pd=None, covered_share=0.8, kind="government_fund")
    result = guaranteed_capital(EAD, 0.02, 0.45, 2.5, scheme)
    assert result.covered == Decimal("100000")
    assert float(result.expected_loss) == pytest.approx(900000 * 0.02 * 0.45)


def test_a_risk_sharing_fund_lowers_the_booking_lgd_by_its_share(wc_line: Proposal) -> None:
    fund = [{"name": "某市科技信贷风险补偿资金池", "kind": "risk_sharing_fund", "covered_share": "0.5"}]
    shared = exposure_risk(_with(wc_line, guarantors=fund), Decimal("1e8"), Decimal(0))
    plain = exposure_risk(wc_line, Decimal("1e8"), Decimal(0))
    assert shared.lgd == pytest.approx(plain.lgd * 0.5)
    assert float(shared.capital.expected_loss) == pytest.approx(float(plain.capital.expected_loss) * 0.5)
    assert shared.capital.capital == plain.capital.capital


def test_kinds_take_their_documented_share_and_a_rating_only_helps_a_guarantee(wc_line: Proposal) -> None:
    plain = exposure_risk(wc_line, Decimal("1e8"), Decimal(0))
    scheme = _with(wc_line, guarantors=[{"name": "省融资担保公司", "kind": "government_fund"}])
    assert exposure_risk(scheme, Decimal("1e8"), Decimal(0)).lgd == pytest.approx(plain.lgd * 0.2)
    fund = _with(wc_line, guarantors=[{"name": "风险补偿资金池", "kind": "risk_sharing_fund"}])
    assert exposure_risk(fund, Decimal("1e8"), Decimal(0)).lgd == pytest.approx(plain.lgd * 0.7)

    def rated(proposal: Proposal, name: str) -> Proposal:
        data = proposal.model_dump(mode="json")
        data["structuring"]["guarantor_terms"] = {name: {"pd": 0.001}}
        return Proposal.model_validate(data)

    guaranteed = exposure_risk(rated(scheme, "省融资担保公司"), Decimal("1e8"), Decimal(0))
    assert guaranteed.capital.method == "substitution" and guaranteed.capital.capital < plain.capital.capital
    pooled = exposure_risk(rated(fund, "风险补偿资金池"), Decimal("1e8"), Decimal(0))
    assert pooled.capital.method == "loss_sharing" and pooled.capital.capital == plain.capital.capital


def test_an_ip_pledge_reaches_the_lgd_through_the_haircut_table(wc_line: Proposal) -> None:
    pledge = [
        {
            "type": "ip_pledge",
            "description": "发明专利12项",
            "value": "2亿",
            "details": {"ip_kind": "invention_patent"},
        }
    ]
    pledged = exposure_risk(_with(wc_line, collateral=pledge), Decimal("1e8"), Decimal(0))
    plain = exposure_risk(wc_line, Decimal("1e8"), Decimal(0))
    line = pledged.collateral.lines[-1]
    assert (line.kind, line.haircut, line.recovery_months) == ("ip_pledge.invention_patent", 0.75, 24)
    assert pledged.lgd < plain.lgd
    assert pledged.collateral.capital_lgd == pytest.approx(plain.collateral.capital_lgd)
    assert pledged.capital.k_unguaranteed == pytest.approx(plain.capital.k_unguaranteed)
    unnamed = [{**pledge[0], "details": {}}]
    assert exposure_risk(_with(wc_line, collateral=unnamed), Decimal("1e8"), Decimal(0)).collateral.lines[
        -1
    ].haircut == pytest.approx(0.85)


def test_assess_json_shows_the_risk_sharing(wc_line: Proposal) -> None:
    fund = [{"name": "某市科技信贷风险补偿资金池", "kind": "risk_sharing_fund", "covered_share": "0.5"}]
    result = summary(assess(_with(wc_line, guarantors=fund)))
    guarantee = result["guarantee"]
    assert guarantee["kind"] == "risk_sharing_fund" and guarantee["covered_share"] == 0.5
    assert guarantee["method"] == "loss_sharing"
    assert float(guarantee["expected_loss"]) == pytest.approx(float(guarantee["expected_loss_before"]) * 0.5)
    assert summary(assess(wc_line))["guarantee"] is None


FACILITY = {
    "reference": "SME-1",
    "borrower_uscc": "91520100MADMJQ00GN",
    "product": "working_capital_loan",
    "amount": "300万",
    "tenor_months": 12,
    "rate": {"base": "lpr_1y", "spread_bp": 90},
    "repayment": "equal_principal",
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"guarantors": [{"name": "风险补偿资金池", "kind": "risk_sharing_fund", "covered_share": "1.5"}]},
            "guarantors.0.covered_share",
        ),
        (
            {"guarantors": [{"name": "风险补偿资金池", "kind": "risk_sharing_fund", "covered_share": "0"}]},
            "guarantors.0.covered_share",
        ),
        (
            {
                "collateral": [
                    {
                        "type": "ip_pledge",
                        "description": "专利",
                        "value": "500万",
                        "details": {"ip_kind": "design_patent"},
                    }
                ]
            },
            "collateral.0.details.ip_kind",
        ),
        (
            {
                "collateral": [
                    {
                        "type": "property",
                        "description": "厂房",
                        "value": "500万",
                        "details": {"ip_kind": "trademark"},
                    }
                ]
            },
            "collateral.0.details.ip_kind",
        ),
    ],
)
def test_bad_shares_and_ip_kinds_are_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(Facility, {**FACILITY, **change})
    assert caught.value.problems[0].field == field


def test_an_ip_kind_may_be_named_by_its_label() -> None:
    facility = parse(
        Facility,
        {
            **FACILITY,
            "collateral": [
                {
                    "type": "知识产权质押",
                    "description": "商标",
                    "value": "500万",
                    "details": {"ip_kind": "注册商标专用权"},
                }
            ],
        },
    )
    assert facility.collateral[0].haircut_key == "ip_pledge.trademark"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("风险补偿资金池", "承担损失比例", "50%", "不减资本", "资本计量LGD")),
        (
            "en",
            (
                "Government risk-compensation fund",
                "share of the loss borne",
                "50%",
                "no capital relief",
                "Capital LGD",
            ),
        ),
    ],
)
def test_the_memo_lists_the_risk_sharing_and_the_capital_lgd(
    wc_line: Proposal, lang: Literal["zh", "en"], words: tuple[str, ...]
) -> None:
    from computecredit.reports.memo import build_memo

    fund = [{"name": "某市科技信贷风险补偿资金池", "kind": "risk_sharing_fund", "covered_share": "0.5"}]
    pledge = [{"type": "ip_pledge", "description": "商标", "value": "5000万", "details": {"ip_kind": "trademark"}}]
    memo = build_memo(assess(_with(wc_line, guarantors=fund, collateral=pledge)), lang, with_charts=False)
    section = next(s for s in memo.sections if s.title.startswith(("八", "8.")))
    text = " ".join([*section.paragraphs, *(cell for t in section.tables for row in t.rows for cell in row)])
    text += " ".join(h for t in section.tables for h in t.headers)
    for word in words:
        assert word in text, word
    plain = build_memo(assess(wc_line), lang, with_charts=False)
    assert len(next(s for s in plain.sections if s.title.startswith(("八", "8."))).tables) == 2
