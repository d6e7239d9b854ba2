"""Keep the chat page on this machine: drop the links Chainlit's index.html makes to Google Fonts and a CDN.

Chainlit's page preconnects to fonts.googleapis.com and loads Inter and a KaTeX stylesheet from CDNs;
offline users wait for them and every visit tells third parties who uses the tool. The page renders
with the system's Japanese fonts and needs no KaTeX (LaTeX is off), so every <link> to another host is
removed as the HTML leaves the server. A small ASGI middleware does it, because Chainlit builds the page
in its own catch-all route.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*/?>", re.IGNORECASE | re.DOTALL)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def local_only_html(html: str) -> str:
    """The page without <link> tags that point to another host (stylesheets, fonts, preconnects)."""
    return _EXTERNAL_LINK.sub("", html)


class LocalOnlyPage:
    """ASGI middleware: rewrites text/html responses with local_only_html; everything else passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            raw = b"".join(body)
            gzipped = dict(start.get("headers") or []).get(b"content-encoding", b"") == b"gzip"  # Chainlit's GZip middleware is inside us
            page = local_only_html((gzip.decompress(raw) if gzipped else raw).decode("utf-8")).encode("utf-8")
            if gzipped:
                page = gzip.compress(page)
            kept = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            kept.append((b"content-length", str(len(page)).encode("ascii")))
            await send({**start, "headers": kept})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, capture)
