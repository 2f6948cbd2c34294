"""The intake desk's guards (issue 13 point 6): the session secret, CSRF tokens, the login rate
limit, the request-size cap and the security headers.

The session itself is Starlette's signed cookie (itsdangerous): HttpOnly, SameSite=Strict,
8 hours. It holds the account name, the account's generation (a ``--reset`` ends old sessions)
and the CSRF token; nothing personal.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

SESSION_COOKIE = "wenming_session"
SESSION_SECONDS = 8 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_TRIES = 5
"""Wrong codes allowed per minute, per unit and per client address; the next try is refused."""
LOGIN_WINDOW = 60.0

CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                           "script-src 'self'; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'; form-action 'self'")


def session_secret(folder: Path) -> str:
    """The key that signs session cookies: made once, kept in ``.wenming/session.key`` (owner
    read/write only), so that a restart does not log everyone out."""
    path = folder / "session.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key)
        return key


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(session: MutableMapping[str, Any], sent: str | None) -> bool:
    """True when ``sent`` is the session's token (constant-time)."""
    token = session.get(CSRF_FIELD)
    return bool(isinstance(token, str) and token and sent
                and hmac.compare_digest(token.encode(), sent.encode()))


class LoginLimiter:
    """Wrong logins in the last minute, per client address and per unit; in memory (one
    server process), so a restart forgets them."""

    def __init__(self, tries: int = LOGIN_TRIES, window: float = LOGIN_WINDOW) -> None:
        self.tries = tries
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        times = self._failures[key]
        cutoff = time.monotonic() - self.window
        while times and times[0] < cutoff:
            times.popleft()
        return times

    def _wait(self, key: str) -> float:
        times = self._recent(key)
        if len(times) < self.tries:
            return 0.0
        return max(0.0, times[0] + self.window - time.monotonic())

    def blocked(self, address: str, unit: str = "") -> float:
        """Seconds until a try from ``address`` (for ``unit``) is allowed again, 0 when it is.

        An address with `tries` wrong codes in the window waits. A unit with `tries` wrong
        codes (from many addresses: a spread-out guess) is closed only to the addresses that
        got a code wrong themselves — a clerk who types the right code at the first try is
        never locked out by somebody else's guessing."""
        wait = self._wait(f"addr:{address}")
        if unit and self._recent(f"addr:{address}"):
            wait = max(wait, self._wait(f"unit:{unit}"))
        return wait

    def failed(self, address: str, unit: str = "") -> None:
        """Count one wrong code against the address and the unit."""
        for key in [f"addr:{address}"] + ([f"unit:{unit}"] if unit else []):
            self._recent(key).append(time.monotonic())


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is answered 413 (Chinese) before
    it is parsed or spooled to disk — by its Content-Length, and by counting for a body sent
    without one (chunked)."""

    def __init__(self, app: ASGIApp, limit: int, shown_mb: float = 0) -> None:
        self.app = app
        self.limit = limit  # the cap plus room for the form's own fields and boundaries
        self.shown_mb = shown_mb or limit / 2**20

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def watched(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)

    def _refuse(self, scope: Scope, send: Send) -> Awaitable[None]:
        import html
        import json

        message = (f"一次上传的内容超过 {self.shown_mb:g} MB，没有收取；请分几次上传"
                   "（如先传表格，再传照片）。")
        if str(scope.get("path", "")).startswith("/api/"):
            body = json.dumps({"detail": message}, ensure_ascii=False).encode()
            kind = b"application/json; charset=utf-8"
        else:  # the page's form: a page, with the way back
            body = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>上传太大</title>'
                    f'<p>{html.escape(message)}</p><p><a href="/">返回</a></p></html>').encode()
            kind = b"text/html; charset=utf-8"

        async def go() -> None:
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", kind),
                                    (b"content-length", str(len(body)).encode()),
                                    (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})

        return go()


class _TooLarge(Exception):
    pass


class SecurityHeaders:
    """ASGI middleware: CSP 'self', no sniffing, no framing, no referrer, no caching of pages
    (a shared office PC's browser must not keep another unit's problem list)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                headers += [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"no-referrer")]
                if not str(scope.get("path", "")).startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
