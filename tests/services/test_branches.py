"""Branches on SQLite and PostgreSQL: the visibility rule (a branch and the branches below it; the whole bank
for the head office) in every query of customers' data, acting on another branch's records refused as not
found, approval authority by branch level, the branch tree's rules, and migration 0010 on a bank that
already holds users and borrowers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from computecredit.domain.bank import Bank
from computecredit.domain.borrowers import Borrower
from computecredit.domain.branches import HEAD_OFFICE, WHOLE_BANK, Scope
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import Facility
from computecredit.domain.projects import Project
from computecredit.domain.uscc import complete
from computecredit.domain.users import User
from computecredit.errors import InputError, NotFoundError, PermissionDeniedError
from computecredit.services import admin, audit, jobs, workflow
from computecredit.services import alerts as alert_service
from computecredit.services import borrowers as borrower_service
from computecredit.services import branches as branch_service
from computecredit.services import facilities as facility_service
from computecredit.services import rating as rating_service
from computecredit.services.workflow import Actor
from computecredit.store import bank as bank_store
from computecredit.store import borrowers as borrower_store
from computecredit.store import branches as branch_store
from computecredit.store import facilities as facility_store
from computecredit.store import projects as project_store
from computecredit.store import workbench as proposal_store
from computecredit.store.borrower_list import borrower_list
from computecredit.store.database import Database
from computecredit.store.monitoring import AlertRow
from computecredit.store.users import add_user
from computecredit.store.workbench import Job

# 总行 → 北分 (A) → 海淀 (A1); 总行 → 深分 (B)
TREE = (
    {
        "code": "A",
        "name_zh": "北京分行",
        "name_en": "Beijing Branch",
        "level": "branch",
        "parent_code": HEAD_OFFICE,
    },
    {
        "code": "A1",
        "name_zh": "海淀支行",
        "name_en": "Haidian Sub-branch",
        "level": "sub_branch",
        "parent_code": "A",
    },
    {
        "code": "B",
        "name_zh": "深圳分行",
        "name_en": "Shenzhen Branch",
        "level": "branch",
        "parent_code": HEAD_OFFICE,
    },
)
BOOKED = {"A": "A", "A1": "A1", "B": "B", HEAD_OFFICE: HEAD_OFFICE}  # one borrower at each office


def _borrower(branch: str) -> Borrower:
    digit = {"A": "1", "A1": "2", "B": "3", HEAD_OFFICE: "4"}[branch]
    return Borrower(
        uscc=complete(f"91110000MA0BR0{digit}0{digit}"),
        name_zh=f"分支测试{branch}算力有限公司",
        name_en=f"Branch test {branch} Compute Co.",
        segment="compute_leasing_cloud",
        province="beijing",
        ownership="private",
        employees=100,
        revenue=Decimal("2e8"),
        total_assets=Decimal("6e8"),
    )


USCC = {branch: _borrower(branch).uscc for branch in BOOKED}
BANK = Bank(
    name_zh="示例银行",
    name_en="Example bank",
    net_capital=Decimal("1.2e10"),
    tier1_net_capital=Decimal("1e10"),
    loan_book=Decimal("9e10"),
    hurdle_rate=Decimal("0.12"),
)
PD = workflow.DealTerms(overrides=({"key": "pd", "value": "0.02", "reason": "new borrower, rating pending"},))


@pytest.fixture
def bank(database_url: str) -> Any:
    """A migrated bank with the tree above, one borrower at each office with a facility, a project, an
    analysed and submitted proposal and an open alert."""
    db = Database(database_url)
    db.upgrade()
    records: dict[str, dict[str, Any]] = {"proposal": {}, "alert": {}}
    with audit.write_transaction(db) as session:
        bank_store.save_bank(session, BANK)
        branch_service.add_branches(session, "ops", list(TREE))
        for branch, uscc in USCC.items():
            borrower_store.save_borrower(session, _borrower(branch), BOOKED[branch])
            reference = f"F-{branch}"
            facility_store.save_facility(
                session,
                Facility.model_validate(
                    {
                        "reference": reference,
                        "borrower_uscc": uscc,
                        "product": "working_capital_loan",
                        "amount": "1000万",
                        "tenor_months": 12,
                        "rate": {"base": "lpr_1y", "spread_bp": 50},
                        "status": "active",
                    }
                ),
            )
            facility_store.save_exposure(
                session,
                Exposure(
                    facility_reference=reference,
                    as_of=date(2025, 12, 31),
                    drawn=Decimal("1e7"),
                    undrawn=Decimal(0),
                ),
            )
            project_store.save_project(
                session, Project(code=f"p-{branch.lower()}", name=f"项目{branch}", borrower_uscc=uscc, inputs={})
            )
            analyst = Actor("alice", "analyst")
            pid = workflow.create(
                session, analyst, workflow.Terms(uscc, "working_capital_loan", Decimal("5e7"), 12)
            ).id
            workflow.analyse_with_engines(session, pid, analyst, PD)
            workflow.submit(session, pid, analyst)
            records["proposal"][branch] = pid
            alert = AlertRow(
                key=f"k-{branch}",
                kind="signal",
                borrower_id=borrower_store.borrower_row(session, uscc).id,
                subject=uscc,
                rule_id="R",
                severity="high",
                owner="risk",
                due_date=date(2026, 1, 31),
                raised_on=date(2025, 12, 31),
                last_seen_on=date(2025, 12, 31),
                status="open",
                title_zh="预警",
                title_en="alert",
            )
            session.add(alert)
            session.flush()
            records["alert"][branch] = alert.id
    yield db, records
    db.dispose()


def scope(db: Database, branch: str) -> Scope:
    with db.transaction() as session:
        return branch_service.standing(session, branch).scope


@pytest.mark.parametrize(
    ("branch", "sees"),
    [(HEAD_OFFICE, {"A", "A1", "B", HEAD_OFFICE}), ("A", {"A", "A1"}), ("A1", {"A1"}), ("B", {"B"})],
)
def test_each_query_of_customers_data_keeps_to_the_branch_and_those_below_it(
    bank: Any, branch: str, sees: set[str]
) -> None:
    db, records = bank
    wanted = {USCC[b] for b in sees}
    scoped = scope(db, branch)
    assert scoped.whole_bank == (branch == HEAD_OFFICE)
    with db.transaction() as session:
        assert {row.borrower.uscc for row in borrower_list(session, scope=scoped)[0]} == wanted
        assert {b.uscc for b in borrower_store.list_borrowers(session, scoped)} == wanted
        assert {b.uscc for b in borrower_store.search_borrowers(session, "分支测试", scope=scoped)[0]} == wanted
        assert borrower_store.usccs_in_scope(session, scoped) == wanted
        proposals, total = proposal_store.list_proposals(session, scope=scoped)
        assert {p.borrower_ref for p in proposals} == wanted and total == len(wanted)
        assert {p.borrower_ref for p in proposal_store.proposals_in_state(session, "proposal", scoped)} == wanted
        assert proposal_store.proposal_counts(session, scoped) == {"proposal": len(wanted)}
        assert {p.borrower_uscc for p in project_store.list_projects(session, scoped)} == wanted
        found, total = alert_service.list_alerts(session, scope=scoped)
        assert {a["borrower_uscc"] for a in found} == wanted and total == len(wanted)
        for other in BOOKED:
            visible = other in sees
            assert (borrower_store.find_borrower_row(session, USCC[other], scoped) is not None) == visible
            assert (facility_store.find_facility_row(session, f"F-{other}", scoped) is not None) == visible
            assert (project_store.find_project_row(session, f"p-{other.lower()}", scoped) is not None) == visible
            if not visible:  # not found, with the words of a record that does not exist
                with pytest.raises(NotFoundError, match="no borrower"):
                    borrower_store.get_borrower(session, USCC[other], scoped)
                with pytest.raises(NotFoundError, match=f"no proposal {records['proposal'][other]}"):
                    proposal_store.get_proposal(session, records["proposal"][other], scoped)
                with pytest.raises(NotFoundError, match="no alert"):
                    alert_service.get_alert(session, records["alert"][other], scoped)


def test_acting_on_another_branchs_records_is_refused_as_not_found(bank: Any) -> None:
    db, records = bank
    a_scope = scope(db, "A")
    analyst = Actor("carol", "analyst", "branch", a_scope)
    approver = Actor("bob", "approver", "branch", a_scope)
    terms = workflow.Terms(USCC["B"], "working_capital_loan", Decimal("1e7"), 12)
    with audit.write_transaction(db) as session, pytest.raises(InputError, match="known borrower"):
        workflow.create(session, analyst, terms)
    with audit.write_transaction(db) as session, pytest.raises(InputError, match="known borrower"):
        workflow.preview(session, terms, workflow.DealTerms(), analyst)
    with audit.write_transaction(db) as session:
        assert [p.borrower_ref for p in workflow.approval_queue(session, approver)] == [USCC["A"], USCC["A1"]]
        with pytest.raises(NotFoundError):
            workflow.decide(session, records["proposal"]["B"], approver, "approve")
        with pytest.raises(NotFoundError):
            facility_service.repay(session, "F-B", Decimal("1"), date(2026, 1, 5), "carol", a_scope)
        with pytest.raises(NotFoundError):
            rating_service.rate_stored_borrower(session, USCC["B"], "carol", scope=a_scope)
        with pytest.raises(NotFoundError):
            alert_service.act_on_alert(
                session, records["alert"]["B"], "carol", "why", "acknowledge", scope=a_scope
            )
        # within the branch (a 支行 below it) the same actions go through
        assert workflow.decide(session, records["proposal"]["A1"], approver, "approve").state == "approved"
        assert facility_service.repay(session, "F-A1", Decimal("1"), date(2026, 1, 5), "carol", a_scope).drawn > 0


def test_the_book_of_a_branch_is_its_borrowers_facilities(bank: Any) -> None:
    from computecredit.services.portfolio import book_from_store

    db, _records = bank
    whole = book_from_store(db, missing_pd=0.02)
    branch = book_from_store(db, missing_pd=0.02, scope=scope(db, "A"))
    assert set(whole.frame()["facility"]) == {"F-A", "F-A1", "F-B", "F-HO"}
    assert set(branch.frame()["facility"]) == {"F-A", "F-A1"}
    with pytest.raises(InputError, match="branch's book holds no exposures"):
        book_from_store(db, missing_pd=0.02, scope=Scope(frozenset({"NOWHERE"})))


def test_authority_depends_on_the_approvers_branch_level() -> None:
    policy = workflow.default_policy()
    amount, product = Decimal("2e8"), "working_capital_loan"  # 2亿: above a 分行 approver's 1亿
    for level, allowed in (("head_office", True), ("branch", False), ("sub_branch", False)):
        actor = Actor("bob", "approver", level)
        assert (
            workflow.can("proposal", "approve", actor, proposer="alice", amount=amount, product=product) == allowed
        )
    with pytest.raises(PermissionDeniedError, match=r"authority: approver \(branch\) may approve"):
        workflow.check(
            "proposal", "approve", Actor("bob", "approver", "branch"), proposer="a", amount=amount, product=product
        )
    # the table: for each role and product, a lower office never has more authority than the one above it
    order = ("head_office", "branch", "sub_branch")
    for role, _level, product in policy.limits:
        ceilings = [policy.limit(role, level, product) for level in order]
        known = [c for c in ceilings if c is not None]
        assert known == sorted(known, reverse=True), (role, product, ceilings)
    assert policy.limit("approver", "sub_branch", "share_buyback_loan") == 0


def test_the_branch_tree_and_who_works_where(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()
    with audit.write_transaction(db) as session:
        branch_service.add_branches(session, "ops", list(reversed(TREE)))  # children first: parents are put first
        for document, rule in (
            ({**TREE[0], "code": "C", "parent_code": "A"}, "reports to a head_office"),
            ({**TREE[0], "code": "C", "parent_code": "ZZ"}, "must be one of the bank's branches"),
            ({**TREE[0]}, "already a branch"),
            ({**TREE[0], "code": "C", "level": "head_office", "parent_code": None}, "one head office"),
        ):
            with pytest.raises(InputError, match=rule):
                branch_service.add_branch(session, "ops", document)
        admin.create_user(session, "ops", "ana", "Ana", "analyst", "a-long-password", "A1")
        with pytest.raises(InputError, match="branches"):
            admin.create_user(session, "ops", "bea", "Bea", "analyst", "a-long-password", "NOWHERE")
        assert admin.update_user(session, "ops", "ana", branch_code="B").branch_code == "B"
        assert branch_service.user_standing(session, "ana").scope == Scope(frozenset({"B"}))
        borrower_service.store_borrowers(session, [_borrower("A")], branch="A1")
        assert borrower_store.borrower_branches(session, [USCC["A"]]) == {USCC["A"]: "A1"}
        borrower_service.store_borrowers(session, [_borrower("A")])  # without a branch: stays where it is
        assert borrower_service.BRANCH and borrower_store.borrower_branches(session)[USCC["A"]] == "A1"
        assert branch_service.move_borrower(session, "ops", USCC["A"], "B") == "A1"
        with pytest.raises(InputError, match="branch_code"):
            borrower_service.store_borrowers(session, [_borrower("A")], branch="NOWHERE")
        actions = [entry.action for entry in audit.recent(session, 20)]
    assert {"branch.create", "borrower.branch", "user.create", "user.update"} <= set(actions)
    db.dispose()


def test_jobs_of_others_are_seen_by_overseers_of_their_branch(bank: Any) -> None:
    db, _records = bank
    job_a, job_b = "a" * 32, "b" * 32
    with audit.write_transaction(db) as session:
        for name, branch, job_id in (("ana", "A1", job_a), ("ben", "B", job_b)):
            add_user(
                session,
                User(username=name, display_name=name, role="analyst", branch_code=branch),
                "a-long-password",
            )
            session.add(Job(id=job_id, kind="audit.verify", owner=name, state="done"))
    with db.transaction() as session:
        a_scope = scope(db, "A")
        assert jobs.visible_job(session, job_a, "ana", "analyst", Scope(frozenset({"A1"}))).owner == "ana"
        assert jobs.visible_job(session, job_a, "rita", "risk_manager", a_scope).owner == "ana"
        assert jobs.visible_job(session, job_b, "root", "admin", WHOLE_BANK).owner == "ben"
        for who, role, seen in (("rita", "risk_manager", a_scope), ("carl", "analyst", WHOLE_BANK)):
            with pytest.raises(NotFoundError):
                jobs.visible_job(session, job_b, who, role, seen)


def test_migration_0010_puts_an_existing_bank_at_its_head_office(database_url: str) -> None:
    from alembic import command

    db = Database(database_url)
    db.upgrade("0008_job_attempts")
    now = "2025-01-01 00:00:00"
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (username, display_name, role, password_hash, active, created_at, updated_at) "
                "VALUES ('old', 'Old', 'analyst', 'x', true, :now, :now)"
            ),
            {"now": now},
        )
    db.upgrade()
    with db.transaction() as session:
        assert branch_service.user_standing(session, "old").scope.whole_bank
        assert [b.code for b in branch_store.list_branches(session)] == [HEAD_OFFICE]
    with db.engine.begin() as conn:
        config = db.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0008_job_attempts")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("users")}
        assert "branch_code" not in columns and "branches" not in sa.inspect(conn).get_table_names()
        assert conn.execute(sa.text("SELECT username FROM users")).scalars().all() == ["old"]
    db.dispose()
