"""Errors as RFC 9457 problem details on the API and as a friendly page in the browser; never a trace.

>>> problem(404, "Not Found", "no borrower 7", instance="/api/v1/borrowers/7")["type"]
'about:blank'
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from computecredit.errors import (
    InputError,
    NotFoundError,
    PermissionDeniedError,
    WorkflowError,
    from_validation_error,
)
from computecredit.jsonable import to_jsonable

log = logging.getLogger("computecredit.web")

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class NotAuthenticated(Exception):
    """No valid credentials: the API answers 401, pages redirect to the login page."""


def problem(
    status: int, title: str | None = None, detail: str | None = None, *, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A problem-details document (RFC 9457)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title or TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _respond(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    if is_api(request):
        return JSONResponse(
            problem(status, detail=detail, instance=request.url.path, **extra),
            status_code=status,
            media_type=PROBLEM_JSON,
            headers=headers,
        )
    from computecredit.web.templating import render

    return render(
        request,
        "error.html",
        {"status": status, "detail": detail, "problems": extra.get("errors", [])},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into a problem document or an error page."""

    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
        if is_api(request):
            return _respond(
                request, 401, "credentials are required", {"WWW-Authenticate": 'Bearer realm="computecredit"'}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
        return _respond(request, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
                or "(root)",
                "value": to_jsonable(e.get("input"), exact=True),
                "rule": e.get("msg", "invalid"),
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"field '{e['field']}': {e['rule']}" for e in errors)
        return _respond(request, 422, detail, errors=errors)

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, exc: ValidationError) -> Response:
        return await _input(request, from_validation_error(exc))

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return _respond(request, 422, str(exc), errors=[p.as_dict() for p in exc.problems])

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _respond(request, 404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(PermissionDeniedError)
    async def _denied(request: Request, exc: PermissionDeniedError) -> Response:
        return _respond(request, 403, str(exc))

    @app.exception_handler(WorkflowError)
    async def _workflow(request: Request, exc: WorkflowError) -> Response:
        return _respond(request, 409, str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _respond(request, 500, "an internal error occurred; it has been logged")
