"""Proposal pages (form, detail, approval queue) and the proposals API; every rule is in services.workflow.

A user sees the proposals of the borrowers of their branches (:attr:`CurrentUser.scope`); any other is not
found, and another branch's borrower reads as unknown on the form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from computecredit.domain.facilities import (
    CollateralType,
    GuarantorKind,
    IPKind,
    ProductType,
    RateBase,
    RepaymentType,
)
from computecredit.domain.programmes import ProgrammeKind
from computecredit.errors import InputError, Problem, from_validation_error
from computecredit.jsonable import to_jsonable
from computecredit.money import parse_amount
from computecredit.reference import load_yaml
from computecredit.services import programmes as programme_service
from computecredit.services import workflow
from computecredit.services.workflow import Action, State
from computecredit.store import borrowers as borrower_store
from computecredit.store import branches as branch_store
from computecredit.store import programmes as programme_store
from computecredit.store.workbench import Proposal as StoredProposal
from computecredit.web.deps import ALL_ROLES, TRANSACTION, CurrentUser, reads, require, writes
from computecredit.web.pagination import Page, PageParams, optional_choice, page_params
from computecredit.web.proposals.schemas import Comment, Deal, Preview, ProposalCreate, ProposalOut
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1/proposals", tags=["proposals"])
MemoLang = Literal["zh", "en"]
MemoFormat = Literal["html", "pdf"]
# The memo is a standalone document with its own inline styles and embedded charts; it runs no script.
MEMO_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def memo_response(proposal: StoredProposal, lang: str, fmt: str) -> Response:
    """The stored memo as HTML, or printed to PDF by headless Chromium."""
    html = workflow.memo_of(proposal, lang)
    if fmt == "pdf":
        from computecredit.reports.pdf import html_to_pdf

        return Response(
            html_to_pdf(html),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="P-{proposal.id}-memo-{lang}.pdf"'},
        )
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": MEMO_CSP})


pages = APIRouter(include_in_schema=False)

DECIDERS = ("approver", "risk_manager")
PRODUCTS = tuple(ProductType)
ProposalId = Path(ge=1, le=2**31 - 1)


def _deal(deal: Deal) -> workflow.DealTerms:
    return workflow.deal_terms(deal.model_dump(mode="json"))


def _terms(body: ProposalCreate) -> workflow.Terms:
    return workflow.Terms(
        borrower_ref=body.borrower_ref,
        product=body.product.value,
        amount=body.amount,
        tenor_months=body.tenor_months,
        currency=body.currency,
        project_ref=body.project_ref,
        inputs=body.model_dump(mode="json"),
        programmes=programme_service.programme_codes(body.programme),
    )


@api.get("", response_model=Page[ProposalOut], summary="List proposals, newest first")
@reads
def list_proposals(
    state: State | None = Query(None),
    page: PageParams = Depends(page_params),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Page[ProposalOut]:
    rows, total = workflow.list_proposals(
        session, state=state.value if state else None, offset=page.offset, limit=page.limit, scope=user.scope
    )
    return Page[ProposalOut](
        items=[ProposalOut.of(p) for p in rows], total=total, offset=page.offset, limit=page.limit
    )


@api.post("", response_model=ProposalOut, status_code=201, summary="Open an application (analysts)")
@writes
def create_proposal(
    body: ProposalCreate,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> ProposalOut:
    return ProposalOut.of(workflow.create(session, user.actor, _terms(body)))


@api.post("/preview", response_model=Preview, summary="Limit, pricing and checks for terms, without storing them")
@reads
def preview_proposal(
    body: ProposalCreate,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> Preview:
    outputs, versions = workflow.preview(session, _terms(body), _deal(body.deal), user.actor)
    return Preview(outputs=to_jsonable(outputs, exact=True), versions=versions)


@api.post(
    "/{proposal_id}/analyse", response_model=ProposalOut, summary="Run the engines and attach the credit memo"
)
@writes
def analyse_proposal(
    body: Deal | None = None,
    proposal_id: int = ProposalId,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> ProposalOut:
    proposal = workflow.get(session, proposal_id, user.scope)
    deal = _deal(body) if body is not None else workflow.stored_deal(proposal)
    return ProposalOut.of(workflow.analyse_with_engines(session, proposal_id, user.actor, deal))


@api.get(
    "/{proposal_id}/memo",
    summary="The credit memo stored with the analysis (HTML or PDF)",
    response_class=Response,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
@reads
def proposal_memo(
    proposal_id: int = ProposalId,
    lang: MemoLang = Query("zh"),
    format: MemoFormat = Query("html"),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    return memo_response(workflow.get(session, proposal_id, user.scope), lang, format)


@api.get("/queue", response_model=list[ProposalOut], summary="Submitted proposals the caller may decide on")
@reads
def queue(user: CurrentUser = Depends(require(*DECIDERS)), session: Session = TRANSACTION) -> list[ProposalOut]:
    return [ProposalOut.of(p) for p in workflow.approval_queue(session, user.actor)]


@api.get("/{proposal_id}", response_model=ProposalOut, summary="One proposal with its decisions")
@reads
def get_proposal(
    proposal_id: int = ProposalId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> ProposalOut:
    return ProposalOut.of(workflow.get(session, proposal_id, user.scope))


@api.post("/{proposal_id}/submit", response_model=ProposalOut, summary="Send an analysed proposal for approval")
@writes
def submit_proposal(
    proposal_id: int = ProposalId,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> ProposalOut:
    return ProposalOut.of(workflow.submit(session, proposal_id, user.actor))


def _decide(action: Action) -> Any:
    @writes
    def endpoint(
        body: Comment,
        proposal_id: int = ProposalId,
        user: CurrentUser = Depends(require(*DECIDERS)),
        session: Session = TRANSACTION,
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
@reads
def proposals_page(
    request: Request,
    state_code: str | None = Query(None, alias="state", max_length=16),
    page: PageParams = Depends(page_params),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    state = optional_choice(State, state_code, "state")
    rows, total = workflow.list_proposals(
        session, state=state.value if state else None, offset=page.offset, limit=page.limit, scope=user.scope
    )
    return render(
        request,
        "proposals/list.html",
        {
            "proposals": rows,
            "names": workflow.borrower_names(session, rows),
            "total": total,
            "page": page,
            "state": state.value if state else "",
            "states": list(State),
        },
    )


def _form_context(
    session: Session, form: dict[str, str], problems: list[Problem], user: CurrentUser
) -> dict[str, Any]:
    """What the proposal form shows beside the analyst's entries: choices (the borrowers of the analyst's
    branches), and the borrower's context."""
    return {
        "form": form,
        "problems": problems,
        "products": PRODUCTS,
        "rate_bases": tuple(RateBase),
        "repayments": tuple(RepaymentType),
        "collateral_types": tuple(CollateralType),
        "ip_kinds": tuple(IPKind),
        "guarantor_kinds": tuple(GuarantorKind),
        "covenants": COVENANTS,
        "borrowers": workflow.borrower_choices(session, user.scope),
        "context": workflow.borrower_context(session, form.get("borrower_ref", ""), user.scope),
        "rows": {"collateral": range(COLLATERAL_ROWS), "guarantor": range(GUARANTOR_ROWS)},
        "programmes": {
            kind: [p for p in programme_store.list_programmes(session) if p.kind is kind] for kind in ProgrammeKind
        },
    }


@pages.get("/proposals/new")
@reads
def new_proposal_page(
    request: Request,
    borrower: str | None = Query(None, max_length=64),
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> Response:
    form = {"borrower_ref": borrower or "", "tenor_months": "12", "spread_bp": "0"}
    return render(request, "proposals/new.html", _form_context(session, form, [], user))


@pages.get("/proposals/borrower-context")
@reads
def borrower_context_page(
    request: Request,
    borrower_ref: str = Query("", max_length=64),
    project_ref: str = Query("", max_length=64),
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> Response:
    """The borrower's projects (the picker), collateral and existing facilities, as the analyst picks it."""
    form = {"borrower_ref": borrower_ref, "project_ref": project_ref}
    return render(request, "proposals/_borrower_context.html", _form_context(session, form, [], user))


COLLATERAL_ROWS = 3
GUARANTOR_ROWS = 2
COVENANTS = tuple(load_yaml("covenant_catalogue.yaml")["covenants"])
MAIN_FIELDS = ("borrower_ref", "product", "amount", "tenor_months", "project_ref")
DEAL_FIELDS = ("spread_bp", "rate_base", "repayment", "beneficiary", "purpose")
STRUCTURING_FIELDS = {"target_dscr": float, "drawn_share": float, "buyback_amount": str}
PROGRAMME_FIELDS = tuple(f"programme_{kind.value}" for kind in ProgrammeKind)  # one picker per kind
FORM_FIELDS = (
    *MAIN_FIELDS,
    *PROGRAMME_FIELDS,
    *DEAL_FIELDS,
    *STRUCTURING_FIELDS,
    "override_pd",
    "override_limit",
    "override_haircut",
    "override_reason",
    *(
        f"collateral_{i}_{part}"
        for i in range(COLLATERAL_ROWS)
        for part in ("type", "value", "date", "description", "ip_kind")
    ),
    *(
        f"guarantor_{i}_{part}"
        for i in range(GUARANTOR_ROWS)
        for part in ("name", "kind", "uscc", "covered_share")
    ),
    *(f"covenant_{c['metric']}" for c in COVENANTS),
)


def _number(form: dict[str, str], name: str, kind: type = float) -> Any:
    try:
        return kind(form[name])
    except ValueError:
        raise InputError(name, form[name], "must be a number") from None


def _overrides(form: dict[str, str]) -> list[dict[str, Any]]:
    """The analyst's overrides the form names (PD in percent), each with the one reason given."""
    found: list[dict[str, Any]] = []
    if form.get("override_pd"):
        found.append({"key": "pd", "value": str(_number(form, "override_pd") / 100)})
    if form.get("override_limit"):
        found.append({"key": "limit", "value": str(parse_amount(form["override_limit"], field="override_limit"))})
    if form.get("override_haircut"):
        found.append(
            {"key": "haircut", "collateral_index": 0, "value": str(_number(form, "override_haircut") / 100)}
        )
    if found and not form.get("override_reason", "").strip():
        raise InputError("override_reason", form.get("override_reason", ""), "an override needs its reason")
    return [{**item, "reason": form["override_reason"]} for item in found]


def _form_body(form: dict[str, str]) -> ProposalCreate:
    """The proposal the form describes (PD, haircut and a guarantor's covered share are typed in percent);
    raises naming the field."""
    deal: dict[str, Any] = {k: form[k] for k in DEAL_FIELDS if form.get(k)}
    deal["collateral"] = [
        {
            "type": form[f"collateral_{i}_type"],
            "value": form.get(f"collateral_{i}_value", ""),
            "valuation_date": form.get(f"collateral_{i}_date") or None,
            "description": form.get(f"collateral_{i}_description") or form[f"collateral_{i}_type"],
            "details": {"ip_kind": form[f"collateral_{i}_ip_kind"]} if form.get(f"collateral_{i}_ip_kind") else {},
        }
        for i in range(COLLATERAL_ROWS)
        if form.get(f"collateral_{i}_type")
    ]
    deal["guarantors"] = [
        {
            "name": form[f"guarantor_{i}_name"],
            "kind": form.get(f"guarantor_{i}_kind") or "corporate",
            "uscc": form.get(f"guarantor_{i}_uscc") or None,
            "covered_share": str(_number(form, f"guarantor_{i}_covered_share") / 100)
            if form.get(f"guarantor_{i}_covered_share")
            else None,
        }
        for i in range(GUARANTOR_ROWS)
        if form.get(f"guarantor_{i}_name")
    ]
    deal["covenants"] = [
        {
            "metric": c["metric"],
            "operator": c["operator"],
            "threshold": form[f"covenant_{c['metric']}"],
            "frequency": c["frequency"],
        }
        for c in COVENANTS
        if form.get(f"covenant_{c['metric']}")
    ]
    deal["structuring"] = {
        name: _number(form, name, kind) for name, kind in STRUCTURING_FIELDS.items() if form.get(name)
    }
    deal["overrides"] = _overrides(form)
    main = {k: form[k] for k in MAIN_FIELDS if form.get(k)}
    programmes = [form[k] for k in PROGRAMME_FIELDS if form.get(k)]
    return ProposalCreate.model_validate({**main, "programme": programmes, "deal": deal})


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: str(data.get(k, ""))[:500] for k in FORM_FIELDS}


def _problems(exc: ValidationError | InputError) -> list[Problem]:
    return (from_validation_error(exc) if isinstance(exc, ValidationError) else exc).problems


@pages.post("/proposals")
@writes
def create_proposal_page(
    request: Request,
    form: dict[str, str] = Depends(_form),
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> Response:
    try:
        proposal = workflow.create(session, user.actor, _terms(_form_body(form)))
    except (ValidationError, InputError) as exc:
        return render(
            request, "proposals/new.html", _form_context(session, form, _problems(exc), user), status_code=422
        )
    return RedirectResponse(f"/proposals/{proposal.id}", status_code=303)


@pages.post("/proposals/preview")
@reads
def preview_page(
    request: Request,
    form: dict[str, str] = Depends(_form),
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> Response:
    """The live panel of the proposal form: limit, pricing and checks as the analyst types."""
    try:
        body = _form_body(form)
        outputs, _versions = workflow.preview(session, _terms(body), _deal(body.deal), user.actor)
    except (ValidationError, InputError) as exc:
        return render(request, "proposals/_preview.html", {"outputs": None, "problems": _problems(exc)})
    return render(request, "proposals/_preview.html", {"outputs": outputs, "problems": []})


@pages.get("/proposals/{proposal_id}/memo")
@reads
def memo_page(
    proposal_id: int = ProposalId,
    lang: MemoLang = Query("zh"),
    format: MemoFormat = Query("html"),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    return memo_response(workflow.get(session, proposal_id, user.scope), lang, format)


def _allowed_actions(proposal: StoredProposal, user: CurrentUser) -> list[str]:
    return [
        action.value
        for action in (Action.ANALYSE, Action.SUBMIT, Action.APPROVE, Action.REJECT, Action.RETURN)
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
@reads
def proposal_page(
    request: Request,
    proposal_id: int = ProposalId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    proposal = workflow.get(session, proposal_id, user.scope)
    names = workflow.borrower_names(session, [proposal]).get(proposal.borrower_ref)
    context = {
        "p": ProposalOut.of(proposal),
        "actions": _allowed_actions(proposal, user),
        "error": None,
        "people": workflow.display_names(session),
        "borrower_name": None
        if names is None
        else (names[0] if request.state.lang.startswith("zh") else names[1]),
        "branch_code": borrower_store.borrower_branches(session, [proposal.borrower_ref]).get(
            proposal.borrower_ref
        ),
        "branches": {b.code: b for b in branch_store.list_branches(session)},
    }
    return render(request, "proposals/detail.html", context)


@pages.post("/proposals/{proposal_id}/{action}")
@writes
def proposal_action_page(
    request: Request,
    action: Action,
    proposal_id: int = ProposalId,
    comment: str = Form("", max_length=4000),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    if action is Action.SUBMIT:
        workflow.submit(session, proposal_id, user.actor)
    elif action is Action.ANALYSE:
        proposal = workflow.get(session, proposal_id, user.scope)
        workflow.analyse_with_engines(session, proposal_id, user.actor, workflow.stored_deal(proposal))
    else:
        workflow.decide(session, proposal_id, user.actor, action, comment)
    return RedirectResponse(f"/proposals/{proposal_id}", status_code=303)


@pages.get("/approvals")
@reads
def approvals_page(
    request: Request,
    user: CurrentUser = Depends(require(*DECIDERS)),
    session: Session = TRANSACTION,
) -> Response:
    queue = workflow.approval_queue(session, user.actor)
    return render(
        request, "proposals/queue.html", {"proposals": queue, "names": workflow.borrower_names(session, queue)}
    )
