"""Table ``rating_records``: every rating with its model id/version, inputs, contributions and override."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, contains_eager, mapped_column, relationship

from computecredit.domain.ratings import Override, RatingRecord
from computecredit.store.base import Base, utcnow
from computecredit.store.borrowers import BorrowerRow, borrower_row
from computecredit.store.columns import Ratio


class RatingRow(Base):
    __tablename__ = "rating_records"
    # A borrower's latest rating is one step down this index, however many ratings the book holds.
    __table_args__ = (sa.Index("ix_rating_records_latest", "borrower_id", "rated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="RESTRICT"), index=True)
    model_id: Mapped[str] = mapped_column(sa.String(64))
    model_version: Mapped[str] = mapped_column(sa.String(32))
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    factor_contributions: Mapped[dict[str, float]] = mapped_column(sa.JSON)
    grade: Mapped[str] = mapped_column(sa.String(16))
    pd: Mapped[Decimal] = mapped_column(Ratio)
    rated_by: Mapped[str] = mapped_column(sa.String(32))
    rated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    override_grade: Mapped[str | None] = mapped_column(sa.String(16))
    override_pd: Mapped[Decimal | None] = mapped_column(Ratio)
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    override_user: Mapped[str | None] = mapped_column(sa.String(32))

    borrower: Mapped[BorrowerRow] = relationship()


def to_rating(row: RatingRow) -> RatingRecord:
    override = None
    if row.override_grade is not None:
        override = Override(
            grade=row.override_grade,
            pd=row.override_pd,
            reason=row.override_reason or "",
            user=row.override_user or "",
        )
    return RatingRecord(
        borrower_uscc=row.borrower.uscc,
        model_id=row.model_id,
        model_version=row.model_version,
        inputs=row.inputs,
        factor_contributions=row.factor_contributions,
        grade=row.grade,
        pd=row.pd,
        rated_by=row.rated_by,
        rated_at=row.rated_at,
        override=override,
    )


def add_rating(session: Session, record: RatingRecord, borrower: BorrowerRow | None = None) -> RatingRow:
    """Append a rating record (records are never updated: a new rating is a new row); ``borrower`` is the
    stored row of its borrower when the caller has it already (else it is looked up)."""
    if borrower is None or borrower.uscc != record.borrower_uscc:
        borrower = borrower_row(session, record.borrower_uscc)
    row = RatingRow(
        borrower=borrower,
        model_id=record.model_id,
        model_version=record.model_version,
        inputs=record.inputs,
        factor_contributions=record.factor_contributions,
        grade=record.grade,
        pd=record.pd,
        rated_by=record.rated_by,
        rated_at=record.rated_at or utcnow(),
        override_grade=record.override.grade if record.override else None,
        override_pd=record.override.pd if record.override else None,
        override_reason=record.override.reason if record.override else None,
        override_user=record.override.user if record.override else None,
    )
    session.add(row)
    session.flush()
    return row


def list_ratings(session: Session, uscc: str) -> list[RatingRecord]:
    """Ratings of one borrower, oldest first."""
    query = (
        sa.select(RatingRow)
        .join(BorrowerRow, RatingRow.borrower_id == BorrowerRow.id)
        .where(BorrowerRow.uscc == uscc)
        .order_by(RatingRow.rated_at, RatingRow.id)
    )
    return [to_rating(row) for row in session.scalars(query)]


def latest_rating_ids(*where: sa.ColumnElement[bool]) -> sa.Subquery:
    """The id of the latest rating (latest ``rated_at``, then the last stored) of each rated borrower
    matching ``where`` (conditions on :class:`BorrowerRow`), as a subquery with one column ``id``: one look
    into ``ix_rating_records_latest`` per borrower, so neither older ratings nor any inputs are read."""
    newest = (
        sa.select(RatingRow.id)
        .where(RatingRow.borrower_id == BorrowerRow.id)
        .order_by(RatingRow.rated_at.desc(), RatingRow.id.desc())
        .limit(1)
        .correlate(BorrowerRow)
        .scalar_subquery()
    )
    return sa.select(newest.label("id")).select_from(BorrowerRow).where(*where).subquery()


def latest_ratings(session: Session, usccs: Collection[str] | None = None) -> dict[str, RatingRecord]:
    """Each rated borrower's latest rating (of the borrowers ``usccs`` only, if given), by USCC, in the
    order they were rated."""
    latest = latest_rating_ids() if usccs is None else latest_rating_ids(BorrowerRow.uscc.in_(list(usccs)))
    query = (
        sa.select(RatingRow)
        .join(latest, latest.c.id == RatingRow.id)
        .join(BorrowerRow, RatingRow.borrower_id == BorrowerRow.id)
        .options(contains_eager(RatingRow.borrower))
        .order_by(RatingRow.rated_at, RatingRow.id)
    )
    return {row.borrower.uscc: to_rating(row) for row in session.scalars(query)}


__all__ = ["RatingRow", "add_rating", "latest_rating_ids", "latest_ratings", "list_ratings", "to_rating"]
