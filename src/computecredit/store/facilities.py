"""Tables ``facilities``, ``collateral_items``, ``exposures`` and ``facility_transactions``, and their
repository functions.

Guarantors and covenants are stored as JSON documents (lists of the domain models, dumped as JSON);
collateral items get their own table so the book's collateral (e.g. all GPU servers) can be queried. The
analyst's overrides and the deal's sizing terms travel in ``terms`` (JSON). A drawdown (放款) or repayment
is a row of ``facility_transactions`` and moves the exposure: each gets a new exposure row on its value date.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, contains_eager, mapped_column, relationship, selectinload

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import CollateralItem, Facility, Rate
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, Money, TimestampMixin, utcnow
from computecredit.store.borrowers import BorrowerRow, borrower_row, of_borrowers_in
from computecredit.store.columns import Ratio


class FacilityRow(TimestampMixin, Base):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(64), unique=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="RESTRICT"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id", ondelete="RESTRICT"), index=True)
    product: Mapped[str] = mapped_column(sa.String(40), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    tenor_months: Mapped[int] = mapped_column(sa.Integer)
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    rate_base: Mapped[str] = mapped_column(sa.String(16))
    spread_bp: Mapped[Decimal] = mapped_column(Ratio)
    repayment: Mapped[str] = mapped_column(sa.String(24))
    green: Mapped[bool] = mapped_column(sa.Boolean)
    green_category: Mapped[str | None] = mapped_column(sa.String(64))
    purpose: Mapped[str] = mapped_column(sa.Text)
    beneficiary: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16))
    guarantors: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    covenants: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    project_code: Mapped[str | None] = mapped_column(sa.String(64))
    terms: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    borrower: Mapped[BorrowerRow] = relationship()
    parent: Mapped[FacilityRow | None] = relationship(remote_side=[id])
    collateral: Mapped[list[CollateralRow]] = relationship(
        cascade="all, delete-orphan", order_by="CollateralRow.position"
    )


class CollateralRow(Base):
    __tablename__ = "collateral_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    type: Mapped[str] = mapped_column(sa.String(32), index=True)
    description: Mapped[str] = mapped_column(sa.String(500))
    value: Mapped[Decimal] = mapped_column(Money)
    valuation_date: Mapped[date | None] = mapped_column(sa.Date)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class ExposureRow(Base):
    __tablename__ = "exposures"
    __table_args__ = (sa.UniqueConstraint("facility_id", "as_of", name="uq_exposures_facility_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(sa.Date, index=True)
    drawn: Mapped[Decimal] = mapped_column(Money)
    undrawn: Mapped[Decimal] = mapped_column(Money)
    classification: Mapped[str] = mapped_column(sa.String(24))
    days_past_due: Mapped[int] = mapped_column(sa.Integer)
    ecl_stage: Mapped[int] = mapped_column(sa.Integer)

    facility: Mapped[FacilityRow] = relationship()


class TransactionRow(Base):
    """A drawdown (放款) or repayment (还款) on a facility, as recorded."""

    __tablename__ = "facility_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    value_date: Mapped[date] = mapped_column(sa.Date)
    actor: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    facility: Mapped[FacilityRow] = relationship()


# --- repository ------------------------------------------------------------------------------------


def to_facility(row: FacilityRow) -> Facility:
    return Facility(
        reference=row.reference,
        borrower_uscc=row.borrower.uscc,
        product=row.product,
        amount=row.amount,
        currency=row.currency,
        tenor_months=row.tenor_months,
        start_date=row.start_date,
        rate=Rate(base=row.rate_base, spread_bp=row.spread_bp),
        repayment=row.repayment,
        green=row.green,
        green_category=row.green_category,
        purpose=row.purpose,
        parent_reference=row.parent.reference if row.parent else None,
        beneficiary=row.beneficiary,
        status=row.status,
        collateral=[
            CollateralItem(
                type=item.type,
                description=item.description,
                value=item.value,
                valuation_date=item.valuation_date,
                details=item.details,
            )
            for item in row.collateral
        ],
        guarantors=row.guarantors,
        covenants=row.covenants,
        project_code=row.project_code,
        overrides=(row.terms or {}).get("overrides", []),
        structuring=(row.terms or {}).get("structuring", {}),
    )


def find_facility_row(session: Session, reference: str, scope: Scope = WHOLE_BANK) -> FacilityRow | None:
    """The facility ``reference`` if its borrower lies in ``scope`` (a facility belongs to its borrower's
    branch)."""
    query = sa.select(FacilityRow).where(
        FacilityRow.reference == reference, of_borrowers_in(FacilityRow.borrower_id, scope)
    )
    return session.scalars(query).one_or_none()


def facility_row(session: Session, reference: str, scope: Scope = WHOLE_BANK) -> FacilityRow:
    """The facility ``reference`` in ``scope``; :class:`NotFoundError` if there is none."""
    row = find_facility_row(session, reference, scope)
    if row is None:
        raise NotFoundError(f"no facility with reference {reference}")
    return row


def save_facility(session: Session, facility: Facility) -> FacilityRow:
    """Insert ``facility`` (its borrower and parent must exist) or replace the one with the same reference."""
    owner = borrower_row(session, facility.borrower_uscc)
    parent = facility_row(session, facility.parent_reference) if facility.parent_reference else None
    row = find_facility_row(session, facility.reference)
    if row is None:
        row = FacilityRow(reference=facility.reference)
        session.add(row)
    row.borrower = owner
    row.parent = parent
    row.product = facility.product.value
    row.amount = facility.amount
    row.currency = facility.currency
    row.tenor_months = facility.tenor_months
    row.start_date = facility.start_date
    row.rate_base = facility.rate.base.value
    row.spread_bp = facility.rate.spread_bp
    row.repayment = facility.repayment.value
    row.green = facility.green
    row.green_category = facility.green_category
    row.purpose = facility.purpose
    row.beneficiary = facility.beneficiary
    row.status = facility.status.value
    row.guarantors = [g.model_dump(mode="json") for g in facility.guarantors]
    row.covenants = [c.model_dump(mode="json") for c in facility.covenants]
    row.project_code = facility.project_code
    row.terms = {
        "overrides": [o.model_dump(mode="json") for o in facility.overrides],
        "structuring": json.loads(json.dumps(facility.structuring, default=str)),
    }
    row.collateral = [
        CollateralRow(
            position=index,
            type=item.type.value,
            description=item.description,
            value=item.value,
            valuation_date=item.valuation_date,
            details=item.details,
        )
        for index, item in enumerate(facility.collateral)
    ]
    session.flush()
    return row


def list_facilities(session: Session, uscc: str | None = None) -> list[Facility]:
    """Facilities of one borrower (or all), ordered by reference."""
    # Borrower, parent and collateral come with the rows: loaded lazily, they were three queries per facility.
    query = (
        sa.select(FacilityRow)
        .join(BorrowerRow, FacilityRow.borrower_id == BorrowerRow.id)
        .options(
            contains_eager(FacilityRow.borrower),
            selectinload(FacilityRow.parent),
            selectinload(FacilityRow.collateral),
        )
    )
    if uscc is not None:
        query = query.where(BorrowerRow.uscc == uscc)
    return [to_facility(row) for row in session.scalars(query.order_by(FacilityRow.reference))]


def to_exposure(row: ExposureRow) -> Exposure:
    return Exposure(
        facility_reference=row.facility.reference,
        as_of=row.as_of,
        drawn=row.drawn,
        undrawn=row.undrawn,
        classification=row.classification,
        days_past_due=row.days_past_due,
        ecl_stage=row.ecl_stage,
    )


def save_exposure(session: Session, exposure: Exposure) -> ExposureRow:
    """Insert or replace the exposure of (facility, date)."""
    facility = facility_row(session, exposure.facility_reference)
    row = session.scalars(
        sa.select(ExposureRow).where(ExposureRow.facility_id == facility.id, ExposureRow.as_of == exposure.as_of)
    ).one_or_none()
    if row is None:
        row = ExposureRow(facility=facility, as_of=exposure.as_of)
        session.add(row)
    row.drawn = exposure.drawn
    row.undrawn = exposure.undrawn
    row.classification = exposure.classification.value
    row.days_past_due = exposure.days_past_due
    row.ecl_stage = exposure.ecl_stage
    session.flush()
    return row


def latest_exposure(session: Session, reference: str) -> Exposure | None:
    """The facility's most recent exposure, or None when it has none yet."""
    row = session.scalars(
        sa.select(ExposureRow)
        .join(FacilityRow)
        .where(FacilityRow.reference == reference)
        .options(contains_eager(ExposureRow.facility))
        .order_by(ExposureRow.as_of.desc(), ExposureRow.id.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else to_exposure(row)


def add_transaction(
    session: Session, reference: str, kind: str, amount: Decimal, value_date: date, actor: str
) -> int:
    """Record a drawdown or repayment; returns its id (the exposure is saved by the caller)."""
    row = TransactionRow(
        facility=facility_row(session, reference), kind=kind, amount=amount, value_date=value_date, actor=actor
    )
    session.add(row)
    session.flush()
    return row.id


def list_transactions(session: Session, reference: str) -> list[dict[str, Any]]:
    """The facility's drawdowns and repayments, oldest first, as plain rows."""
    rows = session.scalars(
        sa.select(TransactionRow)
        .join(FacilityRow)
        .where(FacilityRow.reference == reference)
        .order_by(TransactionRow.value_date, TransactionRow.id)
    )
    return [
        {"id": r.id, "kind": r.kind, "amount": r.amount, "value_date": r.value_date, "actor": r.actor}
        for r in rows
    ]


def facility_id(session: Session, reference: str) -> int:
    """The database id of a facility (what a proposal links to)."""
    return facility_row(session, reference).id


def facility_reference(session: Session, row_id: int | None) -> str | None:
    """The reference of the facility with database id ``row_id`` (None for None)."""
    if row_id is None:
        return None
    row = session.get(FacilityRow, row_id)
    return None if row is None else row.reference


def set_status(session: Session, reference: str, status: str) -> None:
    facility_row(session, reference).status = status
    session.flush()


def list_exposures(session: Session, as_of: date | None = None) -> list[Exposure]:
    """Exposures on ``as_of`` (or all dates), ordered by facility reference and date."""
    query = sa.select(ExposureRow).join(FacilityRow).options(contains_eager(ExposureRow.facility))
    if as_of is not None:
        query = query.where(ExposureRow.as_of == as_of)
    return [to_exposure(row) for row in session.scalars(query.order_by(FacilityRow.reference, ExposureRow.as_of))]


__all__ = [
    "CollateralRow",
    "ExposureRow",
    "FacilityRow",
    "TransactionRow",
    "add_transaction",
    "facility_id",
    "facility_reference",
    "facility_row",
    "find_facility_row",
    "latest_exposure",
    "list_exposures",
    "list_facilities",
    "list_transactions",
    "save_exposure",
    "save_facility",
    "set_status",
    "to_exposure",
    "to_facility",
]
