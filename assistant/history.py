"""Chat history: Chainlit's SQLAlchemy data layer on SQLite (default) or PostgreSQL, schema made on first start.

Chainlit documents its SQLAlchemy layer's schema for PostgreSQL only; `schema_statements` writes the
same tables for SQLite (TEXT for UUID, JSON and arrays: the layer already reads JSON back from
strings). Source panels are Text elements; the layer persists an element only through a storage
client, so `InlineStorage` keeps each element's text inside the database as a data: URL — the browser
reads it without a request leaving the machine, and deleting a chat deletes its passages with it.

What the UI needs to keep about a chat beyond Chainlit's own records (the DialogState) travels in the
user session, which Chainlit saves into the thread's metadata and gives back on resume.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from assistant.dialog import DialogState

if TYPE_CHECKING:  # pragma: no cover
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

log = logging.getLogger(__name__)

# (table, [(column, kind)]) as Chainlit 2.12's SQLAlchemyDataLayer reads and writes them. Kinds map to
# PostgreSQL types as in Chainlit's documented schema and to TEXT/INTEGER/BOOLEAN on SQLite.
_TABLES: tuple[tuple[str, tuple[tuple[str, str], ...], str], ...] = (
    ("users", (("id", "uuid pk"), ("identifier", "text unique"), ("metadata", "json not null"),
               ("createdAt", "text")), ""),
    ("threads", (("id", "uuid pk"), ("createdAt", "text"), ("name", "text"), ("userId", "uuid"),
                 ("userIdentifier", "text"), ("tags", "array"), ("metadata", "json")),
     'FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE'),
    ("steps", (("id", "uuid pk"), ("name", "text not null"), ("type", "text not null"),
               ("threadId", "uuid not null"), ("parentId", "uuid"), ("streaming", "bool not null"),
               ("waitForAnswer", "bool"), ("isError", "bool"), ("metadata", "json"), ("tags", "array"),
               ("input", "text"), ("output", "text"), ("createdAt", "text"), ("command", "text"),
               ("start", "text"), ("end", "text"), ("generation", "json"), ("showInput", "text"),
               ("language", "text"), ("indent", "int"), ("defaultOpen", "bool"), ("autoCollapse", "bool"),
               ("modes", "json")),
     'FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE'),
    ("elements", (("id", "uuid pk"), ("threadId", "uuid"), ("type", "text"), ("url", "text"),
                  ("chainlitKey", "text"), ("name", "text not null"), ("display", "text"),
                  ("objectKey", "text"), ("size", "text"), ("page", "int"), ("language", "text"),
                  ("forId", "uuid"), ("mime", "text"), ("props", "json"), ("autoPlay", "bool"),
                  ("playerConfig", "json")),
     'FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE'),
    ("feedbacks", (("id", "uuid pk"), ("forId", "uuid not null"), ("threadId", "uuid not null"),
                   ("value", "int not null"), ("comment", "text")),
     'FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE'),
)
_POSTGRES_TYPES = {"uuid": "UUID", "text": "TEXT", "json": "JSONB", "array": "TEXT[]", "bool": "BOOLEAN",
                   "int": "INT"}
_SQLITE_TYPES = {"uuid": "TEXT", "text": "TEXT", "json": "TEXT", "array": "TEXT", "bool": "BOOLEAN",
                 "int": "INTEGER"}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def schema_statements(url: str) -> list[str]:
    """CREATE TABLE IF NOT EXISTS for every table the data layer uses, in the database's own types."""
    types = _SQLITE_TYPES if is_sqlite(url) else _POSTGRES_TYPES
    statements = []
    for table, columns, foreign_key in _TABLES:
        parts = []
        for name, kind in columns:
            base, *flags = kind.split(" ", 1)
            extra = {"pk": " PRIMARY KEY", "unique": " NOT NULL UNIQUE", "not null": " NOT NULL"}.get(
                flags[0] if flags else "", "")
            parts.append(f'"{name}" {types[base]}{extra}')
        if foreign_key:
            parts.append(foreign_key)
        statements.append(f"CREATE TABLE IF NOT EXISTS {table} (\n    " + ",\n    ".join(parts) + "\n)")
    return statements


async def create_schema(url: str) -> None:
    """Make the tables (idempotent); the SQLite file's folder is created too."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in schema_statements(url):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def ensure_schema(url: str) -> None:
    """create_schema from synchronous code (app startup, the feedback export)."""
    asyncio.run(create_schema(url))


def open_engine(url: str) -> AsyncEngine:
    return create_async_engine(url)


# --- the data layer ------------------------------------------------------------------------------

def _storage_base() -> type:
    from chainlit.data.storage_clients.base import BaseStorageClient

    return BaseStorageClient


class InlineStorage(_storage_base()):  # type: ignore[misc]
    """A storage client that keeps each element's bytes in its own URL (data:), i.e. in the database row."""

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        charset = ";charset=utf-8" if mime.startswith("text/") else ""
        url = f"data:{mime}{charset};base64,{base64.b64encode(raw).decode('ascii')}"
        # The layer reads an element back through get_read_url(object key): the key is the URL itself.
        return {"object_key": url, "url": url}

    async def delete_file(self, object_key: str) -> bool:
        return True  # the bytes go with the element's row

    async def get_read_url(self, object_key: str) -> str:
        return object_key if object_key.startswith("data:") else ""

    async def close(self) -> None:
        return None


def _decode_data_url(url: str) -> bytes:
    header, _, payload = url.partition(",")
    return base64.b64decode(payload) if header.endswith(";base64") else payload.encode("utf-8")


def make_data_layer(url: str) -> SQLAlchemyDataLayer:
    from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

    class InlineDataLayer(SQLAlchemyDataLayer):  # type: ignore[misc]
        """Chainlit's layer, except that an element already carried in a data: URL (the answers' source
        passages, which never touch the disk) is stored from that URL instead of fetched over HTTP."""

        async def create_element(self, element: Any) -> None:
            link = getattr(element, "url", None)
            if not (isinstance(link, str) and link.startswith("data:")):
                return await super().create_element(element)
            element.url, element.content = None, _decode_data_url(link)
            try:
                return await super().create_element(element)
            finally:
                element.url, element.content = link, None

    return InlineDataLayer(conninfo=url, storage_provider=InlineStorage())


# --- the dialog state inside the saved user session ----------------------------------------------

DIALOG_KEY = "dialog"


def dialog_to_json(state: DialogState) -> dict[str, Any]:
    return asdict(state)


def dialog_from_json(saved: Mapping[str, Any] | None) -> DialogState:
    """The state a chat had when it was saved; a fresh one when nothing (or something unreadable) was saved."""
    if not isinstance(saved, Mapping):
        return DialogState()
    try:
        return DialogState(programme=saved.get("programme"), intent=saved.get("intent"),
                           slots=dict(saved.get("slots") or {}), turns=int(saved.get("turns") or 0))
    except (TypeError, ValueError):
        log.warning("A saved dialog state could not be read; the resumed chat starts afresh")
        return DialogState()
