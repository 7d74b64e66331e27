"""The proposal form offers the SME product line's risk tools: an IP pledge with its kind, and a risk-sharing
guarantor with the share of the loss it bears (typed in percent). The form's deal is the API's deal: same
figures; a bad share is refused naming the field, with the analyst's entries shown again."""

from __future__ import annotations

import json
from typing import Any

from tests.web.support import Server, browser_login, csrf_of

from computecredit.services import workflow

SME = "91520100MADMJQ00GN"  # 贵州玄枢智能软件, the demo bank's 科技易贷 borrower
FORM = {
    "borrower_ref": SME,
    "product": "working_capital_loan",
    "amount": "300万",
    "tenor_months": "12",
    "spread_bp": "90",
    "collateral_0_type": "ip_pledge",
    "collateral_0_value": "400万",
    "collateral_0_description": "发明专利5项",
    "collateral_0_ip_kind": "invention_patent",
    "guarantor_0_name": "贵阳市科技信贷风险补偿资金池",
    "guarantor_0_kind": "risk_sharing_fund",
    "guarantor_0_covered_share": "50",
}
API = {
    "borrower_ref": SME,
    "product": "working_capital_loan",
    "amount": "300万",
    "tenor_months": 12,
    "deal": {
        "spread_bp": 90,
        "collateral": [
            {
                "type": "ip_pledge",
                "value": "400万",
                "description": "发明专利5项",
                "details": {"ip_kind": "invention_patent"},
            }
        ],
        "guarantors": [
            {"name": "贵阳市科技信贷风险补偿资金池", "kind": "risk_sharing_fund", "covered_share": "0.5"}
        ],
    },
}


def _plain(outputs: dict[str, Any]) -> dict[str, Any]:
    return json.loads(
        json.dumps({k: outputs[k] for k in ("lgd", "capital_lgd", "guarantee", "booking")}, default=str)
    )


def test_the_form_round_trips_an_ip_pledge_and_a_risk_sharing_fund(server: Server) -> None:
    page = browser_login(server, "t_analyst")
    blank = page.get("/proposals/new").text
    assert 'value="ip_pledge"' in blank and 'name="collateral_0_ip_kind"' in blank
    assert 'value="risk_sharing_fund"' in blank and 'name="guarantor_0_covered_share"' in blank

    live = page.post("/proposals/preview", data={**FORM, "csrf_token": csrf_of(page, "/proposals/new")})
    assert live.status_code == 200 and 'id="analysis-risk-sharing"' in live.text, live.text
    created = page.post("/proposals", data={**FORM, "csrf_token": csrf_of(page, "/proposals/new")})
    assert created.status_code == 303, created.text
    pid = int(created.headers["location"].rsplit("/", 1)[1])
    with server.db.transaction() as session:
        deal = workflow.stored_deal(workflow.get(session, pid))
    assert deal.collateral[0]["details"] == {"ip_kind": "invention_patent"}
    assert deal.guarantors[0]["covered_share"] == "0.5"
    analysed = page.post(f"/proposals/{pid}/analyse", data={"csrf_token": csrf_of(page, f"/proposals/{pid}")})
    assert analysed.status_code == 303, analysed.text
    with server.client("t_analyst") as client:
        from_page = client.get(f"/api/v1/proposals/{pid}").json()["outputs"]
        preview = client.post("/api/v1/proposals/preview", json=API)
        assert preview.status_code == 200, preview.text
        from_api = preview.json()["outputs"]
    page.close()

    assert _plain(from_page) == _plain(from_api)
    guarantee = from_page["guarantee"]
    assert (guarantee["kind"], float(guarantee["covered_share"]), guarantee["method"]) == (
        "risk_sharing_fund",
        0.5,
        "loss_sharing",
    )
    assert float(guarantee["expected_loss"]) == float(guarantee["expected_loss_before"]) * 0.5
    assert float(from_page["capital_lgd"]) > float(from_page["collateral_lgd"])  # IP: no capital relief


def test_a_bad_share_is_refused_naming_the_field_and_the_entries_stay(server: Server) -> None:
    page = browser_login(server, "t_analyst")
    bad = {**FORM, "guarantor_0_covered_share": "150"}
    refused = page.post("/proposals", data={**bad, "csrf_token": csrf_of(page, "/proposals/new")})
    page.close()
    assert refused.status_code == 422
    assert "covered_share" in refused.text
    assert 'name="guarantor_0_covered_share" inputmode="decimal" value="150"' in refused.text
    assert '<option value="invention_patent" selected>' in refused.text
    with server.client("t_analyst") as client:
        response = client.post(
            "/api/v1/proposals/preview",
            json={
                **API,
                "deal": {**API["deal"], "guarantors": [{**API["deal"]["guarantors"][0], "covered_share": 1.5}]},
            },
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "guarantors.0.covered_share"
