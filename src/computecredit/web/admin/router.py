"""Admin pages and API (users, reference data), and the audit log (read and verify)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from computecredit import reference
from computecredit.services import audit, workflow
from computecredit.store.workbench import AuditEntry
from computecredit.web.admin.schemas import AuditOut, UserOut
from computecredit.web.auth import users
from computecredit.web.deps import CurrentUser, read_session, require
from computecredit.web.jobs.router import start
from computecredit.web.pagination import Page, PageParams, page_params
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1", tags=["admin"])
pages = APIRouter(include_in_schema=False)
AUDITORS = ("admin", "risk_manager")


@api.get("/admin/users", response_model=list[UserOut], summary="Users and their roles (admins)")
def list_users(
    _user: CurrentUser = Depends(require("admin")), session: Session = Depends(read_session, scope="function")
) -> list[UserOut]:
    return [
        UserOut(username=u.username, display_name=u.display_name, role=u.role, active=u.active)
        for u in users.all_users(session)
    ]


@api.get("/admin/reference", summary="Versions of the bundled reference-data tables (admins)")
def reference_versions(_user: CurrentUser = Depends(require("admin"))) -> dict[str, str]:
    return reference.versions()


@api.get("/audit", response_model=Page[AuditOut], summary="The audit log, newest first")
def audit_log(
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require(*AUDITORS)),
    session: Session = Depends(read_session, scope="function"),
) -> Page[AuditOut]:
    total = int(session.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar_one())
    rows = session.execute(
        sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).offset(page.offset).limit(page.limit)
    ).scalars()
    return Page[AuditOut](items=[AuditOut.of(e) for e in rows], total=total, offset=page.offset, limit=page.limit)


@api.post("/audit/verify", status_code=202, summary="Check the audit chain in the background; returns the job")
def verify_audit(request: Request, user: CurrentUser = Depends(require(*AUDITORS))) -> Response:
    job_id = start(request, user, "audit.verify", {})
    return JSONResponse(
        {"job_id": job_id, "links": {"self": f"/api/v1/jobs/{job_id}"}},
        status_code=202,
        headers={"Location": f"/api/v1/jobs/{job_id}"},
    )


@pages.get("/admin")
def admin_page(
    request: Request,
    _user: CurrentUser = Depends(require("admin")),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    policy = workflow.default_policy()
    return render(
        request,
        "admin/index.html",
        {
            "users": users.all_users(session),
            "versions": reference.versions(),
            "authority": sorted(policy.limits.items()),
        },
    )


@pages.get("/audit")
def audit_page(
    request: Request,
    page: PageParams = Depends(page_params),
    _user: CurrentUser = Depends(require(*AUDITORS)),
    session: Session = Depends(read_session, scope="function"),
) -> Response:
    total = int(session.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar_one())
    rows = session.execute(
        sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).offset(page.offset).limit(page.limit)
    ).scalars()
    return render(request, "admin/audit.html", {"entries": list(rows), "total": total, "page": page})


@pages.post("/audit/verify")
def verify_audit_page(request: Request, user: CurrentUser = Depends(require(*AUDITORS))) -> Response:
    return RedirectResponse(f"/jobs/{start(request, user, 'audit.verify', {})}", status_code=303)


__all__ = ["api", "audit", "pages"]
