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
import io
import json
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from computecredit.config import examples_dir
from computecredit.domain import Covenant
from computecredit.domain.branches import HEAD_OFFICE, WHOLE_BANK, Scope, nearest_holder
from computecredit.domain.exposures import LoanClass
from computecredit.domain.facilities import CovenantOperator
from computecredit.domain.users import Role
from computecredit.errors import InputError
from computecredit.facilities.covenants import METRICS as COVENANT_METRICS
from computecredit.facilities.covenants import Covenant as EngineCovenant
from computecredit.facilities.covenants import CovenantResult, check_covenant
from computecredit.jsonable import to_jsonable
from computecredit.monitoring.book import BorrowerBook, MarketData, chip_key
from computecredit.monitoring.data import MarketObservation, parse_rows
from computecredit.monitoring.rules import RuleSet, check_rules_file, load_rules
from computecredit.monitoring.run import Alert, MonitoringResult, monitor
from computecredit.services import audit
from computecredit.services import statements as statement_service
from computecredit.store import branches as branch_store
from computecredit.store import monitoring as monitoring_store
from computecredit.store import users as user_store
from computecredit.store.base import utcnow
from computecredit.store.borrowers import (
    borrower_branches,
    list_borrowers,
    list_statements,
)
from computecredit.store.database import Database
from computecredit.store.facilities import (
    list_facilities,
)
from computecredit.store.projects import list_projects

KINDS = ("operating_reports", "payments", "market", "events", "statements")
DEMO_HISTORY_DIR = examples_dir() / "demo_bank" / "monitoring"
DEMO_FILES = ("operating_reports.csv", "payments.csv", "market.csv", "events.csv")


# --- covenant testing ------------------------------------------------------------------------------


def check_facility_covenant(covenant: Covenant, value: float | None) -> CovenantResult:
    """Test a facility's covenant (as stored on the facility) with the facilities covenant engine.

    The stored covenant (``metric operator threshold``) becomes a
    :class:`computecredit.facilities.covenants.Covenant` and is tested by its ``check_covenant`` (headroom,
    warning band, breach). A metric that engine does not know is reported as ``missing``.

    >>> from decimal import Decimal
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


def ingest_file(
    db: Database, path: str | Path, kind: str | None = None, actor: str = "system", scope: Scope = WHOLE_BANK
) -> IngestReport:
    """Validate every row of a periodic data file and store them all in one transaction, or none.

    References (project code, facility reference, borrower USCC) must exist in ``scope`` (the uploader's
    branches); a bad row is reported with its row number and field, and nothing is stored.
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
            counts = statement_service.store_statements(session, located, source=path.name, scope=scope)
            report = IngestReport(path.name, kind, len(located), counts["created"], counts["updated"])
            audit.append(session, actor, "monitoring.ingest", "monitoring_file", path.name, None, asdict(report))
        return report
    return _ingest_rows(db, kind, read_rows(path), path.name, actor, scope=scope)


def _ingest_rows(
    db: Database,
    kind: str,
    rows: list[dict[str, Any]],
    source: str,
    actor: str,
    left_out: int = 0,
    scope: Scope = WHOLE_BANK,
) -> IngestReport:
    # one spelling per chip before storing, so the market series of "H100" and "h-100" are one
    records = [
        r.model_copy(update={"key": chip_key(r.key)}) if isinstance(r, MarketObservation) else r
        for r in parse_rows(kind, rows, source=source)
    ]
    with audit.write_transaction(db) as session:
        inserted, replaced = monitoring_store.save_records(session, records, source, scope)
        report = IngestReport(source, kind, len(records), inserted, replaced, left_out)
        audit.append(session, actor, "monitoring.ingest", "monitoring_file", source, None, asdict(report))
    return report


# --- loading the book ------------------------------------------------------------------------------


def load_books(session: Session) -> list[BorrowerBook]:
    """Every borrower with its facilities, projects, statements and periodic records."""
    facilities = list_facilities(session)
    projects = list_projects(session)
    statements = list_statements(session)
    reports = monitoring_store.operating_reports(session)
    payments = monitoring_store.payment_records(session)
    events = monitoring_store.events(session)
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
    return MarketData.of(monitoring_store.market_observations(session))


def previous_classes(session: Session, as_of: date) -> dict[str, LoanClass]:
    """Each facility's class in the latest run before ``as_of``."""
    return {
        ref: LoanClass(category) for ref, category in monitoring_store.previous_classes(session, as_of).items()
    }


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
        result = route_alerts(session, result)
        stored = monitoring_store.find_run(session, as_of)
        before = {"digest": stored.digest, **stored.summary} if stored else None
        new_alerts = monitoring_store.save_run(session, result)
        after = {"digest": result.digest(), "rules_version": result.rules_version, "new_alerts": len(new_alerts)}
        saved = monitoring_store.find_run(session, as_of)
        assert saved is not None  # save_run stored it in this transaction
        after.update(saved.summary)
        audit.append(session, actor, "monitoring.run", "monitoring_run", as_of.isoformat(), before, after)
    outcome = RunOutcome(result, new_alerts)
    if webhook and new_alerts:
        outcome.delivered, outcome.webhook_error = deliver(db, webhook, new_alerts, actor=actor)
    return outcome


def route_alerts(session: Session, result: MonitoringResult) -> MonitoringResult:
    """Each alert to a person: the rules name a role (``alerts.owners``); the alert goes to the first active
    user (by name) of that role at the borrower's branch, else at the nearest branch above it, else to a
    head-office risk manager, who sees the whole bank. With nobody at all, the role stays as the owner."""
    branches = branch_store.list_branches(session)
    holders: dict[str, dict[str, list[str]]] = {}
    for user in sorted(user_store.list_users(session), key=lambda u: u.username):
        if user.active:
            holders.setdefault(user.role.value, {}).setdefault(user.branch_code, []).append(user.username)
    booked = borrower_branches(session, {a.borrower_uscc for a in result.alerts})

    def owner(alert: Alert) -> str:
        role = str(alert.owner)
        return (
            nearest_holder(branches, booked.get(alert.borrower_uscc, HEAD_OFFICE), holders.get(role, {}))
            or nearest_holder(branches, HEAD_OFFICE, holders.get(Role.RISK_MANAGER.value, {}))
            or role
        )

    return replace(result, alerts=tuple(replace(a, owner=owner(a)) for a in result.alerts))


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
        rows = monitoring_store.alerts_with_keys(session, [a.key for a in alerts])
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


def open_alerts(db: Database, owner: str | None = None, scope: Scope = WHOLE_BANK) -> list[dict[str, Any]]:
    """Open alerts (of borrowers in ``scope``; optionally of one owner), most urgent first."""
    with db.transaction() as session:
        rows, _total = monitoring_store.alert_rows(session, owner=owner, statuses=("open",), scope=scope)
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
            for row, uscc, _zh, _en in rows
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
        known = monitoring_store.known_references(session)
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
