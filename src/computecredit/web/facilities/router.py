"""Facility page and API: the facility as booked (EAD, LGD, PD from the facilities engine), its drawdowns
(放款) and repayments; every rule is in services.facilities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session

from computecredit.domain.branches import Scope
from computecredit.errors import InputError
from computecredit.facilities.proposal import assess
from computecredit.jsonable import to_jsonable
from computecredit.money import parse_amount
from computecredit.services import facilities as facility_service
from computecredit.store import branches as branch_store
from computecredit.store import facilities as facility_store
from computecredit.web.deps import ALL_ROLES, TRANSACTION, CurrentUser, reads, require, writes
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1/facilities", tags=["facilities"])
pages = APIRouter(include_in_schema=False)
Reference = Path(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{1,63}$")
# Drawdowns and repayments are booked by the credit side; approvers decide, they do not disburse.
BOOKERS = ("analyst", "risk_manager")


class Movement(BaseModel):
    amount: Decimal = Field(description='Amount in yuan; strings with a unit are read too, e.g. "5000万"')
    value_date: date

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        return parse_amount(value)


def facility_view(session: Session, reference: str, scope: Scope) -> dict[str, Any]:
    """The facility (of a borrower in ``scope``: another branch's is not found), its branch, latest exposure,
    movements and the engine's view of it as booked."""
    branch_code = facility_store.facility_row(session, reference, scope).borrower.branch_code
    records = facility_service.Records.load(session)
    assessment = assess(facility_service.assemble(records, facility_service.stored_deal(records, reference)))
    return {
        "facility": records.facilities[reference].model_dump(mode="json"),
        "branch_code": branch_code,
        "exposure": None
        if records.exposures.get(reference) is None
        else records.exposures[reference].model_dump(mode="json"),
        "transactions": to_jsonable(facility_store.list_transactions(session, reference), exact=True),
        "assessment": to_jsonable(facility_service.summary(assessment), exact=True),
    }


@api.get("/{reference}", summary="A facility as booked, with its exposure, movements and risk figures")
@reads
def get_facility(
    reference: str = Reference,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> dict[str, Any]:
    return facility_view(session, reference, user.scope)


def _move(kind: str) -> Any:
    @writes
    def endpoint(
        body: Movement,
        reference: str = Reference,
        user: CurrentUser = Depends(require(*BOOKERS)),
        session: Session = TRANSACTION,
    ) -> dict[str, Any]:
        move = facility_service.draw if kind == "drawdown" else facility_service.repay
        exposure = move(session, reference, body.amount, body.value_date, user.username, user.scope)
        return to_jsonable(exposure.model_dump(mode="json"), exact=True)

    endpoint.__name__ = f"record_{kind}"
    return endpoint


api.post("/{reference}/drawdowns", status_code=201, summary="Record a drawdown (放款)")(_move("drawdown"))
api.post("/{reference}/repayments", status_code=201, summary="Record a repayment (还款)")(_move("repayment"))


@pages.get("/facilities/{reference}")
@reads
def facility_page(
    request: Request,
    reference: str = Reference,
    user: CurrentUser = Depends(require(*ALL_ROLES)),
    session: Session = TRANSACTION,
) -> Response:
    view = facility_view(session, reference, user.scope)
    branches = {b.code: b for b in branch_store.list_branches(session)}
    context = {"v": view, "can_book": user.role in BOOKERS, "problems": [], "branches": branches}
    return render(request, "facilities/detail.html", context)


@pages.post("/facilities/{reference}/{kind}")
@writes
def movement_page(
    request: Request,
    kind: str = Path(pattern="^(drawdown|repayment)$"),
    reference: str = Reference,
    amount: str = Form(..., max_length=40),
    value_date: str = Form(..., max_length=10),
    user: CurrentUser = Depends(require(*BOOKERS)),
    session: Session = TRANSACTION,
) -> Response:
    try:
        day = date.fromisoformat(value_date)
    except ValueError:
        raise InputError("value_date", value_date, "must be a date YYYY-MM-DD") from None
    move = facility_service.draw if kind == "drawdown" else facility_service.repay
    move(session, reference, parse_amount(amount), day, user.username, user.scope)
    return RedirectResponse(f"/facilities/{reference}", status_code=303)
