"""Tables ``borrowers``, ``financial_statements`` and ``statement_lines``, and their repository functions.

Statements are stored long: one ``statement_lines`` row per reported line item (code from
:data:`computecredit.domain.statements.LINE_ITEMS`), in the statement's own unit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, QueryableAttribute, Session, mapped_column, relationship

from computecredit.domain.borrowers import Borrower, TechCredentials, normal_ticker
from computecredit.domain.branches import HEAD_OFFICE, WHOLE_BANK, Scope
from computecredit.domain.statements import FinancialStatement
from computecredit.errors import NotFoundError
from computecredit.store import versions
from computecredit.store.base import Base, Money, TimestampMixin
from computecredit.store.branches import branch_column, in_scope


class BorrowerRow(TimestampMixin, Base):
    __tablename__ = "borrowers"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    segment: Mapped[str] = mapped_column(sa.String(32), index=True)
    province: Mapped[str] = mapped_column(sa.String(32))
    hub: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    group_name: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    ownership: Mapped[str] = mapped_column(sa.String(16))
    ticker: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    established: Mapped[date | None] = mapped_column(sa.Date)
    employees: Mapped[int | None] = mapped_column(sa.Integer)
    revenue: Mapped[Decimal] = mapped_column(Money)
    total_assets: Mapped[Decimal] = mapped_column(Money)
    sme_industry_override: Mapped[str | None] = mapped_column(sa.String(32))
    size_class: Mapped[str] = mapped_column(sa.String(16))  # derived, kept for queries
    high_tech_enterprise: Mapped[bool] = mapped_column(sa.Boolean)
    specialised_level: Mapped[str] = mapped_column(sa.String(32))
    invention_patents: Mapped[int] = mapped_column(sa.Integer)
    patents: Mapped[int] = mapped_column(sa.Integer)
    rd_spend: Mapped[Decimal] = mapped_column(Money)
    rd_staff: Mapped[int] = mapped_column(sa.Integer)
    branch_code: Mapped[str] = branch_column()  # the branch that books the borrower (管户机构)

    statements: Mapped[list[StatementRow]] = relationship(
        back_populates="borrower", cascade="all, delete-orphan", order_by="StatementRow.fiscal_year"
    )


class StatementRow(TimestampMixin, Base):
    __tablename__ = "financial_statements"
    __table_args__ = (
        sa.UniqueConstraint("borrower_id", "fiscal_year", "consolidated", name="uq_financial_statements_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(sa.Integer)
    period_end: Mapped[date] = mapped_column(sa.Date)
    period_months: Mapped[int] = mapped_column(sa.Integer)
    consolidated: Mapped[bool] = mapped_column(sa.Boolean)
    audited: Mapped[bool] = mapped_column(sa.Boolean)
    auditor: Mapped[str | None] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(8))
    currency: Mapped[str] = mapped_column(sa.String(3))

    borrower: Mapped[BorrowerRow] = relationship(back_populates="statements")
    lines: Mapped[list[StatementLineRow]] = relationship(cascade="all, delete-orphan")


class StatementLineRow(Base):
    __tablename__ = "statement_lines"

    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("financial_statements.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Money)


# --- repository ------------------------------------------------------------------------------------


def _borrower_fields(borrower: Borrower) -> dict[str, object]:
    tech = borrower.credentials
    return {
        "uscc": borrower.uscc,
        "name_zh": borrower.name_zh,
        "name_en": borrower.name_en,
        "segment": borrower.segment.value,
        "province": borrower.province.value,
        "hub": borrower.hub.value if borrower.hub else None,
        "group_name": borrower.group_name,
        "ownership": borrower.ownership.value,
        "ticker": borrower.ticker,
        "established": borrower.established,
        "employees": borrower.employees,
        "revenue": borrower.revenue,
        "total_assets": borrower.total_assets,
        "sme_industry_override": borrower.sme_industry_override.value if borrower.sme_industry_override else None,
        "size_class": borrower.size_class.value,
        "high_tech_enterprise": tech.high_tech_enterprise,
        "specialised_level": tech.specialised_level.value,
        "invention_patents": tech.invention_patents,
        "patents": tech.patents,
        "rd_spend": tech.rd_spend,
        "rd_staff": tech.rd_staff,
    }


def to_borrower(row: BorrowerRow) -> Borrower:
    """The domain borrower stored in ``row``."""
    return Borrower(
        uscc=row.uscc,
        name_zh=row.name_zh,
        name_en=row.name_en,
        segment=row.segment,
        province=row.province,
        hub=row.hub,
        group_name=row.group_name,
        ownership=row.ownership,
        ticker=row.ticker,
        established=row.established,
        employees=row.employees,
        revenue=row.revenue,
        total_assets=row.total_assets,
        sme_industry_override=row.sme_industry_override,
        credentials=TechCredentials(
            high_tech_enterprise=row.high_tech_enterprise,
            specialised_level=row.specialised_level,
            invention_patents=row.invention_patents,
            patents=row.patents,
            rd_spend=row.rd_spend,
            rd_staff=row.rd_staff,
        ),
    )


def find_borrower_row(session: Session, uscc: str, scope: Scope = WHOLE_BANK) -> BorrowerRow | None:
    """The borrower with ``uscc`` if it lies in ``scope``: one outside is not found, as if it did not exist."""
    query = sa.select(BorrowerRow).where(BorrowerRow.uscc == uscc, in_scope(BorrowerRow.branch_code, scope))
    return session.scalars(query).one_or_none()


def borrower_row(session: Session, uscc: str, scope: Scope = WHOLE_BANK) -> BorrowerRow:
    """The stored row of the borrower with ``uscc`` in ``scope``; :class:`NotFoundError` if there is none."""
    row = find_borrower_row(session, uscc, scope)
    if row is None:
        raise NotFoundError(f"no borrower with 统一社会信用代码 {uscc}")
    return row


def save_borrower(
    session: Session, borrower: Borrower, branch_code: str | None = None
) -> tuple[BorrowerRow, bool]:
    """Insert ``borrower`` or update the one with the same USCC; returns the row and whether it is new.

    ``branch_code`` books it at that branch; without it a new borrower goes to the head office and a stored
    one stays where it is.
    """
    row = find_borrower_row(session, borrower.uscc)
    fields = _borrower_fields(borrower)
    created = row is None
    if row is None:
        row = BorrowerRow(**fields, branch_code=branch_code or HEAD_OFFICE)
        session.add(row)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        row.branch_code = branch_code or row.branch_code
    session.flush()
    return row, created


def borrower_branches(session: Session, usccs: list[str] | set[str] | None = None) -> dict[str, str]:
    """The branch code of each borrower (of these USCCs, or all), by USCC."""
    query = sa.select(BorrowerRow.uscc, BorrowerRow.branch_code)
    if usccs is not None:
        query = query.where(BorrowerRow.uscc.in_(list(usccs)))
    return {uscc: code for uscc, code in session.execute(query)}


def of_borrowers_in(
    column: QueryableAttribute[Any], scope: Scope, key: QueryableAttribute[Any] = BorrowerRow.id
) -> sa.ColumnElement[bool]:
    """The condition keeping rows whose ``column`` names (by ``key``: id, or USCC) a borrower booked in
    ``scope``: how facilities, proposals, projects and alerts belong to their borrower's branch."""
    if scope.whole_bank:
        return sa.true()
    return column.in_(sa.select(key).where(in_scope(BorrowerRow.branch_code, scope)))


def usccs_in_scope(session: Session, scope: Scope) -> set[str]:
    """The USCCs of the borrowers booked in ``scope``."""
    return set(session.scalars(sa.select(BorrowerRow.uscc).where(in_scope(BorrowerRow.branch_code, scope))))


def search_condition(text: str) -> sa.ColumnElement[bool]:
    """Rows whose Chinese or English name, USCC or stock code contains ``text`` (any case), or whose stock
    code is ``text`` written another way (``sh688256``, ``688256``)."""
    pattern = f"%{text.strip()}%"
    return sa.or_(
        BorrowerRow.name_zh.ilike(pattern),
        BorrowerRow.name_en.ilike(pattern),
        BorrowerRow.uscc.ilike(pattern),
        BorrowerRow.ticker.ilike(pattern),
        BorrowerRow.ticker == normal_ticker(text),
    )


def search_borrowers(
    session: Session,
    text: str | None = None,
    segment: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    scope: Scope = WHOLE_BANK,
) -> tuple[list[Borrower], int]:
    """Borrowers in ``scope`` matching ``text`` (see :func:`search_condition`) and ``segment``, by English
    name, with the total number that match."""
    query = sa.select(BorrowerRow).where(in_scope(BorrowerRow.branch_code, scope))
    if text and text.strip():
        query = query.where(search_condition(text))
    if segment is not None:
        query = query.where(BorrowerRow.segment == segment)
    total = int(session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())
    rows = session.scalars(query.order_by(BorrowerRow.name_en, BorrowerRow.uscc).offset(offset).limit(limit))
    return [to_borrower(row) for row in rows], total


def resolve_uscc(session: Session, identifier: str) -> str:
    """The USCC of the borrower named by its USCC or its stock code (``688256.SH``, ``688256``);
    :class:`NotFoundError` if none."""
    text = identifier.strip().upper()
    if find_borrower_row(session, text) is not None:
        return text
    uscc = session.scalars(sa.select(BorrowerRow.uscc).where(BorrowerRow.ticker == normal_ticker(text))).first()
    if uscc is None:
        raise NotFoundError(f"no borrower with 统一社会信用代码 or stock code {identifier}")
    return uscc


def get_borrower(session: Session, uscc: str, scope: Scope = WHOLE_BANK) -> Borrower:
    """The borrower with ``uscc`` in ``scope``; :class:`NotFoundError` if there is none."""
    return to_borrower(borrower_row(session, uscc, scope))


def list_borrowers(session: Session, scope: Scope = WHOLE_BANK) -> list[Borrower]:
    """All borrowers (in ``scope``), ordered by USCC."""
    query = sa.select(BorrowerRow).where(in_scope(BorrowerRow.branch_code, scope)).order_by(BorrowerRow.uscc)
    return [to_borrower(row) for row in session.scalars(query)]


def to_statement(row: StatementRow, uscc: str, values: dict[str, Decimal]) -> FinancialStatement:
    """The statement of ``row`` with its line ``values`` (read by :func:`list_statements`)."""
    return FinancialStatement(
        borrower_uscc=uscc,
        fiscal_year=row.fiscal_year,
        period_end=row.period_end,
        period_months=row.period_months,
        consolidated=row.consolidated,
        audited=row.audited,
        auditor=row.auditor,
        unit=row.unit,
        currency=row.currency,
        values=values,
    )


def save_statement(
    session: Session, statement: FinancialStatement, scope: Scope = WHOLE_BANK
) -> tuple[StatementRow, bool]:
    """Insert or replace the statement of (borrower, fiscal year, consolidated); the borrower must exist
    (in ``scope``)."""
    owner = borrower_row(session, statement.borrower_uscc, scope)
    row = session.scalars(
        sa.select(StatementRow).where(
            StatementRow.borrower_id == owner.id,
            StatementRow.fiscal_year == statement.fiscal_year,
            StatementRow.consolidated == statement.consolidated,
        )
    ).one_or_none()
    created = row is None
    if row is None:
        row = StatementRow(
            borrower_id=owner.id, fiscal_year=statement.fiscal_year, consolidated=statement.consolidated
        )
        session.add(row)
    assert statement.period_end is not None  # filled in by the model
    row.period_end = statement.period_end
    row.period_months = statement.period_months
    row.audited = statement.audited
    row.auditor = statement.auditor
    row.unit = statement.unit
    row.currency = statement.currency
    session.flush()
    # Lines are written in one executemany: thousands of them in a book import.
    session.execute(sa.delete(StatementLineRow).where(StatementLineRow.statement_id == row.id))
    session.execute(
        sa.insert(StatementLineRow),
        [{"statement_id": row.id, "code": code, "value": value} for code, value in statement.values.items()],
    )
    session.expire(row, ["lines"])
    return row, created


def list_statements(session: Session, uscc: str | None = None) -> list[FinancialStatement]:
    """Statements of one borrower (or all), ordered by borrower and fiscal year."""
    if uscc is None:
        return _read_statements(session, None)
    # Kept while no statement changes (store/versions.py): every rating, preview and borrower page reads them.
    return list(versions.kept(session, versions.STATEMENTS, uscc, lambda: tuple(_read_statements(session, uscc))))


def _read_statements(session: Session, uscc: str | None) -> list[FinancialStatement]:
    query = sa.select(StatementRow, BorrowerRow.uscc).join(BorrowerRow)
    if uscc is not None:
        query = query.where(BorrowerRow.uscc == uscc)
    query = query.order_by(BorrowerRow.uscc, StatementRow.fiscal_year, StatementRow.consolidated.desc())
    found = session.execute(query).all()
    # Lines are read as plain tuples: a statement has about eighty, and building an ORM object for each
    # was most of the time spent reading a borrower's statements (and so of rating one).
    values: dict[int, dict[str, Decimal]] = {row.id: {} for row, _ in found}
    lines = sa.select(StatementLineRow.statement_id, StatementLineRow.code, StatementLineRow.value)
    if uscc is not None:
        lines = lines.where(StatementLineRow.statement_id.in_(list(values)))
    for statement_id, code, value in session.execute(lines.order_by(StatementLineRow.code)):
        if statement_id in values:
            values[statement_id][code] = value
    return [to_statement(row, code, values[row.id]) for row, code in found]


__all__ = [
    "BorrowerRow",
    "StatementLineRow",
    "StatementRow",
    "borrower_branches",
    "borrower_row",
    "find_borrower_row",
    "get_borrower",
    "list_borrowers",
    "list_statements",
    "of_borrowers_in",
    "resolve_uscc",
    "save_borrower",
    "save_statement",
    "search_borrowers",
    "search_condition",
    "to_borrower",
    "to_statement",
    "usccs_in_scope",
]
