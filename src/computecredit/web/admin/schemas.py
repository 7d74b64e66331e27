"""Bodies of the admin and audit API."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from computecredit.store.workbench import AuditEntry


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    active: bool


class AuditOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditOut:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            before=json.loads(e.before_json),
            after=json.loads(e.after_json),
            hash=e.hash,
        )
