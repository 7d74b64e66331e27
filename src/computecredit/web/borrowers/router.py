"""Borrower pages and API: search, profile, statements, rating history, facilities and exposures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from computecredit.domain.borrowers import ChainSegment
from computecredit.domain.statements import ITEMS
from computecredit.services import audit
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import ratings as rating_store
from computecredit.store.borrowers import BorrowerRow
from computecredit.store.workbench import Proposal
from computecredit.web import charts
from computecredit.web.borrowers.schemas import BorrowerDetail, BorrowerSummary, StatementOut
from computecredit.web.deps import ALL_ROLES, CurrentUser, read_session, require
from computecredit.web.i18n import translate
from computecredit.web.pagination import Page, PageParams, optional_choice, page_params
from computecredit.web.templating import language, render

api = APIRouter(prefix="/api/v1/borrowers", tags=["borrowers"])
pages = APIRouter(include_in_schema=False)
Uscc = Path(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="统一社会信用代码 (18 characters)")
# Statement lines shown on the borrower page, in this order.
KEY_LINES = (
    "operating_revenue",
    "net_profit",
    "net_operating_cash_flow",
    "total_assets",
    "total_liabilities",
    "total_equity",
)


def search(
    session: Session, q: str | None, segment: ChainSegment | None, offset: int, limit: int
) -> tuple[list[Any], int]:
    """Borrowers whose name or USCC contains ``q``, optionally of one chain segment, by name."""
    query = sa.select(BorrowerRow)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            sa.or_(
                BorrowerRow.name_zh.ilike(pattern),
                BorrowerRow.name_en.ilike(pattern),
                BorrowerRow.uscc.ilike(pattern),
            )
        )
    if segment is not None:
        query = query.where(BorrowerRow.segment == segment.value)
    total = int(session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())
    rows = session.execute(query.order_by(BorrowerRow.name_en).offset(offset).limit(limit)).scalars()
    return [borrower_store.to_borrower(row) for row in rows], total


@api.get("", response_model=Page[BorrowerSummary], summary="Search borrowers by name or USCC")
def list_borrowers(
    q: str | None = Query(None, max_length=100, description="Part of the Chinese or English name, or of the USCC"),
    segment: ChainSegment | None = Query(None),
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Page[BorrowerSummary]:
    found, total = search(session, q, segment, page.offset, page.limit)
    return Page[BorrowerSummary](
        items=[BorrowerSummary.of(b) for b in found], total=total, offset=page.offset, limit=page.limit
    )


@api.get("/{uscc}", response_model=BorrowerDetail, summary="A borrower with its statements")
def get_borrower(
    uscc: str = Uscc,
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> BorrowerDetail:
    borrower = borrower_store.get_borrower(session, uscc)
    statements = borrower_store.list_statements(session, uscc)
    return BorrowerDetail(
        borrower=audit.plain(borrower),
        statements=[StatementOut.of(s) for s in statements],
        links={"self": f"/api/v1/borrowers/{uscc}", "ratings": f"/api/v1/borrowers/{uscc}/ratings"},
    )


@api.get("/{uscc}/ratings", summary="Rating history of a borrower, newest first")
def borrower_ratings(
    uscc: str = Uscc,
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> list[dict[str, Any]]:
    borrower_store.get_borrower(session, uscc)
    return [audit.plain(r) for r in rating_store.list_ratings(session, uscc)]


def profile(session: Session, uscc: str, lang: str) -> dict[str, Any]:
    """Everything the borrower page shows."""
    borrower = borrower_store.get_borrower(session, uscc)
    statements = borrower_store.list_statements(session, uscc)
    years = [str(s.fiscal_year) for s in statements]
    lines = [(ITEMS[code].label(lang), [s.yuan(code, None) for s in statements]) for code in KEY_LINES]
    # Tables and charts in the unit bankers read: 万元 / 亿元 in Chinese, CNY million in English.
    zh = lang.startswith("zh")
    table_unit = Decimal(10_000) if zh else Decimal(1_000_000)
    chart_unit = 1e8 if zh else 1e6

    def series(codes: tuple[str, ...]) -> dict[str, list[float | None]]:
        return {
            translate(lang, f"chart.{code}"): [float(v) / chart_unit if v is not None else None for v in values]
            for code, (_name, values) in zip(KEY_LINES, lines, strict=True)
            if code in codes
        }

    chart_unit_label = translate(lang, "unit.chart")
    trend = charts.line_chart(
        f"{translate(lang, 'borrower.trend_title')} ({chart_unit_label})",
        years,
        series(("operating_revenue", "net_profit", "net_operating_cash_flow")),
    )
    balance = charts.line_chart(
        f"{translate(lang, 'borrower.balance_title')} ({chart_unit_label})",
        years,
        series(("total_assets", "total_liabilities")),
    )
    table = [(name, [v / table_unit if v is not None else None for v in values]) for name, values in lines]
    proposals = (
        session.execute(sa.select(Proposal).where(Proposal.borrower_ref == uscc).order_by(Proposal.id.desc()))
        .scalars()
        .all()
    )
    return {
        "b": borrower,
        "statements": statements,
        "years": years,
        "lines": table,
        "trend_chart": trend,
        "balance_chart": balance,
        "ratings": rating_store.list_ratings(session, uscc),
        "facilities": facility_store.list_facilities(session, uscc),
        "proposals": proposals,
    }


@pages.get("/borrowers")
def borrowers_page(
    request: Request,
    q: str | None = Query(None, max_length=100),
    segment_code: str | None = Query(None, alias="segment", max_length=32),
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    segment = optional_choice(ChainSegment, segment_code, "segment")
    found, total = search(session, q, segment, page.offset, page.limit)
    context = {
        "borrowers": found,
        "total": total,
        "page": page,
        "q": q or "",
        "segment": segment.value if segment else "",
        "segments": list(ChainSegment),
    }
    template = "borrowers/_results.html" if request.headers.get("hx-request") else "borrowers/list.html"
    return render(request, template, context)


@pages.get("/borrowers/{uscc}")
def borrower_page(
    request: Request,
    uscc: str = Uscc,
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    return render(request, "borrowers/detail.html", profile(session, uscc, language(request)))
