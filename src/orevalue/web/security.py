"""Who may call the app and how much: the access token, CSRF protection and the request body
limit, as one ASGI middleware in front of every route.

- Token: when the app has one (required when it binds beyond loopback), every request must
  carry it: ``Authorization: Bearer <token>``, the ``orevalue_token`` cookie, or once
  ``?token=<token>`` (which sets the cookie). Otherwise 401.
- CSRF: a request that changes something (POST, PUT, PATCH, DELETE) with an ``Origin``
  other than the app's own is refused; a JSON body passes (a cross-site form cannot send
  one without a preflight the app never answers), so does an empty body (a browser sends
  a cross-site one with its ``Origin``); any other body must carry the double-submit
  token: the ``X-CSRF-Token`` header or, for the pages' forms, the ``csrf`` field
  (checked by :func:`check_form`) equal to the ``orevalue_csrf`` cookie.
- Body: larger than ``max_body_bytes`` is answered 413 before it is read.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from orevalue.web.config import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "orevalue_csrf"
TOKEN_COOKIE = "orevalue_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class BodyTooLarge(Exception):
    pass


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:
        return {}
    return {k: m.value for k, m in jar.items()}


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


async def _answer(send: Send, status: int, message: str, extra: list | None = None) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The middleware (see the module's docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        cookies = _cookies(headers)
        set_cookies: list[tuple[bytes, bytes]] = []
        if self.settings.token:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = headers.get("authorization", "").removeprefix("Bearer ").strip()
            from_query = (query.get("token") or [""])[0]
            if _same(from_query, self.settings.token):
                set_cookies.append(_cookie(TOKEN_COOKIE, from_query))
            elif not (
                _same(given, self.settings.token)
                or _same(cookies.get(TOKEN_COOKIE), self.settings.token)
            ):
                await _answer(send, 401, "this server needs its access token (--token)")
                return
        method = scope["method"]
        if method in UNSAFE:
            refusal = self._csrf_refusal(scope, headers, cookies)
            if refusal:
                await _answer(send, 403, refusal)
                return
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            await _answer(send, 413, self._too_large())
            return
        csrf = cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        if CSRF_COOKIE not in cookies:
            set_cookies.append(_cookie(CSRF_COOKIE, csrf))
        scope.setdefault("state", {})["csrf"] = csrf
        await self._pass(scope, receive, send, set_cookies)

    def _too_large(self) -> str:
        return f"request body larger than {self.settings.max_body_bytes} bytes"

    def _csrf_refusal(
        self, scope: Scope, headers: dict[str, str], cookies: dict[str, str]
    ) -> str | None:
        origin = headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != headers.get("host"):
            return "cross-origin request refused"
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json" or not scope["path"].startswith("/api/"):
            return None  # JSON cannot come from a cross-site form; page forms check `csrf`
        if not kind and headers.get("content-length", "0") == "0":
            return None  # no body: a browser sends a cross-site one with its Origin
        if _same(headers.get("x-csrf-token"), cookies.get(CSRF_COOKIE)):
            return None
        return "missing or wrong CSRF token: send JSON, or the X-CSRF-Token header"

    async def _pass(self, scope: Scope, receive: Receive, send: Send, cookies: list) -> None:
        limit, seen, started = self.settings.max_body_bytes, [0], [False]

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > limit:
                    raise BodyTooLarge
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
                message["headers"] = [*message.get("headers", []), *cookies]
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except BodyTooLarge:
            if not started[0]:
                await _answer(send, 413, self._too_large())


def _cookie(name: str, value: str) -> tuple[bytes, bytes]:
    return (b"set-cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Strict".encode())


def check_form(csrf_field: str | None, request: Any) -> bool:
    """Whether a page form's ``csrf`` field matches the request's CSRF cookie."""
    return _same(csrf_field, request.cookies.get(CSRF_COOKIE))
