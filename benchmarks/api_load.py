"""Load test of the REST API and the pages: p50/p95 latency and throughput with N concurrent users, on loopback only.

Starts a real uvicorn server (a separate process) on 127.0.0.1 with a fresh SQLite database holding the
demo bank, then runs N concurrent clients (asyncio + httpx) for a fixed time. Traffic goes only to
127.0.0.1 and stops by itself. Two ways to load it:

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
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

PASSWORD = "bench-password-1"
LOOPBACK = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _prepare(url: str) -> tuple[list[dict], list[str]]:
    """The demo bank in a fresh database; its users, and the borrowers that have statements to rate."""
    from computecredit.services import demo
    from computecredit.store import borrowers as borrower_store
    from computecredit.store.database import Database

    db = Database(url)
    loaded = demo.load_demo_bank(db, password=PASSWORD)
    with db.transaction() as session:
        rated = [
            b.uscc
            for b in borrower_store.list_borrowers(session)
            if borrower_store.list_statements(session, b.uscc)
        ]
    db.dispose()
    return loaded["users"], rated


def _start_server(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "COMPUTECREDIT_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "uvicorn", "--factory", "computecredit.web.app:from_settings"]
    command += ["--host", LOOPBACK, "--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 180  # imports and migrations take a while on a busy machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{LOOPBACK}:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server did not start")


Scenario = Callable[[httpx.AsyncClient, int], Awaitable[tuple[str, httpx.Response]]]


def _scenarios(context: dict) -> dict[str, Scenario]:
    async def proposal_create(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        body = {
            "borrower_ref": context["borrower"],
            "product": "working_capital_loan",
            "amount": f"{1000 + n % 4000}万",
            "tenor_months": 12,
        }
        return "POST /api/v1/proposals", await client.post("/api/v1/proposals", json=body)

    async def proposal_read(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        return "GET /api/v1/proposals?limit=20", await client.get("/api/v1/proposals", params={"limit": 20})

    async def rating(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        uscc = context["rated"][n % len(context["rated"])]
        return "POST /api/v1/borrowers/{uscc}/ratings", await client.post(
            f"/api/v1/borrowers/{uscc}/ratings", json={}
        )

    async def proposal_preview(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        body = {
            "borrower_ref": context["borrower"],
            "product": "credit_line",
            "amount": f"{2000 + n % 3000}万",
            "tenor_months": 12,
            "deal": {"spread_bp": 80, "pd": 0.02},
        }
        return "POST /api/v1/proposals/preview", await client.post("/api/v1/proposals/preview", json=body)

    async def dashboard(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        return "GET / (dashboard page)", await client.get("/")

    async def borrower_list(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        sort = ("name", "pd", "exposure", "alerts")[n % 4]
        return "GET /borrowers (list page)", await client.get("/borrowers", params={"sort": sort, "desc": "true"})

    async def borrower_page(client: httpx.AsyncClient, n: int) -> tuple[str, httpx.Response]:
        uscc = context["rated"][n % len(context["rated"])]
        return "GET /borrowers/{uscc} (page)", await client.get(f"/borrowers/{uscc}")

    return {
        "dashboard": dashboard,
        "borrower_list": borrower_list,
        "borrower_page": borrower_page,
        "rating": rating,
        "proposal_create": proposal_create,
        "proposal_read": proposal_read,
        "proposal_preview": proposal_preview,
    }


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
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        n = 0
        while True:
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= until:
                break
            scenario = scenarios[n % len(scenarios)]
            start = time.perf_counter()
            name, response = await scenario(client, n)
            elapsed = time.perf_counter() - start
            results[name].append(elapsed)
            if response.status_code >= 400:
                errors[name] += 1
            n += 1


def _report(
    results: dict[str, list[float]], errors: dict[str, int], seconds: float, users: int, think: tuple[float, float]
) -> None:
    mode = f"think time {think[0]:g}-{think[1]:g} s" if think[1] > 0 else "closed loop, no think time"
    print(f"{users} concurrent users ({mode}), {seconds:.0f} s, server on {LOOPBACK} (1 uvicorn process, SQLite)")
    print(f"{'endpoint':<34} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, times in sorted(results.items()):
        ordered = sorted(times)
        q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else [ordered[0]] * 99
        print(
            f"{name:<34} {len(times):>9} {errors[name]:>7} {len(times) / seconds:>8.1f} "
            f"{statistics.median(ordered) * 1000:>8.1f} {q[94] * 1000:>8.1f} {q[98] * 1000:>8.1f}"
        )


async def _run(
    base: str,
    tokens: list[str],
    context: dict,
    users: int,
    seconds: float,
    names: list[str],
    think: tuple[float, float],
) -> None:
    scenarios = _scenarios(context)
    chosen = [scenarios[name] for name in names]
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    until = time.monotonic() + seconds
    # One seeded generator per user: the same pauses on every run.
    await asyncio.gather(
        *(
            _user(base, tokens[i % len(tokens)], chosen, until, think, random.Random(i), results, errors)
            for i in range(users)
        )
    )
    _report(results, errors, seconds, users, think)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--scenarios",
        default="rating",
        help="comma-separated: rating, proposal_create, proposal_read, proposal_preview, dashboard, borrower_list, "
        "borrower_page (run in turn by each user)",
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
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        users, rated = _prepare(url)
        port = _free_port()
        server = _start_server(url, port)
        base = f"http://{LOOPBACK}:{port}"
        try:
            # Analysts may rate and propose; every simulated user borrows an analyst's token.
            analysts = [u["username"] for u in users if u["role"] == "analyst"]
            with httpx.Client(base_url=base) as client:
                tokens = [
                    client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD}).json()[
                        "access_token"
                    ]
                    for name in analysts
                ]
            context = {"borrower": rated[0], "rated": rated}
            asyncio.run(_run(base, tokens, context, args.users, args.seconds, args.scenarios.split(","), think))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
