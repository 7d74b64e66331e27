"""Monitoring tables: periodic data (operating reports, payments, market series, events) and run results.

Periodic records are keyed by what they describe and the date (re-ingesting a file replaces, never
duplicates). A run is keyed by its date: re-running a date replaces its signals, classes and watch list.
Alerts are keyed across runs (``key``): a signal that persists keeps its one alert, owner and due date.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from computecredit.store.base import Base, Money, utcnow
from computecredit.store.borrowers import BorrowerRow
from computecredit.store.columns import Ratio
from computecredit.store.facilities import FacilityRow
from computecredit.store.projects import ProjectRow


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
