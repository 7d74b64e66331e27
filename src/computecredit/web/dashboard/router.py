"""Dashboard page and its summary API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from computecredit.services import audit, workflow
from computecredit.store.database import Database
from computecredit.store.workbench import Proposal
from computecredit.web.deps import ALL_ROLES, CurrentUser, database, read_session, require
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"])
pages = APIRouter(include_in_schema=False)


def summary(session: Session, user: CurrentUser) -> dict[str, Any]:
    """Figures the dashboard shows: proposals by state, the caller's queue, the newest proposals."""
    by_state = dict(session.execute(sa.select(Proposal.state, sa.func.count()).group_by(Proposal.state)).all())
    approved = [
        p.amount for p in session.execute(sa.select(Proposal).where(Proposal.state == "approved")).scalars()
    ]
    queue = workflow.approval_queue(session, user.actor) if user.role in ("approver", "risk_manager") else []
    newest, _total = workflow.list_proposals(session, limit=8)
    return {
        "proposals_by_state": {s.value: int(by_state.get(s.value, 0)) for s in workflow.State},
        "approved_amount": sum(approved, start=0),
        "my_queue": queue,
        "newest": newest,
        "names": workflow.borrower_names(session, [*newest, *queue]),
    }


def book_figures(db: Database) -> dict[str, Any] | None:
    """EAD, EL and VaR of the stored book (Vasicek, one factor), or None while it cannot be measured."""
    from computecredit.errors import InputError
    from computecredit.portfolio.risk import portfolio_risk
    from computecredit.services.portfolio import book_from_store
    from computecredit.web.portfolio.router import DEFAULT_RHO

    try:
        book = book_from_store(db)
    except InputError:
        return None
    risk = portfolio_risk(book, "vasicek", rho=DEFAULT_RHO).result.summary()
    return {
        "ead": float(book.ead.sum()),
        "expected_loss": risk["expected_loss"],
        "var": risk["var"],
        "exposures": book.n,
    }


def watch_list(db: Database) -> list[dict[str, Any]]:
    """Open early-warning alerts from monitoring, most urgent first."""
    from computecredit.services.monitoring import open_alerts

    return open_alerts(db)[:10]


@api.get("", summary="Proposals by state, approved amount, and the caller's approval queue size")
def dashboard_summary(
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
    db: Database = Depends(database),
) -> dict[str, Any]:
    data = summary(session, user)
    return {
        "proposals_by_state": data["proposals_by_state"],
        "approved_amount": audit.plain(data["approved_amount"]),
        "my_queue": len(data["my_queue"]),
        "book": book_figures(db),
        "watch_list": watch_list(db),
    }


@pages.get("/")
def dashboard_page(
    request: Request,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
    db: Database = Depends(database),
) -> Response:
    context = {**summary(session, user), "book": book_figures(db), "watch_list": watch_list(db)}
    return render(request, "dashboard/index.html", context)
