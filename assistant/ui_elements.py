"""Chainlit elements whose content travels inside the message, so answers leave no files on disk.

Chainlit writes the content of every element without a URL to <app root>/.files/<session>/ and keeps it
until the session times out (an hour): a flood of messages became thousands of files. An element with a
URL is never written, and the UI fetches a `data:` URL like any other, so the side panel's passage
rides in the message itself.
"""

from __future__ import annotations

import base64

import chainlit as cl


def data_url(text: str, mime: str = "text/plain") -> str:
    """The text as a base64 `data:` URL (UTF-8)."""
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def inline_text(name: str, content: str, display: str = "side") -> cl.Text:
    """A text element (Markdown, as cl.Text renders it) that Chainlit never persists as a file."""
    return cl.Text(name=name, url=data_url(content), mime="text/plain", display=display)  # type: ignore[arg-type]
