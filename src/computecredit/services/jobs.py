"""Background jobs: long computations (simulations, batch rating, memo PDFs, audit checks) off the request.

A job is a row in ``jobs`` (state, progress in [0, 1], attempts, params, result or error) and a task on a
Dask distributed cluster. Every web process submits to the same cluster and reads job state from the
database, so any process can show any job. With ``COMPUTECREDIT_DASK_SCHEDULER`` (or ``dask_scheduler``
in the settings file) the runner connects to that scheduler; without it, it starts a local cluster in the
process (one worker, threads), which suits one web process.

A task is handed to the scheduler with ``fire_and_forget``: it runs even if the web process that
submitted it stops. If the worker running it dies, the scheduler runs it again on another worker (Dask
allows three such deaths); the row's ``attempts`` counts the starts. A job that finished is never run
again. Errors in the job itself are not retried: they are recorded as ``failed`` with their message.
When a runner starts, jobs left queued or running that the cluster does not know (a local cluster that
stopped with its process, a scheduler that restarted) are submitted again.

>>> import tempfile
>>> from computecredit.store.base import Base
>>> from computecredit.store.database import Database
>>> db = Database(f"sqlite:///{tempfile.mkdtemp()}/jobs.db")
>>> Base.metadata.create_all(db.engine)
>>> runner = JobRunner(db)
>>> job_id = runner.submit("alice", "audit.verify", {})
>>> runner.wait(job_id, timeout=60)
'done'
>>> with db.transaction() as s:
...     result(s, job_id)["ok"], get(s, job_id).attempts
(True, 1)
>>> runner.shutdown()
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.errors import InputError, NotFoundError
from computecredit.services import audit
from computecredit.services.branches import user_standing
from computecredit.store import workbench as workbench_store
from computecredit.store.base import utcnow
from computecredit.store.database import Database
from computecredit.store.users import find_user_row
from computecredit.store.workbench import Job

log = logging.getLogger(__name__)

Progress = Callable[[float], None]
JobFunction = Callable[[Database, dict[str, Any], Progress], Any]
UNFINISHED = ("queued", "running")
# Dask reruns a task whose worker died; these are further tries on top (a task that raised is not rerun:
# the job records its error itself).
TASK_RETRIES = 2


@dataclass(frozen=True)
class JobKind:
    """A kind of job: the function that runs it, the roles allowed to start it, and whether it works on the
    whole bank (then only the head office's users may start it; other jobs see the requester's branches)."""

    name: str
    run: JobFunction
    roles: frozenset[str]
    title_key: str
    bank_wide: bool = False


KINDS: dict[str, JobKind] = {}


def register(
    name: str, roles: set[str] | frozenset[str], title_key: str, *, bank_wide: bool = False
) -> Callable[[JobFunction], JobFunction]:
    """Register a job kind under ``name`` (decorator)."""

    def decorate(func: JobFunction) -> JobFunction:
        KINDS[name] = JobKind(name, func, frozenset(roles), title_key, bank_wide)
        return func

    return decorate


def requester_scope(db: Database, params: dict[str, Any]) -> Scope:
    """The branches the job's requester (``requested_by``) sees; the whole bank for a job nobody requested."""
    requester = params.get("requested_by")
    if requester is None:
        return WHOLE_BANK
    with db.transaction() as session:
        return user_standing(session, str(requester)).scope


@register("audit.verify", {"risk_manager", "admin"}, "job.audit_verify", bank_wide=True)
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
    book = book_from_store(db, scope=requester_scope(db, params))
    progress(0.05)
    risk = portfolio_risk(book, "mc", rho=rho, simulations=simulations, seed=int(params.get("seed", 0)), workers=1)
    return {"simulations": simulations, "rho": rho, "exposures": book.n, **risk.as_dict(top=10)}


@register("rating.batch", {"analyst", "risk_manager"}, "job.rating_batch")
def _rate_unrated(db: Database, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Rate every stored borrower of the requester's branches that has statements and no rating yet (expert
    model), one transaction each."""
    from computecredit.services.rating import rate_stored_borrower
    from computecredit.store import borrowers as borrower_store
    from computecredit.store import ratings as rating_store

    actor = str(params.get("requested_by", "system"))
    scope = requester_scope(db, params)
    with db.transaction() as session:
        todo = [
            b.uscc
            for b in borrower_store.list_borrowers(session, scope)
            if not rating_store.list_ratings(session, b.uscc) and borrower_store.list_statements(session, b.uscc)
        ]
    rated: dict[str, str] = {}
    for index, uscc in enumerate(todo, 1):
        with audit.write_transaction(db) as session:
            rated[uscc] = rate_stored_borrower(session, uscc, actor)["final_grade"]
        progress(index / max(len(todo), 1))
    return {"rated": len(rated), "grades": rated}


@register("memo.pdf", {"analyst", "approver", "risk_manager"}, "job.memo_pdf")
def _print_memo(db: Database, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The stored credit memo of a proposal printed to PDF (headless Chromium); the file is the result."""
    from computecredit.reports.pdf import html_to_pdf
    from computecredit.services import workflow

    proposal_id = params.get("proposal_id")
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        raise InputError("proposal_id", proposal_id, "must be a proposal number")
    lang = "en" if str(params.get("lang", "zh")).startswith("en") else "zh"
    scope = requester_scope(db, params)
    with db.transaction() as session:
        html = workflow.memo_of(workflow.get(session, proposal_id, scope), lang)
    progress(0.2)
    pdf = html_to_pdf(html)
    return {
        "proposal_id": proposal_id,
        "lang": lang,
        "filename": f"P-{proposal_id}-memo-{lang}.pdf",
        "media_type": "application/pdf",
        "bytes": len(pdf),
        "content_base64": base64.b64encode(pdf).decode("ascii"),
    }


@register("monitoring.run", {"risk_manager", "admin"}, "job.monitoring_run", bank_wide=True)
def _run_monitoring(db: Database, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The monitoring run as of a date (today if none), as ``POST /api/v1/monitoring/runs`` does it."""
    from computecredit.services import monitoring

    raw = params.get("as_of") or date.today().isoformat()
    try:
        as_of = date.fromisoformat(str(raw))
    except ValueError as exc:
        raise InputError("as_of", raw, "must be a date YYYY-MM-DD") from exc
    progress(0.05)
    outcome = monitoring.run_monitoring(db, as_of, actor=str(params.get("requested_by", "system")))
    return outcome.as_dict()


_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


def _database(url: str) -> Database:
    """One :class:`Database` (one connection pool) per URL in each worker process."""
    with _databases_lock:
        if url not in _databases:
            _databases[url] = Database(url)
        return _databases[url]


def _update(db: Database, job_id: str, **fields: Any) -> None:
    with audit.write_transaction(db) as session:
        job = workbench_store.find_job(session, job_id)
        if job is not None:
            for key, value in fields.items():
                setattr(job, key, value)


def run_job(database_url: str, job_id: str) -> str:
    """Run one stored job and record its outcome; this is the task a Dask worker executes.

    Returns the final state. A job already finished (a rerun after the worker died at the very end) is
    left alone.
    """
    db = _database(database_url)
    with audit.write_transaction(db) as session:
        job = get(session, job_id)
        if job.state not in UNFINISHED:
            return job.state
        job.state, job.attempts, job.started_at = "running", (job.attempts or 0) + 1, utcnow()
        kind, params = KINDS.get(job.kind), json.loads(job.params_json)
    if kind is None:
        _update(db, job_id, state="failed", error=f"unknown job kind {job.kind}", finished_at=utcnow())
        return "failed"
    last = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] > 0.2:  # at most five progress writes a second
            last[0] = now
            _update(db, job_id, progress=max(0.0, min(1.0, float(fraction))))

    try:
        value = kind.run(db, params, progress)
    except (InputError, NotFoundError) as exc:
        _update(db, job_id, state="failed", error=str(exc), finished_at=utcnow())
        return "failed"
    except Exception:  # a job's error is recorded, never retried; the trace goes to the worker's log only
        log.exception("job %s (%s) failed", job_id, kind.name)
        _update(db, job_id, state="failed", error="internal error; see the worker's log", finished_at=utcnow())
        return "failed"
    _update(db, job_id, state="done", progress=1.0, result_json=audit.canonical_json(value), finished_at=utcnow())
    return "done"


def task_key(job_id: str) -> str:
    """The job's task name on the cluster (stable, so a restarted runner can ask whether it is known).

    >>> task_key("ab12")
    'computecredit-job-ab12'
    """
    return f"computecredit-job-{job_id}"


class JobRunner:
    """Submits jobs to a Dask cluster (``scheduler`` address, or a local one) and records them in ``db``.

    The connection is made on first use, so creating an app costs nothing until a job is submitted.
    """

    def __init__(self, db: Database, scheduler: str | None = None, local_workers: int = 1) -> None:
        self.db = db
        self.scheduler = scheduler
        self.local_workers = local_workers
        self._client: Any = None
        self._cluster: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        """The Dask client, connecting (or starting the local cluster) the first time."""
        with self._lock:
            if self._client is None:
                from distributed import Client, LocalCluster

                if self.scheduler:
                    self._client = Client(self.scheduler, timeout="10s", set_as_default=False)
                else:
                    self._cluster = LocalCluster(
                        n_workers=self.local_workers,
                        threads_per_worker=2,
                        processes=False,
                        dashboard_address=None,
                    )
                    self._client = Client(self._cluster, set_as_default=False)
            return self._client

    def check(self) -> None:
        """Raise unless the cluster answers and has at least one worker (for ``/ready``)."""
        workers = self.client().scheduler_info(n_workers=-1)["workers"]
        if not workers:
            raise RuntimeError("the Dask cluster has no workers")

    def _enqueue(self, job_id: str) -> None:
        from distributed import fire_and_forget

        client = self.client()
        future = client.submit(
            run_job, self.db.url, job_id, key=task_key(job_id), pure=False, retries=TASK_RETRIES
        )
        fire_and_forget(future)

    def recover(self) -> int:
        """Submit again the jobs left queued or running that the cluster does not know; return how many."""
        with self.db.transaction() as session:
            unfinished = [job.id for job in workbench_store.unfinished_jobs(session)]
        if not unfinished:
            return 0
        keys = [task_key(job_id) for job_id in unfinished]
        known = set(self.client().run_on_scheduler(_known_tasks, keys=keys))
        lost = [job_id for job_id in unfinished if task_key(job_id) not in known]
        for job_id in lost:
            log.warning("job %s was left unfinished and the cluster does not know it: submitting it again", job_id)
            self._enqueue(job_id)
        return len(lost)

    def submit(self, owner: str, kind: str, params: dict[str, Any]) -> str:
        """Record a job, hand it to the cluster and return its id at once."""
        if kind not in KINDS:
            raise InputError("kind", kind, f"must be one of {', '.join(sorted(KINDS))}")
        job_id = uuid.uuid4().hex
        with audit.write_transaction(self.db) as session:
            session.add(
                Job(id=job_id, kind=kind, owner=owner, state="queued", params_json=audit.canonical_json(params))
            )
            audit.append(session, owner, "job.submit", "job", job_id, None, {"kind": kind, "params": params})
        try:
            self._enqueue(job_id)
        except OSError as exc:  # the scheduler does not answer: the job says so instead of waiting forever
            log.error("job %s: the job cluster is unavailable: %s", job_id, exc)
            _update(self.db, job_id, state="failed", error="the job cluster is unavailable", finished_at=utcnow())
        return job_id

    def wait(self, job_id: str, timeout: float = 60.0, poll_s: float = 0.1) -> str:
        """Block until the job ends (or ``timeout``); return its state (read from the database)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.db.transaction() as session:
                state = get(session, job_id).state
            if state not in UNFINISHED or time.monotonic() >= deadline:
                return state
            time.sleep(poll_s)

    def shutdown(self) -> None:
        """Disconnect (tasks already handed to a shared scheduler go on); stop the local cluster if any."""
        with self._lock:
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None


def _known_tasks(dask_scheduler: Any, keys: list[str]) -> list[str]:
    """On the scheduler: which of ``keys`` it holds (queued, running or waiting to be rerun)."""
    return [key for key in keys if key in dask_scheduler.tasks]


def get(session: Session, job_id: str) -> Job:
    job = workbench_store.find_job(session, job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id}")
    return job


# Roles that see the jobs of others (those of users of their branches; the head office's see every job).
OVERSEERS = ("risk_manager", "admin")


def visible_job(session: Session, job_id: str, username: str, role: str, scope: Scope) -> Job:
    """The job ``job_id`` if the user may see it: their own, or, for an overseer, a job of a user of their
    branches; :class:`NotFoundError` otherwise (as if there were no such job)."""
    job = get(session, job_id)
    if job.owner == username:
        return job
    if role in OVERSEERS:
        owner = find_user_row(session, job.owner)
        if scope.whole_bank or (owner is not None and scope.allows(owner.branch_code)):
            return job
    raise NotFoundError(f"no job {job_id}")


def result(session: Session, job_id: str) -> Any:
    """The result of a finished job; raise if it is not done."""
    job = get(session, job_id)
    if job.state != "done" or job.result_json is None:
        raise NotFoundError(f"job {job_id} has no result yet (state {job.state})")
    return json.loads(job.result_json)
