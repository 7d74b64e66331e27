"""The SME product line's reference tables against their sources.

IP-pledge haircuts (``collateral_haircuts.csv``): bank policy, haircut = 1 − the published cap on credit as a
share of the appraised value, from Bank of Communications' IP-loan rules as reported (invention patents 25%,
utility models 15%, registered trademarks 50%); software copyright takes the utility-model row (no published
cap found); an IP pledge that does not name its kind takes the most conservative row. No IP row is F-IRB
collateral (Basel III CRE32.5: unrecognised collateral, LGD 45%).

Loss shares (``risk_sharing.yaml``): a government financing guarantee covers at most 80%, the bank keeping at
least 20% (国办发〔2019〕6号; 《支持科技创新专项担保计划》 2024); a risk-compensation fund 30% (安徽省科技企业贷款
风险补偿资金池, direct loans; Guangzhou's fund pays up to 50%, so 30% is the conservative default).
"""

from __future__ import annotations

import pytest

from computecredit.domain.facilities import GuarantorKind, IPKind
from computecredit.facilities.lgd import haircut_row, risk_sharing
from computecredit.reference import load_yaml

PUBLISHED_PLEDGE_CAPS = {  # Bank of Communications, credit ≤ share of the appraised value
    IPKind.INVENTION_PATENT: 0.25,
    IPKind.UTILITY_MODEL: 0.15,
    IPKind.TRADEMARK: 0.50,
}


@pytest.mark.parametrize(("kind", "cap"), list(PUBLISHED_PLEDGE_CAPS.items()))
def test_ip_haircut_is_one_minus_the_published_pledge_cap(kind: IPKind, cap: float) -> None:
    row = haircut_row(f"ip_pledge.{kind.value}")
    assert row["haircut"] == pytest.approx(1 - cap)
    assert f"{cap:.0%}" in row["source"] and "Bank of Communications" in row["source"]


def test_every_ip_kind_has_a_row_and_the_unnamed_row_is_the_most_conservative() -> None:
    rows = {kind: haircut_row(f"ip_pledge.{kind.value}") for kind in IPKind}
    assert rows[IPKind.SOFTWARE_COPYRIGHT]["haircut"] == rows[IPKind.UTILITY_MODEL]["haircut"]
    assert "not verified" in rows[IPKind.SOFTWARE_COPYRIGHT]["source"]
    assert haircut_row("ip_pledge")["haircut"] == max(row["haircut"] for row in rows.values())


def test_ip_is_not_capital_collateral_and_every_row_names_its_basis() -> None:
    for key in ["ip_pledge", *(f"ip_pledge.{kind.value}" for kind in IPKind)]:
        row = haircut_row(key)
        assert not row["firb_eligible"], key
        assert "CRE32.5" in row["source"] and "34号" in row["source"] and row["basis"], key
    for key in ("deposit", "receivables", "property", "gpu_servers", "equipment", "equity_pledge"):
        assert haircut_row(key)["firb_eligible"], key


def test_documented_loss_shares() -> None:
    scheme, fund = risk_sharing("government_fund"), risk_sharing("risk_sharing_fund")
    assert scheme is not None and fund is not None
    assert scheme.covered_share == pytest.approx(1 - 0.20)  # the bank keeps at least 20%
    assert (scheme.capital, fund.capital) == ("substitution_if_rated", "none")
    assert fund.covered_share == pytest.approx(0.30)
    kinds = load_yaml("risk_sharing.yaml")["kinds"]
    assert "国办发〔2019〕6号" in kinds["government_fund"]["sources"][0]["text"]
    assert any("50%" in s["text"] for s in kinds["risk_sharing_fund"]["sources"])  # Guangzhou's cap
    for entry in kinds.values():
        assert all(source["verified"] for source in entry["sources"])
    assert set(kinds) <= {kind.value for kind in GuarantorKind}
    assert risk_sharing("corporate") is None and risk_sharing("guarantee_company") is None
