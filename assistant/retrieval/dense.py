"""Dense search: the query's embedding against the Chroma collection, as a llama-index retriever.

An embedder that cannot run here (engine missing or broken, a hub model offline) or a Chroma server
that does not answer gives no dense hits, so hybrid search carries on with BM25 alone: the user gets
an answer and the log one warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.retrieval.nodes import to_node_with_score
from assistant.retrieval.snapshot import StoreSnapshot
from assistant.retrieval.store import ChromaUnavailable

log = logging.getLogger(__name__)
_warned: set[str] = set()


def dense_search(
    snapshot: StoreSnapshot, embedder: Any, query: str, top_k: int, programme: str | None = None
) -> list[tuple[int, float]]:
    """(row, cosine similarity) of the nearest chunks, best first, within the programme if given."""
    if not snapshot.nodes or not query.strip():
        return []
    try:
        collection = snapshot.collection()
    except ChromaUnavailable as exc:  # the server is down: BM25 in the shared store still answers
        _warn_once(str(exc))
        return []
    vector = _query_vector(embedder, query)
    if vector is None:
        return []
    result = collection.query(
        query_embeddings=[vector],
        n_results=min(top_k, len(snapshot.nodes)),
        where={"programme": programme} if programme else None,
        include=["distances"],
    )
    hits: list[tuple[int, float]] = []
    for node_id, distance in zip(result["ids"][0], result["distances"][0], strict=True):
        row = snapshot.index_of.get(node_id)
        if row is not None:
            hits.append((row, 1.0 - float(distance)))
    return hits


def _query_vector(embedder: Any, query: str) -> list[float] | None:
    """The query's embedding, or None (warned once per message) when the embedder cannot run."""
    from assistant.components import ComponentError

    try:
        return list(embedder.get_query_embedding(query))
    except ComponentError as exc:
        _warn_once(str(exc))
        return None


def _warn_once(problem: str) -> None:
    if problem not in _warned:
        _warned.add(problem)
        log.warning("%s ベクトル検索を使わず、BM25 だけで検索します。", problem)


class DenseRetriever(BaseRetriever):
    """Chroma nearest neighbours of the query embedding (the embedder adds the query prefix)."""

    def __init__(
        self, snapshot: Callable[[], StoreSnapshot], embedder: Any, top_k: int = 5, programme: str | None = None
    ):
        super().__init__()
        self._snapshot = snapshot
        self._embedder = embedder
        self.top_k = top_k
        self.programme = programme

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        snapshot = self._snapshot()
        hits = dense_search(snapshot, self._embedder, query_bundle.query_str, self.top_k, self.programme)
        return [to_node_with_score(snapshot.nodes[row], score) for row, score in hits]
