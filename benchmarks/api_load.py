"""Load test of the REST API and the pages: p50/p95 latency and throughput with N concurrent users, on loopback only.

Starts a real server (``computecredit serve``, a separate process; ``--workers N`` uvicorn processes) on
127.0.0.1 with a fresh database holding the demo bank (SQLite, or with ``--postgres URL`` a new database on
that PostgreSQL server, dropped at the end), then runs N concurrent clients (asyncio + aiohttp) for a fixed
time. Traffic goes only to 127.0.0.1 and stops by itself. Two ways to load it:

- closed loop (the default): each user sends its next request as soon as the last one is answered, so the
  server is always saturated and latency is mostly queueing (about users / throughput);
- ``--think-time MIN MAX``: like people at a desk (locust's ``wait_time = between(MIN, MAX)``), each user
  pauses a uniformly random time between requests, and starts after such a pause.

    .venv/bin/python benchmarks/api_load.py --users 50 --seconds 20
    .venv/bin/python benchmarks/api_load.py --users 50 --seconds 20 --think-time 0.5 1.5
    .venv/bin/python benchmarks/api_load.py --users 5 --seconds 2     # a smoke run

The workbench pages a credit officer opens all day (issue 14: p95 under 300 ms at 10 users with think time):

    .venv/bin/python benchmarks/api_load.py --users 10 --seconds 60 --think-time 1 3 \
        --scenarios dashboard,borrower_list,borrower_page
    # 200 people at their desks, two web processes on PostgreSQL, mixed rating, preview and reads:
    .venv/bin/python benchmarks/api_load.py --users 200 --seconds 60 --think-time 0.5 1.5 --workers 2 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres --scenarios mixed
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx

PASSWORD = "bench-password-1"
LOOPBACK = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _prepare(url: str) -> tuple[list[dict], dict[str, list[str]]]:
    """The demo bank in a fresh database; its users, and for each user the borrowers with statements to rate
    among those they see (their branch and those below it)."""
    from computecredit.domain.branches import scope_of
    from computecredit.services import demo
    from computecredit.store import borrowers as borrower_store
    from computecredit.store import branches as branch_store
    from computecredit.store import users as user_store
    from computecredit.store.database import Database

    db = Database(url)
    loaded = demo.load_demo_bank(db, password=PASSWORD)
    with db.transaction() as session:
        with_statements = {
            b.uscc
            for b in borrower_store.list_borrowers(session)
            if borrower_store.list_statements(session, b.uscc)
        }
        tree = branch_store.list_branches(session)
        rated = {
            u.username: sorted(
                with_statements & borrower_store.usccs_in_scope(session, scope_of(tree, u.branch_code))
            )
            for u in user_store.list_users(session)
        }
    db.dispose()
    return loaded["users"], rated


def _start_server(database_url: str, port: int, workers: int, folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "COMPUTECREDIT_DATABASE_URL": database_url,
        "COMPUTECREDIT_DATA_DIR": str(folder),
    }
    command = [
        str(Path(sys.executable).parent / "computecredit"),
        "serve",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
    ]
    command += ["--workers", str(workers)]
    # The server's JSON request log goes to a file, as a deployment's would, not to this terminal.
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "server.log").open("wb"),
        start_new_session=True,  # its own process group: stopping it stops its worker processes too
    )
    deadline = time.monotonic() + 180  # imports and migrations take a while on a busy machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{LOOPBACK}:{port}/ready", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not start")


@contextmanager
def _database(folder: Path, postgres: str | None) -> Iterator[str]:
    """A fresh database: a SQLite file in ``folder``, or a new database on the PostgreSQL server ``postgres``."""
    if not postgres:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    import sqlalchemy as sa

    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Answer:
    status_code: int


class Client:
    """A simulated user's connection: aiohttp, whose C parser costs the load generator about a third of the
    CPU that httpx's pure-Python one did; on one machine, every cycle the generator spends is taken from the
    server it measures. Each answer is read whole before the next request."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        async with self.session.get(path, params=params) as response:
            await response.read()
            return Answer(response.status)

    async def post(self, path: str, json: dict[str, Any] | None = None) -> Answer:
        async with self.session.post(path, json=json) as response:
            await response.read()
            return Answer(response.status)


Scenario = Callable[[Client, int], Awaitable[tuple[str, Answer]]]


def _scenarios(context: dict) -> dict[str, Scenario]:
    async def proposal_create(client: Client, n: int) -> tuple[str, Answer]:
        body = {
            "borrower_ref": context["borrower"],
            "product": "working_capital_loan",
            "amount": f"{1000 + n % 4000}万",
            "tenor_months": 12,
        }
        return "POST /api/v1/proposals", await client.post("/api/v1/proposals", json=body)

    async def proposal_read(client: Client, n: int) -> tuple[str, Answer]:
        return "GET /api/v1/proposals?limit=20", await client.get("/api/v1/proposals", params={"limit": 20})

    async def rating(client: Client, n: int) -> tuple[str, Answer]:
        uscc = context["rated"][n % len(context["rated"])]
        return "POST /api/v1/borrowers/{uscc}/ratings", await client.post(
            f"/api/v1/borrowers/{uscc}/ratings", json={}
        )

    async def proposal_preview(client: Client, n: int) -> tuple[str, Answer]:
        body = {
            "borrower_ref": context["borrower"],
            "product": "credit_line",
            "amount": f"{2000 + n % 3000}万",
            "tenor_months": 12,
            "deal": {"spread_bp": 80},
        }
        return "POST /api/v1/proposals/preview", await client.post("/api/v1/proposals/preview", json=body)

    async def dashboard(client: Client, n: int) -> tuple[str, Answer]:
        return "GET / (dashboard page)", await client.get("/")

    async def borrower_list(client: Client, n: int) -> tuple[str, Answer]:
        sort = ("name", "pd", "exposure", "alerts")[n % 4]
        return "GET /borrowers (list page)", await client.get("/borrowers", params={"sort": sort, "desc": "true"})

    async def borrower_page(client: Client, n: int) -> tuple[str, Answer]:
        uscc = context["rated"][n % len(context["rated"])]
        return "GET /borrowers/{uscc} (page)", await client.get(f"/borrowers/{uscc}")

    async def borrower_read(client: Client, n: int) -> tuple[str, Answer]:
        uscc = context["rated"][n % len(context["rated"])]
        return "GET /api/v1/borrowers/{uscc}", await client.get(f"/api/v1/borrowers/{uscc}")

    async def borrower_search(client: Client, n: int) -> tuple[str, Answer]:
        return "GET /api/v1/borrowers?limit=20", await client.get("/api/v1/borrowers", params={"limit": 20})

    return {
        "dashboard": dashboard,
        "borrower_list": borrower_list,
        "borrower_page": borrower_page,
        "rating": rating,
        "proposal_create": proposal_create,
        "proposal_read": proposal_read,
        "proposal_preview": proposal_preview,
        "borrower_read": borrower_read,
        "borrower_search": borrower_search,
    }


# What people at a bank's desks mostly do: read, and now and then rate a borrower or preview a proposal.
MIXED = ("borrower_read", "rating", "borrower_search", "proposal_preview", "proposal_read", "borrower_read")


async def _user(
    base: str,
    token: str,
    scenarios: list[Scenario],
    until: float,
    think: tuple[float, float],
    rng: random.Random,
    results: dict,
    errors: dict,
) -> None:
    async with aiohttp.ClientSession(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:
        client = Client(session)
        n = 0
        while True:
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= until:
                break
            scenario = scenarios[n % len(scenarios)]
            start = time.perf_counter()
            try:
                name, response = await scenario(client, n)
                failed = response.status_code >= 400
            except (aiohttp.ClientError, TimeoutError):  # no answer within the timeout: an error; the run goes on
                name, failed = f"{scenario.__name__}: no answer", True
            results[name].append(time.perf_counter() - start)
            if failed:
                errors[name] += 1
            n += 1


def _report(
    results: dict[str, list[float]], errors: dict[str, int], seconds: float, users: int, setup: dict[str, object]
) -> None:
    think = setup["think"]
    assert isinstance(think, tuple)
    mode = f"think time {think[0]:g}-{think[1]:g} s" if think[1] > 0 else "closed loop, no think time"
    print(
        f"{users} concurrent users ({mode}), {seconds:.0f} s, server on {LOOPBACK} "
        f"({setup['workers']} uvicorn process(es), {setup['backend']})"
    )
    print(f"{'endpoint':<34} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    every = [t for times in results.values() for t in times]
    rows = [*sorted(results.items()), ("all", every)]
    total_errors = {**errors, "all": sum(errors.values())}
    for name, times in rows:
        ordered = sorted(times)
        q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else [ordered[0]] * 99
        print(
            f"{name:<34} {len(times):>9} {total_errors.get(name, 0):>7} {len(times) / seconds:>8.1f} "
            f"{statistics.median(ordered) * 1000:>8.1f} {q[94] * 1000:>8.1f} {q[98] * 1000:>8.1f}"
        )


async def _run(
    base: str,
    tokens: list[str],
    context: list[dict],
    users: int,
    seconds: float,
    names: list[str],
    setup: dict[str, object],
) -> None:
    think = setup["think"]
    assert isinstance(think, tuple)
    chosen = [[_scenarios(own)[name] for name in names] for own in context]
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    until = time.monotonic() + seconds
    # One seeded generator per user: the same pauses on every run.
    await asyncio.gather(
        *(
            _user(
                base,
                tokens[i % len(tokens)],
                chosen[i % len(tokens)],
                until,
                think,
                random.Random(i),
                results,
                errors,
            )
            for i in range(users)
        )
    )
    _report(results, errors, seconds, users, setup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--scenarios",
        default="rating",
        help="comma-separated: rating, proposal_create, proposal_read, proposal_preview, borrower_read, "
        "borrower_search, dashboard, borrower_list, borrower_page (run in turn by each user), or mixed: "
        + ",".join(MIXED),
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes of the server (default 1)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres): "
        "the benchmark creates its own database there and drops it; default a SQLite file",
    )
    parser.add_argument(
        "--think-time",
        type=float,
        nargs=2,
        default=(0.0, 0.0),
        metavar=("MIN", "MAX"),
        help="seconds each user pauses before each request, uniformly between MIN and MAX (default: none)",
    )
    args = parser.parse_args()
    think = (args.think_time[0], args.think_time[1])
    if not 0 <= think[0] <= think[1]:
        parser.error("--think-time needs 0 <= MIN <= MAX")
    names = list(MIXED) if args.scenarios == "mixed" else args.scenarios.split(",")
    setup = {"think": think, "workers": args.workers, "backend": "PostgreSQL" if args.postgres else "SQLite"}
    with tempfile.TemporaryDirectory() as tmp, _database(Path(tmp), args.postgres) as url:
        users, rated = _prepare(url)
        port = _free_port()
        server = _start_server(url, port, args.workers, Path(tmp))
        base = f"http://{LOOPBACK}:{port}"
        try:
            # Analysts may rate and propose; every simulated user borrows an analyst's token and works on the
            # borrowers of that analyst's branch.
            analysts = [u["username"] for u in users if u["role"] == "analyst"]
            with httpx.Client(base_url=base) as client:
                tokens = [
                    client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD}).json()[
                        "access_token"
                    ]
                    for name in analysts
                ]
            context = [{"borrower": rated[name][0], "rated": rated[name]} for name in analysts]
            asyncio.run(_run(base, tokens, context, args.users, args.seconds, names, setup))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
