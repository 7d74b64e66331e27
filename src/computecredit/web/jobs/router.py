"""Jobs API: ``POST /api/v1/jobs`` answers 202 with the job id; poll it; fetch ``/result`` when done."""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from computecredit.errors import InputError, NotFoundError, PermissionDeniedError
from computecredit.services import jobs
from computecredit.store.workbench import Job
from computecredit.web import observability
from computecredit.web.deps import ALL_ROLES, TRANSACTION, CurrentUser, reads, require
from computecredit.web.jobs.schemas import FILE_KINDS, JobCreate, JobOut
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])
pages = APIRouter(include_in_schema=False)
JobId = Path(pattern=r"^[0-9a-f]{32}$")


def start(request: Request, user: CurrentUser, kind: str, params: dict[str, Any]) -> str:
    """Start a job of ``kind`` for ``user`` if their role may; return its id."""
    spec = jobs.KINDS.get(kind)
    if spec is None:
        raise InputError("kind", kind, f"must be one of {', '.join(sorted(jobs.KINDS))}")
    if user.role not in spec.roles:
        raise PermissionDeniedError(f"role {user.role} may not start {kind} jobs")
    if spec.bank_wide and not user.scope.whole_bank:
        raise PermissionDeniedError(f"only the head office may start {kind} jobs (they cover the whole bank)")
    job_id: str = request.app.state.jobs.submit(user.username, kind, {**params, "requested_by": user.username})
    observability.JOBS_SUBMITTED.labels(kind).inc()
    return job_id


def _visible(session: Session, job_id: str, user: CurrentUser) -> Job:
    return jobs.visible_job(session, job_id, user.username, user.role, user.scope)


@api.post("", status_code=202, response_model=JobOut, summary="Start a background job")
@reads
def create_job(
    request: Request,
    body: JobCreate,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    job_id = start(request, user, body.kind, body.params)
    session.expire_all()
    out = JobOut.of(jobs.get(session, job_id))
    return JSONResponse(out.model_dump(mode="json"), status_code=202, headers={"Location": out.links["self"]})


@api.get("/{job_id}", response_model=JobOut, summary="State and progress of a job")
@reads
def get_job(
    job_id: str = JobId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> JobOut:
    return JobOut.of(_visible(session, job_id, user))


@api.get("/{job_id}/result", summary="Result of a finished job")
@reads
def job_result(
    job_id: str = JobId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Any:
    _visible(session, job_id, user)
    return jobs.result(session, job_id)


@api.get(
    "/{job_id}/file",
    summary="The file a finished job produced (a memo PDF)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
@reads
def job_file(
    job_id: str = JobId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    job = _visible(session, job_id, user)
    if job.kind not in FILE_KINDS:
        raise NotFoundError(f"job {job_id} ({job.kind}) produces no file")
    value = jobs.result(session, job_id)
    return Response(
        base64.b64decode(value["content_base64"]),
        media_type=value["media_type"],
        headers={"Content-Disposition": f'attachment; filename="{value["filename"]}"'},
    )


@pages.get("/jobs/{job_id}")
@reads
def job_page(
    request: Request,
    job_id: str = JobId,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    job = _visible(session, job_id, user)
    result = jobs.result(session, job_id) if job.state == "done" else None
    if isinstance(result, dict):  # a file is offered as a download, not shown as base64
        result.pop("content_base64", None)
    template = "jobs/_status.html" if request.headers.get("hx-request") else "jobs/detail.html"
    return render(request, template, {"job": JobOut.of(job), "result": result})
