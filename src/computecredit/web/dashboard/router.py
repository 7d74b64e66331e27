"""Dashboard page and its summary API: the book and proposals of the caller's branches (the whole bank for
the head office)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from computecredit.domain.branches import Scope
from computecredit.jsonable import to_jsonable
from computecredit.services import workflow
from computecredit.store import users as user_store
from computecredit.store import workbench as proposal_store
from computecredit.store.borrower_list import borrower_names
from computecredit.store.database import Database
from computecredit.web import charts
from computecredit.web.deps import ALL_ROLES, TRANSACTION, CurrentUser, database, reads, require
from computecredit.web.i18n import translate
from computecredit.web.templating import dimension_label, language, product_label, render

api = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"])
pages = APIRouter(include_in_schema=False)


def summary(session: Session, user: CurrentUser) -> dict[str, Any]:
    """Figures the dashboard shows of the caller's branches: proposals by state, the caller's queue, the
    newest proposals."""
    by_state = proposal_store.proposal_counts(session, user.scope)
    approved = [
        p.amount for p in proposal_store.proposals_in_state(session, workflow.State.APPROVED.value, user.scope)
    ]
    queue = workflow.approval_queue(session, user.actor) if user.role in ("approver", "risk_manager") else []
    newest, _total = workflow.list_proposals(session, limit=8, scope=user.scope)
    return {
        "proposals_by_state": {s.value: int(by_state.get(s.value, 0)) for s in workflow.State},
        "approved_amount": sum(approved, start=0),
        "my_queue": queue,
        "newest": newest,
        "names": workflow.borrower_names(session, [*newest, *queue]),
    }


def book_figures(db: Database, scope: Scope) -> dict[str, Any] | None:
    """EAD, EL and VaR of the stored book of the branches in ``scope`` (Vasicek, one factor), its breakdowns
    and its limit use against the bank's capital (:func:`~computecredit.services.portfolio.book_overview`),
    or None while it cannot be measured."""
    from computecredit.errors import InputError, NotFoundError
    from computecredit.portfolio.risk import portfolio_risk
    from computecredit.services.portfolio import book_from_store, book_overview
    from computecredit.store import bank as bank_store
    from computecredit.web.portfolio.router import DEFAULT_RHO

    try:
        book = book_from_store(db, scope=scope)
        with db.transaction() as session:
            bank = bank_store.get_bank(session)
    except (InputError, NotFoundError):
        return None
    risk = portfolio_risk(book, "vasicek", rho=DEFAULT_RHO).result.summary()
    return {
        "ead": float(book.ead.sum()),
        "expected_loss": risk["expected_loss"],
        "var": risk["var"],
        "exposures": book.n,
        **book_overview(book, net_capital=float(bank.net_capital), tier1_capital=float(bank.tier1_net_capital)),
    }


def watch_list(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Open early-warning alerts from monitoring of the borrowers in ``scope``, most urgent first."""
    from computecredit.services.monitoring import open_alerts

    return open_alerts(db, scope=scope)[:10]


@api.get("", summary="Proposals by state, approved amount, and the caller's approval queue size")
@reads
def dashboard_summary(
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
    db: Database = Depends(database),
) -> dict[str, Any]:
    data = summary(session, user)
    return {
        "proposals_by_state": data["proposals_by_state"],
        "approved_amount": to_jsonable(data["approved_amount"], exact=True),
        "my_queue": len(data["my_queue"]),
        "branch": user.branch.model_dump(mode="json"),
        "book": book_figures(db, user.scope),
        "watch_list": watch_list(db, user.scope),
    }


@pages.get("/")
@reads
def dashboard_page(
    request: Request,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
    db: Database = Depends(database),
) -> Response:
    book = book_figures(db, user.scope)
    alerts = watch_list(db, user.scope)
    codes = {a["borrower_uscc"] for a in alerts} | {r["name"] for r in (book or {}).get("limits", [])}
    context = {**summary(session, user), "book": book, "watch_list": alerts}
    context["names"] = {**context["names"], **borrower_names(session, codes)}
    context["people"] = {u.username: u.display_name for u in user_store.list_users(session)}
    if book is not None:
        context["book_charts"] = book_charts(book, language(request))
    return render(request, "dashboard/index.html", context)


def book_charts(book: dict[str, Any], lang: str) -> list[Markup]:
    """Bar charts of the book's EAD by chain segment, hub, grade and product, in the page's language."""
    scale, unit = charts.amount_scale(lang)

    def dimension(key: str) -> str:
        return dimension_label(key, lang)

    panels = (
        ("portfolio.by_sector", "by_sector", dimension),
        ("portfolio.by_hub", "by_hub", dimension),
        ("dashboard.by_grade", "by_grade", str),
        ("dashboard.by_product", "by_product", lambda key: product_label(key, lang)),
    )
    return [
        charts.bar_chart(f"{translate(lang, title)} ({unit})", charts.top_bars(book[values], scale, label))
        for title, values, label in panels
    ]
