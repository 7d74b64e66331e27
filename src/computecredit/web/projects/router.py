"""Project pages and API: the project engine on a stored project or a bundled example, inputs editable.

A stored project belongs to its borrower's branch: outside the caller's scope it is not found (and the
bundled example of the same code stays hidden behind it)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from computecredit import projects as engine
from computecredit.domain.branches import Scope
from computecredit.errors import InputError, NotFoundError, PermissionDeniedError
from computecredit.jsonable import to_jsonable
from computecredit.services import projects as project_service
from computecredit.store import projects as project_store
from computecredit.store.database import Database
from computecredit.web import charts, xlsx
from computecredit.web.deps import ALL_ROLES, TRANSACTION, CurrentUser, database, reads, require
from computecredit.web.i18n import translate
from computecredit.web.projects import form as project_form
from computecredit.web.templating import language, render, term

api = APIRouter(prefix="/api/v1/projects", tags=["projects"])
pages = APIRouter(include_in_schema=False)
Code = Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
# Paths simulated when a page is shown; the API takes up to MAX_SIMULATIONS, a job more.
PAGE_SIMULATIONS = 500
MAX_SIMULATIONS = 5_000


class Evaluate(BaseModel):
    code: str | None = Field(None, max_length=64, description="A stored project or a bundled example")
    inputs: dict[str, Any] | None = Field(
        None, description="The project engine's input document (instead of code)"
    )
    simulations: int = Field(PAGE_SIMULATIONS, ge=0, le=MAX_SIMULATIONS)
    seed: int = Field(0, ge=0, le=2**31 - 1)


def catalogue(session: Session, scope: Scope) -> list[dict[str, str]]:
    """Stored projects of the branches in ``scope`` first, then the engine's bundled examples that no stored
    project hides."""
    stored = [
        {"code": p.code, "name": p.name, "kind": "stored"} for p in project_store.list_projects(session, scope)
    ]
    hidden = project_store.stored_codes(session)
    examples = [
        {"code": name, "name": example_title(name), "kind": "example"}
        for name in engine.example_names()
        if name not in hidden
    ]
    return stored + examples


@cache
def example_title(code: str) -> str:
    """The name a bundled example gives its project (its code when it gives none)."""
    document = yaml.safe_load(engine.example_path(code).read_text(encoding="utf-8"))
    return str(document.get("name") or code) if isinstance(document, dict) else code


def inputs_of(session: Session, code: str, scope: Scope) -> dict[str, Any]:
    """The engine input document of a stored project in ``scope`` or of a bundled example (one that no
    stored project of that code, whatever its branch, hides)."""
    if is_stored(session, code):
        return dict(project_store.get_project(session, code, scope).inputs)
    if code in engine.example_names():
        return yaml.safe_load(engine.example_path(code).read_text(encoding="utf-8"))
    raise NotFoundError(f"no project {code!r}")


def evaluate(document: dict[str, Any], simulations: int, seed: int = 0) -> Any:
    return engine.evaluate(document, simulations=simulations, seed=seed)


@api.get("", summary="Stored projects and bundled examples")
@reads
def list_projects(
    user: CurrentUser = Depends(require(*ALL_ROLES)), session: Session = TRANSACTION
) -> list[dict[str, str]]:
    return catalogue(session, user.scope)


@api.post("/evaluate", summary="Evaluate a project: cash flows, DSCR, returns, sensitivities, Monte Carlo, green")
@reads
def evaluate_project(
    body: Evaluate,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> dict[str, Any]:
    if (body.code is None) == (body.inputs is None):
        raise InputError("code", body.code, "give either a project code or an inputs document")
    document = body.inputs if body.inputs is not None else inputs_of(session, body.code or "", user.scope)
    return to_jsonable(evaluate(document, body.simulations, body.seed).to_dict())


class SaveInputs(BaseModel):
    inputs: dict[str, Any] = Field(description="The project engine's input document; replaces the stored one")


@api.put("/{code}/inputs", summary="Replace a stored project's inputs (validated by the engine, audited)")
def save_project_inputs(
    body: SaveInputs,
    code: str = Code,
    user: CurrentUser = Depends(require("analyst", "risk_manager")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    saved = project_service.save_inputs(db, user.username, code, body.inputs, user.scope)
    return {"code": saved.code, "name": saved.name, "inputs": saved.inputs}


def view(result: Any, lang: str) -> dict[str, Any]:
    """What the project page shows of a result: figures, the annual table and four charts."""
    data = to_jsonable(result.to_dict())
    annual = data["annual"]
    # Project years run from the start month; each is named by its first month (the table shows both ends).
    years = [row["start"][:7] for row in annual]
    unit, scale = ("亿元", 1e8) if lang.startswith("zh") else ("CNY m", 1e6)
    dscr = [row["dscr"] if row["dscr"] is not None and row["dscr"] < 20 else None for row in annual]
    target = min(t.target_dscr for t in result.inputs.financing.tranches)
    tornado = data["sensitivity"]["tornado"]
    sim = data.get("simulation") or {}
    hist = sim.get("min_dscr_histogram") or {}
    return {
        "data": data,
        "years": years,
        "dscr_chart": charts.line_chart(
            translate(lang, "project.dscr_chart"),
            years,
            {"DSCR": dscr},
            reference=target,
            reference_label=translate(lang, "project.target"),
            x_label=translate(lang, "project.period_start"),
            y_label=translate(lang, "project.dscr_axis"),
        ),
        "cash_chart": charts.line_chart(
            f"{translate(lang, 'project.cash_chart')} ({unit})",
            years,
            {
                "CFADS": [row["cfads"] / scale for row in annual],
                translate(lang, "project.debt_service"): [row["debt_service"] / scale for row in annual],
            },
            x_label=translate(lang, "project.period_start"),
            y_label=unit,
        ),
        "tornado_chart": charts.tornado(
            translate(lang, "project.tornado"),
            tornado[0]["min_dscr_base"] if tornado else 0.0,
            [(term("driver", t["driver"], lang), t["min_dscr_low"], t["min_dscr_high"]) for t in tornado],
            low_label=translate(lang, "project.low"),
            high_label=translate(lang, "project.high"),
        ),
        "histogram": charts.histogram(
            translate(lang, "project.histogram"),
            hist.get("edges", []),
            [int(c) for c in hist.get("counts", [])],
            marker=1.0,
            marker_label="DSCR = 1",
            x_label=translate(lang, "project.min_dscr"),
            y_label=translate(lang, "chart.paths"),
        ),
        "ltv_chart": charts.line_chart(
            translate(lang, "project.ltv_chart"),
            years,
            {"LTV": [row["ltv"] for row in annual]},
            reference=1.0,
            reference_label="LTV = 1",
            x_label=translate(lang, "project.period_start"),
            y_label=translate(lang, "project.ltv_axis"),
        ),
    }


@pages.get("/projects")
@reads
def projects_page(
    request: Request,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    return render(request, "projects/list.html", {"projects": catalogue(session, user.scope)})


@pages.get("/projects/{code}")
@reads
def project_page(
    request: Request,
    code: str = Code,
    simulations: int = Query(PAGE_SIMULATIONS, ge=0, le=MAX_SIMULATIONS),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    document = inputs_of(session, code, user.scope)
    result = evaluate(document, simulations)
    context = {
        "code": code,
        "inputs_text": dump(document),
        "form": project_form.sections(document),
        "field_problems": {},
        "problems": [],
        "stored": is_stored(session, code),
        "saved": request.query_params.get("saved") == "1",
        **view(result, language(request)),
    }
    return render(request, "projects/detail.html", context)


@pages.post("/projects/{code}")
def project_edit_page(
    request: Request,
    code: str = Code,
    inputs_text: str = Form(..., max_length=200_000),
    action: str = Form("evaluate", pattern="^(evaluate|save)$"),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    """Evaluate edited inputs, written as YAML (the analyst's what-if), or, for a stored project, save them."""
    with db.transaction() as session:
        inputs_of(session, code, user.scope)  # another branch's project is not found, not even for a what-if
    try:
        document = yaml.safe_load(inputs_text)
        if not isinstance(document, dict):
            raise InputError("inputs", type(document).__name__, "must be a YAML mapping")
    except yaml.YAMLError as exc:
        problems = InputError("inputs", "…", f"not valid YAML: {exc}").problems
        return edit_failed(request, db, user, code, None, inputs_text, problems)
    except InputError as exc:
        return edit_failed(request, db, user, code, None, inputs_text, exc.problems)
    return evaluate_or_save(request, db, user, code, document, action, inputs_text)


async def form_values(request: Request) -> dict[str, str]:
    """The project form's fields (``f:<path>``); at most MAX_FORM_FIELDS of them."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    return {k: str(v) for k, v in form.items() if k.startswith(project_form.PREFIX) and isinstance(v, str)}


MAX_FORM_FIELDS = 1000


@pages.post("/projects/{code}/form")
def project_form_page(
    request: Request,
    code: str = Code,
    action: str = Query("evaluate", pattern="^(evaluate|save)$"),
    values: dict[str, str] = Depends(form_values),
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    """Evaluate or save the inputs as edited in the structured form (the stored or example inputs, changed)."""
    with db.transaction() as session:
        document = project_form.document_from_form(inputs_of(session, code, user.scope), values)
    return evaluate_or_save(request, db, user, code, document, action, dump(document))


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(to_jsonable(document, exact=True), allow_unicode=True, sort_keys=False)


def evaluate_or_save(
    request: Request,
    db: Database,
    user: CurrentUser,
    code: str,
    document: dict[str, Any],
    action: str,
    inputs_text: str,
) -> Response:
    with db.transaction() as session:
        stored = is_stored(session, code)
    try:
        if action == "save":
            if user.role not in ("analyst", "risk_manager"):
                raise PermissionDeniedError(f"role {user.role} may not change a project's inputs")
            project_service.save_inputs(db, user.username, code, document, user.scope)
            return RedirectResponse(f"/projects/{code}?saved=1", status_code=303)
        result = evaluate(document, PAGE_SIMULATIONS)
    except InputError as exc:
        return edit_failed(request, db, user, code, document, inputs_text, exc.problems)
    context = {
        "code": code,
        "inputs_text": inputs_text,
        "stored": stored,
        "form": project_form.sections(document),
        "problems": [],
        "field_problems": {},
        "edited": True,
        **view(result, language(request)),
    }
    return render(request, "projects/detail.html", context)


def edit_failed(
    request: Request,
    db: Database,
    user: CurrentUser,
    code: str,
    document: dict[str, Any] | None,
    inputs_text: str,
    problems: list[Any],
) -> Response:
    """The page again with the analyst's inputs and the engine's problems, each beside its field."""
    with db.transaction() as session:
        stored = is_stored(session, code)
        shown = document if document is not None else inputs_of(session, code, user.scope)
    context = {
        "code": code,
        "inputs_text": inputs_text,
        "stored": stored,
        "form": project_form.sections(shown),
        "problems": problems,
        "field_problems": project_form.problems_by_field(problems),
        "data": None,
    }
    return render(request, "projects/detail.html", context, status_code=422)


@pages.get("/projects/{code}/cash-flows.xlsx")
@reads
def cash_flow_workbook(
    code: str = Code,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    """The project engine's workbook: summary, sources and uses, monthly, quarterly and annual cash flows
    (each column with its unit and formula), tornado."""
    from computecredit.projects.excel import excel_workbook

    result = evaluate(inputs_of(session, code, user.scope), PAGE_SIMULATIONS)
    return xlsx.download(excel_workbook(result), f"cash-flows-{code}.xlsx")


def is_stored(session: Session, code: str) -> bool:
    """Whether ``code`` is a stored project (editable, of any branch) rather than a bundled engine example."""
    return project_store.find_project_row(session, code) is not None
