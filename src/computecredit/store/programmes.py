"""Tables ``programmes`` and ``programme_tags``, and their repository functions.

A tag puts a proposal or a facility in a programme; each carries at most one programme per kind (unique
constraints). At approval the proposal's tags are copied to the facility it creates. Eligibility rules are
stored as the domain's JSON document.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from computecredit.domain.programmes import Programme
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, Money, TimestampMixin, utcnow
from computecredit.store.columns import Ratio
from computecredit.store.facilities import FacilityRow, facility_id
from computecredit.store.monitoring import MonitoringRunRow, WatchListRow


class ProgrammeRow(TimestampMixin, Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(24), index=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    start: Mapped[date] = mapped_column(sa.Date)
    end: Mapped[date] = mapped_column(sa.Date)
    eligibility: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    relending_rate: Mapped[Decimal | None] = mapped_column(Ratio)
    source: Mapped[str] = mapped_column(sa.Text)


class ProgrammeTagRow(Base):
    __tablename__ = "programme_tags"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "kind", name="uq_programme_tags_proposal_kind"),
        sa.UniqueConstraint("facility_id", "kind", name="uq_programme_tags_facility_kind"),
        sa.CheckConstraint("(proposal_id IS NULL) <> (facility_id IS NULL)", name="ck_programme_tags_one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    tagged_by: Mapped[str] = mapped_column(sa.String(64))
    tagged_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    programme: Mapped[ProgrammeRow] = relationship()
    facility: Mapped[FacilityRow | None] = relationship()


def to_programme(row: ProgrammeRow) -> Programme:
    return Programme(
        code=row.code,
        kind=row.kind,
        name_zh=row.name_zh,
        name_en=row.name_en,
        amount=row.amount,
        currency=row.currency,
        start=row.start,
        end=row.end,
        eligibility=row.eligibility,
        relending_rate=row.relending_rate,
        source=row.source,
    )


def _row(session: Session, code: str, *, lock: bool = False) -> ProgrammeRow | None:
    query = sa.select(ProgrammeRow).where(ProgrammeRow.code == code)
    return session.scalars(query.with_for_update() if lock else query).first()


def find_programme(session: Session, code: str) -> Programme | None:
    row = _row(session, code)
    return to_programme(row) if row is not None else None


def get_programme(session: Session, code: str, *, lock: bool = False) -> Programme:
    """The programme ``code``; with ``lock`` its row is locked to the end of the transaction (PostgreSQL
    ``FOR UPDATE``; SQLite's write transactions are serial already), so two approvals cannot both spend the
    last of a quota."""
    row = _row(session, code, lock=lock)
    if row is None:
        raise NotFoundError(f"no programme {code!r}")
    return to_programme(row)


def list_programmes(session: Session) -> list[Programme]:
    return [to_programme(r) for r in session.scalars(sa.select(ProgrammeRow).order_by(ProgrammeRow.code))]


def save_programme(session: Session, programme: Programme) -> None:
    """Insert the programme, or replace the stored one with the same code."""
    row = _row(session, programme.code) or ProgrammeRow(code=programme.code)
    document = programme.model_dump(mode="json")
    row.kind = programme.kind.value
    row.name_zh, row.name_en = programme.name_zh, programme.name_en
    row.amount, row.currency = programme.amount, programme.currency
    row.start, row.end = programme.start, programme.end
    row.eligibility = document["eligibility"]
    row.relending_rate = programme.relending_rate
    row.source = programme.source
    session.add(row)
    session.flush()


def tag(
    session: Session,
    programme: Programme,
    actor: str,
    *,
    proposal_id: int | None = None,
    facility: str | None = None,
) -> None:
    """Put a proposal or a facility in ``programme`` (the caller has checked eligibility and the kind)."""
    row = _row(session, programme.code)
    assert row is not None
    session.add(
        ProgrammeTagRow(
            programme_id=row.id,
            kind=programme.kind.value,
            proposal_id=proposal_id,
            facility_id=facility_id(session, facility) if facility is not None else None,
            tagged_by=actor,
        )
    )
    session.flush()


def _codes(session: Session, condition: sa.ColumnElement[bool]) -> list[str]:
    query = (
        sa.select(ProgrammeRow.code)
        .join(ProgrammeTagRow, ProgrammeTagRow.programme_id == ProgrammeRow.id)
        .where(condition)
        .order_by(ProgrammeRow.code)
    )
    return list(session.scalars(query))


def proposal_programmes(session: Session, proposal_id: int) -> list[str]:
    """The codes of the programmes a proposal is tagged with."""
    return _codes(session, ProgrammeTagRow.proposal_id == proposal_id)


def facility_programmes(session: Session, reference: str) -> list[str]:
    """The codes of the programmes a facility is tagged with."""
    return _codes(session, ProgrammeTagRow.facility_id == facility_id(session, reference))


def programme_facilities(session: Session, code: str) -> list[tuple[str, date]]:
    """(reference, date the tag was made) of the programme's facilities, by reference."""
    query = (
        sa.select(FacilityRow.reference, ProgrammeTagRow.tagged_at)
        .join(ProgrammeTagRow, ProgrammeTagRow.facility_id == FacilityRow.id)
        .join(ProgrammeRow, ProgrammeRow.id == ProgrammeTagRow.programme_id)
        .where(ProgrammeRow.code == code)
        .order_by(FacilityRow.reference)
    )
    return [(reference, at.date()) for reference, at in session.execute(query)]


def committed(session: Session, code: str) -> Decimal:
    """The sum of the approved limits of the programme's facilities (all of them, whatever their date)."""
    query = (
        sa.select(sa.func.coalesce(sa.func.sum(FacilityRow.amount), 0))
        .join(ProgrammeTagRow, ProgrammeTagRow.facility_id == FacilityRow.id)
        .join(ProgrammeRow, ProgrammeRow.id == ProgrammeTagRow.programme_id)
        .where(ProgrammeRow.code == code)
    )
    return Decimal(str(session.scalar(query) or 0))


def watched_borrowers(session: Session, as_of: date) -> set[str]:
    """USCCs on the watch list of the latest monitoring run on or before ``as_of``."""
    run = session.scalars(
        sa.select(MonitoringRunRow).where(MonitoringRunRow.as_of <= as_of).order_by(MonitoringRunRow.as_of.desc())
    ).first()
    if run is None:
        return set()
    rows = session.scalars(sa.select(WatchListRow).where(WatchListRow.run_id == run.id))
    return {row.borrower.uscc for row in rows}


__all__ = [
    "ProgrammeRow",
    "ProgrammeTagRow",
    "committed",
    "facility_programmes",
    "find_programme",
    "get_programme",
    "list_programmes",
    "programme_facilities",
    "proposal_programmes",
    "save_programme",
    "tag",
    "to_programme",
    "watched_borrowers",
]
