"""Login page, logout, and bearer tokens for the API (the only routes, with ``/health``, open to anyone)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from computecredit.errors import PermissionDeniedError
from computecredit.services import audit
from computecredit.web import security
from computecredit.web.app import safe_next
from computecredit.web.auth import users
from computecredit.web.auth.schemas import Me, TokenRequest, TokenResponse
from computecredit.web.deps import TRANSACTION, CurrentUser, current_user, writes
from computecredit.web.errors import problem
from computecredit.web.templating import render

api = APIRouter(prefix="/api/v1/auth", tags=["auth"])
pages = APIRouter(include_in_schema=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _check_password(request: Request, session: Session, username: str, password: str) -> users.UserInfo | None:
    """Throttled password check; failures and successes go to the audit log."""
    throttle: security.LoginThrottle = request.app.state.throttle
    address = _client(request)
    wait = throttle.retry_after(username, address)
    if wait:
        raise _Throttled(wait)
    user = users.authenticate(session, username, password)
    if user is None:
        throttle.fail(username, address)
        audit.append(
            session, username[:64], "auth.login_failed", "user", username[:64], None, {"address": address}
        )
        return None
    throttle.succeed(username)
    return user


class _Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


def _login_page(
    request: Request,
    *,
    error: str | None = None,
    next_path: str = "/",
    status: int = 200,
    retry: int | None = None,
) -> Response:
    token = request.cookies.get(security.LOGIN_CSRF_COOKIE) or security.new_secret()
    request.state.login_csrf = token
    headers = {"Retry-After": str(retry)} if retry else None
    response = render(
        request,
        "login.html",
        {"error": error, "next": next_path, "retry": retry},
        status_code=status,
        headers=headers,
    )
    response.set_cookie(
        security.LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.tls,
        max_age=3600,
    )
    return response


@pages.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_path=safe_next(next))


@pages.post("/login")
@writes
def login(
    request: Request,
    username: str = Form(max_length=64),
    password: str = Form(max_length=256),
    csrf_token: str = Form(""),
    next: str = Form("/"),
    session: Session = TRANSACTION,
) -> Response:
    target = safe_next(next)
    if not security.same(csrf_token, request.cookies.get(security.LOGIN_CSRF_COOKIE)):
        return _login_page(request, error="login.expired", next_path=target, status=400)
    try:
        user = _check_password(request, session, username, password)
    except _Throttled as exc:
        return _login_page(request, error="login.throttled", next_path=target, status=429, retry=exc.retry_after)
    if user is None:
        return _login_page(request, error="login.failed", next_path=target, status=401)
    token, _row = security.issue(session, user.username, "session")
    audit.append(session, user.username, "auth.login", "user", user.username, None, {"via": "session"})
    response = RedirectResponse(target, status_code=303)
    secure = request.app.state.tls or request.url.scheme == "https"
    response.set_cookie(
        security.SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=int(security.SESSION_LIFETIME.total_seconds()),
    )
    response.delete_cookie(security.LOGIN_CSRF_COOKIE)
    return response


@pages.post("/logout")
@writes
def logout(
    request: Request,
    user: CurrentUser = Depends(current_user),
    session: Session = TRANSACTION,
) -> Response:
    cookie = request.cookies.get(security.SESSION_COOKIE)
    if cookie:
        security.revoke(session, cookie)
    audit.append(session, user.username, "auth.logout", "user", user.username, None, None)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE)
    return response


@api.post(
    "/token",
    response_model=TokenResponse,
    summary="Exchange a user name and password for a bearer token",
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many failed attempts"}},
)
@writes
def create_token(request: Request, body: TokenRequest, session: Session) -> Response | TokenResponse:
    from fastapi.responses import JSONResponse

    try:
        user = _check_password(request, session, body.username, body.password)
    except _Throttled as exc:
        return JSONResponse(
            problem(429, detail="too many failed logins; try again later", instance=request.url.path),
            status_code=429,
            media_type="application/problem+json",
            headers={"Retry-After": str(exc.retry_after)},
        )
    if user is None:
        return JSONResponse(
            problem(401, detail="wrong user name or password", instance=request.url.path),
            status_code=401,
            media_type="application/problem+json",
        )
    token, row = security.issue(session, user.username, "api")
    audit.append(session, user.username, "auth.token", "user", user.username, None, {"via": "api"})
    return TokenResponse(access_token=token, expires_at=row.expires_at, username=user.username, role=user.role)


@api.delete("/token", status_code=204, summary="Revoke the bearer token used for this request")
@writes
def revoke_token(
    request: Request,
    user: CurrentUser = Depends(current_user),
    session: Session = TRANSACTION,
) -> Response:
    if user.via != "api":
        raise PermissionDeniedError("only a bearer token can revoke itself; log out to end a session")
    security.revoke(session, request.headers["authorization"].partition(" ")[2].strip())
    audit.append(session, user.username, "auth.revoke", "user", user.username, None, None)
    return Response(status_code=204)


@api.get("/me", response_model=Me, summary="Who the credentials belong to")
def me(user: CurrentUser = Depends(current_user)) -> Me:
    return Me(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        authenticated_by=user.via,
        branch=user.branch.model_dump(mode="json"),
        sees_whole_bank=user.scope.whole_bank,
    )
