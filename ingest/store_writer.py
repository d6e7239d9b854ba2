"""Write a new store generation beside the current one, then switch the 'current' link atomically.

Queries resolve 'current' once and read only complete generations: a crash mid-ingest leaves at most
an orphan gen-* directory, removed by the next ingest. The previous generation is kept (one step)
so a process still reading it is not pulled from under its feet.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.retrieval.store import (
    BM25_DIR,
    CHROMA_DIR,
    CHROMA_SERVER_FILE,
    CURRENT_LINK,
    GENERATION_PREFIX,
    MANIFEST_FILE,
    Manifest,
    NodeRecord,
    artifact_hashes,
    chroma_fingerprint,
    chroma_server,
    http_client,
    open_chroma,
    server_collection_name,
    write_nodes,
)

log = logging.getLogger(__name__)

LOCK_FILE = ".ingest.lock"


@contextlib.contextmanager
def ingest_lock(store_dir: Path) -> Iterator[None]:
    """One ingest at a time per store (a second one waits)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(store_dir / LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_generation_dir(store_dir: Path) -> Path:
    name = f"{GENERATION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    path = store_dir / name
    path.mkdir(parents=True)
    return path


def write_chroma(
    generation: Path,
    previous: Path | None,
    drop_ids: Sequence[str],
    new_nodes: Sequence[NodeRecord],
    embeddings: Sequence[Sequence[float]],
    chroma_url: str = "",
) -> None:
    """The previous collection (if any) without the replaced nodes, plus the new ones with their vectors.

    Embedded to embedded copies Chroma's files; anything involving a server (chroma_url, or a previous
    generation on one) copies the records through the client, into a collection of this generation's own.
    """
    if chroma_url:
        server = {"url": chroma_url, "collection": server_collection_name(generation)}
        (generation / CHROMA_SERVER_FILE).write_text(json.dumps(server), encoding="utf-8")
    copy_files = not chroma_url and previous is not None and chroma_server(previous) is None
    if copy_files and previous is not None and (previous / CHROMA_DIR).is_dir():
        shutil.copytree(previous / CHROMA_DIR, generation / CHROMA_DIR)
    handle = open_chroma(generation, create=True)
    client, collection = handle.client, handle.collection
    try:
        batch = max(1, min(client.get_max_batch_size(), 2000))
        drop = list(drop_ids)
        if previous is not None and not copy_files:
            _copy_records(previous, collection, set(drop), batch)
        else:
            for start in range(0, len(drop), batch):
                collection.delete(ids=drop[start : start + batch])
        for start in range(0, len(new_nodes), batch):
            part = new_nodes[start : start + batch]
            collection.upsert(
                ids=[n.id for n in part],
                embeddings=[list(map(float, e)) for e in embeddings[start : start + batch]],
                documents=[n.text for n in part],
                metadatas=[_chroma_metadata(n) for n in part],
            )
    finally:
        handle.close()


def _copy_records(previous: Path, target: Any, skip: set[str], batch: int) -> None:
    """Every record of the previous generation's collection except those in skip, vectors included."""
    handle = open_chroma(previous)
    source = handle.collection
    try:
        offset = 0
        while True:
            page = source.get(include=["embeddings", "documents", "metadatas"], limit=batch, offset=offset)
            if not page["ids"]:
                return
            offset += len(page["ids"])
            keep = [i for i, node_id in enumerate(page["ids"]) if node_id not in skip]
            if keep:
                target.upsert(
                    ids=[page["ids"][i] for i in keep],
                    embeddings=[page["embeddings"][i] for i in keep],
                    documents=[page["documents"][i] for i in keep],
                    metadatas=[page["metadatas"][i] for i in keep],
                )
    finally:
        handle.close()


def drop_chroma(generation: Path) -> None:
    """Delete a generation's collection on its Chroma server (embedded ones go with the directory)."""
    try:
        server = chroma_server(generation)
        if server is not None:
            http_client(server["url"]).delete_collection(server["collection"])
    except Exception as exc:  # an unreachable server or a collection already gone: a leftover, not a failure
        log.warning("Chroma collection of %s not deleted: %s", generation.name, exc)


def _chroma_metadata(node: NodeRecord) -> dict[str, str | int]:
    """Chroma metadata cannot hold None: a missing page is simply left out."""
    meta: dict[str, str | int] = {
        "programme": node.programme,
        "doc": node.doc,
        "section": node.section,
        "source": node.source,
    }
    if node.page is not None:
        meta["page"] = node.page
    return meta


def write_bm25(generation: Path, nodes: Sequence[NodeRecord]) -> None:
    """bm25s index over the cached tokens, rows in the same order as nodes.jsonl."""
    import bm25s

    index = bm25s.BM25()
    index.index([list(n.tokens) or [""] for n in nodes], show_progress=False)
    index.save(str(generation / BM25_DIR), show_progress=False)


def write_generation_files(generation: Path, nodes: Sequence[NodeRecord], manifest: Manifest) -> None:
    """Node records, BM25 index, then the manifest last: a generation without a manifest is incomplete."""
    write_nodes(generation, list(nodes))
    write_bm25(generation, nodes)
    manifest.artifacts = artifact_hashes(generation)
    manifest.chroma_files = chroma_fingerprint(generation)
    tmp = generation / (MANIFEST_FILE + ".tmp")
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(tmp, generation / MANIFEST_FILE)


def switch_current(store_dir: Path, generation: Path) -> None:
    """Point 'current' at the generation in one rename (a relative link, so the store folder can move)."""
    tmp = store_dir / f".{CURRENT_LINK}-{uuid.uuid4().hex[:8]}"
    os.symlink(generation.name, tmp)
    os.replace(tmp, store_dir / CURRENT_LINK)


def remove_old_generations(store_dir: Path, keep: Sequence[Path]) -> None:
    """Delete every generation except those kept (the new one and the one it replaced)."""
    kept = {Path(os.path.realpath(k)) for k in keep}
    for path in store_dir.glob(GENERATION_PREFIX + "*"):
        if Path(os.path.realpath(path)) not in kept:
            drop_chroma(path)
            shutil.rmtree(path, ignore_errors=True)
