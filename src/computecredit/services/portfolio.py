"""The bank's book from the database as a :class:`~computecredit.portfolio.inputs.Portfolio`.

One row per facility with an exposure: the latest exposure on or before ``as_of``; EAD = drawn + CCF ×
undrawn; PD from the borrower's latest rating (its override when there is one); sector = the borrower's
chain segment, region = its province, hub = its 东数西算 hub, group = its group (or the borrower when it
has none); maturity = the facility's remaining tenor at ``as_of``. LGD is one figure for the book (the
foundation-IRB 45% for senior unsecured claims, Basel II ¶287, unless given): collateral-specific LGDs
belong to the facilities engine.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from computecredit.errors import InputError, Problem
from computecredit.portfolio.inputs import Portfolio
from computecredit.store.borrowers import BorrowerRow
from computecredit.store.database import Database
from computecredit.store.facilities import ExposureRow, FacilityRow
from computecredit.store.ratings import RatingRow

FOUNDATION_LGD = 0.45
# Undrawn commitments: 40% (《商业银行资本管理办法》 2023 standardised CCF for other commitments; REFERENCE.md [U]).
COMMITMENT_CCF = 0.40


def _latest_pd(session: Any) -> dict[int, float]:
    """Latest rating PD (override first) by borrower id."""
    rows = session.execute(sa.select(RatingRow).order_by(RatingRow.borrower_id, RatingRow.rated_at, RatingRow.id))
    latest: dict[int, float] = {}
    for (row,) in rows:
        latest[row.borrower_id] = float(row.override_pd if row.override_pd is not None else row.pd)
    return latest


def book_from_store(
    db: Database,
    as_of: date | None = None,
    lgd: float = FOUNDATION_LGD,
    ccf_undrawn: float = COMMITMENT_CCF,
    missing_pd: float | None = None,
) -> Portfolio:
    """The book at ``as_of`` (default: each facility's latest exposure). Borrowers without a rating are bad
    input naming the facility, unless ``missing_pd`` gives them a PD."""
    for name, value in (("lgd", lgd), ("ccf_undrawn", ccf_undrawn)):
        if not 0.0 <= value <= 1.0:
            raise InputError(name, value, "must lie in [0, 1]")
    with db.transaction() as session:
        query = (
            sa.select(ExposureRow, FacilityRow, BorrowerRow)
            .join(FacilityRow, ExposureRow.facility_id == FacilityRow.id)
            .join(BorrowerRow, FacilityRow.borrower_id == BorrowerRow.id)
        )
        if as_of is not None:
            query = query.where(ExposureRow.as_of <= as_of)
        latest: dict[int, tuple[ExposureRow, FacilityRow, BorrowerRow]] = {}
        for exposure, facility, borrower in session.execute(query.order_by(ExposureRow.as_of, ExposureRow.id)):
            latest[facility.id] = (exposure, facility, borrower)
        ratings = _latest_pd(session)
        records, problems = [], []
        for exposure, facility, borrower in sorted(latest.values(), key=lambda t: t[1].reference):
            pd = ratings.get(borrower.id, missing_pd)
            if pd is None:
                problems.append(
                    Problem(
                        "pd",
                        None,
                        f"borrower {borrower.uscc} of facility {facility.reference} has no rating",
                        "database",
                    )
                )
                continue
            elapsed = 0.0
            if facility.start_date is not None:
                elapsed = max((exposure.as_of - facility.start_date).days / 365.25, 0.0)
            records.append(
                {
                    "obligor_id": borrower.uscc,
                    "name": borrower.name_zh,
                    "facility": facility.reference,
                    "group_id": borrower.group_name or borrower.uscc,
                    "sector": borrower.segment,
                    "region": borrower.province,
                    "hub": borrower.hub or "",
                    "ead": float(exposure.drawn) + ccf_undrawn * float(exposure.undrawn),
                    "pd": pd,
                    "lgd": lgd,
                    "maturity": max(facility.tenor_months / 12.0 - elapsed, 0.0),
                    "days_past_due": exposure.days_past_due,
                    "five_category": exposure.classification,
                    "as_of": exposure.as_of.isoformat(),
                    "product": facility.product,
                }
            )
    if problems:
        raise InputError(problems=problems)
    if not records:
        raise InputError(
            "exposures", 0, "the database holds no exposures" + (f" on or before {as_of}" if as_of else "")
        )
    return Portfolio.from_records(records, source="database")


# The dimensions of the dashboard's limit table, in the order a credit committee reads them.
LIMIT_DIMENSIONS = ("obligor", "group", "sector", "hub")


def book_overview(book: Portfolio, net_capital: float, tier1_capital: float) -> dict[str, Any]:
    """What the dashboard shows of the book: EAD by chain segment, hub, master-scale grade and product,
    and for each of single name, group, sector and hub its largest position against the bank's capital:
    use of the tightest regulatory limit where one applies (single name and group), else the position
    as a share of 资本净额 (sectors and hubs have no regulatory limit; the bank's own are set per proposal).

    >>> book = Portfolio.from_records([
    ...     {"obligor_id": "A", "group_id": "G", "sector": "servers", "region": "ningxia", "ead": 8e8, "pd": 0.01,
    ...      "lgd": 0.45, "maturity": 2.0, "product": "working_capital_loan"},
    ...     {"obligor_id": "B", "group_id": "G", "sector": "idc", "region": "ningxia", "ead": 4e8, "pd": 0.02,
    ...      "lgd": 0.45, "maturity": 5.0, "product": "project_loan"}])
    >>> view = book_overview(book, net_capital=1e10, tier1_capital=8e9)
    >>> [(r["dimension"], r["name"], r["limit"], round(r["use"], 2)) for r in view["limits"]][:2]
    [('obligor', 'A', 'single_customer_loans', 0.8), ('group', 'G', 'group_credit', 0.8)]
    >>> view["by_product"]
    {'working_capital_loan': 800000000.0, 'project_loan': 400000000.0}
    """
    from computecredit.portfolio.concentration import concentration
    from computecredit.rating.master_scale import load_master_scale

    checked = concentration(book, tier1_capital=tier1_capital, net_capital=net_capital, largest=1)
    limits = []
    for dimension in LIMIT_DIMENSIONS:
        top = checked[dimension]["largest"][0]
        uses = top.get("limit_use", {})
        rule = max(uses, key=uses.get) if uses else "net_capital_share"
        use = uses[rule] if uses else top["ead"] / net_capital
        limits.append(
            {
                "dimension": dimension,
                "name": top["name"],
                "ead": top["ead"],
                "limit": rule,
                "use": use,
                "breach": bool(uses) and use > 1.0,
            }
        )
    grades = load_master_scale().grades_for_pds(book.pd)
    products = book.extra.get("product", np.full(book.n, "—", dtype=object))
    return {
        "by_sector": totals_by(book.sector, book.ead),
        "by_hub": totals_by(book.hub, book.ead),
        "by_grade": totals_by(grades, book.ead),
        "by_product": totals_by(products, book.ead),
        "limits": limits,
    }


def totals_by(keys: Any, amounts: Any) -> dict[str, float]:
    """Sum of ``amounts`` by key, largest first (an empty key shows as a dash).

    >>> totals_by(["idc", "chips", "idc", ""], [1.0, 5.0, 2.0, 1.0])
    {'chips': 5.0, 'idc': 3.0, '—': 1.0}
    """
    out: dict[str, float] = {}
    for key, value in zip(keys, amounts, strict=True):
        out[str(key) or "—"] = out.get(str(key) or "—", 0.0) + float(value)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
