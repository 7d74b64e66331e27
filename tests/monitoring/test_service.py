"""Ingest, run, re-run and alert delivery against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa

from computecredit.errors import InputError
from computecredit.monitoring.backtest import lead_times
from computecredit.services.monitoring import (
    DEMO_HISTORY_DIR,
    deliver,
    ingest_file,
    load_demo_history,
    open_alerts,
    replay,
    run_monitoring,
)
from computecredit.store.database import Database
from computecredit.store.facilities import list_exposures
from computecredit.store.monitoring import AlertRow, MonitoringRunRow, PaymentRow, SignalRow


@pytest.fixture
def demo_db(database_url: str):
    db = Database(database_url)
    db.upgrade()
    load_demo_history(db)
    yield db
    db.dispose()


def count(db: Database, table) -> int:
    with db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def test_malformed_file_is_refused_with_row_and_field_and_nothing_stored(
    demo_db: Database, tmp_path: Path
) -> None:
    before = count(demo_db, PaymentRow)
    bad = tmp_path / "payments_2026-07.csv"
    bad.write_text(
        "facility_reference,as_of,days_past_due,outstanding,overdue_amount\n"
        "HN-PL-2024-01,2026-07-31,195,300000000,9000000\n"
        "NX-PL-2024-01,2026-07-31,-3,280000000,0\n"
        "CD-PL-2024-01,2026-07-31,160,abc,6000000\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        ingest_file(demo_db, bad)
    found = {(p.row, p.field) for p in caught.value.problems}
    assert found == {(3, "days_past_due"), (4, "outstanding")}
    assert all(p.source == "payments_2026-07.csv" for p in caught.value.problems)
    assert count(demo_db, PaymentRow) == before


def test_unknown_reference_is_refused_and_nothing_stored(demo_db: Database, tmp_path: Path) -> None:
    before = count(demo_db, PaymentRow)
    bad = tmp_path / "payments.csv"
    bad.write_text(
        "facility_reference,as_of,days_past_due\nHN-PL-2024-01,2026-07-31,0\nNO-SUCH-LOAN,2026-07-31,0\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        ingest_file(demo_db, bad)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field, problem.value) == (3, "facility_reference", "NO-SUCH-LOAN")
    assert count(demo_db, PaymentRow) == before


def test_run_is_idempotent_for_the_same_data_and_date(demo_db: Database) -> None:
    as_of = date(2025, 11, 30)
    first = run_monitoring(demo_db, as_of)
    signals = count(demo_db, SignalRow)
    alerts = count(demo_db, AlertRow)
    again = run_monitoring(demo_db, as_of)
    assert again.result.digest() == first.result.digest()
    assert again.new_alerts == [] and first.new_alerts
    assert (count(demo_db, SignalRow), count(demo_db, AlertRow), count(demo_db, MonitoringRunRow)) == (
        signals,
        alerts,
        1,
    )


def test_run_feeds_classes_and_stages_to_the_exposures(demo_db: Database) -> None:
    run_monitoring(demo_db, date(2026, 3, 31))
    result = run_monitoring(demo_db, date(2026, 4, 30)).result
    hainan = next(c for c in result.classifications if c.facility_reference == "HN-PL-2024-01")
    assert hainan.category.value == "substandard" and hainan.previous.value == "special_mention"
    assert ("第十条", "overdue 105 days > 90") in hainan.reasons
    with demo_db.transaction() as session:
        stored = {e.facility_reference: e for e in list_exposures(session, date(2026, 4, 30))}
    assert stored["HN-PL-2024-01"].ecl_stage == 3 and stored["HN-PL-2024-01"].days_past_due == 105
    assert stored["WH-WC-2025-01"].ecl_stage == 1
    kinds = {a.kind for a in result.alerts if a.borrower_uscc == hainan.borrower_uscc}
    assert {"signal", "rating_review", "classification"} <= kinds
    owners = {a["owner"] for a in open_alerts(demo_db)}
    assert owners <= {"credit.officer", "project.monitor", "risk.manager"}


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_webhook_posts_new_alerts_once(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.upgrade()
    load_demo_history(db)
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/alerts"
    try:
        _Receiver.received.clear()
        outcome = run_monitoring(db, date(2025, 9, 30), webhook=url)
        assert outcome.delivered == len(outcome.new_alerts) > 0 and outcome.webhook_error is None
        posted = _Receiver.received[0]["alerts"]
        assert {"owner", "due_date", "title_zh", "severity"} <= set(posted[0])
        assert any(a["rule_id"] == "EVT-OFFTAKE-TERMINATED" for a in posted)
        assert run_monitoring(db, date(2025, 9, 30), webhook=url).delivered == 0
        assert len(_Receiver.received) == 1
        assert all(a["delivered"] for a in open_alerts(db))
    finally:
        server.shutdown()
        server.server_close()
        db.dispose()


def test_failing_webhook_keeps_the_run(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    db.upgrade()
    load_demo_history(db)
    outcome = run_monitoring(db, date(2025, 9, 30))
    delivered, error = deliver(db, "http://127.0.0.1:9/none", outcome.new_alerts, timeout=1)
    assert delivered == 0 and "failed" in error
    assert not any(a["delivered"] for a in open_alerts(db))
    db.dispose()


def test_demo_history_is_flagged_before_each_default(sqlite_url: str) -> None:
    """The done-when check: each deteriorating demo borrower is on the watch list before its default."""
    db = Database(sqlite_url)
    db.upgrade()
    load_demo_history(db, DEMO_HISTORY_DIR)
    leads = {lead.borrower_uscc: lead for lead in lead_times(replay(db, date(2025, 1, 1), date(2026, 6, 30)))}
    db.dispose()
    defaulted = [lead for lead in leads.values() if lead.default]
    assert len(defaulted) == 3
    assert all(lead.outcome == "warned" and lead.periods_before_default >= 3 for lead in defaulted)
    assert all(lead.periods_before_missed_payment >= 1 for lead in defaulted)
    assert leads["91420100MA4KTW040G"].outcome == "sound"
