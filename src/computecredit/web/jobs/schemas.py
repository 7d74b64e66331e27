"""Bodies of the jobs API."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from computecredit.store.workbench import Job


class JobCreate(BaseModel):
    kind: str = Field(min_length=1, max_length=64, description="A registered job kind, e.g. audit.verify")
    params: dict[str, Any] = Field(default_factory=dict)


class JobOut(BaseModel):
    id: str
    kind: str
    owner: str
    state: str = Field(description="queued, running, done or failed")
    progress: float = Field(ge=0, le=1)
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    links: dict[str, str]

    @classmethod
    def of(cls, job: Job) -> JobOut:
        links = {"self": f"/api/v1/jobs/{job.id}"}
        if job.state == "done":
            links["result"] = f"/api/v1/jobs/{job.id}/result"
        return cls(
            id=job.id,
            kind=job.kind,
            owner=job.owner,
            state=job.state,
            progress=job.progress,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
            links=links,
        )


def params_of(job: Job) -> dict[str, Any]:
    return json.loads(job.params_json or "{}")
