"""Programme pages and API: the bank's programmes, their progress, report and Excel export; admins define
them, the risk side puts booked facilities in them. Every rule is in services.programmes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from computecredit.domain.borrowers import ChainSegment, Hub, SpecialisedLevel
from computecredit.domain.facilities import ProductType
from computecredit.domain.programmes import Programme, ProgrammeKind
from computecredit.errors import InputError, Problem
from computecredit.programmes import Progress
from computecredit.programmes.eligibility import RULE_FIELDS, applicable
from computecredit.reports import programme as report
from computecredit.services import programmes as service
from computecredit.store import programmes as programme_store
from computecredit.store.database import Database
from computecredit.web import charts, xlsx
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
from computecredit.web.templating import dimension_label, language, render

api = APIRouter(prefix="/api/v1/programmes", tags=["programmes"])
pages = APIRouter(include_in_schema=False)
Code = Path(min_length=3, max_length=40, pattern=r"^[A-Z][A-Z0-9\-]{2,39}$")
# Programmes are the bank's policy: admins define them; the risk side (and admins) put booked facilities in
# them; analysts tag their proposals when they open them.
TAGGERS = ("risk_manager", "admin")
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
)


class FacilityTag(BaseModel):
    facility: str = Field(min_length=2, max_length=64, description="the booked facility's reference")


def _as_of(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise InputError("as_of", text, "must be a date YYYY-MM-DD") from None


@api.get("", summary="Programmes with their amount, eligible products and segments, and progress")
def list_programmes(
    as_of: str | None = Query(None, max_length=10, description="YYYY-MM-DD (default: the bank's reporting date)"),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> dict[str, Any]:
    return {"items": [service.progress_view(r) for r in service.overview(db, _as_of(as_of), user.scope)]}


@api.get("/{code}", summary="A programme's progress: committed, drawn, remaining, pace, splits and risk")
def get_programme(
    code: str = Code,
    as_of: str | None = Query(None, max_length=10, description="YYYY-MM-DD (default: the bank's reporting date)"),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> dict[str, Any]:
    return service.progress_view(service.programme_progress(db, code, _as_of(as_of), user.scope))


@api.post("", status_code=201, summary="Define a programme (admins)")
@writes
def create_programme(
    body: dict[str, Any],
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> dict[str, Any]:
    return service.programme_view(service.save(session, user.username, body))


@api.put("/{code}", summary="Replace a programme's definition (admins)")
@writes
def update_programme(
    body: dict[str, Any],
    code: str = Code,
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> dict[str, Any]:
    return service.programme_view(service.save(session, user.username, body, code))


@api.post("/{code}/facilities", status_code=201, summary="Put a booked facility in the programme")
@writes
def tag_facility(
    body: FacilityTag,
    code: str = Code,
    user: CurrentUser = Depends(require(*TAGGERS)),
    session: Session = TRANSACTION,
) -> dict[str, Any]:
    programme = service.tag_facility(session, user.username, code, body.facility, user.scope)
    return {"programme": programme.code, "facility": body.facility}


def _workbook(result: Progress, lang: str) -> bytes:
    """The programme's progress as Excel: its facilities, and the splits by segment, hub and year."""
    zh = lang.startswith("zh")
    columns = [
        "授信",
        "借款人",
        "产业链环节",
        "枢纽",
        "承诺日",
        "额度（元）",
        "提款余额（元）",
        "预期损失（元）",
        "不良",
        "关注",
    ]
    if not zh:
        columns = [
            "facility",
            "borrower",
            "segment",
            "hub",
            "committed on",
            "limit (CNY)",
            "drawn (CNY)",
            "expected loss (CNY)",
            "NPL",
            "watch list",
        ]
    rows = [
        [
            m.facility,
            m.borrower_zh if zh else m.borrower_en,
            m.segment,
            m.hub,
            m.committed_on,
            m.limit,
            m.drawn,
            m.expected_loss,
            m.npl,
            m.watch,
        ]
        for m in result.members
    ]
    sheets = [
        xlsx.Sheet("授信" if zh else "facilities", columns, rows, {5: xlsx.AMOUNT, 6: xlsx.AMOUNT, 7: xlsx.AMOUNT})
    ]
    for title_zh, title_en, slices in (
        ("按环节", "by segment", result.by_segment),
        ("按枢纽", "by hub", result.by_hub),
        ("按年度", "by year", result.by_year),
    ):
        heads = (
            ["分组", "承诺额度（元）", "提款余额（元）", "笔数"]
            if zh
            else ["group", "committed (CNY)", "drawn (CNY)", "facilities"]
        )
        body = [[s.key, s.committed, s.drawn, s.facilities] for s in slices]
        sheets.append(xlsx.Sheet(title_zh if zh else title_en, heads, body, {1: xlsx.AMOUNT, 2: xlsx.AMOUNT}))
    return xlsx.workbook(sheets)


@api.get("/{code}/export", summary="The programme's facilities and splits as an Excel workbook")
def export_programme(
    request: Request,
    code: str = Code,
    as_of: str | None = Query(None, max_length=10),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    result = service.programme_progress(db, code, _as_of(as_of), user.scope)
    return xlsx.download(_workbook(result, language(request)), f"{code}-{result.as_of}.xlsx")


@api.get("/{code}/report", summary="The programme report (HTML or PDF, zh or en)")
def programme_report(
    code: str = Code,
    lang: Literal["zh", "en"] = Query("zh"),
    fmt: Literal["html", "pdf"] = Query("html", alias="format"),
    as_of: str | None = Query(None, max_length=10),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    result = service.programme_progress(db, code, _as_of(as_of), user.scope)
    if fmt == "pdf":
        return Response(
            report.render_pdf(result, lang),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{code}-{result.as_of}-{lang}.pdf"'},
        )
    return HTMLResponse(report.render_html(result, lang), headers={"Content-Security-Policy": REPORT_CSP})


# --- pages -----------------------------------------------------------------------------------------


@pages.get("/programmes")
def programmes_page(
    request: Request,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    return render(
        request,
        "programmes/list.html",
        {
            "results": service.overview(db, scope=user.scope),
            "can_edit": user.role == "admin" and user.scope.whole_bank,
        },
    )


def _charts(result: Progress, lang: str) -> dict[str, Any]:
    scale, unit = charts.amount_scale(lang)
    zh = lang.startswith("zh")
    years = [s.key for s in result.by_year]
    cumulative, running = [], 0.0
    for s in result.by_year:
        running += float(s.committed) / scale
        cumulative.append(running)
    return {
        "segments": charts.bar_chart(
            f"{'按产业链环节承诺额度' if zh else 'Committed by chain segment'} ({unit})",
            [(dimension_label(s.key, lang), float(s.committed) / scale) for s in result.by_segment],
        ),
        "years": charts.line_chart(
            f"{'累计承诺额度' if zh else 'Committed, cumulative'} ({unit})",
            years,
            {("累计承诺" if zh else "committed"): cumulative},
            reference=float(result.expected_by_now) / scale,
            reference_label="直线进度应达" if zh else "straight-line expectation",
            y_label=unit,
        ),
    }


@pages.get("/programmes/new")
def new_programme_page(
    request: Request,
    _user: CurrentUser = Depends(require_head_office("admin")),
) -> Response:
    form = {"currency": "CNY", "kind": ProgrammeKind.LENDING_PROGRAMME.value}
    return render(request, "programmes/form.html", _form_context(form, [], None))


def _detail(
    request: Request, db: Database, user: CurrentUser, code: str, as_of: date | None, problems: list[Problem]
) -> dict[str, Any]:
    result = service.programme_progress(db, code, as_of, user.scope)
    rules = result.programme.eligibility
    return {
        "r": result,
        "rules": [(rule, getattr(rules, RULE_FIELDS[rule.key])) for rule in applicable(rules)],
        "charts": _charts(result, language(request)),
        "can_edit": user.role == "admin" and user.scope.whole_bank,
        "can_tag": user.role in TAGGERS,
        "problems": problems,
    }


@pages.get("/programmes/{code}")
def programme_page(
    request: Request,
    code: str = Code,
    as_of: str | None = Query(None, max_length=10),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    return render(request, "programmes/detail.html", _detail(request, db, user, code, _as_of(as_of), []))


@pages.post("/programmes/{code}/facilities")
@writes
def tag_facility_page(
    request: Request,
    code: str = Code,
    facility: str = Form(..., max_length=64),
    user: CurrentUser = Depends(require(*TAGGERS)),
    db: Database = Depends(database),
    session: Session = TRANSACTION,
) -> Response:
    try:
        service.tag_facility(session, user.username, code, facility.strip(), user.scope)
    except InputError as exc:
        context = _detail(request, db, user, code, None, exc.problems)
        return render(request, "programmes/detail.html", context, status_code=422)
    return RedirectResponse(f"/programmes/{code}", status_code=303)


# The admin's form: the programme's fields, its eligibility rules, and which of them are lists or percents.
FORM_FIELDS = (
    "code",
    "kind",
    "name_zh",
    "name_en",
    "amount",
    "currency",
    "start",
    "end",
    "relending_rate",
    "source",
)
RULE_TEXT = (
    "min_specialised_level",
    "min_invention_patents",
    "max_tenor_months",
    "max_facility_amount",
    "worst_grade",
    "min_innovation_score",
)
RULE_PERCENT = ("min_rd_intensity", "max_rate", "max_purpose_share")
RULE_FLAGS = ("listed_only", "sme_only", "high_tech_required")
RULE_LISTS = ("products", "segments", "hubs")


async def _programme_form(request: Request) -> dict[str, Any]:
    data = await request.form()
    form: dict[str, Any] = {
        k: str(data.get(k, "")).strip()[:500] for k in (*FORM_FIELDS, *RULE_TEXT, *RULE_PERCENT)
    }
    form.update({k: bool(data.get(k)) for k in RULE_FLAGS})
    form.update({k: [str(v) for v in data.getlist(k)][:50] for k in RULE_LISTS})
    return form


def _percent(form: dict[str, Any], name: str) -> str | None:
    """A rule typed in percent (2.25) as the fraction the programme stores ("0.0225")."""
    text = form.get(name, "")
    if not text:
        return None
    try:
        return str(Decimal(text) / 100)
    except ArithmeticError:
        raise InputError(name, text, "must be a number (in percent)") from None


def _document(form: dict[str, Any]) -> dict[str, Any]:
    """The programme document the admin's form describes (empty entries are left out)."""
    eligibility: dict[str, Any] = {k: form[k] for k in (*RULE_TEXT, *RULE_LISTS, *RULE_FLAGS) if form.get(k)}
    eligibility.update({k: _percent(form, k) for k in RULE_PERCENT if form.get(k)})
    document: dict[str, Any] = {k: form[k] for k in FORM_FIELDS if form.get(k)}
    if form.get("relending_rate"):
        document["relending_rate"] = _percent(form, "relending_rate")
    return {**document, "eligibility": eligibility}


def _form_context(form: dict[str, Any], problems: list[Problem], code: str | None) -> dict[str, Any]:
    return {
        "form": form,
        "problems": problems,
        "editing": code,
        "kinds": tuple(ProgrammeKind),
        "products": tuple(ProductType),
        "segments": tuple(ChainSegment),
        "hubs": tuple(Hub),
        "levels": tuple(SpecialisedLevel),
        "percent_fields": RULE_PERCENT,
    }


def _stored_form(programme: Programme) -> dict[str, Any]:
    """The form's entries for a stored programme (rates and shares in percent)."""
    document = programme.model_dump(mode="json")
    rules = document.pop("eligibility")
    form = {k: "" if v is None else v for k, v in {**document, **rules}.items()}
    for name in (*RULE_PERCENT, "relending_rate"):
        form[name] = "" if form.get(name) in ("", None) else str(Decimal(str(form[name])) * 100)
    return form


@pages.get("/programmes/{code}/edit")
@reads
def edit_programme_page(
    request: Request,
    code: str = Code,
    _user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    form = _stored_form(programme_store.get_programme(session, code))
    return render(request, "programmes/form.html", _form_context(form, [], code))


def _save_page(
    request: Request, form: dict[str, Any], user: CurrentUser, session: Session, code: str | None
) -> Response:
    try:
        programme = service.save(session, user.username, _document(form), code)
    except InputError as exc:
        return render(request, "programmes/form.html", _form_context(form, exc.problems, code), status_code=422)
    return RedirectResponse(f"/programmes/{programme.code}", status_code=303)


@pages.post("/programmes")
@writes
def create_programme_page(
    request: Request,
    form: dict[str, Any] = Depends(_programme_form),
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    return _save_page(request, form, user, session, None)


@pages.post("/programmes/{code}/edit")
@writes
def edit_programme_form(
    request: Request,
    code: str = Code,
    form: dict[str, Any] = Depends(_programme_form),
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    return _save_page(request, form, user, session, code)
