"""Every domain object survives a round trip through its table, exactly (Decimal), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from computecredit.domain import (
    Bank,
    Borrower,
    Exposure,
    Facility,
    FinancialStatement,
    Override,
    Project,
    RatingRecord,
    User,
)
from computecredit.errors import NotFoundError
from computecredit.store import bank as bank_store
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import projects as project_store
from computecredit.store import ratings as rating_store
from computecredit.store import users as user_store
from computecredit.store.database import Database

USCC = "91640100MA7X00001X"


def borrower() -> Borrower:
    return Borrower(
        uscc=USCC,
        name_zh="宁夏云岭算力科技有限公司",
        name_en="Ningxia Yunling Compute Technology Co., Ltd.",
        segment="datacenter_operator",
        province="ningxia",
        hub="ningxia",
        group_name="云岭控股集团",
        ownership="private",
        established=date(2019, 5, 20),
        employees=210,
        revenue=Decimal("186500000.55"),
        total_assets=Decimal("1234567890.1234"),
        credentials={
            "high_tech_enterprise": True,
            "specialised_level": "provincial",
            "patents": 12,
            "invention_patents": 4,
            "rd_spend": Decimal("8800000"),
            "rd_staff": 35,
        },
    )


def statement() -> FinancialStatement:
    return FinancialStatement(
        borrower_uscc=USCC,
        fiscal_year=2024,
        unit="万元",
        audited=True,
        auditor="示例会计师事务所",
        values={
            "cash": "1234.5678",
            "fixed_assets": 98765,
            "short_term_borrowings": 40000,
            "paid_in_capital": 50000,
            "retained_earnings": "10000.5678",
            "operating_revenue": 18650,
            "operating_costs": 15000,
            "income_tax_expense": 500,
        },
    )


def facility() -> Facility:
    return Facility(
        reference="PL-2025-NX-001",
        borrower_uscc=USCC,
        product="fixed_asset_project_loan",
        amount="2.8亿",
        tenor_months=96,
        start_date=date(2025, 3, 1),
        rate={"base": "lpr_5y", "spread_bp": "12.5"},
        repayment="scheduled",
        green=True,
        green_category="data_centre_energy_efficiency",
        collateral=[
            {
                "type": "gpu_servers",
                "description": "256 台 8卡 AI 服务器",
                "value": "3.2亿",
                "details": {"gpu_model": "H20", "servers": 256},
            }
        ],
        guarantors=[{"name": "云岭控股集团有限公司", "kind": "corporate"}],
        covenants=[{"metric": "dscr", "operator": ">=", "threshold": "1.2"}],
    )


def test_round_trip_of_every_object(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()
    with db.transaction() as session:
        borrower_store.save_borrower(session, borrower())
        borrower_store.save_statement(session, statement())
        facility_store.save_facility(session, facility())
        facility_store.save_exposure(
            session,
            Exposure(
                facility_reference="PL-2025-NX-001", as_of=date(2025, 12, 31), drawn="1.5亿", undrawn="1.3亿"
            ),
        )
        project_store.save_project(
            session,
            Project(
                code="ningxia_phase1",
                name="宁夏智算中心一期",
                borrower_uscc=USCC,
                hub="ningxia",
                inputs={"gpus": 2048, "pue": "1.18"},
            ),
        )
        rating_store.add_rating(
            session,
            RatingRecord(
                borrower_uscc=USCC,
                model_id="expert_compute",
                model_version="1.0",
                inputs={"x": 1},
                factor_contributions={"x": -0.25},
                grade="BB",
                pd=Decimal("0.0123456789"),
                rated_by="analyst",
                override=Override(grade="BB+", reason="Signed offtake with a state cloud", user="approver"),
            ),
        )
        bank_store.save_bank(
            session,
            Bank(
                name_zh="示例银行",
                name_en="Example Bank",
                net_capital=Decimal("7.2e9"),
                tier1_net_capital=Decimal("6.1e9"),
                loan_book=Decimal("6.8e10"),
                hurdle_rate=Decimal("0.12"),
            ),
        )
        user_store.add_user(
            session, User(username="analyst", display_name="分析师", role="analyst"), "s3cret-pass"
        )

    with db.transaction() as session:
        assert borrower_store.get_borrower(session, USCC) == borrower()
        assert borrower_store.list_statements(session, USCC) == [statement()]
        assert facility_store.list_facilities(session) == [facility()]
        exposure = facility_store.list_exposures(session)[0]
        assert exposure.drawn == Decimal("150000000")
        assert project_store.get_project(session, "ningxia_phase1").inputs == {"gpus": 2048, "pue": "1.18"}
        rating = rating_store.list_ratings(session, USCC)[0]
        assert (rating.pd, rating.final_grade) == (Decimal("0.0123456789"), "BB+")
        assert bank_store.get_bank(session).hurdle_rate == Decimal("0.12")
        assert user_store.authenticate(session, "analyst", "s3cret-pass") is not None
        assert user_store.authenticate(session, "analyst", "wrong-pass") is None
    db.dispose()


def test_saving_again_updates_instead_of_duplicating(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()
    with db.transaction() as session:
        _, created = borrower_store.save_borrower(session, borrower())
        assert created
        _, created = borrower_store.save_borrower(session, borrower().model_copy(update={"employees": 250}))
        assert not created
        borrower_store.save_statement(session, statement())
        _, created = borrower_store.save_statement(session, statement())
        assert not created
    with db.transaction() as session:
        assert [b.employees for b in borrower_store.list_borrowers(session)] == [250]
        assert len(borrower_store.list_statements(session)) == 1
    db.dispose()


def test_missing_owner_is_not_found(database_url: str) -> None:
    db = Database(database_url)
    db.upgrade()
    with pytest.raises(NotFoundError), db.transaction() as session:
        borrower_store.save_statement(session, statement())
    db.dispose()
