"""The FastAPI application factory: pages, the REST API, security middleware and error handlers.

>>> from computecredit.store.database import Database
>>> app = create_app(Database("sqlite:///:memory:"))
>>> "/api/v1/openapi.json" in {getattr(r, "path", "") for r in app.routes}
True
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from computecredit import __version__
from computecredit.services.jobs import JobRunner
from computecredit.store.database import Database
from computecredit.store.schema import require_current
from computecredit.web import deps, errors, i18n, observability, security
from computecredit.web.deps import current_user

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("computecredit.web")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths may be redirected to (no open redirect).

    >>> safe_next("/borrowers?q=1"), safe_next("//evil.example"), safe_next("https://evil.example")
    ('/borrowers?q=1', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


class _Protections:
    """Language per request; security headers and no caching of anything but static files.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` runs each request in an extra task with
    its body streamed through memory queues, a cost every request paid for three headers.
    """

    def __init__(self, app: ASGIApp, tls: bool) -> None:
        self.app = app
        self.tls = tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        lang = i18n.pick_language(request.headers.get("accept-language"), request.cookies.get(i18n.COOKIE))
        request.state.lang = lang
        tls = self.tls or request.url.scheme == "https"
        cacheable = request.url.path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security.security_headers(tls).items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers.setdefault("Cache-Control", "no-store")
                headers.setdefault("Content-Language", lang)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(db: Database, *, tls: bool = False, job_scheduler: str | None = None) -> FastAPI:
    """The workbench app on ``db`` (already migrated). ``tls=True`` forces Secure cookies and HSTS.

    Jobs go to the Dask scheduler at ``job_scheduler``, or to a local cluster started on first use.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await anyio.to_thread.run_sync(app.state.jobs.recover)
        except OSError as exc:  # the scheduler is down: serve anyway; /ready says so until it is back
            log.error("could not reach the job cluster at start: %s", exc)
        try:
            await anyio.to_thread.run_sync(db.fill_pool)
        except sa.exc.DBAPIError as exc:  # the database is down: serve anyway; /ready says so until it is back
            log.error("could not reach the database at start: %s", exc)
        yield
        await anyio.to_thread.run_sync(app.state.jobs.shutdown)

    app = FastAPI(
        lifespan=lifespan,
        title="computecredit API",
        version=__version__,
        description="Credit origination and credit risk for the AI-compute industry chain. "
        "Authenticate with a bearer token from POST /api/v1/auth/token. Errors are RFC 9457 problem details.",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.state.tls = tls
    app.state.throttle = security.LoginThrottle()
    app.state.readers = anyio.CapacityLimiter(deps.READ_THREADS)  # see deps.reads
    app.state.writers = anyio.CapacityLimiter(1)  # see deps.writes
    app.state.jobs = JobRunner(db, scheduler=job_scheduler)
    app.add_middleware(_Protections, tls=tls)
    app.add_middleware(observability.RequestContext)  # outermost: it times and logs every response
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    from computecredit.web.admin import router as admin
    from computecredit.web.auth import router as auth
    from computecredit.web.borrowers import router as borrowers
    from computecredit.web.dashboard import router as dashboard
    from computecredit.web.facilities import router as facilities
    from computecredit.web.jobs import router as jobs
    from computecredit.web.monitoring import router as monitoring
    from computecredit.web.portfolio import router as portfolio
    from computecredit.web.programmes import router as programmes
    from computecredit.web.projects import router as projects
    from computecredit.web.proposals import router as proposals

    for module in (
        auth,
        dashboard,
        borrowers,
        projects,
        proposals,
        facilities,
        portfolio,
        programmes,
        monitoring,
        jobs,
        admin,
    ):
        app.include_router(module.api)
        app.include_router(module.pages)

    @app.get("/health", tags=["health"], summary="Liveness: the process answers (no credentials needed)")
    async def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get(
        "/ready",
        tags=["health"],
        summary="Readiness: the database answers with the current schema, and the job cluster is reachable",
        responses={503: {"description": "Not ready; the body names what is missing"}},
    )
    def ready() -> JSONResponse:
        checks = {"database": _check(lambda: require_current(db)), "jobs": _check(app.state.jobs.check)}
        ok = all(value == "ok" for value in checks.values())
        return JSONResponse({"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        body, media_type = observability.metrics_text()
        return Response(body, media_type=media_type)

    @app.get("/lang/{code}", include_in_schema=False)
    def switch_language(code: str, next: str | None = None) -> Response:
        response = RedirectResponse(safe_next(next), status_code=303)
        chosen = i18n.normalise(code)
        if chosen:
            response.set_cookie(
                i18n.COOKIE, chosen, max_age=365 * 86400, samesite="lax", httponly=True, secure=tls
            )
        return response

    @app.get("/api/v1/openapi.json", include_in_schema=False, dependencies=[Depends(current_user)])
    def openapi_document() -> JSONResponse:
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            app.openapi_schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = {
                "type": "http",
                "scheme": "bearer",
            }
            app.openapi_schema["security"] = [{"bearer": []}]
        return JSONResponse(app.openapi_schema)

    return app


def _check(probe: Callable[[], object]) -> str:
    """``ok``, or why the probe failed (for ``/ready``; the trace goes to the log)."""
    try:
        probe()
    except Exception as exc:
        log.warning("readiness check failed: %s", exc)
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def from_settings() -> FastAPI:
    """The app on the database of the environment's settings (for ``uvicorn --factory``); migrates it first.

    ``uvicorn --factory computecredit.web.app:from_settings --workers 4`` serves it with several processes
    (``computecredit serve --workers 4`` does the same); see docs/operations.md.
    """
    from computecredit.config import get_settings

    settings = get_settings()
    observability.configure_logging(settings.log_format, settings.log_level)
    db = Database(settings.database_url)
    db.upgrade()
    app = create_app(db, job_scheduler=settings.dask_scheduler)
    freeze_heap()
    return app


def freeze_heap() -> None:
    """Leave what the process has loaded so far (libraries, tables, reference data) out of every later garbage
    collection: a full collection otherwise walks all of it, hundreds of thousands of objects, while requests
    wait (https://docs.python.org/3/library/gc.html#gc.freeze). For a process that serves, once it is set up."""
    gc.collect()
    gc.freeze()
