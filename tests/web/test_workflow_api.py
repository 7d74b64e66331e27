"""Four eyes and approval authority through the REST API of a real server: no way around them."""

from __future__ import annotations

import sqlalchemy as sa
from tests.web.support import BORROWER_USCC, Server

from computecredit.jsonable import to_jsonable
from computecredit.money import parse_amount
from computecredit.services import audit, workflow
from computecredit.services.workflow import Actor
from computecredit.store import versions


def _proposal_in_review(server: Server, proposer: str, amount: str, product: str) -> int:
    """An analysed, submitted proposal (the engines' analysis, with the PD overridden: the borrower is new)."""
    with audit.write_transaction(server.db) as session:
        analyst = Actor(proposer, "analyst")
        deal = {"beneficiary": "算力平台建设单位"} if product.endswith("_guarantee") else {}
        terms = workflow.Terms(BORROWER_USCC, product, parse_amount(amount), 24, inputs={"deal": deal})
        pid = workflow.create(session, analyst, terms).id
        pd = {"key": "pd", "value": "0.02", "reason": "new borrower, rating pending"}
        workflow.analyse_with_engines(session, pid, analyst, workflow.DealTerms(overrides=(pd,), **deal))
        workflow.submit(session, pid, analyst)
    return pid


def test_analyst_flow_through_the_api(server: Server) -> None:
    with server.client("t_analyst") as client:
        created = client.post(
            "/api/v1/proposals",
            json={
                "borrower_ref": BORROWER_USCC,
                "product": "working_capital_loan",
                "amount": "5000万",
                "tenor_months": 12,
            },
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["state"] == "application" and body["proposer"] == "t_analyst"
        assert float(body["amount"]) == 50_000_000
        # An application cannot be submitted before its analysis: no state is skipped.
        skipped = client.post(f"/api/v1/proposals/{body['id']}/submit")
        assert skipped.status_code == 409 and "cannot submit" in skipped.json()["detail"]
    with server.client("t_approver") as client:
        early = client.post(f"/api/v1/proposals/{body['id']}/approve", json={"comment": ""})
        assert early.status_code == 409


def test_the_author_is_refused_whatever_their_role(server: Server) -> None:
    pid = _proposal_in_review(server, "t_analyst2", "5000万", "working_capital_loan")
    with server.client("t_analyst2") as client:
        refused = client.post(f"/api/v1/proposals/{pid}/approve", json={"comment": "mine"})
        assert refused.status_code == 403
    # Promote the author to approver: four eyes still holds, on the server.
    with server.db.transaction() as session:
        session.execute(sa.text("UPDATE users SET role = 'approver' WHERE username = 't_analyst2'"))
        versions.renew(session, "users")  # plain SQL: the platform's own writes renew it themselves
    try:
        with server.client("t_analyst2") as client:
            refused = client.post(f"/api/v1/proposals/{pid}/approve", json={"comment": "mine"})
            assert refused.status_code == 403 and "four eyes" in refused.json()["detail"]
            assert pid not in [p["id"] for p in client.get("/api/v1/proposals/queue").json()]
    finally:
        with server.db.transaction() as session:
            session.execute(sa.text("UPDATE users SET role = 'analyst' WHERE username = 't_analyst2'"))
            versions.renew(session, "users")  # plain SQL: the platform's own writes renew it themselves
    with server.client("t_approver") as client:
        approved = client.post(f"/api/v1/proposals/{pid}/approve", json={"comment": "fine"})
        assert approved.status_code == 200 and approved.json()["state"] == "approved"
        assert [d["action"] for d in approved.json()["decisions"]] == ["analyse", "submit", "approve"]
        again = client.post(f"/api/v1/proposals/{pid}/reject", json={"comment": "changed my mind"})
        assert again.status_code == 409


def test_authority_by_amount_and_product(server: Server) -> None:
    big_guarantee = _proposal_in_review(server, "t_analyst", "10亿", "advance_payment_guarantee")
    buyback = _proposal_in_review(server, "t_analyst", "2.5亿", "share_buyback_loan")
    with server.client("t_approver") as client:
        queue = [p["id"] for p in client.get("/api/v1/proposals/queue").json()]
        assert big_guarantee not in queue and buyback not in queue
        for pid in (big_guarantee, buyback):
            refused = client.post(f"/api/v1/proposals/{pid}/approve", json={"comment": ""})
            assert refused.status_code == 403 and "authority" in refused.json()["detail"]
        # Returning for more work needs no authority, only a comment.
        assert client.post(f"/api/v1/proposals/{buyback}/return", json={"comment": ""}).status_code == 422
    with server.client("t_risk") as client:
        assert big_guarantee in [p["id"] for p in client.get("/api/v1/proposals/queue").json()]
        assert (
            client.post(f"/api/v1/proposals/{big_guarantee}/approve", json={"comment": "ok"}).json()["state"]
            == "approved"
        )


def test_every_decision_is_in_the_verified_audit_chain(server: Server) -> None:
    pid = _proposal_in_review(server, "t_analyst", "3000万", "credit_line")
    with server.client("t_approver2") as client:
        client.post(f"/api/v1/proposals/{pid}/reject", json={"comment": "thin cash flow"})
    with server.client("t_risk") as client:
        entries = client.get("/api/v1/audit", params={"limit": 200}).json()["items"]
        mine = [e for e in entries if e["entity_type"] == "proposal" and e["entity_id"] == str(pid)]
        assert [e["action"] for e in reversed(mine)] == [
            "proposal.create",
            "proposal.analyse",
            "proposal.submit",
            "proposal.reject",
        ]
        assert mine[0]["actor"] == "t_approver2" and mine[0]["after"]["state"] == "rejected"
        job = client.post("/api/v1/audit/verify").json()
    server.app.state.jobs.wait(job["job_id"], timeout=30)
    with server.client("t_risk") as client:
        result = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()
    assert result["ok"] is True and result["entries"] >= 4


def _unrated_borrower(server: Server) -> str:
    """A borrower stored without statements or rating: the engines need an analyst's PD for it."""
    from decimal import Decimal

    from computecredit.domain.borrowers import Borrower
    from computecredit.store.borrowers import find_borrower_row, save_borrower

    uscc = "91110000MA0WEB003Y"
    with server.db.transaction() as session:
        if find_borrower_row(session, uscc) is None:
            save_borrower(
                session,
                Borrower(
                    uscc=uscc,
                    name_zh="北京未评级科技有限公司",
                    name_en="Beijing Unrated Technology Co.",
                    segment="ai_software_services",
                    province="beijing",
                    ownership="private",
                    employees=20,
                    revenue=Decimal("1e7"),
                    total_assets=Decimal("3e7"),
                ),
            )
    return uscc


def test_application_to_approval_with_the_engines(server: Server, demo_uscc: str) -> None:
    terms = {
        "borrower_ref": demo_uscc,
        "product": "credit_line",
        "amount": "5000万",
        "tenor_months": 24,
        "deal": {"spread_bp": 80, "overrides": [{"key": "pd", "value": 0.02, "reason": "rating under review"}]},
    }
    with server.client("t_analyst") as client:
        preview = client.post("/api/v1/proposals/preview", json=terms)
        assert preview.status_code == 200, preview.text
        assert preview.json()["outputs"]["recommendation"] in ("approve", "approve_with_conditions", "decline")
        unrated = client.post(
            "/api/v1/proposals/preview", json={**terms, "borrower_ref": _unrated_borrower(server), "deal": {}}
        )
        assert unrated.status_code == 422 and unrated.json()["errors"][0]["field"] == "rating"
        pid = client.post("/api/v1/proposals", json=terms).json()["id"]
        analysed = client.post(f"/api/v1/proposals/{pid}/analyse")
        assert analysed.status_code == 200, analysed.text
        body = analysed.json()
        assert body["state"] == "analysis"
        assert body["outputs"] == preview.json()["outputs"] | {"proposal_id": f"P-{pid}"}
        assert body["versions"]["rating_model"].startswith("expert_compute")  # the stored rating, PD overridden
        assert body["outputs"]["pd"] == 0.02 and body["outputs"]["overrides"][0]["reason"] == "rating under review"
        assert len(body["versions"]["input_digest"]) == 64 and body["versions"]["reference"]
        memo_en = client.get(f"/api/v1/proposals/{pid}/memo", params={"lang": "en"})
        assert memo_en.status_code == 200 and memo_en.headers["content-type"].startswith("text/html")
        assert "Credit memo" in memo_en.text and "script-src" not in memo_en.headers["content-security-policy"]
        assert client.post(f"/api/v1/proposals/{pid}/submit").json()["state"] == "proposal"
        assert client.post(f"/api/v1/proposals/{pid}/approve", json={"comment": ""}).status_code == 403
    with server.client("t_approver") as client:
        approved = client.post(f"/api/v1/proposals/{pid}/approve", json={"comment": "within policy"})
        assert approved.json()["state"] == "approved"
    # Approval books the facility as an undrawn commitment: the book carries the decision's booking figures.
    from computecredit.services.portfolio import book_from_store

    assert approved.json()["facility_id"] == f"P-{pid}"
    book = book_from_store(server.db).frame().set_index("facility")
    row, booking = book.loc[f"P-{pid}"], body["outputs"]["booking"]
    assert (row["ead"], row["lgd"], row["pd"]) == (float(booking["ead"]), booking["lgd"], booking["pd"])
    assert float(booking["drawn"]) == 0 and booking["undrawn"] == body["outputs"]["limit"]
    from decimal import Decimal

    from computecredit.money import format_amount

    booked = f"{format_amount(Decimal(str(row['ead'])), lang='en')} / {row['lgd']:.2%} / {row['pd']:.2%}"
    assert booked in memo_en.text  # the approved memo states what the book carries


def test_a_stored_decision_reproduces_its_numbers(server: Server, demo_uscc: str) -> None:
    """The inputs stored with an analysis, assessed again, give exactly the stored outputs."""
    import json

    from computecredit.facilities.proposal import Proposal as EngineProposal
    from computecredit.facilities.proposal import assess

    with server.client("t_analyst") as client:
        pid = client.post(
            "/api/v1/proposals",
            json={
                "borrower_ref": demo_uscc,
                "product": "working_capital_loan",
                "amount": "2000万",
                "tenor_months": 12,
                "deal": {"overrides": [{"key": "pd", "value": 0.01, "reason": "rating under review"}]},
            },
        ).json()["id"]
        client.post(f"/api/v1/proposals/{pid}/analyse").raise_for_status()
    with server.db.transaction() as session:
        stored = workflow.get(session, pid)
        inputs, outputs = json.loads(stored.inputs_json), json.loads(stored.outputs_json)
    again, versions = workflow.assessment_outputs(assess(EngineProposal.model_validate(inputs["engine_proposal"])))
    assert to_jsonable(again, exact=True) == outputs
    assert versions["input_digest"] == json.loads(stored.versions_json)["input_digest"]
