"""The naive baseline: what one gets from llama-index's defaults over the same files and embedding model.

SimpleDirectoryReader -> default SentenceSplitter -> in-memory VectorStoreIndex -> retriever; no LLM,
no Japanese tokenizer, no headings, no programme filter. It is scored on the same expected-section
items as our retriever. Its chunks have no heading metadata, so a chunk counts as a hit for every
section it overlaps (generous to the baseline: its chunks are large and span several sections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.checks import first_rank
from eval.retrieval import DEPTH
from eval.sections import SectionSpan, heading_spans, sections_overlapping

if TYPE_CHECKING:  # pragma: no cover
    from assistant.settings import Settings

CORPUS_EXTENSIONS = [".md", ".txt"]


@dataclass(frozen=True)
class BaselineHit:
    sections: tuple[str, ...]  # every heading path the retrieved chunk overlaps
    programme: str  # the corpus folder the chunk's file is in
    score: float


class NaiveRag:
    """llama-index with its defaults, retriever only (Settings.llm = None)."""

    def __init__(self, corpus_dir: Path, embed_model: Any, top_k: int = DEPTH) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.embed_model = embed_model
        self.top_k = top_k
        self._retriever: Any = None
        self._spans: dict[str, list[SectionSpan]] = {}
        self._programmes: dict[str, str] = {}
        self.chunk_count = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> NaiveRag:
        from assistant.components import get_embedder

        return cls(settings.corpus_dir, get_embedder(settings))

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
        self._programmes = {doc.doc_id: Path(doc.metadata.get("file_path", "")).parent.name for doc in documents}
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
            sections = tuple(sections_overlapping(spans, start, end))
            programme = self._programmes.get(node.ref_doc_id or "", "")
            hits.append(BaselineHit(sections, programme, float(scored.score or 0.0)))
        return hits

    def rank(self, question: str, expected_section: str, programme: str | None = None) -> int | None:
        """1-based rank of the first retrieved chunk overlapping the expected section (of the programme)."""
        for rank, hit in enumerate(self.search(question), start=1):
            if programme and hit.programme != programme:
                continue
            if first_rank(expected_section, hit.sections) is not None:
                return rank
        return None

    def ranks(self, rows: Iterable[tuple[str, str, str, str | None]]) -> dict[str, int | None]:
        """Ranks for (id, question, expected section, programme) rows."""
        return {item_id: self.rank(question, section, programme) for item_id, question, section, programme in rows}
