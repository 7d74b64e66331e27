"""Portfolio page and API: the stored book through the portfolio engine (Vasicek inline, Monte Carlo as a job).

The book is the caller's branches' (the whole bank's for the head office), measured against the bank's capital.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from computecredit.domain.branches import Scope
from computecredit.errors import InputError
from computecredit.portfolio.concentration import concentration
from computecredit.portfolio.risk import portfolio_risk, resolve_factor_model
from computecredit.portfolio.stress import load_scenarios, run_stress
from computecredit.services.portfolio import book_from_store, totals_by
from computecredit.store import bank as bank_store
from computecredit.store.borrower_list import borrower_names
from computecredit.store.database import Database
from computecredit.web import charts, xlsx
from computecredit.web.deps import ALL_ROLES, CurrentUser, database, require
from computecredit.web.i18n import translate
from computecredit.web.jobs.router import start
from computecredit.web.templating import dimension_label, language, product_label, render

api = APIRouter(prefix="/api/v1/portfolio", tags=["portfolio"])
pages = APIRouter(include_in_schema=False)
# One common factor; 0.20 lies inside Basel's corporate asset-correlation range (0.12–0.24, Basel II ¶272).
DEFAULT_RHO = 0.20
Rho = Query(DEFAULT_RHO, ge=0.0, lt=1.0, description="Asset correlation of the one-factor model")
Confidence = Query(0.999, gt=0.5, lt=1.0, description="Quantile level of VaR and ES")
STRESS_ROLES = ("risk_manager", "approver", "admin")


def risk_view(db: Database, rho: float, confidence: float, scope: Scope) -> dict[str, Any]:
    """The Vasicek loss figures of the book in ``scope``, contributions by dimension and concentration against
    the bank's capital."""
    book = book_from_store(db, scope=scope)
    risk = portfolio_risk(book, "vasicek", rho=rho, confidence=confidence).as_dict(top=10)
    with db.transaction() as session:
        bank = bank_store.get_bank(session)
    conc = concentration(book, tier1_capital=float(bank.tier1_net_capital), net_capital=float(bank.net_capital))
    return {
        "exposures": book.n,
        "ead": float(book.ead.sum()),
        "risk": risk,
        "concentration": conc,
        "by_sector": totals_by(book.sector, book.ead),
        "by_hub": totals_by(book.hub, book.ead),
    }


def stress_view(db: Database, rho: float, scope: Scope) -> dict[str, Any]:
    book = book_from_store(db, scope=scope)
    with db.transaction() as session:
        bank = bank_store.get_bank(session)
    base, outcomes = run_stress(
        book, resolve_factor_model(book, None, rho), load_scenarios(None), bank_capital=float(bank.net_capital)
    )
    return {"baseline": base, "scenarios": [o.__dict__ for o in outcomes]}


@api.get("/risk", summary="Loss distribution figures (EL, UL, VaR, ES), contributions and concentration")
def book_risk(
    rho: float = Rho,
    confidence: float = Confidence,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> dict[str, Any]:
    return risk_view(db, rho, confidence, user.scope)


@api.get("/stress", summary="Compute-industry stress scenarios on the stored book")
def book_stress(
    rho: float = Rho,
    user: CurrentUser = Depends(require(*STRESS_ROLES)),
    db: Database = Depends(database),
) -> dict[str, Any]:
    return stress_view(db, rho, user.scope)


def _bars(values: dict[str, float], scale: float, lang: str) -> list[tuple[str, float]]:
    return charts.top_bars(values, scale, lambda key: dimension_label(key, lang))


@pages.get("/portfolio")
def portfolio_page(
    request: Request,
    rho: float = Rho,
    confidence: float = Confidence,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    lang = language(request)
    scale, unit = charts.amount_scale(lang)
    try:
        view = risk_view(db, rho, confidence, user.scope)
    except InputError as exc:
        return render(request, "portfolio/index.html", {"view": None, "problems": exc.problems, "rho": rho})
    contributions = view["risk"]["contributions"]
    codes = {row["name"] for data in view["concentration"].values() for row in data.get("largest") or []}
    with db.transaction() as session:
        names = borrower_names(session, codes)
    context = {
        "names": names,
        "view": view,
        "problems": [],
        "rho": rho,
        "confidence": confidence,
        "sector_chart": charts.bar_chart(
            translate(lang, "portfolio.by_sector") + f" ({unit})", _bars(view["by_sector"], scale, lang)
        ),
        "hub_chart": charts.bar_chart(
            translate(lang, "portfolio.by_hub") + f" ({unit})", _bars(view["by_hub"], scale, lang)
        ),
        "es_chart": charts.bar_chart(
            translate(lang, "portfolio.es_by_sector") + f" ({unit})",
            _bars(contributions.get("sector", {}), scale, lang),
        ),
        "stress": stress_view(db, rho, user.scope) if user.role in STRESS_ROLES else None,
    }
    return render(request, "portfolio/index.html", context)


@pages.get("/portfolio/book.xlsx")
def book_workbook(
    request: Request,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    db: Database = Depends(database),
) -> Response:
    """The book as the portfolio engine reads it (one row per facility: EAD, PD, LGD, maturity...) in Excel."""
    lang = language(request)
    frame = book_from_store(db, scope=user.scope).frame()
    columns = [c for c in BOOK_COLUMNS if c in frame.columns]
    headers = [translate(lang, f"book.{c}") for c in columns]
    formats = {i: BOOK_FORMATS[c] for i, c in enumerate(columns) if c in BOOK_FORMATS}
    words = {
        "sector": dimension_label,
        "region": dimension_label,
        "hub": dimension_label,
        "product": product_label,
    }
    rows = [
        [words[c](v, lang) if c in words and v else v for c, v in zip(columns, values, strict=True)]
        for values in frame[columns].to_numpy().tolist()
    ]
    sheet = xlsx.Sheet(
        translate(lang, "portfolio.title"),
        headers,
        rows,
        formats,
        note=translate(lang, "book.note"),
    )
    return xlsx.download(xlsx.workbook([sheet]), "book.xlsx")


# The book's columns in the workbook, in the order a credit officer reads them.
BOOK_COLUMNS = (
    "facility",
    "obligor_id",
    "name",
    "group_id",
    "sector",
    "region",
    "hub",
    "product",
    "ead",
    "pd",
    "lgd",
    "maturity",
    "days_past_due",
    "five_category",
    "as_of",
)
BOOK_FORMATS = {"ead": xlsx.AMOUNT, "pd": xlsx.PERCENT, "lgd": xlsx.PERCENT, "maturity": "0.00"}


@pages.post("/portfolio/simulate")
def simulate_page(request: Request, user: CurrentUser = Depends(require("risk_manager"))) -> Response:
    return RedirectResponse(
        f"/jobs/{start(request, user, 'portfolio.simulate', {'simulations': 20_000})}", status_code=303
    )


@pages.post("/portfolio/rate-unrated")
def rate_unrated_page(
    request: Request, user: CurrentUser = Depends(require("analyst", "risk_manager"))
) -> Response:
    return RedirectResponse(f"/jobs/{start(request, user, 'rating.batch', {})}", status_code=303)
