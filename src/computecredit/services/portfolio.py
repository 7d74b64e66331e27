"""The bank's book from the database as a :class:`~computecredit.portfolio.inputs.Portfolio`.

One row per facility with an exposure: the latest exposure on or before ``as_of``, with the EAD, LGD and PD
the facilities engine gives for the facility in that state (:func:`computecredit.facilities.proposal.
exposure_risk` of the one deal assembly, :func:`computecredit.services.facilities.assemble`): EAD = drawn +
CCF × undrawn with the CCF from the one reference table, LGD from its collateral and guarantees, PD from the
borrower's latest rating (the analyst's approved override first). Sector = the borrower's chain segment,
region = its province, hub = its 东数西算 hub, group = its group (or the borrower when it has none);
maturity = the facility's remaining tenor at ``as_of``. A branch's book is the facilities of the borrowers
booked in its scope (its branch and those below it); the head office's is the whole bank's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.errors import InputError, Problem
from computecredit.facilities.proposal import exposure_risk
from computecredit.portfolio.inputs import Portfolio
from computecredit.services.facilities import Deal, Records, analyst_rating, assemble
from computecredit.store import borrowers as borrower_store
from computecredit.store.database import Database


def book_from_store(
    db: Database, as_of: date | None = None, missing_pd: float | None = None, scope: Scope = WHOLE_BANK
) -> Portfolio:
    """The book of the branches in ``scope`` at ``as_of`` (default: each facility's latest exposure).
    Borrowers without a rating are bad input naming the facility, unless ``missing_pd`` gives them a PD."""
    if missing_pd is not None and not 0.0 < missing_pd < 1.0:
        raise InputError("missing_pd", missing_pd, "must lie strictly between 0 and 1")
    with db.transaction() as session:
        records = Records.load(session, as_of)
        booked = borrower_store.usccs_in_scope(session, scope)
        if missing_pd is not None:
            for uscc in records.borrowers.keys() - records.ratings.keys():
                records.ratings[uscc] = analyst_rating(uscc, Decimal(str(missing_pd)), "missing_pd")
        rows: list[dict[str, Any]] = []
        problems: list[Problem] = []
        for reference, exposure in sorted(records.exposures.items()):
            facility = records.facilities[reference]
            if facility.borrower_uscc not in booked:
                continue
            borrower = records.borrowers[facility.borrower_uscc]
            try:
                proposal = assemble(records, Deal(facility=facility), detailed=False)
            except InputError as exc:
                problems.extend(
                    Problem(p.field, p.value, f"facility {reference}: {p.rule}", "database") for p in exc.problems
                )
                continue
            risk = exposure_risk(proposal, exposure.drawn, exposure.undrawn)
            elapsed = 0.0
            if facility.start_date is not None:
                elapsed = max((exposure.as_of - facility.start_date).days / 365.25, 0.0)
            rows.append(
                {
                    "obligor_id": borrower.uscc,
                    "name": borrower.name_zh,
                    "facility": reference,
                    "group_id": borrower.group_name or borrower.uscc,
                    "sector": borrower.segment.value,
                    "region": borrower.province.value,
                    "hub": borrower.hub.value if borrower.hub else "",
                    "ead": float(risk.ead.ead),
                    "pd": risk.pd,
                    "lgd": risk.lgd,
                    "maturity": max(facility.tenor_months / 12.0 - elapsed, 0.0),
                    "days_past_due": exposure.days_past_due,
                    "five_category": exposure.classification.value,
                    "as_of": exposure.as_of.isoformat(),
                    "product": facility.product.value,
                }
            )
    if problems:
        raise InputError(problems=problems)
    if not rows:
        raise InputError(
            "exposures",
            0,
            ("the database holds no exposures" if scope.whole_bank else "the branch's book holds no exposures")
            + (f" on or before {as_of}" if as_of else ""),
        )
    return Portfolio.from_records(rows, source="database")


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
