"""Proposal pages (form, detail, approval queue) and the proposals API; every rule is in services.workflow."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from computecredit.domain.facilities import ProductType
from computecredit.errors import InputError, from_validation_error
from computecredit.services import workflow
from computecredit.services.workflow import Action, State
from computecredit.web.deps import ALL_ROLES, CurrentUser, read_session, require, write_session
from computecredit.web.pagination import Page, PageParams, optional_choice, page_params
from computecredit.web.proposals.schemas import Comment, ProposalCreate, ProposalOut
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1/proposals", tags=["proposals"])
pages = APIRouter(include_in_schema=False)

DECIDERS = ("approver", "risk_manager")
PRODUCTS = tuple(ProductType)
ProposalId = Path(ge=1, le=2**31 - 1)


def _terms(body: ProposalCreate) -> workflow.Terms:
    return workflow.Terms(
        borrower_ref=body.borrower_ref,
        product=body.product.value,
        amount=body.amount,
        tenor_months=body.tenor_months,
        currency=body.currency,
        project_ref=body.project_ref,
        inputs=body.model_dump(mode="json"),
    )


@api.get("", response_model=Page[ProposalOut], summary="List proposals, newest first")
def list_proposals(
    state: State | None = Query(None),
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Page[ProposalOut]:
    rows, total = workflow.list_proposals(
        session, state=state.value if state else None, offset=page.offset, limit=page.limit
    )
    return Page[ProposalOut](
        items=[ProposalOut.of(p) for p in rows], total=total, offset=page.offset, limit=page.limit
    )


@api.post("", response_model=ProposalOut, status_code=201, summary="Open an application (analysts)")
def create_proposal(
    body: ProposalCreate,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = Depends(write_session, scope="function"),
) -> ProposalOut:
    return ProposalOut.of(workflow.create(session, user.actor, _terms(body)))


@api.get("/queue", response_model=list[ProposalOut], summary="Submitted proposals the caller may decide on")
def queue(
    user: CurrentUser = Depends(require(*DECIDERS)), session: Session = Depends(read_session, scope="function")
) -> list[ProposalOut]:
    return [ProposalOut.of(p) for p in workflow.approval_queue(session, user.actor)]


@api.get("/{proposal_id}", response_model=ProposalOut, summary="One proposal with its decisions")
def get_proposal(
    proposal_id: int = ProposalId,
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> ProposalOut:
    return ProposalOut.of(workflow.get(session, proposal_id))


@api.post("/{proposal_id}/submit", response_model=ProposalOut, summary="Send an analysed proposal for approval")
def submit_proposal(
    proposal_id: int = ProposalId,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = Depends(write_session, scope="function"),
) -> ProposalOut:
    return ProposalOut.of(workflow.submit(session, proposal_id, user.actor))


def _decide(action: Action):  # type: ignore[no-untyped-def]
    def endpoint(
        body: Comment,
        proposal_id: int = ProposalId,
        user: CurrentUser = Depends(require(*DECIDERS)),
        session: Session = Depends(write_session, scope="function"),
    ) -> ProposalOut:
        return ProposalOut.of(workflow.decide(session, proposal_id, user.actor, action, body.comment))

    endpoint.__name__ = f"{action.value}_proposal"
    return endpoint


api.post("/{proposal_id}/approve", response_model=ProposalOut, summary="Approve (four eyes, within authority)")(
    _decide(Action.APPROVE)
)
api.post("/{proposal_id}/reject", response_model=ProposalOut, summary="Reject with a comment")(
    _decide(Action.REJECT)
)
api.post("/{proposal_id}/return", response_model=ProposalOut, summary="Return to the analyst with a comment")(
    _decide(Action.RETURN)
)


# --- pages -------------------------------------------------------------------------------------------


@pages.get("/proposals")
def proposals_page(
    request: Request,
    state_code: str | None = Query(None, alias="state", max_length=16),
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    state = optional_choice(State, state_code, "state")
    rows, total = workflow.list_proposals(
        session, state=state.value if state else None, offset=page.offset, limit=page.limit
    )
    return render(
        request,
        "proposals/list.html",
        {
            "proposals": rows,
            "total": total,
            "page": page,
            "state": state.value if state else "",
            "states": list(State),
        },
    )


@pages.get("/proposals/new")
def new_proposal_page(
    request: Request,
    borrower: str | None = Query(None, max_length=64),
    user: CurrentUser = Depends(require("analyst")),
) -> Response:
    return render(
        request,
        "proposals/new.html",
        {"form": {"borrower_ref": borrower or ""}, "problems": [], "products": PRODUCTS},
    )


@pages.post("/proposals")
def create_proposal_page(
    request: Request,
    borrower_ref: str = Form(""),
    product: str = Form(""),
    amount: str = Form(""),
    tenor_months: str = Form(""),
    user: CurrentUser = Depends(require("analyst")),
    session: Session = Depends(write_session, scope="function"),
) -> Response:
    form = {"borrower_ref": borrower_ref, "product": product, "amount": amount, "tenor_months": tenor_months}
    try:
        body = ProposalCreate.model_validate({k: v for k, v in form.items() if v != ""})
        proposal = workflow.create(session, user.actor, _terms(body))
    except (ValidationError, InputError) as exc:
        error = from_validation_error(exc) if isinstance(exc, ValidationError) else exc
        return render(
            request,
            "proposals/new.html",
            {"form": form, "problems": error.problems, "products": PRODUCTS},
            status_code=422,
        )
    return RedirectResponse(f"/proposals/{proposal.id}", status_code=303)


def _allowed_actions(proposal, user: CurrentUser) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        action.value
        for action in (Action.SUBMIT, Action.APPROVE, Action.REJECT, Action.RETURN)
        if workflow.can(
            proposal.state,
            action,
            user.actor,
            proposer=proposal.proposer,
            amount=Decimal(proposal.amount),
            product=proposal.product,
            contributors=workflow.contributors(proposal),
        )
    ]


@pages.get("/proposals/{proposal_id}")
def proposal_page(
    request: Request,
    proposal_id: int = ProposalId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    proposal = workflow.get(session, proposal_id)
    return render(
        request,
        "proposals/detail.html",
        {"p": ProposalOut.of(proposal), "actions": _allowed_actions(proposal, user), "error": None},
    )


@pages.post("/proposals/{proposal_id}/{action}")
def proposal_action_page(
    request: Request,
    action: Action,
    proposal_id: int = ProposalId,
    comment: str = Form("", max_length=4000),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = Depends(write_session, scope="function"),
) -> Response:
    if action is Action.SUBMIT:
        workflow.submit(session, proposal_id, user.actor)
    elif action is Action.ANALYSE:
        raise InputError("action", action.value, "run the analysis from the proposal form")
    else:
        workflow.decide(session, proposal_id, user.actor, action, comment)
    return RedirectResponse(f"/proposals/{proposal_id}", status_code=303)


@pages.get("/approvals")
def approvals_page(
    request: Request,
    user: CurrentUser = Depends(require(*DECIDERS)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    return render(request, "proposals/queue.html", {"proposals": workflow.approval_queue(session, user.actor)})
