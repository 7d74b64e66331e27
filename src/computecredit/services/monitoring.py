"""Post-loan monitoring use cases: ingest periodic data files, run the monitoring, deliver alerts.

Each use case is one transaction: a file with one bad row stores nothing; a run stores its signals,
classes, watch list, alerts and the exposures' class and ECL stage together, or nothing.

>>> from computecredit.store.database import Database
>>> db = Database("sqlite:///:memory:")
>>> db.upgrade()
>>> run_monitoring(db, date(2025, 12, 31)).result.signals
()
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from computecredit.config import examples_dir
from computecredit.domain import Covenant, Exposure
from computecredit.domain.exposures import LoanClass
from computecredit.domain.facilities import CovenantOperator
from computecredit.errors import InputError, Problem
from computecredit.facilities.covenants import METRICS as COVENANT_METRICS
from computecredit.facilities.covenants import Covenant as EngineCovenant
from computecredit.facilities.covenants import CovenantResult, check_covenant
from computecredit.jsonable import to_jsonable
from computecredit.monitoring.book import BorrowerBook, MarketData, chip_key
from computecredit.monitoring.data import Event, MarketObservation, OperatingReport, PaymentRecord, parse_rows
from computecredit.monitoring.rules import RuleSet, check_rules_file, load_rules
from computecredit.monitoring.run import Alert, MonitoringResult, monitor
from computecredit.services import audit
from computecredit.services import statements as statement_service
from computecredit.store.base import utcnow
from computecredit.store.borrowers import (
    BorrowerRow,
    find_borrower_row,
    list_borrowers,
    list_statements,
)
from computecredit.store.database import Database
from computecredit.store.facilities import (
    ExposureRow,
    FacilityRow,
    find_facility_row,
    list_facilities,
    save_exposure,
)
from computecredit.store.monitoring import (
    AlertRow,
    ClassificationRow,
    EventRow,
    MarketObservationRow,
    MonitoringRunRow,
    OperatingReportRow,
    PaymentRow,
    SignalRow,
    WatchListRow,
)
from computecredit.store.projects import ProjectRow, list_projects

KINDS = ("operating_reports", "payments", "market", "events", "statements")
DEMO_HISTORY_DIR = examples_dir() / "demo_bank" / "monitoring"
DEMO_FILES = ("operating_reports.csv", "payments.csv", "market.csv", "events.csv")


# --- covenant testing ------------------------------------------------------------------------------


def check_facility_covenant(covenant: Covenant, value: float | None) -> CovenantResult:
    """Test a facility's covenant (as stored on the facility) with the facilities covenant engine.

    The stored covenant (``metric operator threshold``) becomes a
    :class:`computecredit.facilities.covenants.Covenant` and is tested by its ``check_covenant`` (headroom,
    warning band, breach). A metric that engine does not know is reported as ``missing``.

    >>> cov = Covenant(metric="debt_to_assets", operator="<=", threshold=Decimal("0.70"))
    >>> r = check_facility_covenant(cov, 0.66)
    >>> r.status, round(r.headroom, 4)
    ('warning', 0.0571)
    >>> check_facility_covenant(cov, 0.75).status, check_facility_covenant(cov, None).status
    ('breach', 'missing')
    """
    bound = "max" if covenant.operator is CovenantOperator.MAX else "min"
    if covenant.metric not in COVENANT_METRICS:
        return CovenantResult(
            covenant.metric, covenant.metric, "financial", bound, float(covenant.threshold), value, None, "missing"
        )
    tested = EngineCovenant(
        key=covenant.metric,
        metric=covenant.metric,
        bound=bound,
        threshold=float(covenant.threshold),
        frequency=covenant.frequency,
    )
    return check_covenant(tested, value)


# --- ingest ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestReport:
    source: str
    kind: str
    rows: int
    inserted: int
    replaced: int
    left_out: int = 0


def kind_of(path: Path) -> str:
    """The record kind a file holds, from its name: ``payments_2025-12.csv`` holds payments."""
    stem = path.stem.lower()
    for kind in sorted(KINDS, key=len, reverse=True):
        if stem.startswith(kind):
            return kind
    raise InputError("kind", path.name, f"cannot tell from the file name; start it with one of {', '.join(KINDS)}")


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV (header line first) or of a YAML list of mappings."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        document = yaml.safe_load(text)
        if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
            raise InputError(
                "(root)", type(document).__name__, "a YAML data file is a list of mappings", source=path.name
            )
        return document
    if path.suffix.lower() != ".csv":
        raise InputError("(file)", path.name, "data files are .csv or .yaml", source=path.name)
    return list(csv.DictReader(io.StringIO(text)))


def ingest_file(db: Database, path: str | Path, kind: str | None = None, actor: str = "system") -> IngestReport:
    """Validate every row of a periodic data file and store them all in one transaction, or none.

    References (project code, facility reference, borrower USCC) must exist; a bad row is reported with its
    row number and field, and nothing is stored.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    kind = kind or kind_of(path)
    if kind not in KINDS:
        raise InputError("kind", kind, f"must be one of {', '.join(KINDS)}", source=path.name)
    if kind == "statements":  # the foundation's statements layout and checks (CSV or Excel workbook)
        located = statement_service.read_located(path)
        with audit.write_transaction(db) as session:
            counts = statement_service.store_statements(session, located, source=path.name)
            report = IngestReport(path.name, kind, len(located), counts["created"], counts["updated"])
            audit.append(session, actor, "monitoring.ingest", "monitoring_file", path.name, None, asdict(report))
        return report
    return _ingest_rows(db, kind, read_rows(path), path.name, actor)


def _ingest_rows(
    db: Database, kind: str, rows: list[dict[str, Any]], source: str, actor: str, left_out: int = 0
) -> IngestReport:
    records = parse_rows(kind, rows, source=source)
    with audit.write_transaction(db) as session:
        inserted, replaced = _store(session, kind, records, source)
        report = IngestReport(source, kind, len(records), inserted, replaced, left_out)
        audit.append(session, actor, "monitoring.ingest", "monitoring_file", source, None, asdict(report))
    return report


def _store(session: Session, kind: str, records: Sequence[Any], source: str) -> tuple[int, int]:
    problems: list[Problem] = []
    inserted = replaced = 0
    row: Any
    fields: dict[str, Any]

    def missing(row: int, field: str, value: str, what: str) -> None:
        problems.append(Problem(field, value, f"no {what} {value!r} in the book", source, row))

    for number, record in enumerate(records, start=2):
        if isinstance(record, OperatingReport):
            project = session.scalars(
                sa.select(ProjectRow).where(ProjectRow.code == record.project_code)
            ).one_or_none()
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
            facility = find_facility_row(session, record.facility_reference)
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
                    MarketObservationRow.key == chip_key(record.key),
                    MarketObservationRow.period_end == record.period_end,
                )
            ).one_or_none()
            fields = {"value": record.value, "unit": record.unit, "source": record.source}
            is_new = row is None
            if row is None:
                row = MarketObservationRow(
                    series=record.series.value, key=chip_key(record.key), period_end=record.period_end
                )
                session.add(row)
        elif isinstance(record, Event):
            borrower = find_borrower_row(session, record.borrower_uscc)
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


# --- loading the book ------------------------------------------------------------------------------


def load_books(session: Session) -> list[BorrowerBook]:
    """Every borrower with its facilities, projects, statements and periodic records."""
    facilities = list_facilities(session)
    projects = list_projects(session)
    statements = list_statements(session)
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
    # Facilities without payment records are classified on their stored exposures' days past due (the
    # exposures table is what the core-banking import fills); their balances are not re-written.
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
    events: dict[str, list[Event]] = {}
    for event_row, uscc in session.execute(sa.select(EventRow, BorrowerRow.uscc).join(BorrowerRow)):
        events.setdefault(uscc, []).append(
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
    return [
        BorrowerBook(
            borrower=borrower,
            facilities=tuple(f for f in facilities if f.borrower_uscc == borrower.uscc),
            projects=tuple(p for p in projects if p.borrower_uscc == borrower.uscc),
            statements=tuple(s for s in statements if s.borrower_uscc == borrower.uscc and s.consolidated),
            operating=tuple(reports.get(borrower.uscc, ())),
            payments=tuple(payments.get(borrower.uscc, ())),
            events=tuple(events.get(borrower.uscc, ())),
        )
        for borrower in list_borrowers(session)
    ]


def load_market(session: Session) -> MarketData:
    return MarketData.of(
        MarketObservation(
            series=r.series, key=r.key, period_end=r.period_end, value=r.value, unit=r.unit, source=r.source
        )
        for r in session.scalars(sa.select(MarketObservationRow))
    )


def previous_classes(session: Session, as_of: date) -> dict[str, LoanClass]:
    """Each facility's class in the latest run before ``as_of``."""
    run = session.scalars(
        sa.select(MonitoringRunRow).where(MonitoringRunRow.as_of < as_of).order_by(MonitoringRunRow.as_of.desc())
    ).first()
    if run is None:
        return {}
    return {row.facility.reference: LoanClass(row.category) for row in run.classifications}


# --- running ---------------------------------------------------------------------------------------


@dataclass
class RunOutcome:
    result: MonitoringResult
    new_alerts: list[Alert] = field(default_factory=list)
    delivered: int = 0
    webhook_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        payload = self.result.as_dict()
        payload["digest"] = self.result.digest()
        payload["new_alerts"] = [a.key for a in self.new_alerts]
        return payload


def run_monitoring(
    db: Database,
    as_of: date,
    rules: RuleSet | None = None,
    webhook: str | None = None,
    actor: str = "system",
) -> RunOutcome:
    """Evaluate every rule on the stored book on ``as_of`` and store the results (idempotent per date).

    Re-running a date replaces its signals, classes and watch list with identical ones; alerts are keyed
    across runs, so a re-run raises no new alert and the webhook is called only for new ones.
    """
    rules = rules or load_rules()
    with audit.write_transaction(db) as session:
        books = load_books(session)
        market = load_market(session)
        result = monitor(books, market, rules, as_of, previous_classes(session, as_of), check_facility_covenant)
        stored = session.scalars(sa.select(MonitoringRunRow).where(MonitoringRunRow.as_of == as_of)).one_or_none()
        before = {"digest": stored.digest, **stored.summary} if stored else None
        new_alerts = _save_run(session, result)
        after = {"digest": result.digest(), "rules_version": result.rules_version, "new_alerts": len(new_alerts)}
        after.update(
            session.scalars(sa.select(MonitoringRunRow.summary).where(MonitoringRunRow.as_of == as_of)).one()
        )
        audit.append(session, actor, "monitoring.run", "monitoring_run", as_of.isoformat(), before, after)
    outcome = RunOutcome(result, new_alerts)
    if webhook and new_alerts:
        outcome.delivered, outcome.webhook_error = deliver(db, webhook, new_alerts, actor=actor)
    return outcome


def _save_run(session: Session, result: MonitoringResult) -> list[Alert]:
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
        row = session.scalars(sa.select(AlertRow).where(AlertRow.key == alert.key)).one_or_none()
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


def deliver(
    db: Database, url: str, alerts: Sequence[Alert], timeout: float = 5.0, actor: str = "system"
) -> tuple[int, str | None]:
    """POST the new alerts as one JSON document to ``url``; mark them delivered when it answers 2xx.

    A failing webhook does not undo the run: the alerts stay stored and undelivered, and the error is returned.
    """
    body = json.dumps({"alerts": to_jsonable(alerts, exact=True)}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except OSError as exc:
        return 0, f"webhook {url} failed: {exc}"
    if not 200 <= status < 300:
        return 0, f"webhook {url} answered {status}"
    with audit.write_transaction(db) as session:
        rows = session.scalars(sa.select(AlertRow).where(AlertRow.key.in_([a.key for a in alerts])))
        stamp = utcnow()
        for row in rows:
            row.delivered_at = stamp
        audit.append(
            session,
            actor,
            "monitoring.alerts_delivered",
            "webhook",
            url,
            None,
            {"alerts": [a.key for a in alerts]},
        )
    return len(alerts), None


def open_alerts(db: Database, owner: str | None = None) -> list[dict[str, Any]]:
    """Open alerts (optionally of one owner), most urgent first."""
    with db.transaction() as session:
        query = sa.select(AlertRow, BorrowerRow.uscc).join(BorrowerRow).where(AlertRow.status == "open")
        if owner:
            query = query.where(AlertRow.owner == owner)
        rows = session.execute(query.order_by(AlertRow.due_date, AlertRow.key)).all()
        return [
            {
                "key": row.key,
                "kind": row.kind,
                "borrower_uscc": uscc,
                "severity": row.severity,
                "owner": row.owner,
                "due_date": row.due_date.isoformat(),
                "raised_on": row.raised_on.isoformat(),
                "title_zh": row.title_zh,
                "title_en": row.title_en,
                "delivered": row.delivered_at is not None,
            }
            for row, uscc in rows
        ]


def load_demo_history(db: Database, folder: str | Path = DEMO_HISTORY_DIR) -> list[IngestReport]:
    """Store the demo monitoring history (its data files) on top of the demo bank, whose borrowers,
    facilities and projects it reports on.

    :func:`computecredit.services.demo.load_demo_bank` calls this; loading twice changes nothing (records
    are keyed). Rows about a project, facility or borrower the book does not hold (a trimmed demo book) are
    left out and counted in ``left_out``; ``monitor ingest`` refuses such rows instead.
    """
    folder = Path(folder)
    with db.transaction() as session:
        known = {
            "project_code": set(session.scalars(sa.select(ProjectRow.code))),
            "facility_reference": set(session.scalars(sa.select(FacilityRow.reference))),
            "borrower_uscc": set(session.scalars(sa.select(BorrowerRow.uscc))),
        }
    reports = []
    for name in DEMO_FILES:
        rows = read_rows(folder / name)
        kept = [r for r in rows if all(r[key] in values for key, values in known.items() if key in r)]
        kind = kind_of(folder / name)
        if not kept:
            reports.append(IngestReport(name, kind, 0, 0, 0, len(rows)))
            continue
        reports.append(_ingest_rows(db, kind, kept, name, "demo", len(rows) - len(kept)))
    return reports


def month_ends(start: date, end: date) -> list[date]:
    """Month ends from the one of ``start`` to the one on or before ``end``.

    >>> month_ends(date(2025, 11, 3), date(2026, 2, 28))
    [datetime.date(2025, 11, 30), datetime.date(2025, 12, 31), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)]
    """
    found: list[date] = []
    year, month = start.year, start.month
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        if last > end:
            return found
        found.append(last)
        year, month = following.year, following.month


def replay(db: Database, start: date, end: date, rules: RuleSet | None = None) -> list[MonitoringResult]:
    """The monitoring at every month end from ``start`` to ``end`` on the stored book, in memory (a back-test
    of the rules: nothing is stored). Each month's classes are the next month's previous classes, as in
    successive ``monitor run`` calls."""
    rules = rules or load_rules()
    with db.transaction() as session:
        books = load_books(session)
        market = load_market(session)
    results: list[MonitoringResult] = []
    previous: dict[str, LoanClass] = {}
    for as_of in month_ends(start, end):
        result = monitor(books, market, rules, as_of, previous, check_facility_covenant)
        previous = {c.facility_reference: c.category for c in result.classifications}
        results.append(result)
    return results


def rules_from_file(path: str | Path) -> RuleSet:
    """A bank's own rule table (YAML), validated."""
    path = Path(path)
    return check_rules_file(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


__all__ = [
    "KINDS",
    "IngestReport",
    "RunOutcome",
    "check_facility_covenant",
    "deliver",
    "ingest_file",
    "kind_of",
    "load_books",
    "load_demo_history",
    "load_market",
    "month_ends",
    "open_alerts",
    "previous_classes",
    "read_rows",
    "replay",
    "rules_from_file",
    "run_monitoring",
]
