"""core domain tables: borrowers, statements, facilities, projects, exposures, ratings, bank, users

Revision ID: 0001_core
Revises: (none)
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import computecredit.store.base
import computecredit.store.columns

revision: str = "0001_core"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "banks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("net_capital", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("tier1_net_capital", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("loan_book", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("hurdle_rate", computecredit.store.columns.Ratio(precision=20, scale=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_banks")),
    )
    op.create_table(
        "borrowers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("province", sa.String(length=32), nullable=False),
        sa.Column("hub", sa.String(length=32), nullable=True),
        sa.Column("group_name", sa.String(length=200), nullable=True),
        sa.Column("ownership", sa.String(length=16), nullable=False),
        sa.Column("ticker", sa.String(length=16), nullable=True),
        sa.Column("established", sa.Date(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("revenue", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("total_assets", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("sme_industry_override", sa.String(length=32), nullable=True),
        sa.Column("size_class", sa.String(length=16), nullable=False),
        sa.Column("high_tech_enterprise", sa.Boolean(), nullable=False),
        sa.Column("specialised_level", sa.String(length=32), nullable=False),
        sa.Column("invention_patents", sa.Integer(), nullable=False),
        sa.Column("patents", sa.Integer(), nullable=False),
        sa.Column("rd_spend", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("rd_staff", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_borrowers")),
        sa.UniqueConstraint("uscc", name=op.f("uq_borrowers_uscc")),
    )
    op.create_index(op.f("ix_borrowers_group_name"), "borrowers", ["group_name"], unique=False)
    op.create_index(op.f("ix_borrowers_hub"), "borrowers", ["hub"], unique=False)
    op.create_index(op.f("ix_borrowers_segment"), "borrowers", ["segment"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("borrower_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=40), nullable=False),
        sa.Column("amount", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tenor_months", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("rate_base", sa.String(length=16), nullable=False),
        sa.Column("spread_bp", computecredit.store.columns.Ratio(precision=20, scale=10), nullable=False),
        sa.Column("repayment", sa.String(length=24), nullable=False),
        sa.Column("green", sa.Boolean(), nullable=False),
        sa.Column("green_category", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("beneficiary", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("guarantors", sa.JSON(), nullable=False),
        sa.Column("covenants", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["borrowers.id"],
            name=op.f("fk_facilities_borrower_id_borrowers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["facilities.id"], name=op.f("fk_facilities_parent_id_facilities"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("reference", name=op.f("uq_facilities_reference")),
    )
    op.create_index(op.f("ix_facilities_borrower_id"), "facilities", ["borrower_id"], unique=False)
    op.create_index(op.f("ix_facilities_parent_id"), "facilities", ["parent_id"], unique=False)
    op.create_index(op.f("ix_facilities_product"), "facilities", ["product"], unique=False)

    op.create_table(
        "financial_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borrower_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("consolidated", sa.Boolean(), nullable=False),
        sa.Column("audited", sa.Boolean(), nullable=False),
        sa.Column("auditor", sa.String(length=200), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["borrowers.id"],
            name=op.f("fk_financial_statements_borrower_id_borrowers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_statements")),
        sa.UniqueConstraint("borrower_id", "fiscal_year", "consolidated", name="uq_financial_statements_year"),
    )
    op.create_index(
        op.f("ix_financial_statements_borrower_id"), "financial_statements", ["borrower_id"], unique=False
    )

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("borrower_id", sa.Integer(), nullable=False),
        sa.Column("hub", sa.String(length=32), nullable=True),
        sa.Column("province", sa.String(length=32), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrowers.id"], name=op.f("fk_projects_borrower_id_borrowers"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    op.create_index(op.f("ix_projects_borrower_id"), "projects", ["borrower_id"], unique=False)

    op.create_table(
        "rating_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("borrower_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("factor_contributions", sa.JSON(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("pd", computecredit.store.columns.Ratio(precision=20, scale=10), nullable=False),
        sa.Column("rated_by", sa.String(length=32), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("override_grade", sa.String(length=16), nullable=True),
        sa.Column("override_pd", computecredit.store.columns.Ratio(precision=20, scale=10), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_user", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["borrower_id"],
            ["borrowers.id"],
            name=op.f("fk_rating_records_borrower_id_borrowers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_records")),
    )
    op.create_index(op.f("ix_rating_records_borrower_id"), "rating_records", ["borrower_id"], unique=False)

    op.create_table(
        "collateral_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("value", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("valuation_date", sa.Date(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_collateral_items_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collateral_items")),
    )
    op.create_index(op.f("ix_collateral_items_facility_id"), "collateral_items", ["facility_id"], unique=False)
    op.create_index(op.f("ix_collateral_items_type"), "collateral_items", ["type"], unique=False)

    op.create_table(
        "exposures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("drawn", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("undrawn", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.Column("classification", sa.String(length=24), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("ecl_stage", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_exposures_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposures")),
        sa.UniqueConstraint("facility_id", "as_of", name="uq_exposures_facility_date"),
    )
    op.create_index(op.f("ix_exposures_as_of"), "exposures", ["as_of"], unique=False)
    op.create_index(op.f("ix_exposures_facility_id"), "exposures", ["facility_id"], unique=False)

    op.create_table(
        "statement_lines",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("value", computecredit.store.base.Money(precision=24, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["financial_statements.id"],
            name=op.f("fk_statement_lines_statement_id_financial_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("statement_id", "code", name=op.f("pk_statement_lines")),
    )


def downgrade() -> None:
    op.drop_table("statement_lines")
    op.drop_index(op.f("ix_exposures_facility_id"), table_name="exposures")
    op.drop_index(op.f("ix_exposures_as_of"), table_name="exposures")

    op.drop_table("exposures")
    op.drop_index(op.f("ix_collateral_items_type"), table_name="collateral_items")
    op.drop_index(op.f("ix_collateral_items_facility_id"), table_name="collateral_items")

    op.drop_table("collateral_items")
    op.drop_index(op.f("ix_rating_records_borrower_id"), table_name="rating_records")

    op.drop_table("rating_records")
    op.drop_index(op.f("ix_projects_borrower_id"), table_name="projects")

    op.drop_table("projects")
    op.drop_index(op.f("ix_financial_statements_borrower_id"), table_name="financial_statements")

    op.drop_table("financial_statements")
    op.drop_index(op.f("ix_facilities_product"), table_name="facilities")
    op.drop_index(op.f("ix_facilities_parent_id"), table_name="facilities")
    op.drop_index(op.f("ix_facilities_borrower_id"), table_name="facilities")

    op.drop_table("facilities")
    op.drop_table("users")
    op.drop_index(op.f("ix_borrowers_segment"), table_name="borrowers")
    op.drop_index(op.f("ix_borrowers_hub"), table_name="borrowers")
    op.drop_index(op.f("ix_borrowers_group_name"), table_name="borrowers")

    op.drop_table("borrowers")
    op.drop_table("banks")
