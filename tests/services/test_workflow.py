"""The proposal workflow: no skipped states, roles, four eyes and approval authority, on the server."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from computecredit.domain.bank import Bank
from computecredit.domain.borrowers import Borrower
from computecredit.errors import InputError, PermissionDeniedError, WorkflowError
from computecredit.money import parse_amount
from computecredit.services import audit, workflow
from computecredit.services.workflow import Action, Actor, AuthorityPolicy, State
from computecredit.store.bank import save_bank
from computecredit.store.base import Base
from computecredit.store.borrowers import save_borrower
from computecredit.store.database import Database

B001 = "91640100MA7X00001X"
BORROWER = Borrower(
    uscc=B001,
    name_zh="宁夏示例算力有限公司",
    name_en="Ningxia Example Compute Co.",
    segment="datacenter_operator",
    province="ningxia",
    hub="宁夏",
    ownership="private",
    employees=180,
    revenue=Decimal("1.2e8"),
    total_assets=Decimal("9e8"),
)
BANK = Bank(
    name_zh="示例银行",
    name_en="Example bank",
    net_capital=Decimal("1.2e10"),
    tier1_net_capital=Decimal("1e10"),
    loan_book=Decimal("9e10"),
    hurdle_rate=Decimal("0.12"),
)
# The borrower is not rated here: the analyst overrides the PD, with a reason, as the engines require.
UNRATED = workflow.DealTerms(overrides=({"key": "pd", "value": "0.02", "reason": "new borrower, rating pending"},))
ALICE = Actor("alice", "analyst")
CAROL = Actor("carol", "analyst")
BOB = Actor("bob", "approver")
RITA = Actor("rita", "risk_manager")
ADAM = Actor("adam", "admin")
POLICY = AuthorityPolicy(
    {
        ("approver", "head_office", "*"): Decimal("300000000"),
        ("approver", "head_office", "advance_payment_guarantee"): Decimal("500000000"),
        ("approver", "head_office", "performance_guarantee"): Decimal("500000000"),
        ("risk_manager", "head_office", "*"): Decimal("2000000000"),
    }
)


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    import computecredit.store.tables  # noqa: F401  (every table)

    Base.metadata.create_all(database.engine)
    with database.transaction() as s:
        save_borrower(s, BORROWER)
        save_bank(s, BANK)
    yield database
    database.dispose()


def _analysed(db: Database, amount: str = "5000万", product: str = "working_capital_loan") -> int:
    with db.transaction() as s:
        deal = {"beneficiary": "算力平台建设单位"} if product.endswith("_guarantee") else {}
        terms = workflow.Terms(B001, product, parse_amount(amount), 24, inputs={"deal": deal})
        p = workflow.create(s, ALICE, terms)
        workflow.analyse_with_engines(s, p.id, ALICE, replace(UNRATED, **deal))
        return p.id


def _submitted(db: Database, amount: str = "5000万", product: str = "working_capital_loan") -> int:
    pid = _analysed(db, amount, product)
    with db.transaction() as s:
        workflow.submit(s, pid, ALICE)
    return pid


def test_happy_path_records_every_step_with_its_snapshot(db: Database) -> None:
    pid = _submitted(db)
    with db.transaction() as s:
        p = workflow.decide(s, pid, BOB, "approve", "ok")
        assert p.state == "approved"
        assert [d.action for d in p.decisions] == ["analyse", "submit", "approve"]
        approval = p.decisions[-1]
        assert approval.snapshot_hash == audit.digest(approval.snapshot_json)
        assert '"limit":"50000000"' in approval.snapshot_json
        assert p.facility is not None and p.facility.reference == f"P-{pid}" and p.facility.status == "approved"
    with db.transaction() as s:
        assert audit.verify(s).ok
        actions = [e.action for e in reversed(audit.recent(s))]
    assert actions == [
        "proposal.create",
        "proposal.analyse",
        "proposal.submit",
        "proposal.approve",
        "rating.create",
        "facility.create",
    ]


def test_states_cannot_be_skipped(db: Database) -> None:
    with db.transaction() as s:
        pid = workflow.create(s, ALICE, workflow.Terms(B001, "fixed_asset_project_loan", Decimal("2.8e8"), 96)).id
    with pytest.raises(WorkflowError), db.transaction() as s:
        workflow.decide(s, pid, BOB, "approve")
    with pytest.raises(WorkflowError), db.transaction() as s:
        workflow.submit(s, pid, ALICE)
    with db.transaction() as s:
        assert workflow.get(s, pid).state == "application"


def test_the_proposer_can_never_decide_even_with_the_right_role(db: Database) -> None:
    pid = _submitted(db)
    # Even if alice were given an approver role later, she proposed it.
    for action in ("approve", "reject", "return"):
        with pytest.raises(PermissionDeniedError, match="four eyes"), db.transaction() as s:
            workflow.decide(s, pid, Actor("alice", "approver"), action, "mine")


def test_whoever_analysed_cannot_decide(db: Database) -> None:
    with db.transaction() as s:
        pid = workflow.create(s, ALICE, workflow.Terms(B001, "credit_line", Decimal("1e8"), 24)).id
        workflow.analyse_with_engines(s, pid, CAROL, UNRATED)
        workflow.submit(s, pid, ALICE)
    with pytest.raises(PermissionDeniedError, match="worked on this"), db.transaction() as s:
        workflow.decide(s, pid, Actor("carol", "approver"), "approve")


def test_authority_by_amount_and_product(db: Database) -> None:
    big = _submitted(db, "10亿", "advance_payment_guarantee")
    with pytest.raises(PermissionDeniedError, match="authority"), db.transaction() as s:
        workflow.decide(s, big, BOB, "approve", policy=POLICY)
    with db.transaction() as s:
        assert workflow.approval_queue(s, BOB, POLICY) == []
        assert [p.id for p in workflow.approval_queue(s, RITA, POLICY)] == [big]
        assert workflow.decide(s, big, RITA, "approve", policy=POLICY).state == "approved"
    guarantee = _submitted(db, "4亿", "performance_guarantee")
    loan = _submitted(db, "4亿", "fixed_asset_project_loan")
    assert workflow.can(
        "proposal",
        "approve",
        BOB,
        proposer="alice",
        amount=Decimal("4e8"),
        product="performance_guarantee",
        policy=POLICY,
    )
    with pytest.raises(PermissionDeniedError, match="authority"), db.transaction() as s:
        workflow.decide(s, loan, BOB, "approve", policy=POLICY)
    with db.transaction() as s:
        assert workflow.decide(s, guarantee, BOB, "approve", policy=POLICY).state == "approved"


@pytest.mark.parametrize("actor", [ALICE, ADAM])
def test_roles_without_decision_rights_cannot_decide(db: Database, actor: Actor) -> None:
    pid = _submitted(db)
    with pytest.raises(PermissionDeniedError, match="may not"), db.transaction() as s:
        workflow.decide(s, pid, Actor(actor.username + "2", actor.role), "approve")


def test_only_analysts_open_applications(db: Database) -> None:
    for actor in (BOB, RITA, ADAM):
        with pytest.raises(PermissionDeniedError), db.transaction() as s:
            workflow.create(s, actor, workflow.Terms(B001, "credit_line", Decimal(1), 12))
    with db.transaction() as s:
        assert workflow.list_proposals(s)[1] == 0


def test_reject_and_return_need_a_comment_and_return_goes_back_to_analysis(db: Database) -> None:
    pid = _submitted(db)
    with pytest.raises(InputError, match="comment"), db.transaction() as s:
        workflow.decide(s, pid, BOB, "return", "  ")
    with db.transaction() as s:
        assert workflow.decide(s, pid, BOB, "return", "add collateral").state == "analysis"
        workflow.submit(s, pid, ALICE)
        assert workflow.decide(s, pid, BOB, "reject", "too risky").state == "rejected"
    with pytest.raises(WorkflowError), db.transaction() as s:
        workflow.decide(s, pid, RITA, "approve")


def test_bad_terms_are_refused(db: Database) -> None:
    for terms, field in [
        (workflow.Terms(B001, "credit_line", Decimal(0), 12), "amount"),
        (workflow.Terms(B001, "credit_line", Decimal(1), 0), "tenor_months"),
        (workflow.Terms(B001, "credit_line", Decimal(1), 12, currency="cny"), "currency"),
        (workflow.Terms("91640100MA7X00002X", "credit_line", Decimal(1), 12), "borrower_ref"),
    ]:
        with pytest.raises(InputError) as info, db.transaction() as s:
            workflow.create(s, ALICE, terms)
        assert info.value.problems[0].field == field


@given(
    path=st.lists(st.sampled_from(list(Action)), max_size=6),
    role=st.sampled_from(workflow.ROLES),
)
def test_no_sequence_of_actions_reaches_approval_without_passing_through_each_state(path, role) -> None:
    """Whatever anyone tries, the only way to 'approved' is application → analysis → proposal → approved."""
    state = State.APPLICATION
    seen = [state]
    for action in path:
        try:
            state = workflow.check(
                state,
                action,
                Actor("x", role),
                proposer="alice",
                amount=Decimal(1),
                product="credit_line",
                policy=POLICY,
            )
        except (PermissionDeniedError, WorkflowError):
            continue
        seen.append(state)
    if State.APPROVED in seen:
        first = seen.index(State.APPROVED)
        assert seen[first - 1] is State.PROPOSAL
        assert State.ANALYSIS in seen[:first]
