"""What the monitoring engine looks at: one borrower's book and its periodic data, cut at a date.

A :class:`BorrowerBook` gathers a borrower with its facilities, projects, statements, operating reports,
payment records and events; :meth:`BorrowerBook.known_at` keeps only what the bank could know on a date
(statements count from ``period_end`` plus the reporting lag). :class:`MarketData` holds the market series.

The statement metrics rules and covenants test (debt to assets, current ratio, interest cover, leverage,
net margin, revenue growth, operating cash flow) are :func:`computecredit.domain.metrics.statement_figures`,
the definitions rating and facilities use too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from computecredit.domain import Borrower, Facility, FinancialStatement, Project
from computecredit.domain.metrics import statement_figures
from computecredit.monitoring.data import Event, MarketObservation, MarketSeries, OperatingReport, PaymentRecord


@dataclass(frozen=True)
class BorrowerBook:
    """A borrower, what the bank lent it, and every periodic record about it (each list sorted by date)."""

    borrower: Borrower
    facilities: tuple[Facility, ...] = ()
    projects: tuple[Project, ...] = ()
    statements: tuple[FinancialStatement, ...] = ()
    operating: tuple[OperatingReport, ...] = ()
    payments: tuple[PaymentRecord, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def uscc(self) -> str:
        return self.borrower.uscc

    def known_at(self, as_of: date, statement_lag_days: int = 0) -> BorrowerBook:
        """The book as the bank knew it on ``as_of``: later records dropped, statements after their lag."""
        lag = timedelta(days=statement_lag_days)
        return replace(
            self,
            statements=tuple(
                s
                for s in sorted(self.statements, key=lambda s: s.fiscal_year)
                if s.period_end is not None and s.period_end + lag <= as_of
            ),
            operating=tuple(r for r in sorted(self.operating, key=_report_key) if r.period_end <= as_of),
            payments=tuple(
                p for p in sorted(self.payments, key=lambda p: (p.facility_reference, p.as_of)) if p.as_of <= as_of
            ),
            events=tuple(e for e in sorted(self.events, key=_event_key) if e.event_date <= as_of),
        )

    def reports_of(self, project_code: str) -> list[OperatingReport]:
        return [r for r in self.operating if r.project_code == project_code]

    def payments_of(self, facility_reference: str) -> list[PaymentRecord]:
        return [p for p in self.payments if p.facility_reference == facility_reference]

    def latest_payment(self, facility_reference: str) -> PaymentRecord | None:
        found = self.payments_of(facility_reference)
        return found[-1] if found else None

    @property
    def chips(self) -> frozenset[str]:
        """Chips the borrower's projects run or its collateral holds: ``gpu_model`` of the project inputs,
        ``accelerators[].model`` of a project-engine document, ``gpu_model``/``accelerator`` of collateral."""
        found: list[object] = []
        for project in self.projects:
            found.append(project.inputs.get("gpu_model"))
            clusters = project.inputs.get("accelerators")  # a project-engine document
            if isinstance(clusters, list):
                found.extend(c.get("model") for c in clusters if isinstance(c, dict))
        for facility in self.facilities:
            for item in facility.collateral:
                found.append(item.details.get("gpu_model") or item.details.get("accelerator"))
        return frozenset(chip_key(model) for model in found if isinstance(model, str))

    def metrics(self) -> dict[str, float]:
        """Metrics of the latest known statement (growth against the one before)."""
        if not self.statements:
            return {}
        previous = self.statements[-2] if len(self.statements) > 1 else None
        return statement_figures(self.statements[-1], previous)

    def covenant_values(self) -> dict[str, float]:
        """Figures covenants are tested on: statement metrics, then the latest operating report's."""
        values = dict(self.metrics())
        for project in self.projects:
            reports = self.reports_of(project.code)
            if reports:
                last = reports[-1]
                for name in ("utilisation", "contracted_share"):
                    value = getattr(last, name)
                    if value is not None:
                        values.setdefault(name, value)
        return values


def chip_key(name: str) -> str:
    """One spelling per chip: upper case without spaces or hyphens.

    >>> chip_key("Ascend 910B"), chip_key("h100")
    ('ASCEND910B', 'H100')
    """
    return name.upper().replace(" ", "").replace("-", "")


def _report_key(report: OperatingReport) -> tuple[str, date]:
    return (report.project_code, report.period_end)


def _event_key(event: Event) -> tuple[date, str]:
    return (event.event_date, event.kind.value)


@dataclass(frozen=True)
class MarketData:
    """Market series keyed by (series, key), each sorted by period end."""

    series: dict[tuple[MarketSeries, str], tuple[MarketObservation, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, observations: Iterable[MarketObservation]) -> MarketData:
        """Group observations by series and key.

        >>> obs = MarketObservation(series="gpu_rental_index", key="H100", period_end="2025-01-31",
        ...     value=12.0, unit="CNY/GPU-hour", source="demo")
        >>> MarketData.of([obs]).points(MarketSeries.GPU_RENTAL_INDEX, "h100")[0].value
        12.0
        """
        grouped: dict[tuple[MarketSeries, str], list[MarketObservation]] = {}
        for obs in observations:
            grouped.setdefault((obs.series, chip_key(obs.key)), []).append(obs)
        return cls({k: tuple(sorted(v, key=lambda o: o.period_end)) for k, v in grouped.items()})

    def points(self, series: MarketSeries, key: str, as_of: date | None = None) -> list[MarketObservation]:
        found = self.series.get((series, chip_key(key)), ())
        return [o for o in found if as_of is None or o.period_end <= as_of]


__all__ = ["BorrowerBook", "MarketData"]
