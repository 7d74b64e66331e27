"""Server and GPU useful-life policies disclosed by hyperscalers and neoclouds (the 4-6 year debate).

>>> policies = useful_life_policies()
>>> min(p.useful_life_years for p in policies), max(p.useful_life_years for p in policies)
(4.0, 6.0)
>>> useful_life_range()
(4.0, 6.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from computecredit.reference import load_csv

TABLE = "server_useful_lives.csv"


@dataclass(frozen=True)
class UsefulLifePolicy:
    """A disclosed depreciation life. ``useful_life_years`` is the final figure where a range was stepped."""

    company: str
    asset_class: str
    useful_life_years: float
    effective: str
    source: str
    confidence: str


def useful_life_policies() -> list[UsefulLifePolicy]:
    """All disclosed policies, in table order."""
    rows = load_csv(TABLE)
    return [
        UsefulLifePolicy(
            company=row.company,
            asset_class=row.asset_class,
            # "4.5 then 5" records two steps: the policy in force is the last one.
            useful_life_years=float(str(row.useful_life_years).split()[-1]),
            effective=str(row.effective),
            source=row.source,
            confidence=row.confidence,
        )
        for row in rows.itertuples(index=False)
    ]


@cache  # of a bundled table, which load_csv reads once: the book asks once per facility
def useful_life_range() -> tuple[float, float]:
    """Shortest and longest disclosed lives in years: the range a depreciation input is checked against."""
    lives = [p.useful_life_years for p in useful_life_policies()]
    return min(lives), max(lives)


__all__ = ["TABLE", "UsefulLifePolicy", "useful_life_policies", "useful_life_range"]
