"""Bodies of the borrowers API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from computecredit.domain.statements import FinancialStatement
from computecredit.store.borrower_list import BorrowerListRow


class BorrowerSummary(BaseModel):
    uscc: str
    name_zh: str
    name_en: str
    segment: str
    province: str
    hub: str | None
    group_name: str | None
    ticker: str | None = None
    exchange: str | None = None
    size_class: str
    grade: str | None = None
    pd: Decimal | None = None
    exposure: Decimal = Decimal(0)
    watch_list: bool = False
    open_alerts: int = 0
    branch_code: str
    links: dict[str, str]

    @classmethod
    def of(cls, row: BorrowerListRow) -> BorrowerSummary:
        """A borrower with its latest grade and PD, exposure (drawn + undrawn), watch-list flag, open alerts."""
        b = row.borrower
        return cls(
            grade=row.grade,
            pd=row.pd,
            exposure=row.exposure,
            watch_list=row.watch,
            open_alerts=row.open_alerts,
            branch_code=row.branch_code,
            uscc=b.uscc,
            name_zh=b.name_zh,
            name_en=b.name_en,
            ticker=b.ticker,
            exchange=b.exchange,
            segment=b.segment.value,
            province=b.province.value,
            hub=b.hub.value if b.hub else None,
            group_name=b.group_name,
            size_class=b.size_class.value,
            links={"self": f"/api/v1/borrowers/{b.uscc}", "page": f"/borrowers/{b.uscc}"},
        )


class StatementOut(BaseModel):
    fiscal_year: int
    period_end: date | None
    consolidated: bool
    audited: bool
    unit: str
    currency: str
    values: dict[str, Decimal]

    @classmethod
    def of(cls, s: FinancialStatement) -> StatementOut:
        return cls(
            fiscal_year=s.fiscal_year,
            period_end=s.period_end,
            consolidated=s.consolidated,
            audited=s.audited,
            unit=s.unit,
            currency=s.currency,
            values=dict(s.values),
        )


class BorrowerDetail(BaseModel):
    borrower: dict[str, Any]
    branch_code: str
    statements: list[StatementOut]
    links: dict[str, str]
