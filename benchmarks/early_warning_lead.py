"""Early-warning lead time on the demo history: how many monthly periods before default the monitoring
put each deteriorating borrower on the watch list.

    .venv/bin/python benchmarks/early_warning_lead.py [--json]

Loads the demo bank (with its monitoring history, examples/demo_bank/monitoring) into a fresh SQLite
database, runs the monitoring at every month end from 2025-01 to 2026-06 and prints, per borrower that was
flagged or defaulted, the first watch-list period, the first missed payment, the default (first period a
facility is 次级 or worse) and the periods between them. Borrowers of the monthly history are marked
`history`; the others have only the demo bank's annual statements and year-end exposures. The history is
synthetic (see examples/demo_bank/monitoring/make_history.py): the figure shows the rules catch the three
patterns as designed, not an accuracy measured on real defaults.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from computecredit.monitoring.backtest import lead_times
from computecredit.services.demo import load_demo_bank
from computecredit.services.monitoring import DEMO_HISTORY_DIR, read_rows, replay
from computecredit.store.database import Database
from computecredit.store.facilities import list_facilities


def main(as_json: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'lead.db'}")
        load_demo_bank(db, password="benchmark-only")
        with db.transaction() as session:
            owner = {f.reference: f.borrower_uscc for f in list_facilities(session)}
        history = {owner[row["facility_reference"]] for row in read_rows(DEMO_HISTORY_DIR / "payments.csv")}
        started = time.perf_counter()
        results = replay(db, date(2025, 1, 1), date(2026, 6, 30))
        seconds = time.perf_counter() - started
        db.dispose()
    leads = lead_times(results)
    warned = [lead.periods_before_default for lead in leads if lead.outcome == "warned"]
    history_leads = [lead for lead in leads if lead.borrower_uscc in history]
    history_warned = [lead.periods_before_default for lead in history_leads if lead.outcome == "warned"]
    summary = {
        "periods": len(results),
        "borrowers": [
            {
                "borrower_uscc": lead.borrower_uscc,
                "history": lead.borrower_uscc in history,
                "outcome": lead.outcome,
                "first_flag": lead.first_flag,
                "first_missed_payment": lead.first_missed_payment,
                "default": lead.default,
                "periods_before_default": lead.periods_before_default,
                "periods_before_missed_payment": lead.periods_before_missed_payment,
            }
            for lead in leads
            if lead.outcome != "sound" or lead.borrower_uscc in history
        ],
        "history_defaults": sum(1 for lead in history_leads if lead.default),
        "history_warned_before_default": len(history_warned),
        "history_lead_periods": sorted(history_warned),
        "history_mean_lead_periods": round(sum(history_warned) / len(history_warned), 2)
        if history_warned
        else None,
        "defaults": sum(1 for lead in leads if lead.default),
        "warned_before_default": len(warned),
        "min_lead_periods": min(warned) if warned else None,
        "mean_lead_periods": round(sum(warned) / len(warned), 2) if warned else None,
        "false_alarms": sum(1 for lead in leads if lead.outcome == "false alarm"),
        "replay_seconds": round(seconds, 2),
    }
    if as_json:
        print(json.dumps(summary, default=str, ensure_ascii=False, indent=2))
    else:
        print(
            f"{'borrower':<20}{'':<9}{'outcome':<13}{'first flag':<12}{'missed pay':<12}{'default':<12}{'lead':>5}{'lead to miss':>14}"
        )
        for row in summary["borrowers"]:  # type: ignore[union-attr]
            print(
                f"{row['borrower_uscc']:<20}{'history' if row['history'] else '':<9}{row['outcome']:<13}{row['first_flag'] or '-'!s:<12}"
                f"{row['first_missed_payment'] or '-'!s:<12}{row['default'] or '-'!s:<12}"
                f"{row['periods_before_default'] if row['periods_before_default'] is not None else '-'!s:>5}"
                f"{row['periods_before_missed_payment'] if row['periods_before_missed_payment'] is not None else '-'!s:>14}"
            )
        print(
            f"monthly history: {summary['history_warned_before_default']} of {summary['history_defaults']} defaults "
            f"on the watch list before default, {summary['history_lead_periods']} monthly periods ahead "
            f"(mean {summary['history_mean_lead_periods']})"
        )
        print(
            f"whole demo bank: defaults {summary['defaults']}, warned before default {summary['warned_before_default']}, lead "
            f"min {summary['min_lead_periods']} / mean {summary['mean_lead_periods']} monthly periods, false alarms "
            f"{summary['false_alarms']}; {summary['periods']} monthly runs in {summary['replay_seconds']} s"
        )
    return summary


if __name__ == "__main__":
    main("--json" in sys.argv[1:])
