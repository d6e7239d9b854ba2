"""One opened, checked store generation: node records, BM25 index, document frequencies, Chroma collection."""

from __future__ import annotations

import math
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.retrieval.errors import StoreError
from assistant.retrieval.store import (
    BM25_DIR,
    ChromaHandle,
    Manifest,
    NodeRecord,
    check_compatible,
    current_generation,
    open_chroma,
    read_manifest,
    read_nodes,
)
from assistant.tokenizer import TOKENIZER_VERSION


class StoreSnapshot:
    """A generation opened for reading; it never changes, so it can be shared by threads."""

    def __init__(self, store_dir: Path, generation: Path, manifest: Manifest, nodes: list[NodeRecord], bm25: Any):
        self.store_dir = store_dir
        self.generation = generation
        self.manifest = manifest
        self.nodes = nodes
        self.bm25 = bm25
        self.index_of = {node.id: i for i, node in enumerate(nodes)}
        self.catalogue = manifest.catalogue()
        self.programmes = sorted({n.programme for n in nodes})
        self._whole = _Statistics(range(len(nodes)), nodes, bm25)
        self._by_programme: dict[str, _Statistics] = {}
        self._chroma: ChromaHandle | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, store_dir: Path, embed_model: str) -> StoreSnapshot:
        """Open and check the current generation; StoreError (missing, stale or corrupt) otherwise."""
        store_dir = Path(store_dir)
        generation = current_generation(store_dir)
        if generation is None:
            raise StoreError.missing(store_dir)
        manifest = read_manifest(generation)
        check_compatible(manifest, store_dir, embed_model, TOKENIZER_VERSION)
        nodes = read_nodes(generation)
        bm25 = load_bm25(generation, store_dir, len(nodes))
        return cls(store_dir, generation, manifest, nodes, bm25)

    def statistics(self, programme: str | None = None) -> _Statistics:
        """BM25 index and document frequencies of one programme's chunks (of all chunks for None).

        Per programme so that ingesting another programme never changes this one's scores, sentence
        choice or coverage: its answers depend on its own documents only. Built on first use.
        """
        if programme is None:
            return self._whole
        with self._lock:
            stats = self._by_programme.get(programme)
            if stats is None:
                rows = [i for i, n in enumerate(self.nodes) if n.programme == programme]
                stats = self._by_programme[programme] = _Statistics(rows, self.nodes, None)
            return stats

    def idf(self, token: str, programme: str | None = None) -> float:
        """BM25's IDF within a programme (or the whole store); an unknown token gets the largest value."""
        return self.statistics(programme).idf(token)

    def collection(self) -> Any:
        """The Chroma collection, opened on first dense search and checked against the node records."""
        with self._lock:
            if self._chroma is None:
                handle = open_collection(self.generation, self.store_dir)
                try:
                    count = handle.collection.count()
                except Exception as exc:
                    handle.close()
                    raise StoreError.corrupt(self.store_dir, "Chroma のコレクションを読めません") from exc
                if count != len(self.nodes):
                    handle.close()
                    raise StoreError.corrupt(self.store_dir, "Chroma と索引の件数が一致しません")
                self._chroma = handle
            return self._chroma.collection

    def close(self) -> None:
        with self._lock:
            if self._chroma is not None:
                self._chroma.close()
                self._chroma = None


class _Statistics:
    """BM25 over some rows of the store, with their document frequencies; rows map back to store rows."""

    def __init__(self, rows: Any, nodes: list[NodeRecord], bm25: Any):
        self.rows = list(rows)
        df: Counter[str] = Counter()
        for row in self.rows:
            df.update(set(nodes[row].tokens))
        self._df = df
        self._bm25 = bm25
        self._nodes = nodes

    @property
    def bm25(self) -> Any:
        if self._bm25 is None:
            import bm25s

            index = bm25s.BM25()
            if self.rows:
                index.index([list(self._nodes[r].tokens) or [""] for r in self.rows], show_progress=False)
            self._bm25 = index
        return self._bm25

    def idf(self, token: str) -> float:
        n = len(self.rows)
        df = self._df.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


def open_collection(generation: Path, store_dir: Path) -> ChromaHandle:
    """The generation's collection (a private copy when embedded); StoreError.corrupt when it is unusable."""
    try:
        return open_chroma(generation)
    except StoreError:
        raise
    except Exception as exc:  # a garbled SQLite file, a deleted collection: Chroma's many kinds of failure
        raise StoreError.corrupt(store_dir, "Chroma のコレクションを開けません") from exc


def load_bm25(generation: Path, store_dir: Path, expected_docs: int) -> Any:
    import bm25s

    try:
        index = bm25s.BM25.load(str(generation / BM25_DIR), show_progress=False, verbosity=0)
        docs = int(index.scores["num_docs"])
    except Exception as exc:  # bm25s raises many kinds on damaged files
        raise StoreError.corrupt(store_dir, "BM25 索引を読めません") from exc
    if docs != expected_docs:
        raise StoreError.corrupt(store_dir, "BM25 索引と本文の件数が一致しません")
    return index
