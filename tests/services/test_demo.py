"""The demo bank: a plausible regional bank and book, with every deal type of REFERENCE.md §1, sized as there."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from computecredit.domain import ChainSegment, Hub, Ownership, ProductType
from computecredit.errors import InputError, WorkflowError
from computecredit.services import demo
from computecredit.store import bank as bank_store
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import users as user_store
from computecredit.store.database import Database

YI = Decimal(100_000_000)
WAN = Decimal(10_000)


def test_the_bank_is_a_regional_bank_under_1000_yi(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        bank = bank_store.get_bank(session)
    assert bank.loan_book < 1000 * YI
    assert Decimal("0.10") < bank.net_capital / (bank.loan_book * Decimal("0.95")) < Decimal("0.16")  # CAR-like
    assert bank.tier1_net_capital < bank.net_capital


def test_the_book_covers_every_segment_and_hub(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        borrowers = borrower_store.list_borrowers(session)
        statements = borrower_store.list_statements(session)
    assert 30 <= len(borrowers) <= 50
    assert {b.segment for b in borrowers} == set(ChainSegment)
    assert {b.hub for b in borrowers if b.hub} == set(Hub)
    years: dict[str, list[int]] = {}
    for s in statements:
        years.setdefault(s.borrower_uscc, []).append(s.fiscal_year)
        assert abs(s.values["total_assets"] - s.values["total_liabilities_and_equity"]) == 0
    assert all(sorted(y) == [2022, 2023, 2024] for y in years.values()) and len(years) == len(borrowers)


def test_every_deal_of_the_news_is_there_sized_as_reported(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        facilities = {f.reference: f for f in facility_store.list_facilities(session)}
        borrowers = {b.uscc: b for b in borrower_store.list_borrowers(session)}
        exposures = facility_store.list_exposures(session)
    assert {f.product for f in facilities.values()} == set(ProductType)
    line, first_loan = facilities["CL-2025-001"], facilities["WC-2025-001"]
    assert (line.amount, line.tenor_months, line.product) == (5 * YI, 24, ProductType.CREDIT_LINE)
    assert borrowers[line.borrower_uscc].segment is ChainSegment.SERVERS_HARDWARE
    assert (first_loan.amount, first_loan.parent_reference) == (5000 * WAN, "CL-2025-001")
    project = facilities["PL-2025-NX-001"]
    assert project.amount == Decimal("2.8") * YI and borrowers[project.borrower_uscc].hub is Hub.NINGXIA
    buyback = facilities["SB-2025-001"]
    assert Decimal("1.5") * YI <= buyback.amount <= 2 * YI
    assert borrowers[buyback.borrower_uscc].ownership is Ownership.LISTED
    assert borrowers[buyback.borrower_uscc].segment is ChainSegment.CHIP_DESIGN
    assert buyback.rate.annual_rate(Decimal("0.03")) <= Decimal("0.0225") and buyback.tenor_months <= 36
    guarantee = facilities["APG-2025-001"]
    assert guarantee.product is ProductType.ADVANCE_PAYMENT_GUARANTEE and guarantee.amount > 10 * YI
    innovation = facilities["WC-2025-002"]
    assert innovation.amount == YI and borrowers[innovation.borrower_uscc].ownership is Ownership.LISTED
    sme = borrowers[facilities["WC-2025-SME-001"].borrower_uscc]
    assert sme.is_sme and sme.revenue < 5000 * WAN
    assert {e.facility_reference for e in exposures} == set(facilities)


def test_loans_respect_the_single_customer_limit(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        bank = bank_store.get_bank(session)
        exposures = facility_store.list_exposures(session)
        facilities = {f.reference: f for f in facility_store.list_facilities(session)}
    loans: dict[str, Decimal] = {}
    for e in exposures:
        facility = facilities[e.facility_reference]
        if not facility.is_guarantee:
            loans[facility.borrower_uscc] = loans.get(facility.borrower_uscc, Decimal(0)) + e.drawn
    assert max(loans.values()) <= bank.single_customer_loan_limit


def test_demo_users_log_in_with_the_password(demo_db: Database) -> None:
    with demo_db.transaction() as session:
        users = user_store.list_users(session)
        assert {u.role.value for u in users} == {"analyst", "approver", "risk_manager", "admin"}
        assert user_store.authenticate(session, "analyst", "demo-password") is not None


def test_loading_twice_is_refused_and_changes_nothing(demo_db: Database) -> None:
    assert not demo.is_empty(demo_db)
    with pytest.raises(WorkflowError, match="already holds data"):
        demo.load_demo_bank(demo_db)


def test_random_passwords_are_returned_once(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert demo.is_empty(db)
    result = demo.load_demo_bank(db)
    passwords = {u["username"]: u["password"] for u in result["users"]}
    assert len(set(passwords.values())) == len(passwords) == 6 and all(len(p) >= 12 for p in passwords.values())
    with db.transaction() as session:
        assert user_store.authenticate(session, "risk", passwords["risk"]) is not None
    assert result["borrowers"] == 40 and result["statements"] == 120
    db.dispose()


def test_a_short_password_is_bad_input(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(InputError, match="at least 8"):
        demo.load_demo_bank(db, password="short")
    assert demo.is_empty(db)


def test_project_documents_are_linked_to_their_borrower(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects = tmp_path / "projects"
    projects.mkdir()
    # the real document: a demo proposal is analysed against it
    (projects / "ningxia_phase1.yaml").write_bytes((demo.PROJECTS_DIR / "ningxia_phase1.yaml").read_bytes())
    (projects / "elsewhere.yaml").write_text(yaml.safe_dump({"name": "not in the book"}), encoding="utf-8")
    monkeypatch.setattr(demo, "PROJECTS_DIR", projects)
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    result = demo.load_demo_bank(db, password="demo-password")
    assert result["projects"] == ["ningxia_phase1"] and result["projects_skipped"] == ["elsewhere.yaml"]
    from computecredit.store.projects import get_project

    with db.transaction() as session:
        project = get_project(session, "ningxia_phase1")
        owner = borrower_store.get_borrower(session, project.borrower_uscc)
    assert owner.hub is Hub.NINGXIA and project.inputs["site"]["hub"] == "ningxia"
    db.dispose()


def test_the_committed_files_are_what_the_seeded_script_writes(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_demo_bank.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("bank.yaml", "borrowers.csv", "statements.csv", "facilities.yaml", "exposures.csv"):
        assert (tmp_path / name).read_bytes() == (demo.DEMO_DIR / name).read_bytes(), name


def test_the_example_projects_are_stored_with_their_borrower(demo_db: Database) -> None:
    from computecredit.store.projects import list_projects

    with demo_db.transaction() as session:
        projects = {p.code: p for p in list_projects(session)}
        owner = borrower_store.get_borrower(session, projects["ningxia_phase1"].borrower_uscc)
    # every example project is stored; the monitoring history adds the projects it reports on
    assert {path.stem for path in demo.PROJECTS_DIR.glob("*.yaml")} <= set(projects)
    assert owner.hub is Hub.NINGXIA and owner.segment is ChainSegment.DATACENTER_OPERATOR
    assert projects["ningxia_phase1"].inputs  # the document as written, for the project engine


def test_the_demo_bank_opens_with_a_proposal_in_every_state(demo_db: Database) -> None:
    from computecredit.services import workflow

    with demo_db.transaction() as session:
        proposals, _ = workflow.list_proposals(session, limit=100)
        states = {p.state for p in proposals}
        approved = next(p for p in proposals if p.state == "approved")
        assert approved.facility is not None and approved.facility.status == "approved"
        returned = [p for p in proposals if any(d.action == "return" for d in p.decisions)]
    assert states == {"application", "analysis", "proposal", "approved", "rejected"} and returned


def test_the_demo_bank_has_branches_and_each_user_sees_the_proposals_they_act_on(demo_db: Database) -> None:
    from computecredit.services import branches as branch_service
    from computecredit.services import workflow
    from computecredit.store import branches as branch_store

    with demo_db.transaction() as session:
        branches = branch_store.list_branches(session)
        assert sum(b.level.value == "branch" for b in branches) >= 2
        place = {
            u.username: branch_service.user_standing(session, u.username) for u in user_store.list_users(session)
        }
        assert place["analyst"].branch.code != place["branch_analyst"].branch.code
        assert all(place[name].scope.whole_bank for name in ("approver", "risk", "admin"))
        everything, _ = workflow.list_proposals(session, limit=100)
        for proposal in everything:  # the proposer sees each of their proposals; the head office sees all
            assert workflow.list_proposals(session, limit=100, scope=place[proposal.proposer].scope)[0].count(
                proposal
            )
        others = workflow.list_proposals(session, limit=100, scope=place["branch_analyst"].scope)[0]
        assert {p.proposer for p in others} == {"branch_analyst"}
        for approver in ("approver", "branch_approver"):  # the proposal of the role task is in both queues
            actor = workflow.Actor(approver, "approver", place[approver].branch.level.value, place[approver].scope)
            assert [p.state for p in workflow.approval_queue(session, actor)] == ["proposal"]
