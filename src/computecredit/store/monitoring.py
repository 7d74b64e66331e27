"""Monitoring tables: periodic data (operating reports, payments, market series, events) and run results.

Periodic records are keyed by what they describe and the date (re-ingesting a file replaces, never
duplicates). A run is keyed by its date: re-running a date replaces its signals, classes and watch list.
Alerts are keyed across runs (``key``): a signal that persists keeps its one alert, owner and due date.
The queries over these tables live here too: the monitoring services call them and query nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from computecredit.domain import Exposure
from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.errors import InputError, Problem
from computecredit.jsonable import to_jsonable
from computecredit.monitoring.data import Event, MarketObservation, OperatingReport, PaymentRecord
from computecredit.store.base import Base, Money, utcnow
from computecredit.store.borrowers import BorrowerRow, find_borrower_row, of_borrowers_in
from computecredit.store.branches import in_scope
from computecredit.store.columns import Ratio
from computecredit.store.facilities import ExposureRow, FacilityRow, find_facility_row, save_exposure
from computecredit.store.projects import ProjectRow, find_project_row

if TYPE_CHECKING:
    from computecredit.monitoring.run import Alert, MonitoringResult


class OperatingReportRow(Base):
    __tablename__ = "monitoring_operating_reports"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "period_end", name="uq_monitoring_operating_reports_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    period_end: Mapped[date] = mapped_column(sa.Date)
    utilisation: Mapped[float | None] = mapped_column(sa.Float)
    planned_utilisation: Mapped[float | None] = mapped_column(sa.Float)
    contracted_share: Mapped[float | None] = mapped_column(sa.Float)
    realised_price: Mapped[float | None] = mapped_column(sa.Float)
    planned_price: Mapped[float | None] = mapped_column(sa.Float)
    uptime: Mapped[float | None] = mapped_column(sa.Float)
    energy_mwh: Mapped[float | None] = mapped_column(sa.Float)
    pue: Mapped[float | None] = mapped_column(sa.Float)

    project: Mapped[ProjectRow] = relationship()


class PaymentRow(Base):
    __tablename__ = "monitoring_payments"
    __table_args__ = (sa.UniqueConstraint("facility_id", "as_of", name="uq_monitoring_payments_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(sa.Date)
    days_past_due: Mapped[int] = mapped_column(sa.Integer)
    outstanding: Mapped[Decimal | None] = mapped_column(Money)
    overdue_amount: Mapped[Decimal | None] = mapped_column(Money)
    restructured_on: Mapped[date | None] = mapped_column(sa.Date)
    technical_delay: Mapped[bool] = mapped_column(sa.Boolean)
    credit_impaired: Mapped[bool] = mapped_column(sa.Boolean)
    ecl_ratio: Mapped[Decimal | None] = mapped_column(Ratio)

    facility: Mapped[FacilityRow] = relationship()


class MarketObservationRow(Base):
    __tablename__ = "monitoring_market"
    __table_args__ = (sa.UniqueConstraint("series", "key", "period_end", name="uq_monitoring_market_point"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(32))
    period_end: Mapped[date] = mapped_column(sa.Date)
    value: Mapped[float] = mapped_column(sa.Float)
    unit: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(300))


class EventRow(Base):
    __tablename__ = "monitoring_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    natural_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    event_date: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(32))
    counterparty: Mapped[str | None] = mapped_column(sa.String(200))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    ratio: Mapped[Decimal | None] = mapped_column(Ratio)
    chips: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(300))

    borrower: Mapped[BorrowerRow] = relationship()


class MonitoringRunRow(Base):
    __tablename__ = "monitoring_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(sa.Date, unique=True)
    rules_version: Mapped[str] = mapped_column(sa.String(64))
    digest: Mapped[str] = mapped_column(sa.String(64))
    run_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    signals: Mapped[list[SignalRow]] = relationship(cascade="all, delete-orphan", order_by="SignalRow.id")
    classifications: Mapped[list[ClassificationRow]] = relationship(
        cascade="all, delete-orphan", order_by="ClassificationRow.id"
    )
    watch_list: Mapped[list[WatchListRow]] = relationship(cascade="all, delete-orphan", order_by="WatchListRow.id")


class SignalRow(Base):
    __tablename__ = "monitoring_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("monitoring_runs.id", ondelete="CASCADE"), index=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(sa.String(48))
    family: Mapped[str] = mapped_column(sa.String(16))
    severity: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(200))
    observed_on: Mapped[date] = mapped_column(sa.Date)
    evidence_zh: Mapped[str] = mapped_column(sa.Text)
    evidence_en: Mapped[str] = mapped_column(sa.Text)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class ClassificationRow(Base):
    __tablename__ = "monitoring_classifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("monitoring_runs.id", ondelete="CASCADE"), index=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(sa.String(24))
    previous: Mapped[str | None] = mapped_column(sa.String(24))
    ecl_stage: Mapped[int] = mapped_column(sa.Integer)
    days_past_due: Mapped[int] = mapped_column(sa.Integer)
    reasons: Mapped[list[Any]] = mapped_column(sa.JSON)

    facility: Mapped[FacilityRow] = relationship()


class WatchListRow(Base):
    __tablename__ = "monitoring_watch_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("monitoring_runs.id", ondelete="CASCADE"), index=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    points: Mapped[int] = mapped_column(sa.Integer)
    rule_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    worst_class: Mapped[str] = mapped_column(sa.String(24))
    review: Mapped[bool] = mapped_column(sa.Boolean)

    borrower: Mapped[BorrowerRow] = relationship()


class AlertRow(Base):
    __tablename__ = "monitoring_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(24), index=True)
    borrower_id: Mapped[int] = mapped_column(sa.ForeignKey("borrowers.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    rule_id: Mapped[str | None] = mapped_column(sa.String(48))
    severity: Mapped[str] = mapped_column(sa.String(16))
    owner: Mapped[str] = mapped_column(sa.String(64), index=True)
    due_date: Mapped[date] = mapped_column(sa.Date)
    raised_on: Mapped[date] = mapped_column(sa.Date)
    last_seen_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16))
    title_zh: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)
    delivered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    borrower: Mapped[BorrowerRow] = relationship()


# --- periodic records ---------------------------------------------------------------------------------------


def save_records(
    session: Session, records: Sequence[Any], source: str, scope: Scope = WHOLE_BANK
) -> tuple[int, int]:
    """Store periodic records (operating reports, payments, market observations, events), each replacing the
    stored one it describes; returns (inserted, replaced). A record about a project, facility or borrower the
    book does not hold, or that lies outside ``scope``, is refused: :class:`InputError` naming every such row,
    and nothing is stored."""
    problems: list[Problem] = []
    inserted = replaced = 0
    row: Any
    fields: dict[str, Any]

    def missing(row: int, field: str, value: str, what: str) -> None:
        problems.append(Problem(field, value, f"no {what} {value!r} in the book", source, row))

    for number, record in enumerate(records, start=2):
        if isinstance(record, OperatingReport):
            project = find_project_row(session, record.project_code, scope)
            if project is None:
                missing(number, "project_code", record.project_code, "project")
                continue
            row = session.scalars(
                sa.select(OperatingReportRow).where(
                    OperatingReportRow.project_id == project.id, OperatingReportRow.period_end == record.period_end
                )
            ).one_or_none()
            fields = record.model_dump(exclude={"project_code", "period_end"})
            is_new = row is None
            if row is None:
                row = OperatingReportRow(project_id=project.id, period_end=record.period_end)
                session.add(row)
        elif isinstance(record, PaymentRecord):
            facility = find_facility_row(session, record.facility_reference, scope)
            if facility is None:
                missing(number, "facility_reference", record.facility_reference, "facility")
                continue
            row = session.scalars(
                sa.select(PaymentRow).where(
                    PaymentRow.facility_id == facility.id, PaymentRow.as_of == record.as_of
                )
            ).one_or_none()
            fields = record.model_dump(exclude={"facility_reference", "as_of"})
            if record.ecl_ratio is not None:
                fields["ecl_ratio"] = Decimal(str(record.ecl_ratio))
            is_new = row is None
            if row is None:
                row = PaymentRow(facility_id=facility.id, as_of=record.as_of)
                session.add(row)
        elif isinstance(record, MarketObservation):
            row = session.scalars(
                sa.select(MarketObservationRow).where(
                    MarketObservationRow.series == record.series.value,
                    MarketObservationRow.key == record.key,
                    MarketObservationRow.period_end == record.period_end,
                )
            ).one_or_none()
            fields = {"value": record.value, "unit": record.unit, "source": record.source}
            is_new = row is None
            if row is None:
                row = MarketObservationRow(
                    series=record.series.value, key=record.key, period_end=record.period_end
                )
                session.add(row)
        elif isinstance(record, Event):
            borrower = find_borrower_row(session, record.borrower_uscc, scope)
            if borrower is None:
                missing(number, "borrower_uscc", record.borrower_uscc, "borrower")
                continue
            natural = "|".join(
                (
                    record.borrower_uscc,
                    record.event_date.isoformat(),
                    record.kind.value,
                    record.counterparty or "",
                    hashlib.sha256(record.description.encode()).hexdigest()[:12],
                )
            )
            row = session.scalars(sa.select(EventRow).where(EventRow.natural_key == natural)).one_or_none()
            fields = record.model_dump(exclude={"borrower_uscc"})
            fields["kind"] = record.kind.value
            if record.ratio is not None:
                fields["ratio"] = Decimal(str(record.ratio))
            is_new = row is None
            if row is None:
                row = EventRow(natural_key=natural, borrower_id=borrower.id)
                session.add(row)
        else:  # pragma: no cover - parse_rows only returns the kinds above
            raise TypeError(type(record).__name__)
        for name, value in fields.items():
            setattr(row, name, value)
        inserted += is_new
        replaced += not is_new
    if problems:
        raise InputError(problems=problems)  # the transaction rolls back: nothing is stored
    session.flush()
    return inserted, replaced


# --- what the monitoring engine reads ----------------------------------------------------------------------


def operating_reports(session: Session) -> dict[str, list[OperatingReport]]:
    """Every stored operating report, by the USCC of the project's borrower."""
    reports: dict[str, list[OperatingReport]] = {}
    for row, code, uscc in session.execute(
        sa.select(OperatingReportRow, ProjectRow.code, BorrowerRow.uscc)
        .join(ProjectRow, OperatingReportRow.project_id == ProjectRow.id)
        .join(BorrowerRow, ProjectRow.borrower_id == BorrowerRow.id)
    ):
        reports.setdefault(uscc, []).append(
            OperatingReport(
                project_code=code,
                period_end=row.period_end,
                utilisation=row.utilisation,
                planned_utilisation=row.planned_utilisation,
                contracted_share=row.contracted_share,
                realised_price=row.realised_price,
                planned_price=row.planned_price,
                uptime=row.uptime,
                energy_mwh=row.energy_mwh,
                pue=row.pue,
            )
        )
    return reports


def payment_records(session: Session) -> dict[str, list[PaymentRecord]]:
    """Every stored payment record, by the borrower's USCC; a facility without any is represented by its
    stored exposures' days past due (what the core-banking import fills), balances not re-written."""
    payments: dict[str, list[PaymentRecord]] = {}
    for paid_row, reference, uscc in session.execute(
        sa.select(PaymentRow, FacilityRow.reference, BorrowerRow.uscc)
        .join(FacilityRow, PaymentRow.facility_id == FacilityRow.id)
        .join(BorrowerRow, FacilityRow.borrower_id == BorrowerRow.id)
    ):
        payments.setdefault(uscc, []).append(
            PaymentRecord(
                facility_reference=reference,
                as_of=paid_row.as_of,
                days_past_due=paid_row.days_past_due,
                outstanding=paid_row.outstanding,
                overdue_amount=paid_row.overdue_amount,
                restructured_on=paid_row.restructured_on,
                technical_delay=paid_row.technical_delay,
                credit_impaired=paid_row.credit_impaired,
                ecl_ratio=float(paid_row.ecl_ratio) if paid_row.ecl_ratio is not None else None,
            )
        )
    paid = {p.facility_reference for found in payments.values() for p in found}
    for exposure, uscc in session.execute(
        sa.select(ExposureRow, BorrowerRow.uscc)
        .join(FacilityRow, ExposureRow.facility_id == FacilityRow.id)
        .join(BorrowerRow, FacilityRow.borrower_id == BorrowerRow.id)
    ):
        if exposure.facility.reference not in paid:
            payments.setdefault(uscc, []).append(
                PaymentRecord(
                    facility_reference=exposure.facility.reference,
                    as_of=exposure.as_of,
                    days_past_due=exposure.days_past_due,
                )
            )
    return payments


def events(session: Session) -> dict[str, list[Event]]:
    """Every stored event, by the borrower's USCC."""
    found: dict[str, list[Event]] = {}
    for event_row, uscc in session.execute(sa.select(EventRow, BorrowerRow.uscc).join(BorrowerRow)):
        found.setdefault(uscc, []).append(
            Event(
                borrower_uscc=uscc,
                event_date=event_row.event_date,
                kind=event_row.kind,
                counterparty=event_row.counterparty,
                amount=event_row.amount,
                ratio=float(event_row.ratio) if event_row.ratio is not None else None,
                chips=event_row.chips,
                description=event_row.description,
                source=event_row.source,
            )
        )
    return found


def market_observations(session: Session) -> list[MarketObservation]:
    """Every stored market observation."""
    return [
        MarketObservation(
            series=r.series, key=r.key, period_end=r.period_end, value=r.value, unit=r.unit, source=r.source
        )
        for r in session.scalars(sa.select(MarketObservationRow))
    ]


def previous_classes(session: Session, as_of: date) -> dict[str, str]:
    """Each facility's class in the latest run before ``as_of`` (facility reference → category)."""
    run = session.scalars(
        sa.select(MonitoringRunRow).where(MonitoringRunRow.as_of < as_of).order_by(MonitoringRunRow.as_of.desc())
    ).first()
    if run is None:
        return {}
    return {row.facility.reference: row.category for row in run.classifications}


def find_run(session: Session, as_of: date) -> MonitoringRunRow | None:
    """The stored run of ``as_of``."""
    return session.scalars(sa.select(MonitoringRunRow).where(MonitoringRunRow.as_of == as_of)).one_or_none()


def latest_run(session: Session) -> MonitoringRunRow | None:
    """The stored run with the latest date."""
    return session.scalars(sa.select(MonitoringRunRow).order_by(MonitoringRunRow.as_of.desc())).first()


def watch_list_of(session: Session, run: MonitoringRunRow, scope: Scope = WHOLE_BANK) -> list[WatchListRow]:
    """A run's watch list (its borrowers in ``scope``), most points first."""
    query = (
        sa.select(WatchListRow)
        .where(WatchListRow.run_id == run.id, of_borrowers_in(WatchListRow.borrower_id, scope))
        .order_by(WatchListRow.points.desc())
    )
    return list(session.scalars(query))


def classifications_of(
    session: Session, run: MonitoringRunRow, scope: Scope = WHOLE_BANK
) -> list[ClassificationRow]:
    """A run's five-category classes of the facilities whose borrower lies in ``scope``."""
    booked = sa.select(FacilityRow.id).where(of_borrowers_in(FacilityRow.borrower_id, scope))
    query = sa.select(ClassificationRow).where(
        ClassificationRow.run_id == run.id, ClassificationRow.facility_id.in_(booked)
    )
    return list(session.scalars(query))


# --- runs and alerts ------------------------------------------------------------------------------------------


def save_run(session: Session, result: MonitoringResult) -> list[Alert]:
    """Store a run's signals, watch list, classes and alerts (replacing the date's earlier run), and hand each
    facility's class and ECL stage to its exposure of that date; returns the alerts that are new."""
    borrowers = {row.uscc: row for row in session.scalars(sa.select(BorrowerRow))}
    run = session.scalars(sa.select(MonitoringRunRow).where(MonitoringRunRow.as_of == result.as_of)).one_or_none()
    if run is None:
        run = MonitoringRunRow(as_of=result.as_of)
        session.add(run)
    run.rules_version = result.rules_version
    run.digest = result.digest()
    run.run_at = utcnow()
    run.summary = {
        "signals": len(result.signals),
        "watch_list": len(result.watch_list),
        "reviews": len(result.reviews),
        "classification_changes": len(result.changes),
        "alerts": len(result.alerts),
    }
    run.signals = [
        SignalRow(
            borrower_id=borrowers[s.borrower_uscc].id,
            rule_id=s.rule_id,
            family=s.family,
            severity=s.severity,
            subject=s.subject,
            observed_on=s.observed_on,
            evidence_zh=s.evidence_zh,
            evidence_en=s.evidence_en,
            data=to_jsonable(s.data, exact=True),
        )
        for s in result.signals
    ]
    run.watch_list = [
        WatchListRow(
            borrower_id=borrowers[w.borrower_uscc].id,
            points=w.points,
            rule_ids=list(w.rule_ids),
            worst_class=w.worst_class.value,
            review=w.review,
        )
        for w in result.watch_list
    ]
    classes = []
    for c in result.classifications:
        facility = find_facility_row(session, c.facility_reference)
        assert facility is not None
        classes.append(
            ClassificationRow(
                facility_id=facility.id,
                category=c.category.value,
                previous=c.previous.value if c.previous else None,
                ecl_stage=c.ecl_stage,
                days_past_due=c.days_past_due,
                reasons=[list(r) for r in c.reasons],
            )
        )
        # Hand the class and stage to the exposures the portfolio engine reads (ECL staging): an exposure
        # stored for the date keeps its amounts; one is created from the payment record's balance.
        existing = session.scalars(
            sa.select(ExposureRow).where(ExposureRow.facility_id == facility.id, ExposureRow.as_of == result.as_of)
        ).one_or_none()
        if existing is not None or c.outstanding is not None:
            save_exposure(
                session,
                Exposure(
                    facility_reference=c.facility_reference,
                    as_of=result.as_of,
                    drawn=existing.drawn if existing is not None else c.outstanding,
                    undrawn=existing.undrawn if existing is not None else Decimal(0),
                    classification=c.category,
                    days_past_due=c.days_past_due,
                    ecl_stage=c.ecl_stage,
                ),
            )
    run.classifications = classes
    new_alerts = []
    for alert in result.alerts:
        row = find_alert_by_key(session, alert.key)
        if row is None:
            new_alerts.append(alert)
            session.add(
                AlertRow(
                    key=alert.key,
                    kind=alert.kind,
                    borrower_id=borrowers[alert.borrower_uscc].id,
                    subject=alert.subject,
                    rule_id=alert.rule_id,
                    severity=alert.severity,
                    owner=alert.owner,
                    due_date=alert.due_date,
                    raised_on=result.as_of,
                    last_seen_on=result.as_of,
                    status="open",
                    title_zh=alert.title_zh,
                    title_en=alert.title_en,
                )
            )
        elif result.as_of > row.last_seen_on:
            row.last_seen_on = result.as_of
    session.flush()
    return new_alerts


def known_references(session: Session) -> dict[str, set[str]]:
    """What periodic records may refer to: stored project codes, facility references and borrower USCCs."""
    return {
        "project_code": set(session.scalars(sa.select(ProjectRow.code))),
        "facility_reference": set(session.scalars(sa.select(FacilityRow.reference))),
        "borrower_uscc": set(session.scalars(sa.select(BorrowerRow.uscc))),
    }


def find_alert(session: Session, alert_id: int, scope: Scope = WHOLE_BANK) -> AlertRow | None:
    """The alert ``alert_id`` if its borrower lies in ``scope`` (an alert belongs to its borrower's branch)."""
    query = sa.select(AlertRow).where(AlertRow.id == alert_id, of_borrowers_in(AlertRow.borrower_id, scope))
    return session.scalars(query).one_or_none()


def find_alert_by_key(session: Session, key: str) -> AlertRow | None:
    return session.scalars(sa.select(AlertRow).where(AlertRow.key == key)).one_or_none()


def alerts_with_keys(session: Session, keys: Sequence[str]) -> list[AlertRow]:
    return list(session.scalars(sa.select(AlertRow).where(AlertRow.key.in_(list(keys)))))


def alert_rows(
    session: Session,
    *,
    owner: str | None = None,
    statuses: Sequence[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    scope: Scope = WHOLE_BANK,
) -> tuple[list[tuple[AlertRow, str, str, str]], int]:
    """Alerts (of borrowers in ``scope``; of one owner, in some statuses, if given) with their borrower's
    USCC and names, most urgent first; and how many there are in all."""
    query = (
        sa.select(AlertRow, BorrowerRow.uscc, BorrowerRow.name_zh, BorrowerRow.name_en)
        .join(BorrowerRow)
        .where(in_scope(BorrowerRow.branch_code, scope))
    )
    if owner:
        query = query.where(AlertRow.owner == owner)
    if statuses is not None:
        query = query.where(AlertRow.status.in_(list(statuses)))
    total = int(session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())
    query = query.order_by(AlertRow.due_date, AlertRow.key).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [tuple(row) for row in session.execute(query).all()], total  # type: ignore[misc]


def latest_evidence(session: Session, borrower_ids: set[int]) -> dict[tuple[str, str, str], tuple[str, str]]:
    """The latest run's evidence text of each signal of these borrowers, by (USCC, rule, subject)."""
    run = latest_run(session)
    if run is None or not borrower_ids:
        return {}
    query = (
        sa.select(SignalRow, BorrowerRow.uscc)
        .join(BorrowerRow, SignalRow.borrower_id == BorrowerRow.id)
        .where(SignalRow.run_id == run.id, SignalRow.borrower_id.in_(borrower_ids))
    )
    return {(uscc, s.rule_id, s.subject): (s.evidence_zh, s.evidence_en) for s, uscc in session.execute(query)}


__all__ = [
    "AlertRow",
    "ClassificationRow",
    "EventRow",
    "MarketObservationRow",
    "MonitoringRunRow",
    "OperatingReportRow",
    "PaymentRow",
    "SignalRow",
    "WatchListRow",
]
