"""Working monitoring alerts: list them, acknowledge or close them with a comment, reassign, move the due date.

Each action is one call inside the caller's transaction and appends its own entry (state before and after,
with the comment) to the hash-chained audit log in that same transaction.

>>> from datetime import date
>>> from computecredit.store.database import Database
>>> db = Database("sqlite:///:memory:")
>>> db.upgrade()
>>> with db.transaction() as session:
...     list_alerts(session)
([], 0)
>>> next_status("open", "acknowledge"), next_status("acknowledged", "close")
('acknowledged', 'closed')
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.errors import InputError, NotFoundError, WorkflowError
from computecredit.services import audit
from computecredit.store import monitoring as monitoring_store
from computecredit.store import workbench as workbench_store
from computecredit.store.monitoring import AlertRow
from computecredit.store.users import find_user_row

STATUSES = ("open", "acknowledged", "closed")
ACTIONS = ("acknowledge", "close", "reopen")
# Which status each action leads to, from which statuses.
TRANSITIONS = {
    "acknowledge": (("open",), "acknowledged"),
    "close": (("open", "acknowledged"), "closed"),
    "reopen": (("closed",), "open"),
}


def next_status(status: str, action: str) -> str:
    """The status an alert in ``status`` takes after ``action``; a move the alert's status does not allow fails.

    >>> next_status("closed", "acknowledge")
    Traceback (most recent call last):
    ...
    computecredit.errors.WorkflowError: cannot acknowledge an alert that is closed
    """
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise WorkflowError(f"cannot {action} an alert that is {status}")
    return target


def alert_view(row: AlertRow, uscc: str, name_zh: str, name_en: str, today: date | None = None) -> dict[str, Any]:
    """One alert as plain data (what the API returns and the page shows)."""
    today = today or date.today()
    return {
        "id": row.id,
        "key": row.key,
        "kind": row.kind,
        "borrower_uscc": uscc,
        "borrower_name_zh": name_zh,
        "borrower_name_en": name_en,
        "subject": row.subject,
        "rule_id": row.rule_id,
        "severity": row.severity,
        "owner": row.owner,
        "status": row.status,
        "due_date": row.due_date,
        "overdue": row.status != "closed" and row.due_date < today,
        "raised_on": row.raised_on,
        "last_seen_on": row.last_seen_on,
        "title_zh": row.title_zh,
        "title_en": row.title_en,
        "delivered": row.delivered_at is not None,
    }


def list_alerts(
    session: Session,
    owner: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
    scope: Scope = WHOLE_BANK,
) -> tuple[list[dict[str, Any]], int]:
    """Alerts (of borrowers in ``scope``; of one owner, in one status, if given), most urgent first, and how
    many there are in all.

    ``status="active"`` means open or acknowledged (not yet closed).
    """
    statuses: tuple[str, ...] | None = None
    if status == "active":
        statuses = tuple(s for s in STATUSES if s != "closed")
    elif status:
        if status not in STATUSES:
            raise InputError("status", status, f"must be one of active, {', '.join(STATUSES)}")
        statuses = (status,)
    rows, total = monitoring_store.alert_rows(
        session, owner=owner, statuses=statuses, offset=offset, limit=limit, scope=scope
    )
    found = [alert_view(*row) for row in rows]
    evidence = monitoring_store.latest_evidence(session, {row[0].borrower_id for row in rows})
    comments = last_comments(session, [item["id"] for item in found])
    for item in found:
        zh, en = evidence.get((item["borrower_uscc"], item["rule_id"], item["subject"]), (None, None))
        item["evidence_zh"], item["evidence_en"] = zh, en
        item["last_comment"] = comments.get(item["id"])
    return found, total


def last_comments(session: Session, alert_ids: list[int]) -> dict[int, str]:
    """The latest comment on each of these alerts, from the audit log (where every action keeps its comment)."""
    if not alert_ids:
        return {}
    entries = workbench_store.audit_entries_of(session, "monitoring_alert", [str(i) for i in alert_ids])
    return {int(e.entity_id): json.loads(e.after_json)["comment"] for e in entries}


def get_alert(session: Session, alert_id: int, scope: Scope = WHOLE_BANK) -> AlertRow:
    """The alert ``alert_id`` of a borrower in ``scope``; :class:`NotFoundError` if there is none."""
    row = monitoring_store.find_alert(session, alert_id, scope)
    if row is None:
        raise NotFoundError(f"no alert {alert_id}")
    return row


def act_on_alert(
    session: Session,
    alert_id: int,
    actor: str,
    comment: str,
    action: str | None = None,
    owner: str | None = None,
    due_date: date | None = None,
    scope: Scope = WHOLE_BANK,
) -> dict[str, Any]:
    """Acknowledge, close or reopen an alert (of a borrower in ``scope``) and/or give it a new owner or due
    date, with a comment; the change and the comment go to the audit log in the caller's transaction."""
    row = get_alert(session, alert_id, scope)
    if not comment.strip():
        raise InputError("comment", comment, "say why (a comment is required for every action on an alert)")
    if action is None and owner is None and due_date is None:
        raise InputError("action", None, "give an action, a new owner or a new due date")
    if action is not None and action not in ACTIONS:
        raise InputError("action", action, f"must be one of {', '.join(ACTIONS)}")
    if (owner is not None or due_date is not None) and row.status == "closed" and action != "reopen":
        raise WorkflowError("a closed alert keeps its owner and due date; reopen it first")
    before = {"status": row.status, "owner": row.owner, "due_date": row.due_date}
    if action is not None:
        row.status = next_status(row.status, action)
    if owner is not None:
        user = find_user_row(session, owner)
        if user is None or not user.active:
            raise InputError("owner", owner, "must be an active user of the workbench")
        row.owner = owner
    if due_date is not None:
        if due_date < row.raised_on:
            raise InputError("due_date", due_date, f"must be on or after the day it was raised ({row.raised_on})")
        row.due_date = due_date
    after = {
        "key": row.key,
        "status": row.status,
        "owner": row.owner,
        "due_date": row.due_date,
        "comment": comment.strip(),
    }
    audit.append(
        session, actor, f"monitoring.alert.{action or 'update'}", "monitoring_alert", row.id, before, after
    )
    session.flush()
    borrower = row.borrower
    view = alert_view(row, borrower.uscc, borrower.name_zh, borrower.name_en)
    evidence = monitoring_store.latest_evidence(session, {row.borrower_id}).get(
        (borrower.uscc, row.rule_id or "", row.subject or "")
    )
    zh, en = evidence if evidence else (None, None)
    return {**view, "evidence_zh": zh, "evidence_en": en, "last_comment": comment.strip()}


def latest_run(session: Session, scope: Scope = WHOLE_BANK) -> dict[str, Any] | None:
    """The latest stored monitoring run: its date, summary, and the watch list and five-category
    classification of the borrowers in ``scope``."""
    run = monitoring_store.latest_run(session)
    if run is None:
        return None
    watch = [
        {
            "borrower_uscc": w.borrower.uscc,
            "borrower_name_zh": w.borrower.name_zh,
            "borrower_name_en": w.borrower.name_en,
            "points": w.points,
            "rule_ids": w.rule_ids,
            "worst_class": w.worst_class,
            "review": w.review,
        }
        for w in monitoring_store.watch_list_of(session, run, scope)
    ]
    classes = [
        {
            "facility_reference": c.facility.reference,
            "category": c.category,
            "previous": c.previous,
            "ecl_stage": c.ecl_stage,
            "days_past_due": c.days_past_due,
            "reasons": c.reasons,
        }
        for c in monitoring_store.classifications_of(session, run, scope)
    ]
    return {"as_of": run.as_of, "summary": run.summary, "watch_list": watch, "classifications": classes}


__all__ = [
    "ACTIONS",
    "STATUSES",
    "act_on_alert",
    "alert_view",
    "get_alert",
    "latest_run",
    "list_alerts",
    "next_status",
]
