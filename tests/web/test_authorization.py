"""The authorisation matrix: every route of the app × every role (at the head office or at a branch) × a
target booked in the caller's own branch or in another one, each with the status it must get.

:data:`MATRIX` is the access policy. :func:`test_every_route_is_in_the_matrix` walks ``app.routes``, so a new
route fails until it is added here with a decision on who may call it and what it shows of other branches.

The bank of the test is the demo bank on a real server (SQLite), with users at the head office (HO) and at
北京分行 (BJ), and two borrowers of its own, each with a facility, a project, a proposal in every state, an
alert and a job: one booked at 北京海淀支行 (BJ-HD, below BJ: the *own* target of a BJ user) and one at
深圳分行 (SZ: the *other* target). A branch user sees and acts on its own target; another branch's
borrower is not found (404; on a form that names it, an unknown borrower, 422), and lists leave it out.
The head office sees both.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openpyxl import load_workbook
from starlette.routing import Mount
from tests.web.support import PASSWORD, ROLE_USER, Server, hidden, start_server

from computecredit.domain.borrowers import Borrower
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import Facility
from computecredit.domain.projects import Project
from computecredit.domain.uscc import complete
from computecredit.domain.users import User
from computecredit.jsonable import to_jsonable
from computecredit.projects.examples import example_path
from computecredit.services import audit, workflow
from computecredit.services import programmes as programme_service
from computecredit.services import rating as rating_service
from computecredit.services import statements as statement_service
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import projects as project_store
from computecredit.store.database import Database
from computecredit.store.monitoring import AlertRow
from computecredit.store.users import add_user
from computecredit.store.workbench import Job, Proposal

OWN, OTHER = "own", "other"
TARGETS = (OWN, OTHER)
HO = "HO"
# The callers: role and branch. A BJ user's own target is booked at BJ-HD (a 支行 below BJ).
USERS: dict[str, tuple[str, str]] = {
    "m_analyst": ("analyst", "BJ"),
    "m_branch_approver": ("approver", "BJ"),
    "m_branch_risk": ("risk_manager", "BJ"),
    "m_approver": ("approver", HO),
    "m_risk": ("risk_manager", HO),
    "m_admin": ("admin", HO),
}
BOOKED_AT = {OWN: "BJ-HD", OTHER: "SZ"}
# Jobs of these users are the targets of the job routes (a user of each branch).
JOB_OWNERS = {OWN: "analyst", OTHER: "branch_analyst"}
# Admin routes change users of each branch.
TARGET_USERS = {OWN: "m_target_bj", OTHER: "m_target_sz"}
# The demo server maker whose statements the test's borrowers copy.
STATEMENTS_OF = "91420100MAX6LY0C6L"
VALUE_DATE = "2026-01-15"
AS_OF = date(2025, 12, 31)
# The demo's AI-chain programme: the test's facilities are in it.
PROGRAMME = "AI-CHAIN-2025"

ALL = frozenset({"analyst", "approver", "risk_manager", "admin"})
DECIDERS = frozenset({"approver", "risk_manager"})
AUDITORS = frozenset({"risk_manager", "admin"})
BOOKERS = frozenset({"analyst", "risk_manager"})
ADMIN = frozenset({"admin"})
ANALYST = frozenset({"analyst"})
PUBLIC = None


# --- the bank of the test -----------------------------------------------------------------------------


@dataclass
class Bank:
    """The running server, its database and the test's own records of each target."""

    server: Server
    uscc: dict[str, str]
    facility: dict[str, str]
    project: dict[str, str]
    alert: dict[str, int]
    job: dict[str, str]
    statements_csv: dict[str, bytes]
    templates: dict[str, int]
    inputs: dict[str, Any]
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def db(self) -> Database:
        return self.server.db

    def client(self, username: str | None) -> httpx.Client:
        return self.server.client(username, follow_redirects=False)

    def proposal(self, target: str, state: str) -> int:
        """A new proposal of the target's borrower in ``state`` (a copy of an analysed one, or a new application)."""
        with audit.write_transaction(self.db) as session:
            if state == "application":
                proposer = JOB_OWNERS[target]
                terms = workflow.Terms(self.uscc[target], "working_capital_loan", Decimal("3e7"), 12)
                return workflow.create(session, workflow.Actor(proposer, "analyst"), terms).id
            source = session.get(Proposal, self.templates[target])
            assert source is not None
            copy = Proposal(
                **{
                    column: getattr(source, column)
                    for column in (
                        "borrower_ref",
                        "project_ref",
                        "product",
                        "amount",
                        "currency",
                        "tenor_months",
                        "proposer",
                        "inputs_json",
                        "outputs_json",
                        "versions_json",
                        "memo_html",
                    )
                },
                state=state,
            )
            session.add(copy)
            session.flush()
            return copy.id

    def unique(self, stem: str) -> str:
        return f"{stem}{next(self.numbers)}"


def _borrower(source: Borrower, target: str) -> Borrower:
    code = complete("91110000MA0MTX0" + ("1" if target == OWN else "2") + "1")
    names = {
        OWN: ("矩阵本行算力科技有限公司", "Matrix Own Compute Co."),
        OTHER: ("矩阵他行算力科技有限公司", "Matrix Other Compute Co."),
    }
    return source.model_copy(
        update={"uscc": code, "name_zh": names[target][0], "name_en": names[target][1], "ticker": None}
    )


def _book(db: Database, folder: Path) -> dict[str, Any]:
    """The test's users and, for each target, a borrower with statements, a rating, a facility, a project, an
    open alert, a job of a user of its branch and an analysed, submitted proposal."""
    out: dict[str, Any] = {
        k: {} for k in ("uscc", "facility", "project", "alert", "job", "statements_csv", "templates")
    }
    # as a saved project's: YAML dates become ISO text
    inputs = to_jsonable(yaml.safe_load(example_path("ningxia_phase1").read_text(encoding="utf-8")), exact=True)
    with audit.write_transaction(db) as session:
        for username, (role, branch) in USERS.items():
            add_user(
                session, User(username=username, display_name=username, role=role, branch_code=branch), PASSWORD
            )
        for target, username in TARGET_USERS.items():
            user = User(username=username, display_name=username, role="analyst", branch_code=BOOKED_AT[target])
            add_user(session, user, PASSWORD)
        source = borrower_store.get_borrower(session, STATEMENTS_OF)
        statements = borrower_store.list_statements(session, STATEMENTS_OF)
        for target in TARGETS:
            borrower = _borrower(source, target)
            uscc = out["uscc"][target] = borrower.uscc
            borrower_store.save_borrower(session, borrower, BOOKED_AT[target])
            copied = [s.model_copy(update={"borrower_uscc": uscc}) for s in statements]
            statement_service.store_statements(session, copied)
            rating_service.rate_stored_borrower(session, uscc, "matrix")
            reference = out["facility"][target] = f"MTX-{target.upper()}-CL"
            facility_store.save_facility(
                session,
                Facility.model_validate(
                    {
                        "reference": reference,
                        "borrower_uscc": uscc,
                        "product": "credit_line",
                        "amount": "8亿",
                        "tenor_months": 24,
                        "start_date": "2025-06-30",
                        "rate": {"base": "lpr_1y", "spread_bp": 50},
                        "repayment": "revolving",
                        "status": "active",
                    }
                ),
            )
            facility_store.save_exposure(
                session,
                Exposure(facility_reference=reference, as_of=AS_OF, drawn=Decimal("6e8"), undrawn=Decimal("2e8")),
            )
            programme_service.tag_facility(session, "matrix", PROGRAMME, reference)
            code = out["project"][target] = f"matrix_{target}"
            project_store.save_project(
                session, Project(code=code, name=f"矩阵项目 {target}", borrower_uscc=uscc, inputs=inputs)
            )
            alert = AlertRow(
                key=f"matrix|{target}",
                kind="signal",
                borrower_id=borrower_store.borrower_row(session, uscc).id,
                subject=uscc,
                rule_id="FIN-DEBT-ASSETS",
                severity="high",
                owner="risk",
                due_date=date(2000, 1, 1),  # the most urgent: first in every list of alerts
                raised_on=date(2000, 1, 1),
                last_seen_on=date(2000, 1, 1),
                status="open",
                title_zh=f"矩阵预警 {target}",
                title_en=f"Matrix alert {target}",
            )
            session.add(alert)
            session.flush()
            out["alert"][target] = alert.id
            job_id = out["job"][target] = f"{'a' if target == OWN else 'b'}" * 32
            session.add(
                Job(
                    id=job_id,
                    kind="memo.pdf",
                    owner=JOB_OWNERS[target],
                    state="done",
                    progress=1.0,
                    result_json=audit.canonical_json(
                        {
                            "filename": "matrix.pdf",
                            "media_type": "application/pdf",
                            "content_base64": "JVBERi0xLjQK",
                        }
                    ),
                )
            )
            analyst = workflow.Actor(JOB_OWNERS[target], "analyst")
            terms = workflow.Terms(uscc, "working_capital_loan", Decimal("5e7"), 12)
            proposal = workflow.create(session, analyst, terms)
            workflow.analyse_with_engines(session, proposal.id, analyst, workflow.DealTerms(spread_bp=40))
            workflow.submit(session, proposal.id, analyst)
            out["templates"][target] = proposal.id
            csv_path = folder / f"statements-{target}.csv"
            statement_service.write_csv(csv_path, copied)
            out["statements_csv"][target] = csv_path.read_bytes()
    out["inputs"] = inputs
    return out


@pytest.fixture(scope="module")
def bank(_demo_bank_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bank]:
    folder = tmp_path_factory.mktemp("matrix")
    shutil.copyfile(_demo_bank_file, folder / "matrix.db")
    db = Database(f"sqlite:///{folder / 'matrix.db'}")
    records = _book(db, folder)
    uv, thread, url, app = start_server(db)
    tokens = {}
    with httpx.Client(base_url=url) as client:
        for username in USERS:
            response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            response.raise_for_status()
            tokens[username] = response.json()["access_token"]
    try:
        yield Bank(server=Server(url, app, db, tokens), **records)
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
        db.dispose()


# --- how each route is called, and what it must answer ----------------------------------------------------

Call = Callable[[Bank, httpx.Client, str], httpx.Response]
Shows = Callable[[Bank, httpx.Response, str], bool]


@dataclass(frozen=True)
class Rule:
    """Who may call a route and what it shows of the caller's own and other branches.

    ``scope``: ``resource`` (a target outside the caller's branches is not found, ``hidden``), ``body`` (the
    request names the target; outside, ``hidden``: an unknown borrower), ``list`` (always ``ok``; the
    target's item is there only when in scope: ``shows``), ``none`` (the route holds no customer's data).
    ``head_office``: a function over the whole bank, for head-office users only. ``others``: the roles
    that see what is not their own (jobs); ``decides``: the roles the workflow lets act (checked after
    the target is found).
    """

    ok: int
    roles: frozenset[str] | None
    call: Call
    scope: str = "none"
    head_office: bool = False
    hidden: int = 404
    shows: Shows | None = None
    others: frozenset[str] | None = None
    decides: frozenset[str] | None = None

    def expect(self, username: str, target: str) -> tuple[int, bool | None]:
        """The status ``username`` must get calling with ``target``, and (lists) whether the target shows."""
        role, branch = USERS[username]
        if self.roles is None:
            return self.ok, None
        if role not in self.roles or (self.head_office and branch != HO):
            return 403, None
        visible = (branch == HO or target == OWN) and (self.others is None or role in self.others)
        if self.scope == "list":
            return self.ok, visible
        if self.scope in ("resource", "body") and not visible:
            return self.hidden, None
        if self.decides is not None and role not in self.decides:
            return 403, None
        return self.ok, None


def values(bank: Bank, target: str) -> dict[str, Any]:
    return {
        "uscc": bank.uscc[target],
        "reference": bank.facility[target],
        "code": bank.project[target],
        "alert_id": bank.alert[target],
        "job_id": bank.job[target],
        "username": TARGET_USERS[target],
        "proposal_id": bank.templates[target],
        "branch": BOOKED_AT[target],
    }


def get(path: str) -> Call:
    def call(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
        return client.get(path.format(**values(bank, target)))

    call.same_for_both = "{" not in path  # type: ignore[attr-defined]  # one answer serves both targets
    return call


def send(method: str, path: str, **body: Callable[[Bank, str], Any]) -> Call:
    """A request whose JSON body (``json``), form (``data``) or files are made for the target."""

    def call(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
        made = {key: make(bank, target) for key, make in body.items()}
        return client.request(method, path.format(**values(bank, target)), **made)

    return call


def fresh(state: str, action: str, **body: Callable[[Bank, str], Any]) -> Call:
    """A call on a new proposal of the target in ``state`` (workflow actions use a proposal up)."""

    def call(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
        made = {key: make(bank, target) for key, make in body.items()}
        return client.post(action.format(proposal_id=bank.proposal(target, state)), **made)

    return call


def listed(key: Callable[[Any], list[str]]) -> Shows:
    """The target's borrower (or project) is among the keys of the JSON list."""
    return lambda bank, response, target: any(
        k in (bank.uscc[target], bank.project[target]) for k in key(response.json())
    )


def in_text(what: str = "uscc") -> Shows:
    return lambda bank, response, target: str(values(bank, target)[what]) in response.text


def in_workbook(bank: Bank, response: httpx.Response, target: str) -> bool:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    return bank.uscc[target] in cells


def statements_file(bank: Bank, target: str) -> dict[str, Any]:
    return {"file": ("statements.csv", bank.statements_csv[target], "text/csv")}


def events_file(bank: Bank, target: str) -> dict[str, Any]:
    row = f"{bank.uscc[target]},2025-11-30,litigation,某供应商,100万,,,矩阵测试诉讼,matrix test"
    header = "borrower_uscc,event_date,kind,counterparty,amount,ratio,chips,description,source"
    return {"file": ("events.csv", f"{header}\n{row}\n".encode(), "text/csv")}


def terms(bank: Bank, target: str) -> dict[str, Any]:
    return {
        "borrower_ref": bank.uscc[target],
        "product": "working_capital_loan",
        "amount": "1000万",
        "tenor_months": 12,
    }


def new_user(bank: Bank, target: str) -> dict[str, Any]:
    name = bank.unique("m_new_")
    return {
        "username": name,
        "display_name": name,
        "role": "analyst",
        "password": PASSWORD,
        "branch_code": BOOKED_AT[target],
    }


def caller(bank: Bank, client: httpx.Client) -> str:
    """Whose token the client sends."""
    sent = client.headers.get("authorization")
    return next(name for name, value in bank.server.tokens.items() if sent == f"Bearer {value}")


def login(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
    """The login form, as a browser sends it (CSRF token of the page), with the caller's password."""
    with httpx.Client(base_url=bank.server.url, follow_redirects=False) as browser:
        csrf = hidden(browser.get("/login").text, "csrf_token")
        form = {"username": caller(bank, client), "password": PASSWORD, "csrf_token": csrf}
        return browser.post("/login", data=form)


def token(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
    return client.post("/api/v1/auth/token", json={"username": caller(bank, client), "password": PASSWORD})


def revoke(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
    """Revoking ends the token used: revoke a new one, not the test's."""
    if "authorization" not in client.headers:
        return client.delete("/api/v1/auth/token")
    fresh_token = token(bank, client, target).json()["access_token"]
    return client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {fresh_token}"})


def new_programme(bank: Bank, target: str) -> dict[str, Any]:
    return {
        "code": bank.unique("MTX-LINE-"),
        "kind": "product_line",
        "name_zh": "矩阵测试产品",
        "name_en": "Matrix test line",
        "amount": "20亿",
        "start": "2025-01-01",
        "end": "2027-12-31",
        "eligibility": {"products": ["credit_line"]},
    }


def edited_programme(bank: Bank, target: str) -> dict[str, Any]:
    return {**new_programme(bank, target), "code": "TECH-SME-EASY", "kind": "product_line", "amount": "5亿",
            "eligibility": {"products": ["working_capital_loan", "credit_line"], "sme_only": True}}  # fmt: skip


def programme_form(bank: Bank, target: str) -> dict[str, Any]:
    """The admin's form for :func:`new_programme` (its rules as the form's fields)."""
    document = new_programme(bank, target)
    return {**{k: v for k, v in document.items() if k != "eligibility"}, "products": ["credit_line"]}


def edited_form(bank: Bank, target: str) -> dict[str, Any]:
    return {**programme_form(bank, target), "code": "TECH-SME-EASY", "amount": "5亿", "sme_only": "1"}


def tag_in_new_programme(path: str, form: bool = False) -> Call:
    """Put a new facility of the target's borrower (a copy of its line) in a programme made for this call."""

    def call(bank: Bank, client: httpx.Client, target: str) -> httpx.Response:
        document = new_programme(bank, target)
        with audit.write_transaction(bank.db) as session:
            programme_service.save(session, "matrix", document)
            line = facility_store.to_facility(facility_store.facility_row(session, bank.facility[target]))
            copy = line.model_copy(update={"reference": bank.unique(f"MTX-{target.upper()}-T")})
            facility_store.save_facility(session, copy)
        url = path.format(code=document["code"])
        body = {"facility": copy.reference}
        return client.post(url, data=body) if form else client.post(url, json=body)

    return call


def in_facility_workbook(bank: Bank, response: httpx.Response, target: str) -> bool:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    return bank.facility[target] in cells


COMMENT = {"json": lambda bank, target: {"comment": "矩阵测试"}}
MOVE = {"json": lambda bank, target: {"amount": "1万", "value_date": VALUE_DATE}}
ROUTE_PROJECT = {"json": lambda bank, target: {"inputs": bank.inputs}}
SAME_BRANCH = {"json": lambda bank, target: {"branch_code": BOOKED_AT[target]}}
obligors = listed(lambda body: [row["name"] for row in body["concentration"]["obligor"]["largest"]])

MATRIX: dict[tuple[str, str], Rule] = {
    # open to anyone
    ("GET", "/health"): Rule(200, PUBLIC, get("/health")),
    ("GET", "/ready"): Rule(200, PUBLIC, get("/ready")),
    ("GET", "/metrics"): Rule(200, PUBLIC, get("/metrics")),
    ("GET", "/static"): Rule(200, PUBLIC, get("/static/app.css")),
    ("GET", "/lang/{code}"): Rule(303, PUBLIC, get("/lang/en?next=/")),
    ("GET", "/login"): Rule(200, PUBLIC, get("/login")),
    ("POST", "/login"): Rule(303, PUBLIC, login),
    ("POST", "/api/v1/auth/token"): Rule(200, PUBLIC, token),
    # every authenticated user
    ("POST", "/logout"): Rule(303, ALL, send("POST", "/logout")),
    ("DELETE", "/api/v1/auth/token"): Rule(204, ALL, revoke),
    ("GET", "/api/v1/auth/me"): Rule(200, ALL, get("/api/v1/auth/me")),
    ("GET", "/api/v1/openapi.json"): Rule(200, ALL, get("/api/v1/openapi.json")),
    # dashboard: the book, proposals and alerts of the caller's branches
    ("GET", "/"): Rule(200, ALL, get("/"), "list", shows=in_text()),
    ("GET", "/api/v1/dashboard"): Rule(
        200,
        ALL,
        get("/api/v1/dashboard"),
        "list",
        shows=listed(lambda b: [a["borrower_uscc"] for a in b["watch_list"]]),
    ),
    # borrowers
    ("GET", "/api/v1/borrowers"): Rule(
        200,
        ALL,
        get("/api/v1/borrowers?q=Matrix&limit=200"),
        "list",
        shows=listed(lambda b: [i["uscc"] for i in b["items"]]),
    ),
    ("GET", "/borrowers"): Rule(200, ALL, get("/borrowers?q=Matrix"), "list", shows=in_text()),
    ("GET", "/borrowers/export.xlsx"): Rule(
        200, ALL, get("/borrowers/export.xlsx?q=Matrix"), "list", shows=in_workbook
    ),
    ("GET", "/api/v1/borrowers/{uscc}"): Rule(200, ALL, get("/api/v1/borrowers/{uscc}"), "resource"),
    ("GET", "/borrowers/{uscc}"): Rule(200, ALL, get("/borrowers/{uscc}"), "resource"),
    ("GET", "/api/v1/borrowers/{uscc}/ratings"): Rule(
        200, ALL, get("/api/v1/borrowers/{uscc}/ratings"), "resource"
    ),
    ("POST", "/api/v1/borrowers/{uscc}/ratings"): Rule(
        200, BOOKERS, send("POST", "/api/v1/borrowers/{uscc}/ratings", json=lambda bank, target: {}), "resource"
    ),
    ("POST", "/borrowers/{uscc}/rate"): Rule(303, BOOKERS, send("POST", "/borrowers/{uscc}/rate"), "resource"),
    ("POST", "/api/v1/borrowers/{uscc}/statements"): Rule(
        200, ANALYST, send("POST", "/api/v1/borrowers/{uscc}/statements", files=statements_file), "resource"
    ),
    ("POST", "/borrowers/{uscc}/statements"): Rule(
        303, ANALYST, send("POST", "/borrowers/{uscc}/statements", files=statements_file), "resource"
    ),
    ("GET", "/api/v1/borrowers/{uscc}/statements/template"): Rule(
        200, ALL, get("/api/v1/borrowers/{uscc}/statements/template"), "resource"
    ),
    ("GET", "/borrowers/{uscc}/statements.xlsx"): Rule(
        200, ALL, get("/borrowers/{uscc}/statements.xlsx"), "resource"
    ),
    # booking a borrower at a branch covers the whole bank: head-office admins (here: where it already is)
    ("PUT", "/api/v1/borrowers/{uscc}/branch"): Rule(
        200, ADMIN, send("PUT", "/api/v1/borrowers/{uscc}/branch", **SAME_BRANCH), head_office=True
    ),
    ("POST", "/borrowers/{uscc}/branch"): Rule(
        303,
        ADMIN,
        send("POST", "/borrowers/{uscc}/branch", data=lambda bank, target: {"branch_code": BOOKED_AT[target]}),
        head_office=True,
    ),
    # facilities: a facility belongs to its borrower's branch
    ("GET", "/api/v1/facilities/{reference}"): Rule(200, ALL, get("/api/v1/facilities/{reference}"), "resource"),
    ("GET", "/facilities/{reference}"): Rule(200, ALL, get("/facilities/{reference}"), "resource"),
    ("POST", "/api/v1/facilities/{reference}/drawdowns"): Rule(
        201, BOOKERS, send("POST", "/api/v1/facilities/{reference}/drawdowns", **MOVE), "resource"
    ),
    ("POST", "/api/v1/facilities/{reference}/repayments"): Rule(
        201, BOOKERS, send("POST", "/api/v1/facilities/{reference}/repayments", **MOVE), "resource"
    ),
    ("POST", "/facilities/{reference}/{kind}"): Rule(
        303,
        BOOKERS,
        send(
            "POST",
            "/facilities/{reference}/drawdown",
            data=lambda bank, target: {"amount": "1万", "value_date": VALUE_DATE},
        ),
        "resource",
    ),
    # proposals: a proposal belongs to its borrower's branch
    ("GET", "/api/v1/proposals"): Rule(
        200,
        ALL,
        get("/api/v1/proposals?limit=200"),
        "list",
        shows=listed(lambda b: [p["borrower_ref"] for p in b["items"]]),
    ),
    ("GET", "/proposals"): Rule(200, ALL, get("/proposals?limit=200"), "list", shows=in_text()),
    ("GET", "/api/v1/proposals/queue"): Rule(
        200,
        DECIDERS,
        get("/api/v1/proposals/queue"),
        "list",
        shows=listed(lambda b: [p["borrower_ref"] for p in b]),
    ),
    ("GET", "/approvals"): Rule(200, DECIDERS, get("/approvals"), "list", shows=in_text()),
    ("GET", "/api/v1/proposals/{proposal_id}"): Rule(200, ALL, get("/api/v1/proposals/{proposal_id}"), "resource"),
    ("GET", "/proposals/{proposal_id}"): Rule(200, ALL, get("/proposals/{proposal_id}"), "resource"),
    ("GET", "/api/v1/proposals/{proposal_id}/memo"): Rule(
        200, ALL, get("/api/v1/proposals/{proposal_id}/memo"), "resource"
    ),
    ("GET", "/proposals/{proposal_id}/memo"): Rule(200, ALL, get("/proposals/{proposal_id}/memo"), "resource"),
    ("POST", "/api/v1/proposals"): Rule(
        201, ANALYST, send("POST", "/api/v1/proposals", json=terms), "body", hidden=422
    ),
    ("POST", "/proposals"): Rule(303, ANALYST, send("POST", "/proposals", data=terms), "body", hidden=422),
    ("POST", "/api/v1/proposals/preview"): Rule(
        200, ANALYST, send("POST", "/api/v1/proposals/preview", json=terms), "body", hidden=422
    ),
    # the form's live panel answers 200 either way; another branch's borrower is unknown there
    ("POST", "/proposals/preview"): Rule(
        200,
        ANALYST,
        send("POST", "/proposals/preview", data=terms),
        "list",
        shows=lambda bank, response, target: "<code>borrower_ref</code>" not in response.text,
    ),
    ("GET", "/proposals/new"): Rule(
        200, ANALYST, get("/proposals/new?borrower={uscc}"), "list", shows=in_text("reference")
    ),
    ("GET", "/proposals/borrower-context"): Rule(
        200, ANALYST, get("/proposals/borrower-context?borrower_ref={uscc}"), "list", shows=in_text("reference")
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/analyse"): Rule(
        200, ANALYST, fresh("application", "/api/v1/proposals/{proposal_id}/analyse"), "resource"
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/submit"): Rule(
        200, ANALYST, fresh("analysis", "/api/v1/proposals/{proposal_id}/submit"), "resource"
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/approve"): Rule(
        200, DECIDERS, fresh("proposal", "/api/v1/proposals/{proposal_id}/approve", **COMMENT), "resource"
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): Rule(
        200, DECIDERS, fresh("proposal", "/api/v1/proposals/{proposal_id}/reject", **COMMENT), "resource"
    ),
    ("POST", "/api/v1/proposals/{proposal_id}/return"): Rule(
        200, DECIDERS, fresh("proposal", "/api/v1/proposals/{proposal_id}/return", **COMMENT), "resource"
    ),
    # the page's action button: any role reaches the workflow, which finds the proposal, then checks the role
    ("POST", "/proposals/{proposal_id}/{action}"): Rule(
        303,
        ALL,
        fresh("proposal", "/proposals/{proposal_id}/approve", data=lambda bank, target: {"comment": "同意"}),
        "resource",
        decides=DECIDERS,
    ),
    # projects: a stored project belongs to its borrower's branch
    ("GET", "/api/v1/projects"): Rule(
        200, ALL, get("/api/v1/projects"), "list", shows=listed(lambda b: [p["code"] for p in b])
    ),
    ("GET", "/projects"): Rule(200, ALL, get("/projects"), "list", shows=in_text("code")),
    ("GET", "/projects/{code}"): Rule(200, ALL, get("/projects/{code}?simulations=0"), "resource"),
    ("POST", "/api/v1/projects/evaluate"): Rule(
        200,
        ALL,
        send(
            "POST",
            "/api/v1/projects/evaluate",
            json=lambda bank, target: {"code": bank.project[target], "simulations": 0},
        ),
        "resource",
    ),
    ("PUT", "/api/v1/projects/{code}/inputs"): Rule(
        200, BOOKERS, send("PUT", "/api/v1/projects/{code}/inputs", **ROUTE_PROJECT), "resource"
    ),
    ("POST", "/projects/{code}"): Rule(
        200,
        ALL,
        send(
            "POST",
            "/projects/{code}",
            data=lambda bank, target: {"inputs_text": yaml.safe_dump(bank.inputs, allow_unicode=True)},
        ),
        "resource",
    ),
    ("POST", "/projects/{code}/form"): Rule(200, ALL, send("POST", "/projects/{code}/form"), "resource"),
    ("GET", "/projects/{code}/cash-flows.xlsx"): Rule(
        200, ALL, get("/projects/{code}/cash-flows.xlsx"), "resource"
    ),
    # portfolio: the book of the caller's branches
    ("GET", "/api/v1/portfolio/risk"): Rule(200, ALL, get("/api/v1/portfolio/risk"), "list", shows=obligors),
    ("GET", "/api/v1/portfolio/stress"): Rule(
        200,
        frozenset({"risk_manager", "approver", "admin"}),
        get("/api/v1/portfolio/stress"),
        "list",
        shows=listed(lambda b: [n["obligor_id"] for s in b["scenarios"] for n in s["worst_names"]]),
    ),
    ("GET", "/portfolio"): Rule(200, ALL, get("/portfolio"), "list", shows=in_text()),
    ("GET", "/portfolio/book.xlsx"): Rule(200, ALL, get("/portfolio/book.xlsx"), "list", shows=in_workbook),
    ("POST", "/portfolio/simulate"): Rule(303, frozenset({"risk_manager"}), send("POST", "/portfolio/simulate")),
    ("POST", "/portfolio/rate-unrated"): Rule(303, BOOKERS, send("POST", "/portfolio/rate-unrated")),
    # programmes: the bank's (definitions and figures for everyone, defined by the head office's admins); the
    # facilities they list are the caller's branches' only, and the risk side tags its own branches' facilities
    ("GET", "/api/v1/programmes"): Rule(200, ALL, get("/api/v1/programmes"), "list", shows=in_text("reference")),
    ("GET", "/api/v1/programmes/{code}"): Rule(
        200, ALL, get(f"/api/v1/programmes/{PROGRAMME}"), "list", shows=in_text("reference")
    ),
    ("GET", "/api/v1/programmes/{code}/export"): Rule(
        200, ALL, get(f"/api/v1/programmes/{PROGRAMME}/export"), "list", shows=in_facility_workbook
    ),
    ("GET", "/api/v1/programmes/{code}/report"): Rule(
        200, ALL, get(f"/api/v1/programmes/{PROGRAMME}/report?lang=en"), "list", shows=in_text("reference")
    ),
    ("GET", "/programmes"): Rule(200, ALL, get("/programmes")),
    ("GET", "/programmes/{code}"): Rule(
        200, ALL, get(f"/programmes/{PROGRAMME}"), "list", shows=in_text("reference")
    ),
    ("GET", "/programmes/new"): Rule(200, ADMIN, get("/programmes/new"), head_office=True),
    ("GET", "/programmes/{code}/edit"): Rule(200, ADMIN, get(f"/programmes/{PROGRAMME}/edit"), head_office=True),
    ("POST", "/api/v1/programmes"): Rule(
        201, ADMIN, send("POST", "/api/v1/programmes", json=new_programme), head_office=True
    ),
    ("POST", "/programmes"): Rule(303, ADMIN, send("POST", "/programmes", data=programme_form), head_office=True),
    ("PUT", "/api/v1/programmes/{code}"): Rule(
        200, ADMIN, send("PUT", "/api/v1/programmes/TECH-SME-EASY", json=edited_programme), head_office=True
    ),
    ("POST", "/programmes/{code}/edit"): Rule(
        303, ADMIN, send("POST", "/programmes/TECH-SME-EASY/edit", data=edited_form), head_office=True
    ),
    ("POST", "/api/v1/programmes/{code}/facilities"): Rule(
        201, AUDITORS, tag_in_new_programme("/api/v1/programmes/{code}/facilities"), "body", hidden=422
    ),
    ("POST", "/programmes/{code}/facilities"): Rule(
        303, AUDITORS, tag_in_new_programme("/programmes/{code}/facilities", form=True), "body", hidden=422
    ),
    # monitoring: alerts belong to their borrower's branch; the run covers the whole bank
    ("GET", "/api/v1/monitoring/alerts"): Rule(
        200,
        ALL,
        get("/api/v1/monitoring/alerts?status=open&limit=200"),
        "list",
        shows=listed(lambda b: [a["borrower_uscc"] for a in b["items"]]),
    ),
    ("GET", "/monitoring"): Rule(200, ALL, get("/monitoring"), "list", shows=in_text()),
    ("GET", "/monitoring/alerts.xlsx"): Rule(200, ALL, get("/monitoring/alerts.xlsx"), "list", shows=in_workbook),
    ("PATCH", "/api/v1/monitoring/alerts/{alert_id}"): Rule(
        200,
        AUDITORS,
        send(
            "PATCH",
            "/api/v1/monitoring/alerts/{alert_id}",
            json=lambda bank, target: {"comment": "转交", "owner": "m_risk"},
        ),
        "resource",
    ),
    ("POST", "/monitoring/alerts/{alert_id}"): Rule(
        303,
        AUDITORS,
        send(
            "POST",
            "/monitoring/alerts/{alert_id}",
            data=lambda bank, target: {"comment": "转交", "owner": "m_risk"},
        ),
        "resource",
    ),
    ("POST", "/api/v1/monitoring/ingest"): Rule(
        200,
        frozenset({"analyst", "risk_manager", "admin"}),
        send("POST", "/api/v1/monitoring/ingest", files=events_file, data=lambda bank, target: {"kind": "events"}),
        "body",
        hidden=422,
    ),
    ("POST", "/monitoring/ingest"): Rule(
        303,
        frozenset({"analyst", "risk_manager", "admin"}),
        send("POST", "/monitoring/ingest", files=events_file, data=lambda bank, target: {"kind": "events"}),
        "body",
        hidden=422,
    ),
    ("POST", "/api/v1/monitoring/runs"): Rule(
        200,
        AUDITORS,
        send("POST", "/api/v1/monitoring/runs", json=lambda bank, target: {"as_of": "2025-12-31"}),
        head_office=True,
    ),
    ("POST", "/monitoring/run"): Rule(
        303,
        AUDITORS,
        send("POST", "/monitoring/run", data=lambda bank, target: {"as_of": "2025-12-31"}),
        head_office=True,
    ),
    # jobs: one's own; risk managers and admins also those of users of their branches
    ("POST", "/api/v1/jobs"): Rule(
        202,
        AUDITORS,
        send("POST", "/api/v1/jobs", json=lambda bank, target: {"kind": "audit.verify"}),
        head_office=True,
    ),
    ("GET", "/api/v1/jobs/{job_id}"): Rule(200, ALL, get("/api/v1/jobs/{job_id}"), "resource", others=AUDITORS),
    ("GET", "/api/v1/jobs/{job_id}/result"): Rule(
        200, ALL, get("/api/v1/jobs/{job_id}/result"), "resource", others=AUDITORS
    ),
    ("GET", "/api/v1/jobs/{job_id}/file"): Rule(
        200, ALL, get("/api/v1/jobs/{job_id}/file"), "resource", others=AUDITORS
    ),
    ("GET", "/jobs/{job_id}"): Rule(200, ALL, get("/jobs/{job_id}"), "resource", others=AUDITORS),
    # administration and the audit log cover the whole bank: head office only
    ("GET", "/admin"): Rule(200, ADMIN, get("/admin"), head_office=True),
    ("GET", "/api/v1/admin/users"): Rule(200, ADMIN, get("/api/v1/admin/users"), head_office=True),
    ("POST", "/api/v1/admin/users"): Rule(
        201, ADMIN, send("POST", "/api/v1/admin/users", json=new_user), head_office=True
    ),
    ("POST", "/admin/users"): Rule(303, ADMIN, send("POST", "/admin/users", data=new_user), head_office=True),
    ("PATCH", "/api/v1/admin/users/{username}"): Rule(
        200,
        ADMIN,
        send(
            "PATCH",
            "/api/v1/admin/users/{username}",
            json=lambda bank, target: {"display_name": bank.unique("矩阵")},
        ),
        head_office=True,
    ),
    ("POST", "/admin/users/{username}"): Rule(
        303,
        ADMIN,
        send(
            "POST",
            "/admin/users/{username}",
            data=lambda bank, target: {"role": "analyst", "active": "true", "branch_code": BOOKED_AT[target]},
        ),
        head_office=True,
    ),
    ("GET", "/api/v1/admin/bank"): Rule(200, ADMIN, get("/api/v1/admin/bank"), head_office=True),
    ("PATCH", "/api/v1/admin/bank"): Rule(
        200, ADMIN, send("PATCH", "/api/v1/admin/bank", json=lambda bank, target: {}), head_office=True
    ),
    ("POST", "/admin/bank"): Rule(
        303,
        ADMIN,
        send(
            "POST",
            "/admin/bank",
            data=lambda bank, target: {
                "net_capital": "108.6亿",
                "tier1_net_capital": "91.2亿",
                "loan_book": "824.5亿",
                "hurdle_rate": "0.11",
            },
        ),
        head_office=True,
    ),
    ("GET", "/api/v1/admin/reference"): Rule(200, ADMIN, get("/api/v1/admin/reference"), head_office=True),
    ("GET", "/api/v1/audit"): Rule(200, AUDITORS, get("/api/v1/audit"), head_office=True),
    ("GET", "/audit"): Rule(200, AUDITORS, get("/audit"), head_office=True),
    ("POST", "/api/v1/audit/verify"): Rule(202, AUDITORS, send("POST", "/api/v1/audit/verify"), head_office=True),
    ("POST", "/audit/verify"): Rule(303, AUDITORS, send("POST", "/audit/verify"), head_office=True),
}


def app_routes(routes: list[Any]) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, looking into included routers; a mounted app answers GET."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from app_routes(route.original_router.routes)
        elif isinstance(route, Mount):
            yield ("GET", route.path)
        else:
            yield from ((method, route.path) for method in route.methods - {"HEAD"})


def test_every_route_is_in_the_matrix(bank: Bank) -> None:
    assert set(app_routes(bank.server.app.routes)) == set(MATRIX)


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_route_by_role_and_branch(bank: Bank, method: str, path: str) -> None:
    rule = MATRIX[(method, path)]
    wrong: list[tuple[Any, ...]] = []
    if rule.roles is not None:  # without credentials: the API answers 401, a page sends to the login page
        with bank.client(None) as client:
            status = rule.call(bank, client, OWN).status_code
        if status != (401 if path.startswith("/api/") else 303):
            wrong.append(("anonymous", status))
    for username in USERS:
        answers: dict[str, httpx.Response] = {}
        with bank.client(username) as client:
            for target in TARGETS:
                if answers and getattr(rule.call, "same_for_both", False):
                    answers[target] = next(iter(answers.values()))
                else:
                    answers[target] = rule.call(bank, client, target)
        for target, response in answers.items():
            status, shown = rule.expect(username, target)
            got = response.status_code
            if got != status or (
                shown is not None and rule.shows is not None and rule.shows(bank, response, target) != shown
            ):
                got_shown = rule.shows(bank, response, target) if rule.shows is not None and got == 200 else None
                wrong.append(
                    (username, target, "expected", status, shown, "got", got, got_shown, response.text[:200])
                )
            elif got == 403 and path.startswith("/api/"):
                assert re.search(r"may not|only the head office", response.json()["detail"]), response.text
    assert wrong == []


# --- the job kinds' own rules, on the shared server (head-office users) -----------------------------------


def test_job_kinds_have_their_own_roles(server: Server) -> None:
    for role, username in ROLE_USER.items():
        with server.client(username) as client:
            response = client.post("/api/v1/jobs", json={"kind": "audit.verify"})
        assert response.status_code == (202 if role in AUDITORS else 403), role
    for role, username in ROLE_USER.items():
        with server.client(username) as client:
            response = client.post(
                "/api/v1/jobs", json={"kind": "portfolio.simulate", "params": {"simulations": 10}}
            )
        assert response.status_code == (202 if role == "risk_manager" else 403), role


def test_jobs_of_others_are_hidden_from_non_auditors(server: Server) -> None:
    with server.client("t_admin") as client:
        job = client.post("/api/v1/jobs", json={"kind": "audit.verify"}).json()
    with server.client("t_analyst") as client:
        assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    with server.client("t_risk") as client:
        assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 200
