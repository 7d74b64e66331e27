"""Bodies of the monitoring API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The rules look back and ahead from the run's date: keep it to dates a loan book can have.
EARLIEST_RUN, LATEST_RUN = date(2000, 1, 1), date(2100, 12, 31)


class IngestOut(BaseModel):
    source: str = Field(description="The uploaded file's name")
    kind: str
    rows: int = Field(description="Rows read and validated")
    inserted: int
    replaced: int = Field(description="Rows that replaced a stored record of the same key and date")


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date = Field(
        ge=EARLIEST_RUN,
        le=LATEST_RUN,
        description="Run the monitoring on the book as of this date (re-running a date replaces it)",
    )


class RunOut(BaseModel):
    as_of: date
    rules_version: str
    digest: str = Field(description="SHA-256 of the result: equal digests mean equal results")
    signals: list[dict[str, Any]]
    breaches: list[dict[str, Any]] = Field(description="Covenant breaches among the signals")
    classification_changes: list[dict[str, Any]]
    watch_list: list[dict[str, Any]]
    new_alerts: list[str] = Field(description="Keys of the alerts this run raised for the first time")


class AlertOut(BaseModel):
    id: int
    key: str
    kind: str
    borrower_uscc: str
    borrower_name_zh: str
    borrower_name_en: str
    subject: str
    rule_id: str | None
    severity: str
    owner: str
    status: str = Field(description="open, acknowledged or closed")
    due_date: date
    overdue: bool
    raised_on: date
    last_seen_on: date
    title_zh: str
    title_en: str
    delivered: bool
    evidence_zh: str | None = Field(description="What the latest run observed (its signal's evidence)")
    evidence_en: str | None
    last_comment: str | None = Field(description="The comment of the latest action on the alert (audit log)")


class AlertAction(BaseModel):
    """Acknowledge, close or reopen an alert, and/or reassign it or move its due date; always with a comment."""

    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=2000)
    action: Literal["acknowledge", "close", "reopen"] | None = None
    owner: str | None = Field(None, min_length=1, max_length=64)
    due_date: date | None = None
