"""``computecredit serve``: migrate the database, optionally load the demo bank, and serve the workbench.

With ``--workers N`` uvicorn runs N processes of :func:`computecredit.web.app.from_settings`; they share
the settings (environment, or the TOML file named by ``COMPUTECREDIT_CONFIG``), the database (use
PostgreSQL) and the job cluster, and ``/metrics`` sums them (``PROMETHEUS_MULTIPROC_DIR``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import typer

from computecredit.cli.common import console, report_errors
from computecredit.cli.db import shown_url
from computecredit.config import get_settings
from computecredit.store.database import Database


@report_errors
def serve(
    demo: bool = typer.Option(False, "--demo", help="Load the demo bank first if the database is empty."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    password: str | None = typer.Option(
        None, "--password", help="Password for the demo users (default: a random one, printed once)."
    ),
    ssl_certfile: Path | None = typer.Option(
        None, "--ssl-certfile", exists=True, help="Serve over TLS with this certificate."
    ),
    ssl_keyfile: Path | None = typer.Option(
        None, "--ssl-keyfile", exists=True, help="Private key of the certificate."
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Web processes (more than one: use PostgreSQL, see docs/operations.md).",
    ),
) -> None:
    """Serve the workbench (pages and REST API /api/v1) with uvicorn."""
    import uvicorn

    from computecredit.web.app import create_app, freeze_heap
    from computecredit.web.observability import logging_config

    settings = get_settings()
    db = Database(settings.database_url)
    db.upgrade()
    if demo:
        from computecredit.services import demo as demo_bank

        if demo_bank.is_empty(db):
            loaded = demo_bank.load_demo_bank(db, password=password)
            console.print(
                f"[bold]Demo bank loaded[/]: {loaded['bank']} ({loaded['bank_en']}), {loaded['borrowers']} borrowers.",
                soft_wrap=True,
            )
            console.print("Demo users (the passwords are shown only this once):")
            for user in loaded["users"]:
                console.print(
                    f"  {user['username']:<15} {user['role']:<13} {user['branch']:<34} "
                    f"password: {user['password']}  → {user['log_in_to']}",
                    highlight=False,
                    soft_wrap=True,
                )
        else:
            console.print(
                "Database already holds data; demo users keep the passwords printed when they were created."
            )
    tls = ssl_certfile is not None and ssl_keyfile is not None
    url = f"{'https' if tls else 'http'}://{host}:{port}"
    console.print(
        f"computecredit workbench: [bold]{url}[/]  (REST API {url}/api/v1, OpenAPI {url}/api/v1/openapi.json)",
        soft_wrap=True,
    )
    console.print(
        f"data directory {settings.data_dir}, database {shown_url(db)}, "
        f"jobs on {settings.dask_scheduler or 'a local Dask cluster'}, {workers} web process(es)",
        soft_wrap=True,
        highlight=False,
    )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "ssl_certfile": str(ssl_certfile) if ssl_certfile else None,
        "ssl_keyfile": str(ssl_keyfile) if ssl_keyfile else None,
        "server_header": False,
        "log_config": logging_config(settings.log_format, settings.log_level),
    }
    if workers == 1:
        app = create_app(db, tls=tls, job_scheduler=settings.dask_scheduler)
        freeze_heap()
        uvicorn.run(app, **options)
        return
    db.dispose()
    # Each worker process keeps its metrics in files here; /metrics in any of them sums them all.
    metrics_dir = settings.data_dir / "prometheus"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    uvicorn.run("computecredit.web.app:from_settings", factory=True, workers=workers, **options)
