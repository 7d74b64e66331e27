"""Bodies of the jobs API."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from computecredit.store.workbench import Job

# Jobs whose result is a file (base64 in the result), served as such at /api/v1/jobs/{id}/file.
FILE_KINDS = frozenset({"memo.pdf"})


class JobCreate(BaseModel):
    kind: str = Field(min_length=1, max_length=64, description="A registered job kind, e.g. audit.verify")
    params: dict[str, Any] = Field(default_factory=dict)


class JobOut(BaseModel):
    id: str
    kind: str
    owner: str
    state: str = Field(description="queued, running, done or failed")
    progress: float = Field(ge=0, le=1)
    attempts: int = Field(ge=0, description="Starts on a worker; more than one: a worker died and it ran again")
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    links: dict[str, str]

    @classmethod
    def of(cls, job: Job) -> JobOut:
        links = {"self": f"/api/v1/jobs/{job.id}"}
        if job.state == "done":
            links["result"] = f"/api/v1/jobs/{job.id}/result"
            if job.kind in FILE_KINDS:
                links["file"] = f"/api/v1/jobs/{job.id}/file"
        return cls(
            id=job.id,
            kind=job.kind,
            owner=job.owner,
            state=job.state,
            progress=job.progress,
            attempts=job.attempts or 0,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            links=links,
        )


def params_of(job: Job) -> dict[str, Any]:
    return json.loads(job.params_json or "{}")
