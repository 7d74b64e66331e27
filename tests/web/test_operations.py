"""Operations: settings, the installed wheel, several web processes with the CLI writing beside them, request
ids in JSON logs, /metrics, /health and /ready."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import zipfile
from collections import Counter
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from tests.conftest import DEMO_PASSWORD
from tests.web.processes import BIN, Process, environment, token, wait_http, web_servers
from tests.web.support import Server, free_port

from computecredit.config import load_settings
from computecredit.errors import InputError
from computecredit.services import audit
from computecredit.store.backup import dump, load
from computecredit.store.database import Database
from computecredit.store.workbench import AuditEntry
from computecredit.web.observability import JsonFormatter

REPO = Path(__file__).resolve().parents[2]


# --- settings ---------------------------------------------------------------------------------------------


def test_settings_come_from_the_environment_over_the_file_and_never_the_current_directory(tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path / "home")}
    default = load_settings(home)
    assert default.data_dir == tmp_path / "home" / ".local" / "share" / "computecredit"
    assert default.database_url == f"sqlite:///{default.data_dir / 'computecredit.db'}"
    assert default.config_file is None

    file = tmp_path / "etc" / "computecredit.toml"
    file.parent.mkdir()
    file.write_text('data_dir = "../srv"\ndask_scheduler = "tcp://10.0.0.5:8786"\nlog_format = "text"\n')
    from_file = load_settings({**home, "COMPUTECREDIT_CONFIG": str(file)})
    assert from_file.data_dir == tmp_path / "srv"  # relative to the file, not to where the command runs
    assert (from_file.dask_scheduler, from_file.log_format, from_file.config_file) == (
        "tcp://10.0.0.5:8786",
        "text",
        file,
    )
    overridden = load_settings(
        {**home, "COMPUTECREDIT_CONFIG": str(file), "COMPUTECREDIT_DATABASE_URL": "postgresql+psycopg://db/cc"}
    )
    assert overridden.database_url == "postgresql+psycopg://db/cc" and overridden.data_dir == tmp_path / "srv"

    file.write_text('database = "typo"\n')
    with pytest.raises(InputError, match="unknown keys database"):
        load_settings({**home, "COMPUTECREDIT_CONFIG": str(file)})


# --- observability ------------------------------------------------------------------------------------------


def test_every_response_carries_a_request_id_that_its_json_log_line_names(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="computecredit.web.access"), server.client("t_analyst") as client:
        sent = client.get("/api/v1/borrowers", headers={"X-Request-ID": "trace-42"})
        fresh = client.get("/api/v1/borrowers")
        hostile = client.get("/api/v1/borrowers", headers={"X-Request-ID": "<script>" * 10})
    assert sent.headers["x-request-id"] == "trace-42"
    assert len(fresh.headers["x-request-id"]) == 32
    assert hostile.headers["x-request-id"] not in ("<script>" * 10, fresh.headers["x-request-id"])
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "computecredit.web.access"]
    mine = [line for line in lines if line.get("request_id") == "trace-42"]
    assert len(mine) == 1
    assert mine[0]["route"] == "/api/v1/borrowers" and mine[0]["status"] == 200 and mine[0]["duration_ms"] >= 0


def test_metrics_count_requests_by_route_template(server: Server, demo_uscc: str) -> None:
    with server.client("t_analyst") as client:
        for _ in range(3):
            assert client.get(f"/api/v1/borrowers/{demo_uscc}").status_code == 200
    with server.client() as anonymous:
        text = anonymous.get("/metrics").text
    line = next(
        line
        for line in text.splitlines()
        if line.startswith("computecredit_http_requests_total{")
        and 'route="/api/v1/borrowers/{uscc}"' in line
        and 'method="GET"' in line
        and 'status="200"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) >= 3
    assert demo_uscc not in text  # ids never become labels
    assert "computecredit_http_request_duration_seconds_bucket" in text


def test_health_and_ready(server: Server) -> None:
    with server.client() as client:
        assert client.get("/health").json() == {"status": "ok", "version": client.get("/health").json()["version"]}
        ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "jobs": "ok"}


def test_not_ready_while_the_schema_is_behind(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from computecredit.web.app import create_app

    db = Database(f"sqlite:///{tmp_path / 'behind.db'}")
    db.upgrade()
    with db.transaction() as session:  # as if a newer version's migrations were still to run
        session.execute(sa.text("UPDATE alembic_version SET version_num = '0001_core'"))
    with TestClient(create_app(db)) as client:
        ready = client.get("/ready")
    assert ready.status_code == 503 and ready.json()["database"].startswith("unavailable")


# --- deployment ---------------------------------------------------------------------------------------------


def test_the_installed_wheel_serves_the_demo_bank_from_an_empty_directory(tmp_path: Path) -> None:
    """Build the wheel, install it (without its dependencies, taken from this environment) into a new
    virtual environment, and run `computecredit serve --demo` from an empty directory."""
    built = subprocess.run(
        [str(BIN / "uv"), "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("computecredit-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "computecredit/examples/demo_bank/bank.yaml" in names
    assert any(n.startswith("computecredit/reference/data/") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies come from this environment's site-packages, after the wheel's own files.
    here = next(p for p in sys.path if p.endswith("site-packages"))
    Path(site, "zz_dependencies.pth").write_text(here + "\n")
    installed = subprocess.run(
        [str(BIN / "uv"), "pip", "install", "--no-deps", "--offline", "--python", str(python), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr

    empty = tmp_path / "empty"
    empty.mkdir()
    env = environment(tmp_path, "")
    del env["COMPUTECREDIT_DATA_DIR"], env["COMPUTECREDIT_DATABASE_URL"]  # only the defaults
    env.pop("PYTHONPATH", None)
    port = free_port()
    server = Process(
        [str(venv / "bin" / "computecredit"), "serve", "--demo", "--port", str(port), "--password", DEMO_PASSWORD],
        env,
        tmp_path / "serve.log",
        empty,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/ready", server, timeout=180)
        headers = {
            "Authorization": f"Bearer {token(url, 'risk', DEMO_PASSWORD)}"
        }  # the head office: the whole bank
        borrowers = httpx.get(f"{url}/api/v1/borrowers", headers=headers, timeout=30).json()
        assert borrowers["total"] == 40
        origin = httpx.get(f"{url}/api/v1/projects", headers=headers, timeout=30)
        assert origin.status_code == 200 and len(origin.json()) >= 3
    finally:
        server.kill()
    assert list(empty.iterdir()) == []  # nothing written where the command ran
    assert (tmp_path / "home" / ".local" / "share" / "computecredit" / "computecredit.db").is_file()
    imported = subprocess.run(
        [str(python), "-c", "import computecredit; print(computecredit.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=empty,
    ).stdout
    assert imported.startswith(site)  # the wheel's copy ran, not the repository's


def test_several_web_processes_and_the_cli_write_at_once_without_a_failed_request(
    demo_db: Database, database_url: str, tmp_path: Path
) -> None:
    """`serve --workers 2`, a second `serve`, and `borrower rate` on the command line, all rating at once."""
    target = Database(database_url)
    bank = tmp_path / "demo.jsonl"
    with bank.open("w") as out:
        dump(demo_db, out)
    with bank.open() as lines:
        load(target, lines)
    with target.transaction() as session:
        usccs = [row[0] for row in session.execute(sa.text("SELECT uscc FROM borrowers ORDER BY uscc LIMIT 4"))]
        ratings_before = session.execute(sa.text("SELECT COUNT(*) FROM rating_records")).scalar_one()
        entries_before = _rating_entries(session)

    env = environment(tmp_path, database_url)
    (tmp_path / "b").mkdir()
    codes: Counter[int] = Counter()
    failures: list[str] = []
    with (
        web_servers(tmp_path, env, 1, "--workers", "2") as (pooled,),
        web_servers(tmp_path / "b", env, 1) as (single,),
    ):
        bearer = {"Authorization": f"Bearer {token(pooled, 'analyst', DEMO_PASSWORD)}"}

        def rate_through(url: str) -> None:
            with httpx.Client(base_url=url, headers=bearer, timeout=120) as client:
                for uscc in usccs:
                    for response in (
                        client.post(f"/api/v1/borrowers/{uscc}/ratings", json={}),
                        client.get(f"/api/v1/borrowers/{uscc}/ratings"),
                        client.get("/api/v1/borrowers"),
                    ):
                        codes[response.status_code] += 1
                        if response.status_code >= 400:
                            failures.append(
                                f"{response.request.url}: {response.status_code} {response.text[:200]}"
                            )

        def rate_on_the_command_line() -> None:
            for uscc in usccs[:2]:
                done = subprocess.run(
                    [str(BIN / "computecredit"), "borrower", "rate", uscc, "--json"],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode != 0:
                    failures.append(f"cli: {done.stdout[-300:]} {done.stderr[-300:]}")

        workers = [threading.Thread(target=rate_through, args=(url,)) for url in (pooled, pooled, single)]
        workers.append(threading.Thread(target=rate_on_the_command_line))
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
    assert failures == []
    web_ratings = 3 * len(usccs)
    with target.transaction() as session:
        ratings = session.execute(sa.text("SELECT COUNT(*) FROM rating_records")).scalar_one()
        assert ratings - ratings_before == web_ratings + 2
        assert _rating_entries(session) - entries_before == ratings - ratings_before  # each has its audit entry
        assert audit.verify(session).ok
    target.dispose()
    logged = [
        json.loads(line) for line in (tmp_path / "web0.log").read_text().splitlines() if line.startswith("{")
    ]
    assert any(line.get("request_id") and line.get("route") for line in logged)  # JSON lines with request ids


def _rating_entries(session: sa.orm.Session) -> int:
    return session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "rating.create")) or 0


# --- the jobs added for the cluster: memo PDF and monitoring run ---------------------------------------------


def _finished_job(client: httpx.Client, job_id: str) -> dict:  # type: ignore[type-arg]
    import time

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="the memo PDF needs Chromium")
def test_memo_pdf_and_monitoring_run_as_jobs(server: Server, demo_uscc: str) -> None:
    terms = {"borrower_ref": demo_uscc, "product": "working_capital_loan", "amount": "2000万", "tenor_months": 12}
    with server.client("t_analyst") as client:
        created = client.post("/api/v1/proposals", json=terms)
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        client.post(f"/api/v1/proposals/{pid}/analyse").raise_for_status()
        started = client.post(
            "/api/v1/jobs", json={"kind": "memo.pdf", "params": {"proposal_id": pid, "lang": "en"}}
        )
        assert started.status_code == 202, started.text
        job = _finished_job(client, started.json()["id"])
        assert job["state"] == "done" and job["attempts"] == 1, job
        pdf = client.get(job["links"]["file"])
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert f"P-{pid}-memo-en.pdf" in pdf.headers["content-disposition"]
        # an analyst may not start a monitoring run
        assert client.post("/api/v1/jobs", json={"kind": "monitoring.run"}).status_code == 403
    with server.client("t_risk") as client:
        started = client.post("/api/v1/jobs", json={"kind": "monitoring.run", "params": {"as_of": "2026-06-30"}})
        job = _finished_job(client, started.json()["id"])
        assert job["state"] == "done", job
        result = client.get(job["links"]["result"]).json()
        assert result["as_of"] == "2026-06-30" and len(result["digest"]) == 64
        bad = client.post("/api/v1/jobs", json={"kind": "monitoring.run", "params": {"as_of": "June"}})
        failed = _finished_job(client, bad.json()["id"])
        assert failed["state"] == "failed" and "as_of" in failed["error"]
