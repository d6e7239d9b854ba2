"""Write a new store generation beside the current one, then switch the 'current' link atomically.

Queries resolve 'current' once and read only complete generations: a crash mid-ingest leaves at most
an orphan gen-* directory, removed by the next ingest. The previous generation is kept (one step)
so a process still reading it is not pulled from under its feet.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant.retrieval.store import (
    BM25_DIR,
    CHROMA_DIR,
    CURRENT_LINK,
    GENERATION_PREFIX,
    MANIFEST_FILE,
    Manifest,
    NodeRecord,
    artifact_hashes,
    open_chroma,
    write_nodes,
)

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
) -> None:
    """Copy the previous collection (if any), drop replaced nodes, upsert the new ones with their vectors."""
    if previous is not None and (previous / CHROMA_DIR).is_dir():
        shutil.copytree(previous / CHROMA_DIR, generation / CHROMA_DIR)
    client, collection = open_chroma(generation, create=True)
    try:
        batch = max(1, min(client.get_max_batch_size(), 2000))
        drop = list(drop_ids)
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
        client.close()


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
            shutil.rmtree(path, ignore_errors=True)
