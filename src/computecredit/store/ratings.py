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


def add_rating(session: Session, record: RatingRecord) -> RatingRow:
    """Append a rating record (records are never updated: a new rating is a new row)."""
    row = RatingRow(
        borrower=borrower_row(session, record.borrower_uscc),
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
    """The id of each rated borrower's latest rating (latest ``rated_at``, then the last stored) among the
    ratings matching ``where``, as a subquery with one column ``id``: one window over ids, so no rating's
    inputs are read to find it."""
    ranked = (
        sa.select(
            RatingRow.id,
            sa.func.row_number()
            .over(partition_by=RatingRow.borrower_id, order_by=(RatingRow.rated_at.desc(), RatingRow.id.desc()))
            .label("rank"),
        )
        .where(*where)
        .subquery()
    )
    return sa.select(ranked.c.id).where(ranked.c.rank == 1).subquery()


def latest_ratings(session: Session, usccs: Collection[str] | None = None) -> dict[str, RatingRecord]:
    """Each rated borrower's latest rating (of the borrowers ``usccs`` only, if given), by USCC, in the
    order they were rated."""
    if usccs is None:
        latest = latest_rating_ids()
    else:
        wanted = sa.select(BorrowerRow.id).where(BorrowerRow.uscc.in_(list(usccs)))
        latest = latest_rating_ids(RatingRow.borrower_id.in_(wanted))
    query = (
        sa.select(RatingRow)
        .join(latest, latest.c.id == RatingRow.id)
        .join(BorrowerRow, RatingRow.borrower_id == BorrowerRow.id)
        .options(contains_eager(RatingRow.borrower))
        .order_by(RatingRow.rated_at, RatingRow.id)
    )
    return {row.borrower.uscc: to_rating(row) for row in session.scalars(query)}


__all__ = ["RatingRow", "add_rating", "latest_rating_ids", "latest_ratings", "list_ratings", "to_rating"]
