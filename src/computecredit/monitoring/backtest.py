"""How early the monitoring warned: lead times from a sequence of monthly results.

For each borrower that defaulted (a facility became non-performing: 次级 or worse), the lead time is the
number of monitoring periods between the first period it stood on the watch list and the default, and
between the first warning and its first missed payment. Borrowers flagged but never in default are the
false alarms of the run; defaults never flagged beforehand are misses.

>>> lead_times([]) == []
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from computecredit.domain.exposures import NON_PERFORMING
from computecredit.monitoring.run import MonitoringResult


@dataclass(frozen=True)
class LeadTime:
    borrower_uscc: str
    first_flag: date | None
    first_missed_payment: date | None
    default: date | None
    periods_before_default: int | None
    periods_before_missed_payment: int | None

    @property
    def outcome(self) -> str:
        if self.default is None:
            return "false alarm" if self.first_flag else "sound"
        if self.first_flag is None or self.first_flag >= self.default:
            return "missed"
        return "warned"


def lead_times(results: Sequence[MonitoringResult]) -> list[LeadTime]:
    """Lead times per borrower from results ordered by date (one per monitoring period)."""
    ordered = sorted(results, key=lambda r: r.as_of)
    dates = [r.as_of for r in ordered]
    borrowers = sorted(
        {c.borrower_uscc for r in ordered for c in r.classifications}
        | {w.borrower_uscc for r in ordered for w in r.watch_list}
    )

    def first(predicate) -> date | None:  # type: ignore[no-untyped-def]
        return next((r.as_of for r in ordered if predicate(r)), None)

    out = []
    for uscc in borrowers:
        flag = first(lambda r, u=uscc: any(w.borrower_uscc == u for w in r.watch_list))
        missed = first(
            lambda r, u=uscc: any(c.borrower_uscc == u and c.days_past_due > 0 for c in r.classifications)
        )
        default = first(
            lambda r, u=uscc: any(c.borrower_uscc == u and c.category in NON_PERFORMING for c in r.classifications)
        )

        def gap(later: date | None, flag: date | None = flag) -> int | None:
            if later is None or flag is None:
                return None
            return dates.index(later) - dates.index(flag)

        out.append(LeadTime(uscc, flag, missed, default, gap(default), gap(missed)))
    return out


__all__ = ["LeadTime", "lead_times"]
