"""Chunk embeddings cached by content hash, beside the store's generations, so text is embedded once.

The key is sha256(model identity, document prefix, text): a re-ingest, a changed file or a rebuild
(chunk size, tokenizer, a model switched away and back) embeds only text never embedded before with
that model. e5 spends ~50 ms per chunk on two cores, so a rebuild of the shipped corpus drops from
seconds to milliseconds. One SQLite file; ingest holds the store's lock, so there is one writer.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

CACHE_FILE = "embed-cache.sqlite3"
_LOOKUP_BATCH = 500  # SQLite's default limit of host parameters is 999


def cache_key(identity: str, text: str) -> str:
    """The content hash of one chunk's text under one model identity (model, engine, prefix)."""
    return hashlib.sha256(f"{identity}\x1e{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors (float32) by content hash in store_dir/embed-cache.sqlite3."""

    def __init__(self, connection: sqlite3.Connection, identity: str):
        self._db = connection
        self.identity = identity

    @classmethod
    @contextmanager
    def open(cls, store_dir: Path, identity: str) -> Iterator[EmbeddingCache]:
        store_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(store_dir / CACHE_FILE)
        try:
            connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            yield cls(connection, identity)
            connection.commit()
        finally:
            connection.close()

    def get_many(self, texts: Sequence[str]) -> dict[str, list[float]]:
        """Cached vectors of the texts that have one, by text."""
        by_key = {cache_key(self.identity, t): t for t in texts}
        keys = list(by_key)
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), _LOOKUP_BATCH):
            part = keys[start : start + _LOOKUP_BATCH]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            )
            for key, blob in rows:
                found[by_key[key]] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def put_many(self, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        rows = [
            (cache_key(self.identity, t), np.asarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        self._db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
        self._db.commit()  # a batch at a time: an interrupted ingest keeps what it paid for


def embed_with_cache(
    texts: Sequence[str],
    embed: Callable[[list[str]], list[list[float]]],
    cache: EmbeddingCache,
    batch: int,
    progress: Callable[[int], None] = lambda n: None,
) -> tuple[list[list[float]], int]:
    """(vector per text, how many were embedded now); only texts missing from the cache reach embed.

    A text that occurs twice is embedded once. progress(n) hears of every n distinct texts done.
    """
    cached = cache.get_many(texts)
    progress(len(cached))
    missing = list(dict.fromkeys(t for t in texts if t not in cached))
    for start in range(0, len(missing), batch):
        part = missing[start : start + batch]
        vectors = embed(part)
        cache.put_many(part, vectors)
        cached.update(zip(part, (list(map(float, v)) for v in vectors), strict=True))
        progress(len(part))
    return [cached[t] for t in texts], len(missing)
