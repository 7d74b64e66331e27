"""Real processes for operations tests: web servers (``computecredit serve``), a Dask scheduler and workers.

Each process gets its own log file under the test's folder, shown when it does not come up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from tests.web.support import free_port

BIN = Path(sys.executable).parent


def environment(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a deployed process: its own data directory and no settings file of the machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPUTECREDIT_", "PROMETHEUS_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        COMPUTECREDIT_DATA_DIR=str(tmp_path / "data"),
        COMPUTECREDIT_DATABASE_URL=database_url,
        COMPUTECREDIT_LOG_FORMAT="json",
        **extra,
    )
    return env


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.log = log
        self.handle = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.handle.poll() is None:
            os.killpg(self.handle.pid, sig)  # the process group: uvicorn's worker processes go too
            self.handle.wait(timeout=30)


def wait_http(url: str, process: Process, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.handle.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{process.output()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s:\n{process.output()[-4000:]}")


@contextmanager
def web_servers(tmp_path: Path, env: dict[str, str], count: int, *extra: str) -> Iterator[list[str]]:
    """``count`` separate ``computecredit serve`` processes on the database of ``env``; yields their URLs."""
    processes, urls = [], []
    try:
        for index in range(count):
            port = free_port()
            process = Process(
                [str(BIN / "computecredit"), "serve", "--port", str(port), *extra],
                env,
                tmp_path / f"web{index}.log",
                tmp_path,
            )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_http(f"{url}/ready", process)
        yield urls
    finally:
        for process in processes:
            process.kill(signal.SIGTERM)


def token(url: str, username: str, password: str) -> str:
    response = httpx.post(
        f"{url}/api/v1/auth/token", json={"username": username, "password": password}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
