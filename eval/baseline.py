"""The naive baseline: what one gets from llama-index's defaults over the same files and embedding model.

SimpleDirectoryReader -> default SentenceSplitter -> in-memory VectorStoreIndex -> retriever; no LLM,
no Japanese tokenizer, no headings, no programme filter. It is scored on the same expected-section
items as our retriever. Its chunks have no heading metadata, so a chunk counts as a hit for every
section it overlaps (generous to the baseline: its chunks are large and span several sections).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.checks import first_rank
from eval.sections import SectionSpan, heading_spans, sections_overlapping

if TYPE_CHECKING:  # pragma: no cover
    from assistant.settings import Settings

CORPUS_EXTENSIONS = [".md", ".txt"]


@dataclass(frozen=True)
class BaselineHit:
    sections: tuple[str, ...]  # every heading path the retrieved chunk overlaps
    score: float


class NaiveRag:
    """llama-index with its defaults, retriever only (Settings.llm = None)."""

    def __init__(self, corpus_dir: Path, embed_model: Any, top_k: int = 5) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.embed_model = embed_model
        self.top_k = top_k
        self._retriever: Any = None
        self._spans: dict[str, list[SectionSpan]] = {}
        self.chunk_count = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> NaiveRag:
        from assistant.components import get_embedder

        return cls(settings.corpus_dir, get_embedder(settings), top_k=settings.top_k)

    def build(self) -> NaiveRag:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        LlamaSettings.llm = None  # retriever only: no LLM, and never a default OpenAI client
        documents = SimpleDirectoryReader(
            str(self.corpus_dir), recursive=True, required_exts=CORPUS_EXTENSIONS
        ).load_data(show_progress=False)
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        self._spans = {doc.doc_id: heading_spans(doc.text) for doc in documents}
        self.chunk_count = len(nodes)
        index = VectorStoreIndex(nodes, embed_model=self.embed_model, show_progress=False)
        self._retriever = index.as_retriever(similarity_top_k=self.top_k)
        return self

    def search(self, question: str) -> list[BaselineHit]:
        if self._retriever is None:
            self.build()
        hits = []
        for scored in self._retriever.retrieve(question):
            node = scored.node
            spans = self._spans.get(node.ref_doc_id or "", [])
            start = node.start_char_idx if node.start_char_idx is not None else 0
            end = node.end_char_idx if node.end_char_idx is not None else start
            hits.append(BaselineHit(tuple(sections_overlapping(spans, start, end)), float(scored.score or 0.0)))
        return hits

    def rank(self, question: str, expected_section: str) -> int | None:
        """1-based rank of the first retrieved chunk overlapping the expected section."""
        for rank, hit in enumerate(self.search(question), start=1):
            if first_rank(expected_section, hit.sections) is not None:
                return rank
        return None

    def ranks(self, questions: Mapping[str, tuple[str, str]] | Iterable[tuple[str, str, str]]) -> dict[str, int | None]:
        """Ranks for {id: (question, expected section)} or an iterable of (id, question, section)."""
        rows = questions.items() if isinstance(questions, Mapping) else ((i, (q, s)) for i, q, s in questions)
        return {item_id: self.rank(question, section) for item_id, (question, section) in rows}
