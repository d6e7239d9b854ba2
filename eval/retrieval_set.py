"""Retrieval comparisons: our retriever in each mode (bm25, dense, hybrid) on retrieval.jsonl and on the
section-bearing Q&A items, scored by eval/retrieval.py's evaluate (no programme filter, like the baseline)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from eval.records import ItemRecord
from eval.retrieval import DATASET, DEPTH, evaluate, load_items
from eval.scores import QA_SET, RETRIEVAL_SET

if TYPE_CHECKING:  # pragma: no cover
    from assistant.settings import Settings

MODES = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class RetrievalRow:
    id: str
    question: str
    section: str
    programme: str | None = None


def load_retrieval_rows() -> list[RetrievalRow]:
    """retrieval.jsonl rows ({id, question, programme, section}); none when the file is absent."""
    if not DATASET.is_file():
        return []
    return [RetrievalRow(d["id"], d["question"], d["section"], d.get("programme")) for d in load_items(DATASET)]


def qa_rows(records: Sequence[ItemRecord]) -> list[RetrievalRow]:
    """Single-turn Q&A items with an expected section (a dialog's later turns need its state)."""
    return [
        RetrievalRow(r.item.id, r.item.turns[0], r.item.expect["section"], r.item.expect.get("programme"))
        for r in records
        if r.item.expect.get("section") and len(r.item.turns) == 1
    ]


def mode_ranks(settings: Settings, rows: Sequence[RetrievalRow], mode: str) -> dict[str, int | None]:
    """Rank (within eval.retrieval.DEPTH) of each row's expected section for one retrieval mode."""
    from assistant.components import get_retriever

    result = evaluate(get_retriever(settings), [asdict(row) for row in rows], mode)
    return {entry["id"]: entry["rank"] for entry in result["items"]}


def retrieval_set_ranks(
    settings: Settings, rows: Sequence[RetrievalRow], records: Sequence[ItemRecord]
) -> Iterator[tuple[str, str, dict[str, int | None]]]:
    """(system, test set, ranks) for each retrieval mode on both test sets."""
    questions = qa_rows(records)
    for mode in MODES:
        system = f"retriever: {mode} (top {DEPTH})"
        if questions:
            yield system, QA_SET, mode_ranks(settings, questions, mode)
        if rows:
            yield system, RETRIEVAL_SET, mode_ranks(settings, rows, mode)
