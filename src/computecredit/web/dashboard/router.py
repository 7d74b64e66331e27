"""Dashboard page and its summary API."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from computecredit.services import audit, workflow
from computecredit.store.workbench import Proposal
from computecredit.web.deps import ALL_ROLES, CurrentUser, read_session, require
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
    }


@api.get("", summary="Proposals by state, approved amount, and the caller's approval queue size")
def dashboard_summary(
    user: CurrentUser = Depends(require(*ALL_ROLES)), session: Session = Depends(read_session, scope="function")
) -> dict[str, Any]:
    data = summary(session, user)
    return {
        "proposals_by_state": data["proposals_by_state"],
        "approved_amount": audit.plain(data["approved_amount"]),
        "my_queue": len(data["my_queue"]),
    }


@pages.get("/")
def dashboard_page(
    request: Request,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    return render(request, "dashboard/index.html", summary(session, user))
