"""BM25 over Sudachi tokens (bm25s), as a llama-index retriever.

llama-index's own BM25Retriever re-tokenises queries with an English pattern, so a Japanese clause
would be one token; here queries go through the same Sudachi tokenizer as the chunks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.retrieval.nodes import to_node_with_score
from assistant.retrieval.snapshot import StoreSnapshot
from assistant.tokenizer import QUESTION_WORDS, tokenize, with_synonyms


def query_tokens(query: str) -> list[str]:
    """The query's tokens without words of asking: どれくらい would otherwise match どれだけ in a passage."""
    tokens = [t for t in tokenize(query) if t not in QUESTION_WORDS] or tokenize(query)
    extra = sorted(with_synonyms(tokens) - set(tokens))
    return tokens + extra


def bm25_search(
    snapshot: StoreSnapshot, query: str, top_k: int, programme: str | None = None
) -> list[tuple[int, float]]:
    """(row, score) of the best rows with a positive score, best first, within the programme if given."""
    tokens = query_tokens(query)
    stats = snapshot.statistics(programme)
    if not tokens or not stats.rows:
        return []
    scores = np.asarray(stats.bm25.get_scores(tokens), dtype=float)
    k = min(top_k, len(scores))
    best = np.argpartition(-scores, k - 1)[:k]
    ranked = sorted(best, key=lambda i: (-scores[i], i))
    return [(stats.rows[int(i)], float(scores[i])) for i in ranked if scores[i] > 0]


class BM25Retriever(BaseRetriever):
    """bm25s over the store's cached tokens; the programme filter keeps one programme's chunks."""

    def __init__(self, snapshot: Callable[[], StoreSnapshot], top_k: int = 5, programme: str | None = None):
        super().__init__()
        self._snapshot = snapshot
        self.top_k = top_k
        self.programme = programme

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        snapshot = self._snapshot()
        hits = bm25_search(snapshot, query_bundle.query_str, self.top_k, self.programme)
        return [to_node_with_score(snapshot.nodes[row], score) for row, score in hits]
