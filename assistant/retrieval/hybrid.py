"""The retriever the engine calls: BM25 + dense search fused, a programme filter, and a coverage measure."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from assistant.retrieval.bm25 import bm25_search
from assistant.retrieval.dense import dense_search
from assistant.retrieval.fusion import reciprocal_rank_fusion, weighted_fusion
from assistant.retrieval.nodes import to_node_with_score
from assistant.retrieval.snapshot import StoreSnapshot
from assistant.retrieval.store import current_generation
from assistant.settings import Settings
from assistant.tokenizer import attribute_words, content_tokens, tokenize, with_synonyms
from assistant.types import Passage

MODES = ("hybrid", "bm25", "dense")
# How far apart the two parts of an attribute word may stand in a passage (採択…事業者…数).
ATTRIBUTE_GAP = r"[^\n。、|]{0,4}"
# Each list contributes this many candidates per passage asked for, so fusion can promote a passage
# that one retriever ranks low.
CANDIDATES_PER_RESULT = 4
MIN_CANDIDATES = 20


class HybridRetriever(BaseRetriever):
    """Hybrid search over the store in settings.store_dir; cheap to build, opens the store on first use.

    A new ingest switches the store's 'current' generation; the next search notices and reopens.
    """

    def __init__(self, settings: Settings, embedder: Any):
        super().__init__()
        self.settings = settings
        self.embedder = embedder
        self._snapshot: StoreSnapshot | None = None
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------------------

    def snapshot(self) -> StoreSnapshot:
        """The open store generation, reopened when ingest has switched to a newer one."""
        store_dir = Path(self.settings.store_dir)
        with self._lock:
            current = self._snapshot
            if current is None or current_generation(store_dir) != current.generation:
                fresh = StoreSnapshot.open(store_dir, self.settings.embed_model)
                if current is not None:
                    current.close()
                self._snapshot = current = fresh
            return current

    def warm_up(self) -> None:
        """Open the store, load the tokenizer and, when dense search is used, the model; safe to call twice."""
        snapshot = self.snapshot()
        tokenize("補助金")
        if self.settings.retrieval_mode != "bm25":
            snapshot.collection()
            self.embedder.get_query_embedding("補助金")

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
                self._snapshot = None

    # --- search ------------------------------------------------------------------------------

    def search(
        self, query: str, programme: str | None = None, top_k: int | None = None, mode: str | None = None
    ) -> list[Passage]:
        """The top_k passages for query (within one programme if given), best first; StoreError if no store."""
        snapshot = self.snapshot()
        return [snapshot.nodes[row].to_passage(score) for row, score in self._ranked(snapshot, query, programme, top_k, mode)]

    def _ranked(
        self, snapshot: StoreSnapshot, query: str, programme: str | None, top_k: int | None, mode: str | None
    ) -> list[tuple[int, float]]:
        settings = self.settings
        k = top_k or settings.top_k
        mode = mode or settings.retrieval_mode
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; expected one of {MODES}")
        if mode == "bm25":
            return bm25_search(snapshot, query, k, programme)
        if mode == "dense":
            return dense_search(snapshot, self.embedder, query, k, programme)
        depth = max(k * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
        lists = [
            bm25_search(snapshot, query, depth, programme),
            dense_search(snapshot, self.embedder, query, depth, programme),
        ]
        weights = [settings.bm25_weight, settings.dense_weight]
        if settings.fusion == "rrf":
            fused = reciprocal_rank_fusion(lists, weights, settings.rrf_k)
        else:
            fused = weighted_fusion(lists, weights)
        return fused[:k]

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """llama-index entry point: settings' mode and top_k, no programme filter."""
        snapshot = self.snapshot()
        ranked = self._ranked(snapshot, query_bundle.query_str, None, None, None)
        return [to_node_with_score(snapshot.nodes[row], score) for row, score in ranked]

    # --- confidence --------------------------------------------------------------------------

    def coverage(self, query: str, passages: list[Passage], programme: str | None = None) -> float:
        """How much of the question the passages speak to, in [0, 1].

        The IDF-weighted share of the question's topic words (nouns; numbers, which are the user's own
        inputs, and words of asking left out) found in the passages' title, headings or text. A word
        the corpus never uses gets the largest IDF, so 「IT導入補助金」 or 「東京都」 pull the value down.
        """
        tokens = content_tokens(query)
        if not tokens or not passages:
            return 0.0
        snapshot = self.snapshot()
        present: set[str] = set()
        for passage in passages:
            row = snapshot.index_of.get(passage.node_id)
            if row is not None:
                present.update(snapshot.nodes[row].tokens)
            else:
                present.update(tokenize(f"{passage.section}\n{passage.text}"))
        texts = "\n".join(f"{p.section}\n{p.text}" for p in passages)
        for word, parts in attribute_words(query):
            head, suffix = word[:-1], word[-1]
            # 採択率 is not answered by 採択 here and 率 there; 採択事業者数 does answer 採択数.
            if not re.search(re.escape(head) + ATTRIBUTE_GAP + re.escape(suffix), texts):
                present.difference_update(parts)
        weights = {t: snapshot.idf(t, programme) for t in tokens}
        total = sum(weights.values())
        found = sum(w * _share_present(t, present) for t, w in weights.items())
        return found / total if total > 0 else 0.0


def _share_present(token: str, present: set[str]) -> float:
    """1 when a topic word (or a synonym) is in the passages; for a compound that is not (申請期限), the
    share of its short parts that are (申請, 期限 ≈ 受付), so a compound is not missed for its spelling."""
    if with_synonyms([token]) & present:
        return 1.0
    parts = tokenize(token)[1:]
    if not parts:
        return 0.0
    return sum(1 for p in parts if with_synonyms([p]) & present) / len(parts)
