"""Jobs on a real Dask cluster: a scheduler, two workers and two web processes on PostgreSQL.

A worker is killed while it runs a job; the scheduler runs the job again on the other worker and every
web process shows the same job, finished, with two attempts.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import DEMO_PASSWORD
from tests.web.processes import BIN, Process, environment, token, web_servers
from tests.web.support import free_port

from computecredit.services.demo import load_demo_bank
from computecredit.services.jobs import task_key
from computecredit.store.database import Database

pytestmark = pytest.mark.postgres
# No nanny: a killed worker stays dead (a nanny would restart it), and no dashboards.
NO_EXTRAS = ("--no-nanny", "--no-dashboard")


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_job_whose_worker_dies_is_run_again_and_every_process_sees_it(database_url: str, tmp_path: Path) -> None:
    from distributed import Client

    db = Database(database_url)
    load_demo_bank(db, password=DEMO_PASSWORD)
    db.dispose()
    port = free_port()
    scheduler_address = f"tcp://127.0.0.1:{port}"
    env = environment(tmp_path, database_url, COMPUTECREDIT_DASK_SCHEDULER=scheduler_address)
    cluster = [
        Process(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env,
            tmp_path / "scheduler.log",
            tmp_path,
        )
    ]
    try:
        for name in ("w1", "w2"):
            cluster.append(
                Process(
                    [
                        str(BIN / "dask"),
                        "worker",
                        scheduler_address,
                        "--name",
                        name,
                        "--nthreads",
                        "1",
                        *NO_EXTRAS,
                    ],
                    env,
                    tmp_path / f"{name}.log",
                    tmp_path,
                )
            )
        with Client(scheduler_address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
            pids = client.run(os.getpid)  # worker address -> process id
            with web_servers(tmp_path, env, 2) as (first, second):
                headers = {"Authorization": f"Bearer {token(first, 'risk', DEMO_PASSWORD)}"}
                created = httpx.post(
                    f"{first}/api/v1/jobs",
                    json={"kind": "portfolio.simulate", "params": {"simulations": 2_000_000}},
                    headers=headers,
                    timeout=30,
                )
                assert created.status_code == 202, created.text
                job_id = created.json()["id"]
                # Another process shows the job; once it runs, kill the worker that runs it.
                doomed = _running_on(client, task_key(job_id), second, job_id, headers)
                os.kill(pids[doomed], signal.SIGKILL)
                job = _finished(second, job_id, headers)
                assert job["state"] == "done", job
                assert job["attempts"] == 2, job
                same = httpx.get(f"{first}/api/v1/jobs/{job_id}/result", headers=headers, timeout=30).json()
                assert same["simulations"] == 2_000_000 and same["exposures"] > 0
                assert doomed not in client.scheduler_info()["workers"]
    finally:
        for process in reversed(cluster):
            process.kill()


def _running_on(client, key: str, url: str, job_id: str, headers: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """The address of the worker running ``key`` once the job's row says it runs."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = httpx.get(f"{url}/api/v1/jobs/{job_id}", headers=headers, timeout=30).json()["state"]
        assert state in ("queued", "running"), state
        if state == "running":
            for address, keys in client.processing().items():
                if key in keys:
                    return str(address)
        time.sleep(0.05)
    raise AssertionError("the job never started")


def _finished(url: str, job_id: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/api/v1/jobs/{job_id}", headers=headers, timeout=30).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")
