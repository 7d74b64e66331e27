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

from computecredit.domain.branches import scope_of
from computecredit.errors import InputError
from computecredit.monitoring.backtest import lead_times
from computecredit.services.demo import load_demo_bank
from computecredit.services.monitoring import deliver, ingest_file, open_alerts, replay, run_monitoring
from computecredit.store.borrowers import borrower_branches
from computecredit.store.branches import list_branches
from computecredit.store.database import Database
from computecredit.store.facilities import list_exposures
from computecredit.store.monitoring import AlertRow, MonitoringRunRow, PaymentRow, SignalRow
from computecredit.store.users import list_users


@pytest.fixture
def history_db(database_url: str):
    """The demo bank with its monitoring history, on SQLite and PostgreSQL."""
    db = Database(database_url)
    load_demo_bank(db, password="demo-password")
    yield db
    db.dispose()


def count(db: Database, table) -> int:
    with db.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def test_malformed_file_is_refused_with_row_and_field_and_nothing_stored(
    history_db: Database, tmp_path: Path
) -> None:
    before = count(history_db, PaymentRow)
    bad = tmp_path / "payments_2026-07.csv"
    bad.write_text(
        "facility_reference,as_of,days_past_due,outstanding,overdue_amount\n"
        "FA-2025-121,2026-07-31,195,300000000,9000000\n"
        "PL-2025-NX-001,2026-07-31,-3,280000000,0\n"
        "FA-2025-118,2026-07-31,160,abc,6000000\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        ingest_file(history_db, bad)
    found = {(p.row, p.field) for p in caught.value.problems}
    assert found == {(3, "days_past_due"), (4, "outstanding")}
    assert all(p.source == "payments_2026-07.csv" for p in caught.value.problems)
    assert count(history_db, PaymentRow) == before


def test_unknown_reference_is_refused_and_nothing_stored(history_db: Database, tmp_path: Path) -> None:
    before = count(history_db, PaymentRow)
    bad = tmp_path / "payments.csv"
    bad.write_text(
        "facility_reference,as_of,days_past_due\nFA-2025-121,2026-07-31,0\nNO-SUCH-LOAN,2026-07-31,0\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        ingest_file(history_db, bad)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field, problem.value) == (3, "facility_reference", "NO-SUCH-LOAN")
    assert count(history_db, PaymentRow) == before


def test_run_is_idempotent_for_the_same_data_and_date(history_db: Database) -> None:
    as_of = date(2025, 11, 30)
    first = run_monitoring(history_db, as_of)
    signals = count(history_db, SignalRow)
    alerts = count(history_db, AlertRow)
    again = run_monitoring(history_db, as_of)
    assert again.result.digest() == first.result.digest()
    assert again.new_alerts == [] and first.new_alerts
    assert (count(history_db, SignalRow), count(history_db, AlertRow), count(history_db, MonitoringRunRow)) == (
        signals,
        alerts,
        1,
    )


def test_run_feeds_classes_and_stages_to_the_exposures(demo_db: Database) -> None:
    run_monitoring(demo_db, date(2026, 3, 31))
    result = run_monitoring(demo_db, date(2026, 4, 30)).result
    wuhu = next(c for c in result.classifications if c.facility_reference == "FA-2025-121")
    assert wuhu.category.value == "substandard" and wuhu.previous.value == "special_mention"
    assert ("第十条", "overdue 105 days > 90") in wuhu.reasons
    with demo_db.transaction() as session:
        stored = {e.facility_reference: e for e in list_exposures(session, date(2026, 4, 30))}
    assert stored["FA-2025-121"].ecl_stage == 3 and stored["FA-2025-121"].days_past_due == 105
    assert stored["FL-2025-001"].ecl_stage == 2  # current, but 关注 on a high signal (H20 rental slide): stage 2
    kinds = {a.kind for a in result.alerts if a.borrower_uscc == wuhu.borrower_uscc}
    assert {"signal", "rating_review", "classification"} <= kinds
    with demo_db.transaction() as session:
        booked = borrower_branches(session)
        tree = list_branches(session)
        users = {u.username: u for u in list_users(session)}
    routed = set()
    for alert in open_alerts(demo_db):  # each alert goes to someone who sees its borrower, of the rules' role
        owner = users[alert["owner"]]
        assert scope_of(tree, owner.branch_code).allows(booked[alert["borrower_uscc"]])
        routed.add((booked[alert["borrower_uscc"]], alert["kind"], alert["owner"]))
    assert ("SZ", "rating_review", "branch_analyst") in routed  # a Shenzhen borrower: the Shenzhen analyst
    assert all(owner == "risk" for _b, kind, owner in routed if kind == "classification")  # risk managers: HO


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_webhook_posts_new_alerts_once(demo_db: Database) -> None:
    db = demo_db
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


def test_failing_webhook_keeps_the_run(demo_db: Database) -> None:
    db = demo_db
    outcome = run_monitoring(db, date(2025, 9, 30))
    delivered, error = deliver(db, "http://127.0.0.1:9/none", outcome.new_alerts, timeout=1)
    assert delivered == 0 and "failed" in error
    assert not any(a["delivered"] for a in open_alerts(db))


def test_demo_history_is_flagged_before_each_default(demo_db: Database) -> None:
    """The done-when check: each deteriorating borrower of the demo history is on the watch list months
    before its default, and before its first missed payment."""
    leads = {lead.borrower_uscc: lead for lead in lead_times(replay(demo_db, date(2025, 1, 1), date(2026, 6, 30)))}
    for uscc in ("91340100MAGGQWYTFL", "91640500MA53JLGWU7", "91150100MAA5P7L9NM"):
        assert leads[uscc].outcome == "warned"
        assert leads[uscc].periods_before_default >= 3 and leads[uscc].periods_before_missed_payment >= 1
    assert leads["91440300MABCJBUGHX"].outcome == "false alarm"  # H20 export-control warning, stays current
    assert all(lead.outcome != "missed" for lead in leads.values())


def test_classes_feed_the_portfolio_ecl_stage(demo_db: Database) -> None:
    """The run's class and days past due go into the portfolio engine's ECL staging unchanged."""
    from computecredit.portfolio.ecl import expected_credit_loss
    from computecredit.portfolio.inputs import Portfolio

    result = run_monitoring(demo_db, date(2026, 4, 30)).result
    records = [
        {
            "obligor_id": c.borrower_uscc,
            "group_id": c.borrower_uscc,
            "sector": "idc",
            "region": "宁夏",
            "ead": float(c.outstanding or 0),
            "pd": 0.02,
            "lgd": 0.45,
            "maturity": 3,
            "days_past_due": c.days_past_due,
            "five_category": c.category.value,
        }
        for c in result.classifications
        if c.outstanding
    ]
    staged = expected_credit_loss(Portfolio.from_records(records)).rows
    assert [row["stage"] for row in staged] == [c.ecl_stage for c in result.classifications if c.outstanding]


def test_ingest_and_run_are_in_the_audit_log(demo_db: Database) -> None:
    from computecredit.services.audit import verify
    from computecredit.store.workbench import AuditEntry

    run_monitoring(demo_db, date(2025, 12, 31), actor="risk")
    run_monitoring(demo_db, date(2025, 12, 31), actor="risk")
    with demo_db.transaction() as session:
        entries = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)).all()
        actions = [(e.actor, e.action, e.entity_id) for e in entries]
        assert verify(session).ok
        runs = [json.loads(e.after_json) for e in entries if e.action == "monitoring.run"]
    assert ("demo", "monitoring.ingest", "payments.csv") in actions
    assert actions[-2:] == [("risk", "monitoring.run", "2025-12-31")] * 2
    assert runs[0]["digest"] == runs[1]["digest"] and runs[1]["new_alerts"] == 0


def test_statements_file_uses_the_statements_importer(demo_db: Database, tmp_path: Path) -> None:
    """Statements arrive in the foundation's layout (one row per statement) and pass its checks."""
    from computecredit.services.statements import write_csv
    from computecredit.store.borrowers import list_statements

    uscc = "91130100MA88P9G8PJ"
    with demo_db.transaction() as session:
        fy2024 = next(s for s in list_statements(session, uscc) if s.fiscal_year == 2024)
    good = tmp_path / "statements_fy2025.csv"
    write_csv(good, [fy2024.model_copy(update={"fiscal_year": 2025, "period_end": date(2025, 12, 31)})])
    report = ingest_file(demo_db, good)
    assert (report.kind, report.rows, report.inserted) == ("statements", 1, 1)
    with demo_db.transaction() as session:
        assert 2025 in {s.fiscal_year for s in list_statements(session, uscc)}
    bad = tmp_path / "statements_bad.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace(",2025,", ",1850,", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_file(demo_db, bad)
    assert "fiscal_year" in str(caught.value)
