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

from computecredit.domain import Borrower, Covenant, Exposure, Facility, FinancialStatement, Project
from computecredit.domain.exposures import LoanClass
from computecredit.domain.facilities import CovenantOperator
from computecredit.domain.validation import input_error, parse
from computecredit.errors import InputError, Problem
from computecredit.monitoring.book import BorrowerBook, MarketData
from computecredit.monitoring.data import Event, MarketObservation, OperatingReport, PaymentRecord, parse_rows
from computecredit.monitoring.rules import RuleSet, check_rules_file, load_rules
from computecredit.monitoring.run import Alert, MonitoringResult, _plain, monitor
from computecredit.store.base import utcnow
from computecredit.store.borrowers import (
    BorrowerRow,
    find_borrower_row,
    list_borrowers,
    list_statements,
    save_borrower,
    save_statement,
)
from computecredit.store.database import Database
from computecredit.store.facilities import (
    FacilityRow,
    find_facility_row,
    list_facilities,
    save_exposure,
    save_facility,
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
from computecredit.store.projects import ProjectRow, list_projects, save_project

KINDS = ("operating_reports", "payments", "market", "events", "statements")
DEMO_HISTORY_DIR = Path(__file__).resolve().parents[3] / "examples" / "demo_bank" / "monitoring"
DEMO_FILES = ("statements.csv", "operating_reports.csv", "payments.csv", "market.csv", "events.csv")


# --- covenant testing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CovenantCheck:
    status: str
    headroom: float | None


def check_facility_covenant(
    covenant: Covenant, value: float | None, warning_headroom: float = 0.10
) -> CovenantCheck:
    """Test a facility's covenant with the domain's own rule (:meth:`Covenant.holds`), with its headroom.

    Headroom is the distance to the threshold relative to it, negative when breached; within
    ``warning_headroom`` the covenant is a warning.

    >>> cov = Covenant(metric="debt_to_assets", operator="<=", threshold=Decimal("0.70"))
    >>> check_facility_covenant(cov, 0.66)
    CovenantCheck(status='warning', headroom=0.057143)
    >>> check_facility_covenant(cov, 0.75).status, check_facility_covenant(cov, None).status
    ('breach', 'missing')
    """
    if value is None:
        return CovenantCheck("missing", None)
    threshold = float(covenant.threshold)
    gap = threshold - value if covenant.operator is CovenantOperator.MAX else value - threshold
    headroom = round(gap / (abs(threshold) or 1.0), 6)
    if not covenant.holds(Decimal(str(value))):
        return CovenantCheck("breach", headroom)
    return CovenantCheck("warning" if headroom < warning_headroom else "pass", headroom)


# --- ingest ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestReport:
    source: str
    kind: str
    rows: int
    inserted: int
    replaced: int


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


def _statements(rows: list[dict[str, Any]], source: str) -> list[FinancialStatement]:
    """Long-format statement rows (borrower_uscc, fiscal_year, unit, code, value) grouped into statements."""
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]] = {}
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=2):
        for name in ("borrower_uscc", "fiscal_year", "code", "value"):
            if not str(row.get(name) or "").strip():
                problems.append(Problem(name, row.get(name), "is required", source, number))
        key = (
            str(row.get("borrower_uscc", "")).strip(),
            str(row.get("fiscal_year", "")).strip(),
            str(row.get("unit") or "元"),
        )
        groups.setdefault(key, []).append((number, row))
    if problems:
        raise InputError(problems=problems)
    statements = []
    for (uscc, year, unit), members in groups.items():
        values = {str(r["code"]).strip(): r["value"] for _, r in members}
        rows_of = {str(r["code"]).strip(): n for n, r in members}
        try:
            statements.append(
                FinancialStatement.model_validate(
                    {"borrower_uscc": uscc, "fiscal_year": year, "unit": unit, "values": values}
                )
            )
        except ValueError as exc:
            for problem in input_error(exc, source=source).problems:  # type: ignore[arg-type]
                code = problem.field.split(".")[-1]
                problem.row = rows_of.get(code, members[0][0])
                problems.append(problem)
    if problems:
        raise InputError(problems=problems)
    return statements


def ingest_file(db: Database, path: str | Path, kind: str | None = None) -> IngestReport:
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
    rows = read_rows(path)
    if kind == "statements":
        records: list[Any] = _statements(rows, path.name)
    else:
        records = parse_rows(kind, rows, source=path.name)
    with db.transaction() as session:
        inserted, replaced = _store(session, kind, records, path.name)
    return IngestReport(path.name, kind, len(records), inserted, replaced)


def _store(session: Session, kind: str, records: Sequence[Any], source: str) -> tuple[int, int]:
    problems: list[Problem] = []
    inserted = replaced = 0

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
                    MarketObservationRow.key == record.key.upper(),
                    MarketObservationRow.period_end == record.period_end,
                )
            ).one_or_none()
            fields = {"value": record.value, "unit": record.unit, "source": record.source}
            is_new = row is None
            if row is None:
                row = MarketObservationRow(
                    series=record.series.value, key=record.key.upper(), period_end=record.period_end
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
        elif isinstance(record, FinancialStatement):
            if find_borrower_row(session, record.borrower_uscc) is None:
                missing(number, "borrower_uscc", record.borrower_uscc, "borrower")
                continue
            _, is_new = save_statement(session, record)
            inserted += is_new
            replaced += not is_new
            continue
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
    for row, reference, uscc in session.execute(
        sa.select(PaymentRow, FacilityRow.reference, BorrowerRow.uscc)
        .join(FacilityRow, PaymentRow.facility_id == FacilityRow.id)
        .join(BorrowerRow, FacilityRow.borrower_id == BorrowerRow.id)
    ):
        payments.setdefault(uscc, []).append(
            PaymentRecord(
                facility_reference=reference,
                as_of=row.as_of,
                days_past_due=row.days_past_due,
                outstanding=row.outstanding,
                overdue_amount=row.overdue_amount,
                restructured_on=row.restructured_on,
                technical_delay=row.technical_delay,
                credit_impaired=row.credit_impaired,
                ecl_ratio=float(row.ecl_ratio) if row.ecl_ratio is not None else None,
            )
        )
    events: dict[str, list[Event]] = {}
    for row, uscc in session.execute(sa.select(EventRow, BorrowerRow.uscc).join(BorrowerRow)):
        events.setdefault(uscc, []).append(
            Event(
                borrower_uscc=uscc,
                event_date=row.event_date,
                kind=row.kind,
                counterparty=row.counterparty,
                amount=row.amount,
                ratio=float(row.ratio) if row.ratio is not None else None,
                chips=row.chips,
                description=row.description,
                source=row.source,
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
) -> RunOutcome:
    """Evaluate every rule on the stored book on ``as_of`` and store the results (idempotent per date).

    Re-running a date replaces its signals, classes and watch list with identical ones; alerts are keyed
    across runs, so a re-run raises no new alert and the webhook is called only for new ones.
    """
    rules = rules or load_rules()
    with db.transaction() as session:
        books = load_books(session)
        market = load_market(session)
        result = monitor(books, market, rules, as_of, previous_classes(session, as_of), check_facility_covenant)
        new_alerts = _save_run(session, result)
    outcome = RunOutcome(result, new_alerts)
    if webhook and new_alerts:
        outcome.delivered, outcome.webhook_error = deliver(db, webhook, new_alerts)
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
            data=_plain(s.data),
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
        if c.outstanding is not None:
            # Hand the class and stage to the exposures the portfolio engine reads (ECL staging).
            save_exposure(
                session,
                Exposure(
                    facility_reference=c.facility_reference,
                    as_of=result.as_of,
                    drawn=c.outstanding,
                    undrawn=Decimal(0),
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


def deliver(db: Database, url: str, alerts: Sequence[Alert], timeout: float = 5.0) -> tuple[int, str | None]:
    """POST the new alerts as one JSON document to ``url``; mark them delivered when it answers 2xx.

    A failing webhook does not undo the run: the alerts stay stored and undelivered, and the error is returned.
    """
    body = json.dumps({"alerts": _plain([asdict(a) for a in alerts])}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except OSError as exc:
        return 0, f"webhook {url} failed: {exc}"
    if not 200 <= status < 300:
        return 0, f"webhook {url} answered {status}"
    with db.transaction() as session:
        rows = session.scalars(sa.select(AlertRow).where(AlertRow.key.in_([a.key for a in alerts])))
        stamp = utcnow()
        for row in rows:
            row.delivered_at = stamp
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
    """Store the demo history: its borrowers, projects and facilities where absent, then its data files.

    The demo-bank loader calls this once; loading twice changes nothing (records are keyed).
    """
    folder = Path(folder)
    book = yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))
    source = "book.yaml"
    with db.transaction() as session:
        for number, data in enumerate(book["borrowers"], start=1):
            borrower = parse(Borrower, data, source=source, row=number)
            if find_borrower_row(session, borrower.uscc) is None:
                save_borrower(session, borrower)
        for number, data in enumerate(book["projects"], start=1):
            project = parse(Project, data, source=source, row=number)
            if session.scalars(sa.select(ProjectRow).where(ProjectRow.code == project.code)).one_or_none() is None:
                save_project(session, project)
        for number, data in enumerate(book["facilities"], start=1):
            facility = parse(Facility, data, source=source, row=number)
            if find_facility_row(session, facility.reference) is None:
                save_facility(session, facility)
    return [ingest_file(db, folder / name) for name in DEMO_FILES]


def month_ends(start: date, end: date) -> list[date]:
    """Month ends from the one of ``start`` to the one on or before ``end``.

    >>> month_ends(date(2025, 11, 3), date(2026, 2, 28))
    [datetime.date(2025, 11, 30), datetime.date(2025, 12, 31), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)]
    """
    found = []
    year, month = start.year, start.month
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        if last > end:
            return found
        found.append(last)
        year, month = following.year, following.month


def replay(db: Database, start: date, end: date, rules: RuleSet | None = None) -> list[MonitoringResult]:
    """Run the monitoring at every month end from ``start`` to ``end``, in order (a back-test of the rules)."""
    return [run_monitoring(db, as_of, rules).result for as_of in month_ends(start, end)]


def rules_from_file(path: str | Path) -> RuleSet:
    """A bank's own rule table (YAML), validated."""
    path = Path(path)
    return check_rules_file(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


__all__ = [
    "KINDS",
    "CovenantCheck",
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
