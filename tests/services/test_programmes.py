"""Programmes through the use cases: tagging at create and at approval, quotas under concurrent approvals
(SQLite and PostgreSQL), definitions audited, and progress against the stored records."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from computecredit.errors import InputError
from computecredit.services import audit, workflow
from computecredit.services import programmes as service
from computecredit.store import programmes as programme_store
from computecredit.store import workbench as proposal_store
from computecredit.store.database import Database

LISTED_CHIP = "91310115MA8HADU2D8"
YI = Decimal("1e8")
ANALYST = workflow.Actor("analyst", "analyst")


def buyback_terms(
    amount: str = "0.9亿", buyback: str = "1亿", spread_bp: int = -75, **extra: Any
) -> workflow.Terms:
    deal = {"spread_bp": spread_bp, "purpose": "股票回购", "structuring": {"buyback_amount": buyback}}
    return workflow.Terms(LISTED_CHIP, "share_buyback_loan", Decimal(amount.removesuffix("亿")) * YI, 36,
                          inputs={"deal": deal}, programmes=("BUYBACK-RELENDING",), **extra)  # fmt: skip


def submitted(db: Database, terms: workflow.Terms) -> int:
    """A proposal opened, analysed by the engines and submitted; its id."""
    with audit.write_transaction(db) as session:
        proposal = workflow.create(session, ANALYST, terms)
        workflow.analyse_with_engines(session, proposal.id, ANALYST, workflow.stored_deal(proposal))
        workflow.submit(session, proposal.id, ANALYST)
        return proposal.id


def committed(db: Database, code: str) -> Decimal:
    with db.transaction() as session:
        return programme_store.committed(session, code)


def test_an_ineligible_tag_is_refused_at_create_naming_the_rule(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        before = proposal_store.proposal_counts(session)
    with pytest.raises(InputError) as refused, audit.write_transaction(demo_db) as session:
        workflow.create(session, ANALYST, buyback_terms(spread_bp=-50))  # LPR 3.00% − 50bp = 2.50% > 2.25%
    (problem,) = refused.value.problems
    assert problem.field == "programme" and problem.value == "BUYBACK-RELENDING" and "rate_cap" in problem.rule
    with pytest.raises(InputError, match="purpose_share"), audit.write_transaction(demo_db) as session:
        workflow.create(session, ANALYST, buyback_terms(amount="0.95亿"))  # over 90% of the 1亿 buyback
    with (
        pytest.raises(InputError, match="at most one relending_quota"),
        audit.write_transaction(demo_db) as session,
    ):
        terms = buyback_terms()
        workflow.create(
            session, ANALYST, workflow.Terms(**{**terms.__dict__, "programmes": ("BUYBACK-RELENDING",) * 2})
        )
    with demo_db.transaction() as session:
        assert proposal_store.proposal_counts(session) == before  # nothing written


def test_a_limit_over_the_quota_left_is_refused_with_the_amount(demo_db: Database) -> None:
    with audit.write_transaction(demo_db) as session:  # 1.8亿 committed of 3亿: 1.2亿 left
        programme = service.parse_programme(
            {
                **programme_store.get_programme(session, "BUYBACK-RELENDING").model_dump(mode="json"),
                "amount": "2.5亿",
            }
        )
        service.save(session, "admin", programme.model_dump(mode="json"), "BUYBACK-RELENDING")
    with pytest.raises(InputError) as refused, audit.write_transaction(demo_db) as session:
        workflow.create(session, ANALYST, buyback_terms())
    assert "0.70亿" in refused.value.problems[0].rule or "70.00 million" in refused.value.problems[0].rule
    assert "short by 20.00 million" in refused.value.problems[0].rule


def test_approval_commits_the_limit_at_once_and_tags_the_facility(demo_db: Database) -> None:
    proposal_id = submitted(demo_db, buyback_terms(amount="0.5亿", buyback="0.6亿"))
    before = committed(demo_db, "BUYBACK-RELENDING")
    with audit.write_transaction(demo_db) as session:
        workflow.decide(session, proposal_id, workflow.Actor("approver", "approver"), "approve")
    assert committed(demo_db, "BUYBACK-RELENDING") - before == Decimal("0.5") * YI
    with demo_db.transaction() as session:
        assert programme_store.facility_programmes(session, f"P-{proposal_id}") == ["BUYBACK-RELENDING"]
    progress = service.programme_progress(demo_db, "BUYBACK-RELENDING")
    assert progress.committed == Decimal("2.3") * YI and f"P-{proposal_id}" in {
        m.facility for m in progress.members
    }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_demo_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The demo bank on SQLite (a copy) and on PostgreSQL (loaded into the session's database, dropped after)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("demo_db")
        return
    from computecredit.services.demo import load_demo_bank

    db = Database(request.getfixturevalue("postgres_database_url"))
    load_demo_bank(db, password="demo-password")
    try:
        yield db
    finally:
        db.dispose()
        engine = sa.create_engine(db.url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()


def test_concurrent_approvals_never_overcommit_a_quota(any_demo_db: Database) -> None:
    db = any_demo_db
    first, second = submitted(db, buyback_terms()), submitted(db, buyback_terms())  # 0.9亿 each; 1.2亿 left
    barrier, outcomes = threading.Barrier(2), {}

    def approve(proposal_id: int, approver: workflow.Actor) -> None:
        barrier.wait()
        try:
            # The database's own write transaction, without the in-process writers' lock: the programme's row
            # lock (PostgreSQL) or SQLite's single writer is all that keeps the two apart.
            with db.write_transaction() as session:
                workflow.decide(session, proposal_id, approver, "approve")
            outcomes[proposal_id] = "approved"
        except InputError as exc:
            outcomes[proposal_id] = exc.problems[0].rule

    threads = [threading.Thread(target=approve, args=(first, workflow.Actor("approver", "approver"))),
               threading.Thread(target=approve, args=(second, workflow.Actor("risk", "risk_manager")))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes.values(), key=len)[0] == "approved"
    (refusal,) = [v for v in outcomes.values() if v != "approved"]
    assert refusal.startswith("quota:")
    assert committed(db, "BUYBACK-RELENDING") == Decimal("2.7") * YI <= 3 * YI
    with db.transaction() as session:
        assert {p.state for p in (proposal_store.get_proposal(session, i) for i in (first, second))} == {
            "approved",
            "proposal",
        }


def test_definitions_are_audited_and_checked(demo_db: Database) -> None:
    document = {"code": "GREEN-DC", "kind": "product_line", "name_zh": "绿色数据中心贷", "name_en": "Green DC loans",
                "amount": "2亿", "start": "2026-01-01", "end": "2027-12-31",
                "eligibility": {"segments": ["datacenter_operator"], "worst_grade": "BB-"}}  # fmt: skip
    with audit.write_transaction(demo_db) as session:
        service.save(session, "admin", document)
    with demo_db.transaction() as session:
        (entry,) = proposal_store.audit_entries_of(session, "programme", ["GREEN-DC"])
        assert entry.action == "programme.create" and entry.actor == "admin"
    for bad, field in (
        ({**document, "code": "GREEN-DC"}, "code"),
        ({**document, "code": "X-2", "end": "2025-12-31"}, "end"),
        ({**document, "code": "X-3", "eligibility": {"worst_grade": "ZZ"}}, "grade"),
        ({**document, "code": "X-4", "eligibility": {"max_rate": "1.5"}}, "eligibility.max_rate"),
    ):
        with pytest.raises(InputError) as refused, audit.write_transaction(demo_db) as session:
            service.save(session, "admin", bad)
        assert refused.value.problems[0].field == field
    with pytest.raises(InputError, match="already committed"), audit.write_transaction(demo_db) as session:
        quota = programme_store.get_programme(session, "BUYBACK-RELENDING").model_dump(mode="json")
        service.save(session, "admin", {**quota, "amount": "1亿"}, "BUYBACK-RELENDING")


def test_tagging_a_booked_facility(demo_db: Database) -> None:
    with pytest.raises(InputError, match="runs from 2025-03-01"), audit.write_transaction(demo_db) as session:
        service.tag_facility(session, "risk", "AI-CHAIN-2025", "CL-2025-001")  # booked before the programme
    loans = {"code": "LOANS-2024", "kind": "lending_programme", "name_zh": "贷款计划", "name_en": "Loans",
             "amount": "50亿", "start": "2024-01-01", "end": "2028-12-31",
             "eligibility": {"products": ["credit_line", "working_capital_loan"]}}  # fmt: skip
    with audit.write_transaction(demo_db) as session:
        service.save(session, "admin", loans)
    with pytest.raises(InputError, match="tag the line"), audit.write_transaction(demo_db) as session:
        service.tag_facility(session, "risk", "LOANS-2024", "WC-2025-001")
    with pytest.raises(InputError, match="product"), audit.write_transaction(demo_db) as session:
        service.tag_facility(session, "risk", "LOANS-2024", "APG-2025-001")  # a guarantee
    with (
        pytest.raises(InputError, match="lending_programme AI-CHAIN-2025 already"),
        audit.write_transaction(demo_db) as session,
    ):
        service.tag_facility(session, "risk", "LOANS-2024", "WC-2025-101")  # one lending programme per facility
    with audit.write_transaction(demo_db) as session:
        service.tag_facility(session, "risk", "LOANS-2024", "CL-2025-001")
    progress = service.programme_progress(demo_db, "LOANS-2024")
    assert [m.facility for m in progress.members] == ["CL-2025-001"] and progress.committed == 5 * YI
