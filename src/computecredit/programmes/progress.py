"""A programme's progress on a date: committed against the target, drawn, what is left, the pace, the
split by chain segment, hub and year, and how its loans perform.

Definitions (one each):

- **committed**: the approved limits of the programme's facilities committed on or before the date (a
  facility approved through the workbench is committed on its approval's analysis date, a booked one on its
  start date), whatever has been drawn or repaid since: a programme counts the credit it has granted;
- **drawn**: those facilities' drawn balances in their latest exposure on or before the date;
- **remaining**: the amount less committed, never below zero; **share of target**: committed / amount;
- **pace**: committed / the straight-line expectation, amount × (days elapsed / days in the period),
  clamped to the period (1.0: on the line; below: behind);
- **risk**: expected loss (EAD × PD × LGD of the book), the count of facilities classed 次级 or worse (NPL),
  and the count of facilities whose borrower is on the latest watch list.

>>> from datetime import date
>>> from computecredit.domain.programmes import Programme
>>> p = Programme(code="AI-CHAIN", kind="lending_programme", name_zh="人工智能产业链", name_en="AI chain",
...               amount=Decimal("1e9"), start=date(2025, 1, 1), end=date(2027, 1, 1))
>>> m = Member("F1", "U1", "甲", "A", "servers_hardware", "ningxia", date(2025, 3, 1), Decimal("2e8"),
...            Decimal("1e8"), 0.0, False, False)
>>> r = progress(p, [m], date(2026, 1, 1))
>>> float(r.committed), round(r.share_of_target, 3), round(r.elapsed_share, 3), round(r.pace, 3)
(200000000.0, 0.2, 0.5, 0.4)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from computecredit.domain.programmes import Programme


@dataclass(frozen=True)
class Member:
    """One facility of a programme as progress needs it (amounts in 元, EL in 元)."""

    facility: str
    borrower_uscc: str
    borrower_zh: str
    borrower_en: str
    segment: str
    hub: str
    committed_on: date
    limit: Decimal
    drawn: Decimal
    expected_loss: float
    npl: bool
    watch: bool


@dataclass(frozen=True)
class Slice:
    """Committed and drawn amounts and the count of facilities for one segment, hub or year."""

    key: str
    committed: Decimal
    drawn: Decimal
    facilities: int


@dataclass(frozen=True)
class Progress:
    programme: Programme
    as_of: date
    members: tuple[Member, ...]
    committed: Decimal
    drawn: Decimal
    remaining: Decimal
    share_of_target: float
    elapsed_share: float
    expected_by_now: Decimal
    pace: float | None
    by_segment: tuple[Slice, ...]
    by_hub: tuple[Slice, ...]
    by_year: tuple[Slice, ...]
    expected_loss: float
    npl_count: int
    watch_count: int
    borrowers: int


def elapsed_share(programme: Programme, as_of: date) -> float:
    """The share of the programme's period gone by on ``as_of``, in [0, 1].

    >>> from computecredit.domain.programmes import Programme
    >>> p = Programme(code="X-1", kind="product_line", name_zh="产品", name_en="Line", amount=1,
    ...               start=date(2025, 1, 1), end=date(2025, 12, 31))
    >>> elapsed_share(p, date(2024, 6, 1)), elapsed_share(p, date(2025, 12, 31))
    (0.0, 1.0)
    """
    days = (programme.end - programme.start).days
    return min(max((as_of - programme.start).days / days, 0.0), 1.0)


def slices(members: Sequence[Member], key: Callable[[Member], str]) -> tuple[Slice, ...]:
    """Members grouped by ``key``, largest commitment first."""
    groups: dict[str, list[Member]] = {}
    for member in members:
        groups.setdefault(key(member), []).append(member)
    out = [
        Slice(k, sum((m.limit for m in ms), Decimal(0)), sum((m.drawn for m in ms), Decimal(0)), len(ms))
        for k, ms in groups.items()
    ]
    return tuple(sorted(out, key=lambda s: (-s.committed, s.key)))


def progress(programme: Programme, members: Sequence[Member], as_of: date) -> Progress:
    """The programme's progress on ``as_of`` from its members (those committed later are left out)."""
    counted = tuple(sorted((m for m in members if m.committed_on <= as_of), key=lambda m: m.facility))
    committed = sum((m.limit for m in counted), Decimal(0))
    elapsed = elapsed_share(programme, as_of)
    expected = (programme.amount * Decimal(str(elapsed))).quantize(Decimal(1))
    return Progress(
        programme=programme,
        as_of=as_of,
        members=counted,
        committed=committed,
        drawn=sum((m.drawn for m in counted), Decimal(0)),
        remaining=max(programme.amount - committed, Decimal(0)),
        share_of_target=float(committed / programme.amount),
        elapsed_share=elapsed,
        expected_by_now=expected,
        pace=float(committed / expected) if expected > 0 else None,
        by_segment=slices(counted, lambda m: m.segment),
        by_hub=slices(counted, lambda m: m.hub or "none"),
        by_year=tuple(sorted(slices(counted, lambda m: str(m.committed_on.year)), key=lambda s: s.key)),
        expected_loss=sum(m.expected_loss for m in counted),
        npl_count=sum(m.npl for m in counted),
        watch_count=sum(m.watch for m in counted),
        borrowers=len({m.borrower_uscc for m in counted}),
    )


__all__ = ["Member", "Progress", "Slice", "elapsed_share", "progress", "slices"]
