"""Admin pages and API (users and their branches, bank parameters, reference data), and the audit log (read
and verify). These cover the whole bank: only users of the head office may use them.

Every change goes through :mod:`computecredit.services.admin`, which audits it in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from computecredit import reference
from computecredit.domain.branches import HEAD_OFFICE, BranchLevel
from computecredit.domain.users import User
from computecredit.errors import InputError, NotFoundError, Problem
from computecredit.services import admin, audit, workflow
from computecredit.store import bank as bank_store
from computecredit.store import branches as branch_store
from computecredit.store import workbench as workbench_store
from computecredit.web.admin.schemas import AuditOut, BankOut, BankPatch, UserCreate, UserOut, UserPatch
from computecredit.web.auth import users
from computecredit.web.deps import TRANSACTION, CurrentUser, reads, require_head_office, writes
from computecredit.web.jobs.router import start
from computecredit.web.pagination import Page, PageParams, page_params
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1", tags=["admin"])
pages = APIRouter(include_in_schema=False)
AUDITORS = ("admin", "risk_manager")
Username = Path(max_length=32, description="the user's login name")
ROLE_CHOICES = ("analyst", "approver", "risk_manager", "admin")


def _user_out(user: User) -> UserOut:
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        role=user.role.value,
        active=user.active,
        branch_code=user.branch_code,
    )


@api.get("/admin/users", response_model=list[UserOut], summary="Users and their roles (admins)")
@reads
def list_users(
    _user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> list[UserOut]:
    return [
        UserOut(
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            active=u.active,
            branch_code=u.branch_code,
        )
        for u in users.all_users(session)
    ]


@api.post("/admin/users", status_code=201, response_model=UserOut, summary="Create a user (admins)")
@writes
def create_user(
    body: UserCreate, user: CurrentUser = Depends(require_head_office("admin")), session: Session = TRANSACTION
) -> UserOut:
    created = admin.create_user(
        session, user.username, body.username, body.display_name, body.role, body.password, body.branch_code
    )
    return _user_out(created)


@api.patch("/admin/users/{username}", response_model=UserOut, summary="Change a user's role, name or active flag")
@writes
def update_user(
    body: UserPatch,
    username: str = Username,
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> UserOut:
    changed = admin.update_user(session, user.username, username, **body.model_dump(exclude_none=True))
    return _user_out(changed)


@api.get("/admin/bank", response_model=BankOut, summary="The bank's current parameters (admins)")
@reads
def get_bank(
    _user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> BankOut:
    return BankOut(**bank_store.get_bank(session).model_dump())


@api.patch("/admin/bank", response_model=BankOut, summary="Change the bank's capital, loan book or hurdle rate")
@writes
def update_bank(
    body: BankPatch, user: CurrentUser = Depends(require_head_office("admin")), session: Session = TRANSACTION
) -> BankOut:
    return BankOut(**admin.update_bank(session, user.username, body.model_dump(exclude_none=True)).model_dump())


@api.get("/admin/reference", summary="Versions of the bundled reference-data tables (admins)")
def reference_versions(_user: CurrentUser = Depends(require_head_office("admin"))) -> dict[str, str]:
    return reference.versions()


@api.get("/audit", response_model=Page[AuditOut], summary="The audit log, newest first")
@reads
def audit_log(
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require_head_office(*AUDITORS)),
    session: Session = TRANSACTION,
) -> Page[AuditOut]:
    total = workbench_store.count_audit_entries(session)
    rows = workbench_store.recent_audit_entries(session, page.limit, offset=page.offset)
    return Page[AuditOut](items=[AuditOut.of(e) for e in rows], total=total, offset=page.offset, limit=page.limit)


@api.post("/audit/verify", status_code=202, summary="Check the audit chain in the background; returns the job")
def verify_audit(request: Request, user: CurrentUser = Depends(require_head_office(*AUDITORS))) -> Response:
    job_id = start(request, user, "audit.verify", {})
    return JSONResponse(
        {"job_id": job_id, "links": {"self": f"/api/v1/jobs/{job_id}"}},
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job_id}"},
    )


def _admin_page(
    request: Request,
    session: Session,
    problems: list[Problem] | None = None,
    bank_form: dict[str, str] | None = None,
) -> Response:
    policy = workflow.default_policy()
    branches = branch_store.list_branches(session)
    try:
        bank = bank_store.get_bank(session)
    except NotFoundError:
        bank = None
    shown = {name: str(getattr(bank, name)) for name in admin.BANK_FIELDS if name != "as_of"} if bank else {}
    return render(
        request,
        "admin/index.html",
        {
            "users": users.all_users(session),
            "versions": reference.versions(),
            "authority": [
                (role, BranchLevel(level), product, limit)
                for (role, level, product), limit in sorted(policy.limits.items())
            ],
            "branches": branches,
            "known_branches": {b.code: b for b in branches},
            "bank": bank,
            "bank_form": {**shown, **(bank_form or {})},
            "roles": ROLE_CHOICES,
            "problems": problems or [],
        },
        status_code=422 if problems else 200,
    )


def _or_show_problems(request: Request, session: Session, change: Callable[[], object], **form: str) -> Response:
    """Make the change and go back to the page, or show the page again with what was wrong (nothing written)."""
    try:
        change()
    except InputError as exc:
        session.rollback()
        return _admin_page(request, session, exc.problems, form or None)
    return RedirectResponse("/admin", status_code=303)


@pages.get("/admin")
@reads
def admin_page(
    request: Request,
    _user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    return _admin_page(request, session)


@pages.post("/admin/users")
@writes
def create_user_page(
    request: Request,
    username: str = Form(..., max_length=32),
    display_name: str = Form(..., max_length=100),
    role: str = Form(..., max_length=16),
    password: str = Form(..., max_length=256),
    branch_code: str = Form(HEAD_OFFICE, max_length=16),
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    return _or_show_problems(
        request,
        session,
        lambda: admin.create_user(session, user.username, username, display_name, role, password, branch_code),
    )


@pages.post("/admin/users/{username}")
@writes
def update_user_page(
    request: Request,
    username: str = Username,
    role: str = Form(..., max_length=16),
    active: str = Form(..., pattern="^(true|false)$"),
    branch_code: str | None = Form(None, max_length=16),
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    return _or_show_problems(
        request,
        session,
        lambda: admin.update_user(
            session, user.username, username, role=role, active=active == "true", branch_code=branch_code
        ),
    )


@pages.post("/admin/bank")
@writes
def update_bank_page(
    request: Request,
    net_capital: str = Form(..., max_length=40),
    tier1_net_capital: str = Form(..., max_length=40),
    loan_book: str = Form(..., max_length=40),
    hurdle_rate: str = Form(..., max_length=20),
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    changes = {
        "net_capital": net_capital,
        "tier1_net_capital": tier1_net_capital,
        "loan_book": loan_book,
        "hurdle_rate": hurdle_rate,
    }
    return _or_show_problems(
        request, session, lambda: admin.update_bank(session, user.username, changes), **changes
    )


@pages.get("/audit")
@reads
def audit_page(
    request: Request,
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require_head_office(*AUDITORS)),
    session: Session = TRANSACTION,
) -> Response:
    total = workbench_store.count_audit_entries(session)
    rows = workbench_store.recent_audit_entries(session, page.limit, offset=page.offset)
    return render(request, "admin/audit.html", {"entries": list(rows), "total": total, "page": page})


@pages.post("/audit/verify")
def verify_audit_page(request: Request, user: CurrentUser = Depends(require_head_office(*AUDITORS))) -> Response:
    return RedirectResponse(f"/jobs/{start(request, user, 'audit.verify', {})}", status_code=303)


__all__ = ["api", "audit", "pages"]
