"""Periodic monitoring data (贷后数据): the records a bank receives after a loan is made.

Five kinds, each a pydantic model validated at the edge:

- :class:`OperatingReport` — a project's monthly operating report: utilisation, contracted share,
  realised price (CNY per GPU-hour), uptime, energy (MWh) and PUE, with the plan figures where known;
- :class:`PaymentRecord` — a facility's repayment status on a date: days past due, outstanding balance,
  restructuring and impairment flags;
- :class:`MarketObservation` — a point of a market series: GPU rental price index by chip, electricity
  tariff by province;
- :class:`Event` — something that happened to a borrower: an offtake contract signed, cut or terminated,
  an export-control update touching its chips, litigation, the controlling holder's equity-pledge ratio;
- annual statements reuse :class:`computecredit.domain.FinancialStatement`.

:func:`parse_rows` validates a whole file's rows and raises one :class:`~computecredit.errors.InputError`
naming every bad row and field, so a caller stores all rows or none.

>>> rows = [{"project_code": "nx-phase1", "period_end": "2025-06-30", "utilisation": "0.42"}]
>>> parse_rows("operating_reports", rows, source="ops.csv")[0].utilisation
0.42
>>> parse_rows("operating_reports", [{"project_code": "nx-phase1", "period_end": "2025-06-30",
...     "utilisation": "1.7"}], source="ops.csv")
Traceback (most recent call last):
...
computecredit.errors.InputError: ops.csv, row 2: field 'utilisation' = '1.7': Input should be less than or equal to 1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from computecredit.domain import uscc as uscc_rules
from computecredit.domain.labels import LabelledEnum, lenient
from computecredit.domain.validation import input_error, rule_error
from computecredit.errors import InputError, Problem
from computecredit.money import parse_amount


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _amount(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return parse_amount(value)
    return value


Optional = BeforeValidator(_blank_to_none)
Fraction = Annotated[float, Field(ge=0, le=1)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]


def _uscc(value: object) -> str:
    try:
        return uscc_rules.validate(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ValueError(str(exc).split(": ", 1)[-1]) from None


class OperatingReport(BaseModel):
    """One month (or quarter) of a 智算中心 project's operations, ending ``period_end``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project_code: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{1,63}$")
    period_end: date
    utilisation: Annotated[Fraction | None, Optional] = Field(None, description="GPU-hours sold / available")
    planned_utilisation: Annotated[Fraction | None, Optional] = Field(None, description="the model's plan")
    contracted_share: Annotated[Fraction | None, Optional] = Field(None, description="capacity under contract")
    realised_price: Annotated[float | None, Optional] = Field(None, gt=0, description="CNY per GPU-hour")
    planned_price: Annotated[float | None, Optional] = Field(None, gt=0, description="the model's price path")
    uptime: Annotated[Fraction | None, Optional] = None
    energy_mwh: Annotated[float | None, Optional] = Field(None, ge=0)
    pue: Annotated[float | None, Optional] = Field(None, ge=1, le=3)


class PaymentRecord(BaseModel):
    """A facility's repayment status on ``as_of`` (from the core banking system)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    facility_reference: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{1,63}$")
    as_of: date
    days_past_due: int = Field(ge=0, le=20_000)
    outstanding: Annotated[Amount | None, Optional] = Field(None, ge=0, description="drawn balance, 元")
    overdue_amount: Annotated[Amount | None, Optional] = Field(None, ge=0, description="元 past due")
    restructured_on: Annotated[date | None, Optional] = Field(
        None, description="date of a restructuring for financial difficulty (重组, 第十七条)"
    )
    technical_delay: Annotated[bool, Optional] = Field(
        False, description="overdue only for an operational or technical reason (within 7 days it is not 关注)"
    )
    credit_impaired: Annotated[bool, Optional] = Field(False, description="信用减值 per CAS 22 §40")
    ecl_ratio: Annotated[float | None, Optional] = Field(
        None, ge=0, le=1, description="expected credit loss / gross carrying amount"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.restructured_on is not None and self.restructured_on > self.as_of:
            raise rule_error([("restructured_on", self.restructured_on.isoformat(), "cannot be after as_of")])
        if self.days_past_due > 0 and self.overdue_amount == 0:
            raise rule_error([("overdue_amount", "0", f"is zero while days_past_due is {self.days_past_due}")])
        return self


class MarketSeries(LabelledEnum):
    GPU_RENTAL_INDEX = "gpu_rental_index", "GPU租赁价格指数", "GPU rental price index"
    ELECTRICITY_TARIFF = "electricity_tariff", "电价", "Electricity tariff"


class MarketObservation(BaseModel):
    """One point of a market series: ``key`` is the chip (H100, H20...) or the province (ningxia...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    series: Annotated[MarketSeries, lenient(MarketSeries)]
    key: str = Field(min_length=1, max_length=32)
    period_end: date
    value: float = Field(gt=0)
    unit: str = Field(min_length=1, max_length=32, description="CNY/GPU-hour, CNY/kWh")
    source: str = Field(min_length=1, max_length=300)


class EventKind(LabelledEnum):
    OFFTAKE_SIGNED = "offtake_signed", "算力服务合同签订", "Offtake contract signed"
    OFFTAKE_REDUCED = "offtake_reduced", "算力服务合同缩减", "Offtake contract reduced"
    OFFTAKE_TERMINATED = "offtake_terminated", "算力服务合同终止", "Offtake contract terminated"
    OFFTAKER_DOWNGRADED = "offtaker_downgraded", "承租方信用降级", "Offtaker downgraded"
    EXPORT_CONTROL = "export_control", "出口管制更新", "Export-control update"
    LITIGATION = "litigation", "涉诉", "Litigation"
    EQUITY_PLEDGE = "equity_pledge", "控股股东股权质押", "Controlling holder's equity pledge"
    BANKRUPTCY = "bankruptcy", "破产清算", "Bankruptcy liquidation"


class Event(BaseModel):
    """A dated event about a borrower, with its counterparty, amount, ratio and chips where they apply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    borrower_uscc: str
    event_date: date
    kind: Annotated[EventKind, lenient(EventKind)]
    counterparty: Annotated[str | None, Optional] = Field(None, max_length=200)
    amount: Annotated[Amount | None, Optional] = Field(None, ge=0, description="contract or claim amount, 元")
    ratio: Annotated[float | None, Optional] = Field(None, ge=0, le=1, description="e.g. pledged share")
    chips: Annotated[str | None, Optional] = Field(None, description="chips touched, ';'-separated")
    description: str = Field(min_length=1, max_length=1000)
    source: str = Field(min_length=1, max_length=300)

    _check_uscc = field_validator("borrower_uscc", mode="before")(lambda cls, value: _uscc(value))

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Self:
        if self.kind is EventKind.EQUITY_PLEDGE and self.ratio is None:
            raise rule_error([("ratio", None, "an equity-pledge event gives the pledged share of the holding")])
        if self.kind is EventKind.EXPORT_CONTROL and not self.chip_set:
            raise rule_error([("chips", self.chips, "an export-control update names the chips it touches")])
        return self

    @property
    def chip_set(self) -> frozenset[str]:
        """The chips named by the event, upper-cased.

        >>> Event(borrower_uscc="91640100MA7X00001X", event_date="2025-10-01", kind="export_control",
        ...     chips="h20; H800", description="x", source="y").chip_set == {"H20", "H800"}
        True
        """
        return frozenset(part.strip().upper() for part in (self.chips or "").split(";") if part.strip())


RECORD_MODELS: dict[str, type[BaseModel]] = {
    "operating_reports": OperatingReport,
    "payments": PaymentRecord,
    "market": MarketObservation,
    "events": Event,
}


def parse_rows(kind: str, rows: Iterable[Mapping[str, Any]], *, source: str, first_row: int = 2) -> list[Any]:
    """Validate every row as ``kind``; raise one :class:`InputError` listing all bad rows and fields.

    Rows are numbered as in the file: the first data row of a CSV with a header is row 2.
    """
    if kind not in RECORD_MODELS:
        raise InputError("kind", kind, f"must be one of {', '.join(RECORD_MODELS)}", source=source)
    model = RECORD_MODELS[kind]
    records: list[Any] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=first_row):
        cleaned = {str(k).strip(): v for k, v in row.items() if k is not None and str(k).strip()}
        try:
            records.append(model.model_validate(cleaned))
        except ValueError as exc:
            problems.extend(input_error(exc, source=source, row=number).problems)  # type: ignore[arg-type]
    if problems:
        raise InputError(problems=problems)
    if not records:
        raise InputError("(rows)", 0, "the file holds no data rows", source=source)
    return records


__all__ = [
    "RECORD_MODELS",
    "Event",
    "EventKind",
    "MarketObservation",
    "MarketSeries",
    "OperatingReport",
    "PaymentRecord",
    "parse_rows",
]
