"""One whole eval run: store up to date, warm engine, every Q&A item, retrieval comparisons, outputs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.baseline import NaiveRag
from eval.chart import write_chart
from eval.dataset import QAItem
from eval.records import ItemRecord
from eval.report import markdown_report, summary_table
from eval.retrieval_set import RetrievalRow, load_retrieval_rows, qa_rows, retrieval_set_ranks
from eval.runner import run_items
from eval.scores import QA_SET, RETRIEVAL_SET, Scores, score_records

if TYPE_CHECKING:  # pragma: no cover
    from assistant.settings import Settings

BASELINE = "baseline: llama-index defaults"


@dataclass
class EvalRun:
    scores: Scores
    meta: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        return summary_table(self.scores)

    def write(self, out: Path) -> dict[str, Path]:
        """report.md, chart.png and results.json (every item, for diffing runs) into `out`."""
        out.mkdir(parents=True, exist_ok=True)
        paths = {"report": out / "report.md", "chart": out / "chart.png", "results": out / "results.json"}
        paths["report"].write_text(markdown_report(self.scores, self.meta), encoding="utf-8")
        write_chart(self.scores, paths["chart"])
        paths["results"].write_text(json.dumps(results_json(self), ensure_ascii=False, indent=1), encoding="utf-8")
        return paths


def results_json(run: EvalRun) -> dict[str, Any]:
    return {
        "meta": run.meta,
        "headline": run.scores.headline(),
        "by_kind": {kind: m.overall for kind, m in run.scores.by_kind.items()},
        "retrieval": {
            system: {test_set: {name: m.overall for name, m in metrics.items()} for test_set, metrics in runs.items()}
            for system, runs in run.scores.retrieval.items()
        },
        "items": [
            {
                "id": r.item.id,
                "kind": r.item.kind,
                "passed": r.passed,
                "reasons": r.reasons,
                "turns": [
                    {"question": t.question, "ms": round(t.seconds * 1000, 2), "answer": t.answer.to_dict()}
                    for t in r.turns
                ],
            }
            for r in run.scores.records
        ],
    }


def ensure_store(settings: Settings, extra: Sequence[Path] = (), with_corpus: bool = True) -> str:
    """Bring the store up to date with the shipped corpus and any extra folders (no work when unchanged)."""
    from ingest.pipeline import run_ingest

    report = run_ingest([Path(settings.corpus_dir)] * with_corpus + list(extra), settings)
    return f"{report.files} files, {report.chunks} chunks, {report.embedded} embedded, {report.seconds:.1f} s"


def add_baseline(scores: Scores, settings: Settings, rows: Sequence[RetrievalRow]) -> str:
    rag = NaiveRag.from_settings(settings).build()
    scores.add_ranking(BASELINE, QA_SET, rag.ranks(astuple(r) for r in qa_rows(scores.records)))
    if rows:
        scores.add_ranking(BASELINE, RETRIEVAL_SET, rag.ranks(astuple(r) for r in rows))
    return f"{rag.chunk_count} chunks"


def run_eval(
    settings: Settings,
    items: Sequence[QAItem],
    ingest: bool = True,
    baseline: bool = True,
    retrieval_set: bool = True,
    progress: Callable[[ItemRecord], None] | None = None,
    extra_sources: Sequence[Path] = (),
    with_corpus: bool = True,
) -> EvalRun:
    from assistant.engine import Engine

    meta: dict[str, Any] = {
        "items": len(items),
        "embed_model": settings.embed_model,
        "retrieval_mode": settings.retrieval_mode,
        "fusion": settings.fusion,
        "today": str(settings.effective_today()),
    }
    if ingest:
        meta["ingest"] = ensure_store(settings, extra_sources, with_corpus)
        meta["sources"] = [str(settings.corpus_dir)] * with_corpus + [str(p) for p in extra_sources]
    engine = Engine.from_settings(settings)
    started = time.perf_counter()
    engine.warm_up()
    meta["warm_up_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    scores = score_records(run_items(engine, items, progress))
    meta["answer_run_s"] = round(time.perf_counter() - started, 2)
    rows = load_retrieval_rows()
    if retrieval_set:
        for system, test_set, ranks in retrieval_set_ranks(settings, rows, scores.records):
            scores.add_ranking(system, test_set, ranks)
    if baseline:
        meta["baseline"] = add_baseline(scores, settings, rows if retrieval_set else [])
    return EvalRun(scores, meta)
