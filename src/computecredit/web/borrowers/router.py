"""Borrower pages and API: search, profile, statements, rating history, facilities and exposures.

Every lookup takes the caller's scope (their branch and those below it): another branch's borrower is not
found. Admins book a borrower at another branch (``PUT /api/v1/borrowers/{uscc}/branch``)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from computecredit.domain.borrowers import ChainSegment, Hub
from computecredit.domain.branches import Scope
from computecredit.domain.ratings import Override
from computecredit.domain.statements import ITEMS
from computecredit.errors import InputError
from computecredit.jsonable import to_jsonable
from computecredit.rating import ratios as ratios_lib
from computecredit.rating.master_scale import load_master_scale
from computecredit.services import audit
from computecredit.services import branches as branch_service
from computecredit.services import rating as rating_service
from computecredit.services import statements as statement_service
from computecredit.store import borrowers as borrower_store
from computecredit.store import branches as branch_store
from computecredit.store import facilities as facility_store
from computecredit.store import ratings as rating_store
from computecredit.store import users as user_store
from computecredit.store import workbench as proposal_store
from computecredit.store.borrower_list import BorrowerFilter, BorrowerListRow, borrower_list
from computecredit.store.database import Database
from computecredit.web import charts, xlsx
from computecredit.web.borrowers.schemas import BorrowerDetail, BorrowerSummary, StatementOut
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
from computecredit.web.pagination import Page, PageParams, optional_choice, page_params
from computecredit.web.templating import language, render

api = APIRouter(prefix="/api/v1/borrowers", tags=["borrowers"])
pages = APIRouter(include_in_schema=False)
Uscc = PathParam(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="统一社会信用代码 (18 characters)")
# Statement lines shown on the borrower page, in this order.
# Ratios drawn on the borrower page (the table lists them all).
CHART_RATIOS = ("current_ratio", "debt_to_assets", "net_margin", "roe")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEY_LINES = (
    "operating_revenue",
    "net_profit",
    "net_operating_cash_flow",
    "total_assets",
    "total_liabilities",
    "total_equity",
)


class ListQuery(BaseModel):
    """The borrower list's search, filters and order, as query parameters (pages and API alike)."""

    q: str | None = None
    segment: ChainSegment | None = None
    hub: Hub | None = None
    grade: str | None = None
    sort: str = "name"
    desc: bool = False


def list_query(
    q: str | None = Query(
        None, max_length=100, description="Part of the Chinese or English name, of the USCC or of the stock code"
    ),
    segment: str | None = Query(None, max_length=32, description="Chain segment code"),
    hub: str | None = Query(None, max_length=32, description="东数西算 hub code"),
    grade: str | None = Query(None, max_length=8, description="Master-scale grade (latest rating)"),
    sort: Literal["name", "pd", "exposure", "alerts", "segment"] = Query("name"),
    desc: bool = Query(False, description="Largest first"),
) -> ListQuery:
    if grade and grade not in load_master_scale().codes:
        raise InputError("grade", grade, f"must be one of {', '.join(load_master_scale().codes)}")
    return ListQuery(
        q=q,
        segment=optional_choice(ChainSegment, segment, "segment"),
        hub=optional_choice(Hub, hub, "hub"),
        grade=grade or None,
        sort=sort,
        desc=desc,
    )


def find(session: Session, query: ListQuery, page: PageParams, scope: Scope) -> tuple[list[BorrowerListRow], int]:
    where = BorrowerFilter(
        q=query.q,
        segment=query.segment.value if query.segment else None,
        hub=query.hub.value if query.hub else None,
        grade=query.grade,
    )
    return borrower_list(session, where, query.sort, query.desc, page.offset, page.limit, scope)


@api.get("", response_model=Page[BorrowerSummary], summary="Search borrowers by name, USCC or stock code")
@reads
def list_borrowers(
    query: ListQuery = Depends(list_query),
    page: PageParams = Depends(page_params),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Page[BorrowerSummary]:
    found, total = find(session, query, page, user.scope)
    return Page[BorrowerSummary](
        items=[BorrowerSummary.of(row) for row in found], total=total, offset=page.offset, limit=page.limit
    )


@api.get("/{uscc}", response_model=BorrowerDetail, summary="A borrower with its statements")
@reads
def get_borrower(
    uscc: str = Uscc,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> BorrowerDetail:
    row = borrower_store.borrower_row(session, uscc, user.scope)
    statements = borrower_store.list_statements(session, uscc)
    return BorrowerDetail(
        borrower=to_jsonable(borrower_store.to_borrower(row), exact=True),
        branch_code=row.branch_code,
        statements=[StatementOut.of(s) for s in statements],
        links={"self": f"/api/v1/borrowers/{uscc}", "ratings": f"/api/v1/borrowers/{uscc}/ratings"},
    )


@api.get("/{uscc}/ratings", summary="Rating history of a borrower, newest first")
@reads
def borrower_ratings(
    uscc: str = Uscc,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> list[dict[str, Any]]:
    borrower_store.get_borrower(session, uscc, user.scope)
    return [to_jsonable(r, exact=True) for r in rating_store.list_ratings(session, uscc)]


MAX_UPLOAD = 5 * 1024 * 1024
UPLOAD_SUFFIXES = (".xlsx", ".csv")


def import_upload(session: Session, uscc: str, upload: UploadFile, user: CurrentUser) -> dict[str, int]:
    """Import statements from an uploaded Excel/CSV file for one borrower of the user's scope (all rows or
    none)."""
    borrower_store.get_borrower(session, uscc, user.scope)
    name = PurePath(upload.filename or "upload").name[:100] or "upload"
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InputError("file", name, "must be an Excel workbook (.xlsx) or a CSV file")
    content = upload.file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise InputError("file", name, f"must be at most {MAX_UPLOAD // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            located = statement_service.read_located(path)
        except InputError as exc:
            raise InputError(
                problems=[replace(p, source=name if p.source else p.source) for p in exc.problems]
            ) from None
    others = [item for item in located if item.statement.borrower_uscc != uscc]
    if others:
        item = others[0]
        raise InputError(
            "borrower_uscc",
            item.statement.borrower_uscc,
            f"must be {uscc}, the borrower of this page",
            source=name,
            row=item.row,
        )
    counts = statement_service.store_statements(session, located, source=name)
    audit.append(
        session,
        user.username,
        "statements.import",
        "borrower",
        uscc,
        None,
        {"file": name, "years": sorted(item.statement.fiscal_year for item in located), **counts},
    )
    return counts


@api.post("/{uscc}/statements", summary="Import statements from an Excel (.xlsx) or CSV file (analysts)")
@writes
def import_statements(
    file: UploadFile,
    uscc: str = Uscc,
    user: CurrentUser = Depends(require("analyst")),
    session: Session = TRANSACTION,
) -> dict[str, int]:
    return import_upload(session, uscc, file, user)


@api.get(
    "/{uscc}/statements/template",
    summary="An Excel template for this borrower's statements",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
@reads
def statements_template(
    uscc: str = Uscc,
    years: str = Query("", max_length=40, pattern=r"^(\d{4}(,\d{4}){0,5})?$", description="e.g. 2023,2024"),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    borrower_store.get_borrower(session, uscc, user.scope)
    chosen = [int(y) for y in years.split(",") if y] or [date.today().year - 1]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        statement_service.template(path, uscc, chosen)
        content = path.read_bytes()
    disposition = f'attachment; filename="statements-{uscc}.xlsx"'
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


class RatingRequest(BaseModel):
    """Analyst inputs to the compute-chain expert model beside the statements (all optional)."""

    factors: dict[str, str | float | int | bool] = Field(default_factory=dict, max_length=40)
    override_grade: str | None = Field(None, max_length=16)
    override_reason: str | None = Field(None, max_length=2000)


def rate(session: Session, uscc: str, request: RatingRequest, user: CurrentUser) -> dict[str, Any]:
    override = None
    if request.override_grade:
        override = Override(
            grade=request.override_grade, reason=request.override_reason or "", user=user.username[:32]
        )
    return rating_service.rate_stored_borrower(
        session, uscc, user.username, dict(request.factors), override, scope=user.scope
    )


@api.post("/{uscc}/ratings", summary="Rate the borrower with the compute-chain expert model and store it")
@writes
def create_rating(
    body: RatingRequest,
    uscc: str = Uscc,
    user: CurrentUser = Depends(require("analyst", "risk_manager")),
    session: Session = TRANSACTION,
) -> dict[str, Any]:
    return rate(session, uscc, body, user)


def ratio_view(statements: list[Any], lang: str) -> tuple[list[dict[str, Any]], Any]:
    """The ratio table (latest year, trend direction) and a chart of four headline ratios over the years."""
    _year, current, trends = rating_service.statement_ratios(statements)
    rows = [
        {
            "name": definition.zh if lang.startswith("zh") else definition.en,
            "code": definition.code,
            "value": current[definition.code].value if definition.code in current else None,
            "direction": trends.get(definition.code, {}).get("direction", "n/a"),
        }
        for definition in ratios_lib.RATIOS
        if definition.code in current
    ]
    years = sorted({y for t in trends.values() for y in t["values"]})
    chosen = [d for d in ratios_lib.RATIOS if d.code in CHART_RATIOS]
    chart = charts.line_chart(
        translate(lang, "borrower.ratio_chart"),
        [str(y) for y in years],
        {
            (d.zh if lang.startswith("zh") else d.en): [trends[d.code]["values"].get(y) for y in years]
            for d in chosen
            if d.code in trends
        },
        x_label=translate(lang, "chart.years"),
        y_label=translate(lang, "chart.ratio_unit"),
    )
    return rows, chart


def profile(session: Session, uscc: str, lang: str, scope: Scope) -> dict[str, Any]:
    """Everything the borrower page shows (of a borrower in ``scope``)."""
    borrower = borrower_store.get_borrower(session, uscc, scope)
    statements = borrower_store.list_statements(session, uscc)
    years = [str(s.fiscal_year) for s in statements]
    lines = [(ITEMS[code].label(lang), [s.yuan(code, None) for s in statements]) for code in KEY_LINES]
    # Tables and charts in the unit bankers read: 万元 / 亿元 in Chinese, CNY million in English.
    zh = lang.startswith("zh")
    table_unit = Decimal(10_000) if zh else Decimal(1_000_000)
    chart_unit = 1e8 if zh else 1e6

    def series(codes: tuple[str, ...]) -> dict[str, list[float | None]]:
        return {
            translate(lang, f"chart.{code}"): [float(v) / chart_unit if v is not None else None for v in values]
            for code, (_name, values) in zip(KEY_LINES, lines, strict=True)
            if code in codes
        }

    chart_unit_label = translate(lang, "unit.chart")
    trend = charts.line_chart(
        f"{translate(lang, 'borrower.trend_title')} ({chart_unit_label})",
        years,
        series(("operating_revenue", "net_profit", "net_operating_cash_flow")),
        x_label=translate(lang, "chart.years"),
        y_label=chart_unit_label,
    )
    balance = charts.line_chart(
        f"{translate(lang, 'borrower.balance_title')} ({chart_unit_label})",
        years,
        series(("total_assets", "total_liabilities")),
        x_label=translate(lang, "chart.years"),
        y_label=chart_unit_label,
    )
    table = [(name, [v / table_unit if v is not None else None for v in values]) for name, values in lines]
    proposals = proposal_store.proposals_of_borrower(session, uscc)
    last = max((s.fiscal_year for s in statements), default=date.today().year - 2)
    ratio_rows, ratio_chart = ratio_view(statements, lang) if statements else ([], None)
    return {
        "b": borrower,
        "template_years": f"{last + 1}",
        "ratio_rows": ratio_rows,
        "ratio_chart": ratio_chart,
        "statements": statements,
        "years": years,
        "lines": table,
        "trend_chart": trend,
        "balance_chart": balance,
        "ratings": rating_store.list_ratings(session, uscc),
        "grades": load_master_scale().codes,
        "facilities": facility_store.list_facilities(session, uscc),
        "proposals": proposals,
        "people": {u.username: u.display_name for u in user_store.list_users(session)},
        "branch_code": borrower_store.borrower_branches(session, [uscc])[uscc],
        "branches": {b.code: b for b in branch_store.list_branches(session)},
    }


@pages.get("/borrowers")
@reads
def borrowers_page(
    request: Request,
    query: ListQuery = Depends(list_query),
    page: PageParams = Depends(page_params),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    found, total = find(session, query, page, user.scope)
    filters = {
        "q": query.q or "",
        "segment": query.segment.value if query.segment else "",
        "hub": query.hub.value if query.hub else "",
        "grade": query.grade or "",
    }
    context = {
        "rows": found,
        "total": total,
        "page": page,
        "filters": filters,
        "sort": query.sort,
        "desc": query.desc,
        "segments": list(ChainSegment),
        "hubs": list(Hub),
        "grades": load_master_scale().codes,
        "branches": {b.code: b for b in branch_store.list_branches(session)},
    }
    template = "borrowers/_results.html" if request.headers.get("hx-request") else "borrowers/list.html"
    return render(request, template, context)


EXPORT_ROWS = 10_000


@pages.get("/borrowers/export.xlsx")
@reads
def borrowers_workbook(
    request: Request,
    query: ListQuery = Depends(list_query),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    """The borrower list as filtered and sorted on the page (every page of it) as an Excel workbook."""
    lang = language(request)
    found, _total = find(session, query, PageParams(0, EXPORT_ROWS), user.scope)
    branches = {b.code: b for b in branch_store.list_branches(session)}
    columns = [
        translate(lang, key)
        for key in (
            "borrower.uscc",
            "borrower.name",
            "borrower.name_other",
            "borrower.segment",
            "borrower.hub",
            "branch.branch",
            "rating.grade",
            "borrowers.pd",
            "borrowers.exposure_yuan",
            "borrowers.watch",
            "borrowers.open_alerts",
        )
    ]
    rows = [
        [
            r.borrower.uscc,
            r.borrower.name_zh if lang.startswith("zh") else r.borrower.name_en,
            r.borrower.name_en if lang.startswith("zh") else r.borrower.name_zh,
            r.borrower.segment.label(lang),
            r.borrower.hub.label(lang) if r.borrower.hub else None,
            branches[r.branch_code].name(lang) if r.branch_code in branches else r.branch_code,
            r.grade,
            r.pd,
            r.exposure,
            translate(lang, "common.yes") if r.watch else translate(lang, "common.no"),
            r.open_alerts,
        ]
        for r in found
    ]
    sheet = xlsx.Sheet(
        translate(lang, "nav.borrowers"),
        columns,
        rows,
        {7: xlsx.PERCENT, 8: xlsx.AMOUNT},
        note=translate(lang, "borrowers.exposure_note"),
    )
    return xlsx.download(xlsx.workbook([sheet]), "borrowers.xlsx")


@pages.get("/borrowers/{uscc}/statements.xlsx")
@reads
def statements_workbook(
    request: Request,
    uscc: str = Uscc,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    """A borrower's statements (every line, in 元) and ratios by year, as an Excel workbook."""
    lang = language(request)
    borrower_store.get_borrower(session, uscc, user.scope)
    statements = borrower_store.list_statements(session, uscc)
    years = [s.fiscal_year for s in statements]
    lines = [
        [item.label(lang), item.code, *(s.yuan(item.code, None) for s in statements)]
        for item in ITEMS.values()
        if any(item.code in s.values for s in statements)
    ]
    head = [translate(lang, "borrower.line"), translate(lang, "borrowers.code")]
    year_columns = {index: xlsx.AMOUNT for index in range(2, 2 + len(years))}
    _latest, _current, trends = rating_service.statement_ratios(statements)
    ratio_rows = [
        [
            definition.zh if lang.startswith("zh") else definition.en,
            definition.code,
            *(trends.get(definition.code, {}).get("values", {}).get(y) for y in years),
        ]
        for definition in ratios_lib.RATIOS
    ]
    sheets = [
        xlsx.Sheet(
            translate(lang, "borrower.statements"),
            head + [str(y) for y in years],
            lines,
            year_columns,
            note=translate(lang, "borrowers.statements_note"),
        ),
        xlsx.Sheet(
            translate(lang, "borrower.ratios"),
            head + [str(y) for y in years],
            ratio_rows,
            {index: xlsx.RATIO for index in range(2, 2 + len(years))},
        ),
    ]
    return xlsx.download(xlsx.workbook(sheets), f"statements-{uscc}.xlsx")


@pages.get("/borrowers/{uscc}")
@reads
def borrower_page(
    request: Request,
    uscc: str = Uscc,
    imported: int | None = Query(None, ge=0, le=1000),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    context = {**profile(session, uscc, language(request), user.scope), "imported": imported, "problems": []}
    return render(request, "borrowers/detail.html", context)


@pages.post("/borrowers/{uscc}/rate")
@writes
def rate_page(
    uscc: str = Uscc,
    override_grade: str = Form("", max_length=16),
    override_reason: str = Form("", max_length=2000),
    user: CurrentUser = Depends(require("analyst", "risk_manager")),
    session: Session = TRANSACTION,
) -> Response:
    """Rate with the expert model; a chosen grade overrides the model's, with its reason on record."""
    request = RatingRequest(override_grade=override_grade or None, override_reason=override_reason or None)
    rate(session, uscc, request, user)
    return RedirectResponse(f"/borrowers/{uscc}#ratings", status_code=303)


@pages.post("/borrowers/{uscc}/statements")
def import_statements_page(
    request: Request,
    file: UploadFile,
    uscc: str = Uscc,
    user: CurrentUser = Depends(require("analyst")),
    db: Database = Depends(database),
) -> Response:
    try:
        with audit.write_transaction(db) as session:
            counts = import_upload(session, uscc, file, user)
    except InputError as exc:
        with db.transaction() as session:
            context = {
                **profile(session, uscc, language(request), user.scope),
                "imported": None,
                "problems": exc.problems,
            }
        return render(request, "borrowers/detail.html", context, status_code=422)
    return RedirectResponse(f"/borrowers/{uscc}?imported={counts['created'] + counts['updated']}", status_code=303)


class BranchChange(BaseModel):
    """The branch to book the borrower at."""

    branch_code: str = Field(max_length=16, description="the code of one of the bank's branches, e.g. BJ")


@api.put("/{uscc}/branch", summary="Book the borrower at another branch (admins); its deals go with it")
@writes
def move_borrower(
    body: BranchChange,
    uscc: str = Uscc,
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> dict[str, str]:
    left = branch_service.move_borrower(session, user.username, uscc, body.branch_code.strip().upper())
    return {"uscc": uscc, "branch_code": body.branch_code.strip().upper(), "previous_branch_code": left}


@pages.post("/borrowers/{uscc}/branch")
@writes
def move_borrower_page(
    uscc: str = Uscc,
    branch_code: str = Form(..., max_length=16),
    user: CurrentUser = Depends(require_head_office("admin")),
    session: Session = TRANSACTION,
) -> Response:
    branch_service.move_borrower(session, user.username, uscc, branch_code.strip().upper())
    return RedirectResponse(f"/borrowers/{uscc}", status_code=303)
