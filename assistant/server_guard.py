"""Hardening of Chainlit's server: its own origin only, a bounded number of sockets and of messages.

Why each guard exists (Chainlit 2.12, read at the source):
- `allow_origins = ["*"]` with `allow_credentials=True` makes Starlette's CORS middleware reflect any
  Origin, and chainlit/server.py creates its socket.io server with `cors_allowed_origins=[]`, which turns
  engine.io's own origin check off. Any web page the user visits could then read /project/settings and
  chat over the socket with the user's cookies. SameOriginMiddleware refuses a request whose Origin is
  neither the server's own nor listed (HOJO_ALLOWED_ORIGINS), for HTTP and the socket handshake alike;
  engine.io's check and the CORS list are set from the same OriginPolicy.
- Each socket holds a session and tasks; ConnectionGate caps how many are open at once.
- Each message costs an engine answer under one lock: MessageRateLimiter gives each chat session a
  bucket of messages per minute, and an over-eager session gets a polite request to wait.

install() applies all three to Chainlit's app and socket server; it must run at import time of
assistant/app.py, before uvicorn builds the middleware stack.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from assistant.settings import Settings

log = logging.getLogger("assistant.server_guard")

REFUSED_ORIGIN = (
    "このページからはアシスタントを利用できません。"
    "アシスタントの画面(サーバーと同じアドレス)から開いてください。"
)
TOO_MANY_CONNECTIONS = (
    "ただいま接続が混み合っているため、接続できませんでした。"
    "お手数ですが、しばらく待ってからページを開き直してください。"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WEBSOCKET_SCHEMES = {"ws": "http", "wss": "https"}
_GUARDED = "_hojo_guarded"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def slow_down_message(wait_seconds: float) -> str:
    """The reply to a message over the session's rate limit, naming how long to wait."""
    seconds = max(1, math.ceil(wait_seconds))
    return (
        "短い時間に多くのメッセージをお送りいただいたため、このメッセージにはお答えしていません。"
        f"お手数ですが、{seconds}秒ほど待ってから、もう一度送信してください。"
    )


def normalise_origin(origin: str) -> str:
    """`HTTP://Host:80/` and `http://host` are the same origin: lower case, no default port, no slash."""
    text = origin.strip().rstrip("/").lower()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.hostname:
        return text  # "null" (a sandboxed page or a file) stays itself and matches nothing
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme):
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


# --- which origins may call the server ------------------------------------------------------------

@dataclass(frozen=True)
class OriginPolicy:
    """The server's own origin (scheme and Host of the request itself) plus the listed ones."""

    listed: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> OriginPolicy:
        return cls(frozenset(normalise_origin(o) for o in settings.allowed_origins))

    def allows(self, origin: str | None, scheme: str, host: str | None) -> bool:
        """Whether a request carrying this Origin header may be served.

        No Origin header is allowed: browsers send one on every socket handshake and cross-origin
        request, so a request without one is a same-origin navigation or not from a browser page.
        """
        if origin is None:
            return True
        wanted = normalise_origin(origin)
        if host and wanted == normalise_origin(f"{scheme}://{host}"):
            return True
        return wanted in self.listed

    def allows_scope(self, scope: Scope) -> bool:
        """allows() for an ASGI HTTP or websocket scope."""
        headers = _headers(scope)
        scheme = str(scope.get("scheme") or "http")
        return self.allows(headers.get("origin"), _WEBSOCKET_SCHEMES.get(scheme, scheme), headers.get("host"))

    def engineio_check(self, origin: str | None, environ: dict[str, Any]) -> bool:
        """engine.io's `cors_allowed_origins` callable: the same decision, from the ASGI scope."""
        scope = environ.get("asgi.scope")
        if isinstance(scope, dict):
            return self.allows_scope(scope)
        return self.allows(origin, str(environ.get("wsgi.url_scheme", "http")), environ.get("HTTP_HOST"))


def _headers(scope: Scope) -> dict[str, str]:
    """The scope's headers by lower-case name (the first of repeated ones)."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers") or ():
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


class SameOriginMiddleware:
    """ASGI middleware refusing HTTP requests and socket handshakes from a foreign Origin."""

    def __init__(self, app: ASGIApp, policy: OriginPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.policy.allows_scope(scope):
            await self.app(scope, receive, send)
            return
        log.warning("Refused a %s request to %s from origin %r", scope["type"], scope.get("path"),
                    _headers(scope).get("origin"))
        if scope["type"] == "websocket":
            # Closing before accepting makes the server answer the handshake with HTTP 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        body = REFUSED_ORIGIN.encode("utf-8")
        await send({"type": "http.response.start", "status": 403, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})


# --- how many sockets, how many messages ----------------------------------------------------------

@dataclass
class ConnectionGate:
    """At most `limit` sockets open at once; a socket id is admitted once and released once."""

    limit: int
    open_ids: set[str] = field(default_factory=set)

    def admit(self, sid: str) -> bool:
        if sid in self.open_ids:
            return True
        if len(self.open_ids) >= self.limit:
            return False
        self.open_ids.add(sid)
        return True

    def release(self, sid: str) -> None:
        self.open_ids.discard(sid)


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class MessageRateLimiter:
    """A token bucket per chat session: `per_minute` messages at once, refilled evenly over a minute."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    max_sessions: int = 10_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def take(self, key: str) -> float:
        """Spend one message of this session: 0.0 when allowed, else the seconds until one is allowed."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self._rate

    @property
    def _rate(self) -> float:
        return self.per_minute / 60.0

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: drop sessions whose bucket has refilled (they are owed nothing)."""
        if len(self._buckets) < self.max_sessions:
            return
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self._rate >= self.per_minute]
        for key in full:
            del self._buckets[key]


# --- applying the guards to Chainlit ----------------------------------------------------------------

def install(settings: Settings) -> None:
    """Guard Chainlit's app and socket server (once per process; must run before the server starts)."""
    from chainlit.server import app, sio

    if getattr(sio, _GUARDED, False):
        return
    policy = OriginPolicy.from_settings(settings)
    if app.middleware_stack is not None:
        raise RuntimeError("server_guard.install() must run before the server handles its first request")
    _restrict_cors(app.user_middleware, policy.listed)
    app.add_middleware(SameOriginMiddleware, policy=policy)
    sio.eio.cors_allowed_origins = policy.engineio_check
    _guard_socket_handlers(sio, ConnectionGate(settings.max_connections),
                           MessageRateLimiter(settings.messages_per_minute))
    setattr(sio, _GUARDED, True)
    log.info("Server guard installed: own origin%s, %d connections, %d messages per minute per session",
             f" + {sorted(policy.listed)}" if policy.listed else " only", settings.max_connections,
             settings.messages_per_minute)


def _restrict_cors(middleware: Iterable[Any], listed: frozenset[str]) -> None:
    """CORS headers only for the listed origins (the server's own needs none): nothing is reflected."""
    from starlette.middleware.cors import CORSMiddleware

    for entry in middleware:
        if entry.cls is CORSMiddleware:
            entry.kwargs["allow_origins"] = sorted(listed)


def _guard_socket_handlers(sio: Any, gate: ConnectionGate, limiter: MessageRateLimiter) -> None:
    """Wrap Chainlit's own connect, disconnect and client_message handlers with the gate and the limiter."""
    handlers = sio.handlers["/"]
    connect, disconnect, client_message = handlers["connect"], handlers["disconnect"], handlers["client_message"]

    from socketio.exceptions import ConnectionRefusedError as Refused  # its message reaches the client

    async def guarded_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> Any:
        if not gate.admit(sid):
            log.warning("Refused a socket connection: %d are open (HOJO_MAX_CONNECTIONS)", gate.limit)
            raise Refused(TOO_MANY_CONNECTIONS)
        try:
            accepted = await connect(sid, environ, auth)
        except BaseException:
            gate.release(sid)
            raise
        if accepted is False:
            gate.release(sid)
        return accepted

    async def guarded_disconnect(sid: str, *reason: Any) -> Any:
        gate.release(sid)
        return await disconnect(sid)

    async def limited_message(sid: str, payload: Any) -> Any:
        from chainlit.session import WebsocketSession

        session = WebsocketSession.get(sid)
        wait = limiter.take(session.id if session else sid)
        if wait and session is not None:
            await _ask_to_wait(session, wait)
            return None
        return await client_message(sid, payload)

    handlers["connect"] = guarded_connect
    handlers["disconnect"] = guarded_disconnect
    handlers["client_message"] = limited_message


async def _ask_to_wait(session: Any, wait_seconds: float) -> None:
    import chainlit as cl
    from chainlit.context import init_ws_context

    log.warning("Session %s is over its message rate; asked to wait %.0f s", session.id, wait_seconds)
    init_ws_context(session)
    await cl.Message(content=slow_down_message(wait_seconds)).send()
