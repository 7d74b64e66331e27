"""Background jobs: long computations (large simulations, a full audit-chain check) run off the request.

A job is a row in ``jobs`` (state, progress in [0, 1], params, result or error) and a task on a small
in-process thread pool. The web layer answers ``202`` with the job id at once; clients poll the job for
progress and fetch the result from its result URL. Jobs left running by a stopped server are marked
failed at the next start (:meth:`JobRunner.recover`).

>>> import tempfile
>>> from computecredit.store.base import Base
>>> from computecredit.store.database import Database
>>> db = Database(f"sqlite:///{tempfile.mkdtemp()}/jobs.db")
>>> Base.metadata.create_all(db.engine)
>>> runner = JobRunner(db)
>>> job_id = runner.submit("alice", "audit.verify", {})
>>> runner.wait(job_id, timeout=10)
'done'
>>> with db.transaction() as s:
...     result(s, job_id)["ok"]
True
>>> runner.shutdown()
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from computecredit.errors import InputError, NotFoundError
from computecredit.services import audit
from computecredit.store import workbench as workbench_store
from computecredit.store.base import utcnow
from computecredit.store.database import Database
from computecredit.store.workbench import Job

log = logging.getLogger(__name__)

Progress = Callable[[float], None]
JobFunction = Callable[[Database, dict[str, Any], Progress], Any]


@dataclass(frozen=True)
class JobKind:
    """A kind of job: the function that runs it and the roles allowed to start it."""

    name: str
    run: JobFunction
    roles: frozenset[str]
    title_key: str


KINDS: dict[str, JobKind] = {}


def register(name: str, roles: set[str] | frozenset[str], title_key: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job kind under ``name`` (decorator)."""

    def decorate(func: JobFunction) -> JobFunction:
        KINDS[name] = JobKind(name, func, frozenset(roles), title_key)
        return func

    return decorate


@register("audit.verify", {"risk_manager", "admin"}, "job.audit_verify")
def _verify_audit_chain(db: Database, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    with db.transaction() as session:
        total = workbench_store.count_audit_entries(session) or 1
        report = audit.verify(session, progress=lambda n: progress(min(n / total, 0.99)))
    return {
        "ok": report.ok,
        "entries": report.entries,
        "broken_seq": report.broken_seq,
        "reason": report.reason,
        "head_hash": report.head_hash,
    }


@register("portfolio.simulate", {"risk_manager"}, "job.portfolio_simulate")
def _simulate_book(db: Database, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Monte Carlo loss distribution of the stored book (one-factor model with asset correlation ``rho``)."""
    from computecredit.portfolio.risk import portfolio_risk
    from computecredit.services.portfolio import book_from_store

    simulations = int(params.get("simulations", 20_000))
    rho = float(params.get("rho", 0.20))
    if not 1_000 <= simulations <= 2_000_000:
        raise InputError("simulations", simulations, "must lie between 1,000 and 2,000,000")
    book = book_from_store(db)
    progress(0.05)
    risk = portfolio_risk(book, "mc", rho=rho, simulations=simulations, seed=int(params.get("seed", 0)), workers=1)
    return {"simulations": simulations, "rho": rho, "exposures": book.n, **risk.as_dict(top=10)}


@register("rating.batch", {"analyst", "risk_manager"}, "job.rating_batch")
def _rate_unrated(db: Database, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Rate every stored borrower that has statements and no rating yet (expert model), one transaction each."""
    from computecredit.services.rating import rate_stored_borrower
    from computecredit.store import borrowers as borrower_store
    from computecredit.store import ratings as rating_store

    actor = str(params.get("requested_by", "system"))
    with db.transaction() as session:
        todo = [
            b.uscc
            for b in borrower_store.list_borrowers(session)
            if not rating_store.list_ratings(session, b.uscc) and borrower_store.list_statements(session, b.uscc)
        ]
    rated: dict[str, str] = {}
    for index, uscc in enumerate(todo, 1):
        with audit.write_transaction(db) as session:
            rated[uscc] = rate_stored_borrower(session, uscc, actor)["final_grade"]
        progress(index / max(len(todo), 1))
    return {"rated": len(rated), "grades": rated}


class JobRunner:
    """Runs jobs on a thread pool and records their state in the database."""

    def __init__(self, db: Database, workers: int = 1) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="computecredit-job")
        self._done: dict[str, threading.Event] = {}

    def recover(self) -> int:
        """Mark jobs that a stopped server left queued or running as failed; return how many."""
        with self.db.transaction() as session:
            stale = workbench_store.unfinished_jobs(session)
            for job in stale:
                job.state, job.error, job.finished_at = "failed", "interrupted: the server stopped", utcnow()
            return len(stale)

    def submit(self, owner: str, kind: str, params: dict[str, Any]) -> str:
        """Queue a job and return its id at once."""
        if kind not in KINDS:
            raise InputError("kind", kind, f"must be one of {', '.join(sorted(KINDS))}")
        job_id = uuid.uuid4().hex
        with self.db.transaction() as session:
            session.add(
                Job(id=job_id, kind=kind, owner=owner, state="queued", params_json=audit.canonical_json(params))
            )
            audit.append(session, owner, "job.submit", "job", job_id, None, {"kind": kind, "params": params})
        self._done[job_id] = threading.Event()
        self._pool.submit(self._run, job_id, KINDS[kind], params)
        return job_id

    def _set(self, job_id: str, **fields: Any) -> None:
        with audit.write_transaction(self.db) as session:
            job = workbench_store.find_job(session, job_id)
            if job is not None:
                for key, value in fields.items():
                    setattr(job, key, value)

    def _run(self, job_id: str, kind: JobKind, params: dict[str, Any]) -> None:
        last = [0.0]

        def progress(fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] > 0.2:  # at most five progress writes a second
                last[0] = now
                self._set(job_id, progress=max(0.0, min(1.0, float(fraction))))

        try:
            self._set(job_id, state="running")
            value = kind.run(self.db, params, progress)
            self._set(
                job_id, state="done", progress=1.0, result_json=audit.canonical_json(value), finished_at=utcnow()
            )
        except InputError as exc:
            self._set(job_id, state="failed", error=str(exc), finished_at=utcnow())
        except Exception:  # a job must never take the server down; the trace goes to the log only
            log.exception("job %s (%s) failed", job_id, kind.name)
            self._set(job_id, state="failed", error="internal error; see the server log", finished_at=utcnow())
        finally:
            self._done.pop(job_id, threading.Event()).set()

    def wait(self, job_id: str, timeout: float = 60.0) -> str:
        """Block until the job ends (or ``timeout``); return its state."""
        event = self._done.get(job_id)
        if event is not None:
            event.wait(timeout)
        with self.db.transaction() as session:
            return get(session, job_id).state

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def get(session: Session, job_id: str) -> Job:
    job = workbench_store.find_job(session, job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id}")
    return job


def result(session: Session, job_id: str) -> Any:
    """The result of a finished job; raise if it is not done."""
    job = get(session, job_id)
    if job.state != "done" or job.result_json is None:
        raise NotFoundError(f"job {job_id} has no result yet (state {job.state})")
    return json.loads(job.result_json)
