"""The borrower list a credit officer scans: each borrower with its grade, PD, exposure, watch-list flag and
open alerts, filtered, sorted and paged in one query (window functions: SQLite ≥ 3.25 and PostgreSQL).

- grade and PD: the latest rating, the override's where there is one (as the book uses them);
- exposure: drawn + undrawn of each facility's latest exposure record (nominal, before credit conversion);
- watch list: named on the watch list of the latest monitoring run;
- open alerts: alerts not yet closed (open or acknowledged);
- branch: the branch that books the borrower; the list holds only the borrowers of the caller's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from computecredit.domain.borrowers import Borrower
from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.store.borrowers import BorrowerRow, search_condition, to_borrower
from computecredit.store.branches import in_scope
from computecredit.store.facilities import ExposureRow, FacilityRow
from computecredit.store.monitoring import AlertRow, MonitoringRunRow, WatchListRow
from computecredit.store.ratings import RatingRow, latest_rating_ids

SortKey = Literal["name", "pd", "exposure", "alerts", "segment"]
SORT_KEYS: tuple[str, ...] = ("name", "pd", "exposure", "alerts", "segment")


@dataclass(frozen=True)
class BorrowerListRow:
    borrower: Borrower
    grade: str | None
    pd: Decimal | None
    exposure: Decimal
    watch: bool
    open_alerts: int
    branch_code: str


@dataclass(frozen=True)
class BorrowerFilter:
    """What the list is narrowed to; empty fields do not filter. ``q`` matches either name, the USCC or the
    stock code (:func:`computecredit.store.borrowers.search_condition`)."""

    q: str | None = None
    segment: str | None = None
    hub: str | None = None
    grade: str | None = None


@cache  # statements are immutable: built once, their columns and cache key worked out once
def _latest_ratings() -> sa.Subquery:
    latest = latest_rating_ids()
    return (
        sa.select(
            RatingRow.borrower_id,
            sa.func.coalesce(RatingRow.override_grade, RatingRow.grade).label("grade"),
            sa.func.coalesce(RatingRow.override_pd, RatingRow.pd).label("pd"),
        )
        .join(latest, latest.c.id == RatingRow.id)
        .subquery()
    )


@cache
def _exposures() -> sa.Subquery:
    ranked = (
        sa.select(
            FacilityRow.borrower_id,
            (ExposureRow.drawn + ExposureRow.undrawn).label("amount"),
            sa.func.row_number()
            .over(partition_by=ExposureRow.facility_id, order_by=(ExposureRow.as_of.desc(), ExposureRow.id.desc()))
            .label("rank"),
        )
        .join(FacilityRow, ExposureRow.facility_id == FacilityRow.id)
        .subquery()
    )
    return (
        sa.select(ranked.c.borrower_id, sa.func.sum(ranked.c.amount).label("exposure"))
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.borrower_id)
        .subquery()
    )


@cache
def _open_alerts() -> sa.Subquery:
    return (
        sa.select(AlertRow.borrower_id, sa.func.count().label("alerts"))
        .where(AlertRow.status != "closed")
        .group_by(AlertRow.borrower_id)
        .subquery()
    )


@cache
def _watched() -> sa.Subquery:
    latest_run = sa.select(MonitoringRunRow.id).order_by(MonitoringRunRow.as_of.desc()).limit(1).scalar_subquery()
    return sa.select(WatchListRow.borrower_id).where(WatchListRow.run_id == latest_run).distinct().subquery()


def borrower_list(
    session: Session,
    where: BorrowerFilter = BorrowerFilter(),
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
    scope: Scope = WHOLE_BANK,
) -> tuple[list[BorrowerListRow], int]:
    """One page of the borrowers in ``scope`` with their credit figures, and how many match in all.

    Unrated borrowers sort after rated ones by PD; ties are broken by name, then USCC, so pages are stable.
    """
    ratings, exposures, alerts, watched = _latest_ratings(), _exposures(), _open_alerts(), _watched()
    exposure = sa.func.coalesce(exposures.c.exposure, 0)
    alert_count = sa.func.coalesce(alerts.c.alerts, 0)
    query = (
        sa.select(
            BorrowerRow,
            ratings.c.grade,
            ratings.c.pd,
            exposure.label("exposure"),
            (watched.c.borrower_id.is_not(None)).label("watch"),
            alert_count.label("alerts"),
        )
        .outerjoin(ratings, ratings.c.borrower_id == BorrowerRow.id)
        .outerjoin(exposures, exposures.c.borrower_id == BorrowerRow.id)
        .outerjoin(alerts, alerts.c.borrower_id == BorrowerRow.id)
        .outerjoin(watched, watched.c.borrower_id == BorrowerRow.id)
        .where(in_scope(BorrowerRow.branch_code, scope))
    )
    if where.q and where.q.strip():
        query = query.where(search_condition(where.q))
    if where.segment:
        query = query.where(BorrowerRow.segment == where.segment)
    if where.hub:
        query = query.where(BorrowerRow.hub == where.hub)
    if where.grade:
        query = query.where(ratings.c.grade == where.grade)
    # Amounts and PDs are exact decimals (text on SQLite): order them as numbers.
    column = {
        "name": BorrowerRow.name_en,
        "pd": sa.cast(ratings.c.pd, sa.Float),
        "exposure": sa.cast(exposure, sa.Float),
        "alerts": alert_count,
        "segment": BorrowerRow.segment,
    }[sort if sort in SORT_KEYS else "name"]
    order: list[Any] = [ratings.c.pd.is_(None)] if sort == "pd" else []  # unrated last
    order += [column.desc() if descending else column.asc(), BorrowerRow.name_en, BorrowerRow.uscc]
    # How many match in all, in the same query (one plan, one round trip); counted apart only for a page
    # past the end, which has no row to carry it.
    counted = query.add_columns(sa.func.count().over().label("total")).order_by(*order)
    rows = session.execute(counted.offset(offset).limit(limit)).all()
    if rows:
        total = int(rows[0].total)
    else:
        total = int(session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())
    return [
        BorrowerListRow(
            borrower=to_borrower(row[0]),
            grade=row.grade,
            pd=Decimal(str(row.pd)) if row.pd is not None else None,
            exposure=Decimal(str(row.exposure)),
            watch=bool(row.watch),
            open_alerts=int(row.alerts),
            branch_code=row[0].branch_code,
        )
        for row in rows
    ], total


def borrower_names(session: Session, usccs: list[str] | set[str]) -> dict[str, tuple[str, str]]:
    """Chinese and English names of the borrowers with these USCCs (unknown codes are left out).

    >>> from computecredit.store.database import Database
    >>> db = Database("sqlite:///:memory:"); db.upgrade()
    >>> with db.transaction() as session:
    ...     borrower_names(session, ["91110000MA0000000X"])
    {}
    """
    if not usccs:
        return {}
    rows = session.execute(
        sa.select(BorrowerRow.uscc, BorrowerRow.name_zh, BorrowerRow.name_en).where(
            BorrowerRow.uscc.in_(list(usccs))
        )
    )
    return {uscc: (zh, en) for uscc, zh, en in rows}
