"""Monitoring page and API: upload periodic data files, run the monitoring, work the alerts.

Rules, ingest checks and runs are the monitoring service's (``services/monitoring.py``); this module only
moves files and forms in and results out. Analysts, risk managers and admins upload data about the
borrowers of their branches; risk managers and admins act on their branches' alerts; the head office's run
the monitoring (over the whole bank); every role reads its branches' alerts.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path, PurePath
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from computecredit.domain.exposures import LoanClass
from computecredit.errors import InputError
from computecredit.services import alerts as alert_service
from computecredit.services import monitoring as monitoring_service
from computecredit.store import users as user_store
from computecredit.store.database import Database
from computecredit.web import xlsx
from computecredit.web.deps import (
    ALL_ROLES,
    TRANSACTION,
    CurrentUser,
    database,
    reads,
    require,
    require_head_office,
    writes,
)
from computecredit.web.i18n import translate
from computecredit.web.monitoring.schemas import AlertAction, AlertOut, IngestOut, RunOut, RunRequest
from computecredit.web.pagination import Page, PageParams, page_params
from computecredit.web.templating import language, render, term

api = APIRouter(prefix="/api/v1/monitoring", tags=["monitoring"])
pages = APIRouter(include_in_schema=False)

UPLOADERS = ("analyst", "risk_manager", "admin")
ACTORS = ("risk_manager", "admin")
MAX_UPLOAD = 5 * 1024 * 1024
AlertId = PathParam(ge=1, le=2**31 - 1)
Kind = Literal["operating_reports", "payments", "market", "events", "statements"]


def safe_name(filename: str | None) -> str:
    """The uploaded file's own name, reduced to safe characters (it names the file in error messages).

    >>> safe_name("../../etc/payments 2025-12.csv"), safe_name(None)
    ('payments_2025-12.csv', 'upload')
    """
    name = re.sub(r"[^\w.-]", "_", PurePath(filename or "").name)[:100].strip("._")
    return name or "upload"


def ingest_upload(
    db: Database, upload: UploadFile, kind: str, user: CurrentUser
) -> monitoring_service.IngestReport:
    """Store an uploaded data file with the monitoring service's ingest (every row or none); rows about
    another branch's borrowers read as unknown."""
    name = safe_name(upload.filename)
    content = upload.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise InputError("file", name, f"must be at most {MAX_UPLOAD // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return monitoring_service.ingest_file(db, path, kind, actor=user.username, scope=user.scope)


def run_payload(outcome: monitoring_service.RunOutcome) -> dict[str, Any]:
    full = outcome.as_dict()
    return {key: full[key] for key in RunOut.model_fields}


@api.post(
    "/ingest", response_model=IngestOut, summary="Ingest a periodic data file (analysts, risk managers, admins)"
)
def ingest(
    file: UploadFile,
    kind: Kind = Form(description="What the file holds"),
    user: CurrentUser = Depends(require(*UPLOADERS)),
    db: Database = Depends(database),
) -> IngestOut:
    report = ingest_upload(db, file, kind, user)
    return IngestOut(
        source=report.source,
        kind=report.kind,
        rows=report.rows,
        inserted=report.inserted,
        replaced=report.replaced,
    )


@api.post("/runs", response_model=RunOut, summary="Run the monitoring as of a date (risk managers, admins)")
def run(
    body: RunRequest,
    user: CurrentUser = Depends(require_head_office(*ACTORS)),
    db: Database = Depends(database),
) -> dict[str, Any]:
    return run_payload(monitoring_service.run_monitoring(db, body.as_of, actor=user.username))


@api.get("/alerts", response_model=Page[AlertOut], summary="Monitoring alerts, most urgent first")
@reads
def list_alerts(
    owner: str | None = Query(None, max_length=64),
    status: Literal["active", "open", "acknowledged", "closed"] | None = Query(
        None, description="active = open or acknowledged"
    ),
    page: PageParams = Depends(page_params),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Page[AlertOut]:
    found, total = alert_service.list_alerts(session, owner, status, page.offset, page.limit, user.scope)
    return Page[AlertOut](items=[AlertOut(**a) for a in found], total=total, offset=page.offset, limit=page.limit)


@api.patch("/alerts/{alert_id}", response_model=AlertOut, summary="Act on an alert (risk managers, admins)")
@writes
def act_on_alert(
    body: AlertAction,
    alert_id: int = AlertId,
    user: CurrentUser = Depends(require(*ACTORS)),
    session: Session = TRANSACTION,
) -> AlertOut:
    changed = alert_service.act_on_alert(
        session, alert_id, user.username, body.comment, body.action, body.owner, body.due_date, user.scope
    )
    return AlertOut(**changed)


@pages.get("/monitoring")
@reads
def monitoring_page(
    request: Request,
    owner: str | None = Query(None, max_length=64),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    lang = language(request)
    found, total = alert_service.list_alerts(session, owner or None, "active", 0, 200, user.scope)
    context = {
        "alerts": found,
        "alert_total": total,
        "people": {u.username: u.display_name for u in user_store.list_users(session)},
        "owner": owner or "",
        "latest": alert_service.latest_run(session, user.scope),
        "can_run": user.role in ACTORS and user.scope.whole_bank,
        "class_labels": {c.value: c.label(lang) for c in LoanClass},
        "kinds": monitoring_service.KINDS,
        "today": date.today().isoformat(),
        "ingested": request.query_params.get("ingested"),
        "ran": request.query_params.get("ran"),
    }
    return render(request, "monitoring/index.html", context)


@pages.get("/monitoring/alerts.xlsx")
@reads
def alerts_workbook(
    request: Request,
    owner: str | None = Query(None, max_length=64),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    """The alerts not yet closed (of one owner, if given), most urgent first, as an Excel workbook."""
    lang = language(request)
    zh = lang.startswith("zh")
    found, _total = alert_service.list_alerts(session, owner or None, "active", 0, 10_000, user.scope)
    keys = (
        "dashboard.alert",
        "proposal.borrower",
        "borrower.uscc",
        "monitoring.evidence",
        "dashboard.severity",
        "monitoring.owner",
        "alerts.raised_on",
        "dashboard.due",
        "monitoring.overdue",
        "monitoring.status",
    )
    rows = [
        [
            a["title_zh"] if zh else a["title_en"],
            a["borrower_name_zh"] if zh else a["borrower_name_en"],
            a["borrower_uscc"],
            a["evidence_zh"] if zh else a["evidence_en"],
            term("severity", a["severity"], lang),
            a["owner"],
            a["raised_on"],
            a["due_date"],
            translate(lang, "common.yes") if a["overdue"] else translate(lang, "common.no"),
            translate(lang, f"monitoring.status.{a['status']}"),
        ]
        for a in found
    ]
    sheet = xlsx.Sheet(translate(lang, "alerts.title"), [translate(lang, k) for k in keys], rows)
    return xlsx.download(xlsx.workbook([sheet]), "alerts.xlsx")


@pages.post("/monitoring/ingest")
def ingest_page(
    file: UploadFile,
    kind: Kind = Form(),
    user: CurrentUser = Depends(require(*UPLOADERS)),
    db: Database = Depends(database),
) -> Response:
    report = ingest_upload(db, file, kind, user)
    return RedirectResponse(f"/monitoring?ingested={report.rows}", status_code=303)


@pages.post("/monitoring/run")
def run_page(
    as_of: date = Form(),
    user: CurrentUser = Depends(require_head_office(*ACTORS)),
    db: Database = Depends(database),
) -> Response:
    as_of = RunRequest(as_of=as_of).as_of  # the API's bounds on the date
    monitoring_service.run_monitoring(db, as_of, actor=user.username)
    return RedirectResponse(f"/monitoring?ran={as_of.isoformat()}", status_code=303)


@pages.post("/monitoring/alerts/{alert_id}")
@writes
def act_on_alert_page(
    alert_id: int = AlertId,
    comment: str = Form(min_length=1, max_length=2000),
    action: Literal["acknowledge", "close", "reopen"] | None = Form(None),
    owner: str | None = Form(None, max_length=64),
    due_date: date | None = Form(None),
    user: CurrentUser = Depends(require(*ACTORS)),
    session: Session = TRANSACTION,
) -> Response:
    alert_service.act_on_alert(session, alert_id, user.username, comment, action, owner, due_date, user.scope)
    return RedirectResponse(f"/monitoring#alert-{alert_id}", status_code=303)
