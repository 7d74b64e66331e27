"""Helpers for tests against a real server: start uvicorn on a free loopback port, log in like a browser."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from computecredit.services import statements as statement_service
from computecredit.store.borrowers import list_statements
from computecredit.store.database import Database
from computecredit.web import security
from computecredit.web.app import create_app

PASSWORD = "test-password-1"
# One user per role, and a second analyst and approver for four-eyes cases.
USERS = {
    "t_analyst": "analyst",
    "t_analyst2": "analyst",
    "t_approver": "approver",
    "t_approver2": "approver",
    "t_risk": "risk_manager",
    "t_admin": "admin",
}
# A borrower of the tests' own, beside the demo book.
BORROWER_USCC = "91110000MA0WEB001Q"
ROLE_USER: dict[str, str] = {
    "analyst": "t_analyst",
    "approver": "t_approver",
    "risk_manager": "t_risk",
    "admin": "t_admin",
}


@dataclass
class Server:
    url: str
    app: FastAPI
    db: Database
    tokens: dict[str, str]

    def client(self, username: str | None = None, **kwargs) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)

    def reset_throttle(self) -> None:
        self.app.state.throttle = security.LoginThrottle()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Database, **app_kwargs) -> tuple[uvicorn.Server, threading.Thread, str, FastAPI]:
    app = create_app(db, **app_kwargs)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", server_header=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}", app


def browser_login(server: Server, username: str) -> httpx.Client:
    """An httpx client logged in through the login form, as a browser would be (cookie + CSRF token)."""
    client = httpx.Client(base_url=server.url, timeout=30, follow_redirects=False)
    page = client.get("/login")
    csrf = hidden(page.text, "csrf_token")
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf, "next": "/"}
    )
    assert response.status_code == 303, response.text
    return client


def hidden(html: str, name: str) -> str:
    import re

    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def csrf_of(client: httpx.Client, path: str = "/") -> str:
    return hidden(client.get(path).text, "csrf_token")


def statements_csv(server: Server, source_uscc: str, target_uscc: str, tmp_path: Path, **changes: str) -> bytes:
    """The demo statements of one borrower, re-labelled for another (and optionally altered), as CSV."""
    with server.db.transaction() as session:
        statements = [
            s.model_copy(update={"borrower_uscc": target_uscc}) for s in list_statements(session, source_uscc)
        ]
    path = tmp_path / "statements.csv"
    statement_service.write_csv(path, statements)
    if not changes:
        return path.read_bytes()
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    for row in rows:
        row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
