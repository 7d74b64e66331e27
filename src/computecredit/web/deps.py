"""Request dependencies: the database, who is asking (session cookie or bearer token), roles, CSRF.

Every route except login, the language switch, static files and ``/health`` depends on
:func:`current_user`; role checks use :func:`require`, and bank-wide functions (administration, the audit
log, monitoring runs) :func:`require_head_office`. Both are enforced on the server for pages and API
alike, whatever the page shows. Which customers a user sees is their :attr:`CurrentUser.scope` (their
branch and the branches below it): every query of customers' data takes it, and anything outside it is
not found (404), never forbidden.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from computecredit.domain.branches import Branch, Scope
from computecredit.errors import PermissionDeniedError
from computecredit.services import audit
from computecredit.services import branches as branch_service
from computecredit.services.workflow import Actor
from computecredit.store import versions as version_store
from computecredit.store.database import Database
from computecredit.web import security
from computecredit.web.auth import users
from computecredit.web.errors import NotAuthenticated

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user of a request and how they authenticated."""

    username: str
    role: str
    display_name: str
    via: str  # "session" or "api"
    branch: Branch
    scope: Scope
    csrf_token: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.branch.level.value, self.scope)


def database(request: Request) -> Database:
    return request.app.state.db


# The default of an endpoint's ``session`` parameter under :func:`writes` or :func:`reads` (they pass the real one).
TRANSACTION: Any = None


# Worker threads per web process for reading (authentication included). More would not add CPU (the GIL lets
# one run at a time), only share it: each query's answer then waits for the GIL behind more threads, and the
# writer (a rating, say) waits longest. Two keep the CPU busy while one waits for the database, and one slow
# read does not hold up all the others. Measured (docs/operations.md, 200 users with think time, two
# processes, PostgreSQL): p95 443 ms with 2 threads, 457 ms with 3, 560 ms with 4 and 1.09 s with 8.
READ_THREADS = 2


def writes(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a (sync) endpoint as one unit of work that writes and appends to the audit log: it receives the
    transaction's ``session`` and is committed whole, or not at all.

    Writers take turns, in the order they came, on a thread of their own (``app.state.writers``, a limiter
    of one): they queue on the event loop, not in worker threads (a queue of writers there once occupied the
    whole pool, and every other request waited behind them), and not behind the readers.
    """
    return _in_unit_of_work(endpoint, write=True)


def reads(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a (sync) endpoint that reads in a unit of work of its own: it receives the ``session``, opened and
    closed (its connection back in the pool) in the endpoint's worker thread, one of the readers'
    (``app.state.readers``, :data:`READ_THREADS`).

    Not a dependency: FastAPI runs a dependency's tear-down, and a sync endpoint's response validation, on
    other threads of the pool, so a session would hold its connection until a thread came free. In a burst
    (200 users' first requests) every thread waited for a connection that only such a tear-down could free,
    and the pool timed out (30 s).
    """
    return _in_unit_of_work(endpoint, write=False)


def _in_unit_of_work(endpoint: Callable[..., Any], *, write: bool) -> Callable[..., Any]:
    """The endpoint as a coroutine that runs it on a worker thread inside one transaction, taken and ended on
    that thread (for writers: after their turn, with the in-process writer's lock)."""
    hints = typing.get_type_hints(endpoint)
    signature = inspect.signature(endpoint)
    parameters = [
        parameter.replace(annotation=hints.get(name, parameter.annotation))
        for name, parameter in signature.parameters.items()
        if name != "session"
    ]
    takes_request = "request" in signature.parameters
    if not takes_request:
        parameters.insert(
            0, inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
        )

    @functools.wraps(endpoint)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        request = kwargs["request"] if takes_request else kwargs.pop("request")
        db = database(request)

        def in_transaction() -> Any:
            with audit.write_transaction(db) if write else db.read_transaction() as session:
                return endpoint(*args, session=session, **kwargs)

        limiter = request.app.state.writers if write else request.app.state.readers
        return await anyio.to_thread.run_sync(in_transaction, limiter=limiter)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=hints.get("return", signature.return_annotation)
    )
    return wrapper


@dataclass(frozen=True)
class _Credentials:
    """What a live login session or API token grants; kept per process until a token, a user or a branch
    changes (the ``access`` token of store/versions.py), so most requests authenticate with one query."""

    username: str
    role: str
    display_name: str
    branch: Branch
    scope: Scope
    csrf_token: str | None
    expires_at: datetime


def _credentials(session: Session, token: str, kind: str) -> _Credentials | None:
    row = security.lookup(session, token, kind)
    if row is None:
        return None
    user = users.find(session, row.username)
    if user is None or not user.active:
        return None
    place = branch_service.standing(session, user.branch_code)
    return _Credentials(
        user.username,
        user.role,
        user.display_name,
        place.branch,
        place.scope,
        row.csrf_token,
        security.expires_at(row),
    )


def _authenticate(db: Database, token: str, via: str) -> CurrentUser | None:
    with db.read_transaction() as session:
        key = (via, security.token_digest(token))
        found = version_store.kept(session, version_store.ACCESS, key, lambda: _credentials(session, token, via))
    if found is None or found.expires_at <= datetime.now(UTC):
        return None
    return CurrentUser(
        found.username, found.role, found.display_name, via, found.branch, found.scope, found.csrf_token
    )


async def current_user(request: Request) -> CurrentUser:
    """Who is asking; raise :class:`NotAuthenticated` if nobody valid. Checks CSRF on unsafe cookie requests."""
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    bearer = credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None
    cookie = None if bearer else request.cookies.get(security.SESSION_COOKIE)
    token, via = (bearer, "api") if bearer else (cookie, "session")
    user = None
    if token:
        user = await anyio.to_thread.run_sync(
            _authenticate, request.app.state.db, token, via, limiter=request.app.state.readers
        )
    if user is None:
        raise NotAuthenticated()
    if user.via == "session" and request.method in UNSAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not security.same(sent, user.csrf_token):
            raise PermissionDeniedError(
                "the form has expired or did not come from this site (CSRF); reload the page"
            )
    request.state.user = user
    return user


def require(*roles: str) -> Callable[[CurrentUser], Awaitable[CurrentUser]]:
    """A dependency that lets through only users with one of ``roles``."""

    # Async although it awaits nothing: FastAPI would run a plain function on the thread pool, a hop that
    # every request would pay for one comparison.
    async def check(user: CurrentUser = Depends(current_user)) -> CurrentUser:
        if user.role not in roles:
            raise PermissionDeniedError(f"role {user.role} may not do this; needs one of: {', '.join(roles)}")
        return user

    return check


def require_head_office(*roles: str) -> Callable[[CurrentUser], Awaitable[CurrentUser]]:
    """Like :func:`require`, for functions over the whole bank: the user must also work at the head office."""

    async def check(user: CurrentUser = Depends(require(*roles))) -> CurrentUser:
        if not user.scope.whole_bank:
            raise PermissionDeniedError(
                f"only the head office may do this; {user.username} works at branch {user.branch.code}"
            )
        return user

    return check


ALL_ROLES = ("analyst", "approver", "risk_manager", "admin")
CREDIT_ROLES = ("analyst", "approver", "risk_manager")
