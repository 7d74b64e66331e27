"""Credentials and protections: session cookies, API bearer tokens, CSRF, login throttling, headers.

- A session or API token is 32 random bytes; only its SHA-256 is stored (``auth_tokens``), so a copy of
  the database does not let anyone log in. Logging out revokes the row.
- Session cookies are HttpOnly and SameSite=Lax, and Secure whenever the request came over TLS.
- Every unsafe request authenticated by a cookie must carry the session's CSRF token (form field
  ``csrf_token`` or header ``X-CSRF-Token``); bearer-token requests need none (browsers never send them
  on their own).
- Failed logins are limited per user name: after :attr:`LoginThrottle.max_failures` (5) failures for one
  name within the window (15 minutes), further attempts for that name are refused until the window passes.
  One client address has a far higher limit, :attr:`LoginThrottle.max_failures_per_address` (100): a whole
  office behind one proxy shares an address, and one user's typos must not lock out their colleagues; the
  address limit only stops one machine from trying password after password across many names.

>>> throttle = LoginThrottle(max_failures=2, max_failures_per_address=3, window_s=60)
>>> throttle.fail("alice", "10.0.0.1", now=0); throttle.fail("alice", "10.0.0.1", now=1)
>>> throttle.retry_after("alice", "10.0.0.2", now=2)
58
>>> throttle.retry_after("bob", "10.0.0.1", now=2)
0
>>> throttle.fail("carol", "10.0.0.1", now=3)
>>> throttle.retry_after("bob", "10.0.0.1", now=4)
56
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from computecredit.store import workbench as workbench_store
from computecredit.store.workbench import AuthToken

SESSION_COOKIE = "cc_session"
LOGIN_CSRF_COOKIE = "cc_login_csrf"
SESSION_LIFETIME = timedelta(hours=8)
API_TOKEN_LIFETIME = timedelta(days=30)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def token_digest(token: str) -> str:
    """What is stored for a token: its SHA-256.

    >>> len(token_digest("abc"))
    64
    """
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets; False if either is missing.

    >>> same("x", "x"), same("x", None)
    (True, False)
    """
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def issue(session: Session, username: str, kind: str) -> tuple[str, AuthToken]:
    """Create a session (``kind="session"``, with a CSRF token) or an API token; return the secret once."""
    token = new_secret()
    lifetime = SESSION_LIFETIME if kind == "session" else API_TOKEN_LIFETIME
    row = AuthToken(
        token_hash=token_digest(token),
        username=username,
        kind=kind,
        csrf_token=new_secret() if kind == "session" else None,
        expires_at=datetime.now(UTC) + lifetime,
    )
    session.add(row)
    session.flush()
    return token, row


def lookup(session: Session, token: str, kind: str) -> AuthToken | None:
    """The live (unexpired, unrevoked) token row for ``token``, or None."""
    row = workbench_store.find_token(session, token_digest(token))
    if row is None or row.kind != kind or row.revoked_at is not None:
        return None
    if expires_at(row) <= datetime.now(UTC):
        return None
    return row


def expires_at(row: AuthToken) -> datetime:
    """When the token of ``row`` expires, as an aware UTC time (SQLite gives back naive times)."""
    return row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)


def revoke(session: Session, token: str) -> None:
    row = workbench_store.find_token(session, token_digest(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)


def revoke_all(session: Session, username: str) -> None:
    """Revoke every session and token of a user (role change, deactivation)."""
    workbench_store.revoke_tokens_of(session, username, datetime.now(UTC))


class LoginThrottle:
    """Counts failed logins per user name (low limit) and per client address (high limit) in a sliding window.

    The counts live in the process: with several web processes each keeps its own, so the effective limit
    is at most the number of processes times the one configured here.
    """

    def __init__(
        self, max_failures: int = 5, max_failures_per_address: int = 100, window_s: float = 900.0
    ) -> None:
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key) or deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:  # names tried once and long ago (or never) keep no entry: the table cannot grow unbounded
            self._failures.pop(key, None)
        return times

    def retry_after(self, username: str, address: str, now: float | None = None) -> int:
        """Seconds until another attempt is allowed (0: go ahead)."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key, limit in self._limits(username, address):
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = max(wait, times[-limit] + self.window_s - now)
        return int(wait + 0.999) if wait > 0 else 0

    def fail(self, username: str, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key, _limit in self._limits(username, address):
                self._failures[key] = self._recent(key, now)
                self._failures[key].append(now)

    def _limits(self, username: str, address: str) -> tuple[tuple[str, int], tuple[str, int]]:
        return (f"user:{username.lower()}", self.max_failures), (f"addr:{address}", self.max_failures_per_address)

    def succeed(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username.lower()}", None)


def security_headers(tls: bool) -> dict[str, str]:
    """Headers set on every response.

    >>> "frame-ancestors 'none'" in security_headers(False)["Content-Security-Policy"]
    True
    >>> "Strict-Transport-Security" in security_headers(True)
    True
    """
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if tls:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers
