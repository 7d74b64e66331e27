"""A real uvicorn server on a free loopback port, on a fresh SQLite database with the demo bank and test users.

The server runs in a thread of the test process, so tests can also reach its app (``server.app``) and
database (``server.db``) to set up state or reset the login throttle.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from tests.web.support import BORROWER_USCC, PASSWORD, USERS, Server, start_server

from computecredit.domain.borrowers import Borrower
from computecredit.domain.users import User
from computecredit.services import demo
from computecredit.store.borrowers import list_borrowers, list_statements, save_borrower
from computecredit.store.database import Database
from computecredit.store.users import add_user


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("web") / "workbench.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    demo.load_demo_bank(db, password=PASSWORD)
    with db.transaction() as session:
        for username, role in USERS.items():
            add_user(session, User(username=username, display_name=username, role=role), PASSWORD)
        save_borrower(
            session,
            Borrower(
                uscc=BORROWER_USCC,
                name_zh="北京测试算力科技有限公司",
                name_en="Beijing Test Compute Technology Co.",
                segment="compute_leasing_cloud",
                province="beijing",
                hub="京津冀",
                ownership="private",
                employees=120,
                revenue=Decimal("2e8"),
                total_assets=Decimal("6e8"),
            ),
        )
    uv, thread, url, app = start_server(db)
    tokens = {}
    with httpx.Client(base_url=url) as client:
        for username in USERS:
            response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
            response.raise_for_status()
            tokens[username] = response.json()["access_token"]
    try:
        yield Server(url, app, db, tokens)
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
        db.dispose()


@pytest.fixture(scope="session")
def demo_uscc(server: Server) -> str:
    """A demo borrower with at least two years of statements (what the facilities engine needs)."""
    with server.db.transaction() as session:
        for borrower in list_borrowers(session):
            if len(list_statements(session, borrower.uscc)) >= 2 and borrower.segment.value == "servers_hardware":
                return borrower.uscc
    raise AssertionError("the demo bank has no server maker with statements")
