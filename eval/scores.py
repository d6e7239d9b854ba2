"""All scores of one eval run, computed from the item records and the retrieval runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from eval.metrics import (
    MetricResult,
    accuracy,
    accuracy_by_kind,
    citation_correctness,
    latency,
    numeric_exact_match,
    out_of_scope_precision_recall,
    ranking_metrics,
    section_ranks,
)
from eval.records import ItemRecord

# Names of the retrieval test sets shown as column groups in the report.
QA_SET = "qa"  # the single-turn Q&A items with an expected section
RETRIEVAL_SET = "retrieval"  # eval/retrieval.jsonl
ENGINE = "engine (answer passages)"


@dataclass
class Scores:
    records: list[ItemRecord]
    accuracy: MetricResult
    by_kind: dict[str, MetricResult]
    numeric: MetricResult
    citation: MetricResult
    oos_precision: MetricResult
    oos_recall: MetricResult
    latency: dict[str, MetricResult]
    # The engine's ranks on every section-bearing item, dialogs included: the headline and the CI gate.
    engine_retrieval: dict[str, MetricResult] = field(default_factory=dict)
    # system (engine, each retriever mode, the baseline) -> test set -> metric name -> result
    retrieval: dict[str, dict[str, dict[str, MetricResult]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_ranking(self, system: str, test_set: str, ranks: dict[str, int | None]) -> None:
        self.retrieval.setdefault(system, {})[test_set] = ranking_metrics(ranks)

    def headline(self) -> dict[str, float | None]:
        """The figures the CI gate and the README quote."""
        engine = self.engine_retrieval
        return {
            "accuracy": self.accuracy.overall,
            "numeric_exact_match": self.numeric.overall,
            "hit@1": engine["hit@1"].overall if engine else None,
            "hit@3": engine["hit@3"].overall if engine else None,
            "mrr": engine["mrr"].overall if engine else None,
            "citation_correctness": self.citation.overall,
            "oos_precision": self.oos_precision.overall,
            "oos_recall": self.oos_recall.overall,
            "latency_p50_ms": self.latency["latency_p50_ms"].overall,
            "latency_p95_ms": self.latency["latency_p95_ms"].overall,
        }


def score_records(records: Sequence[ItemRecord]) -> Scores:
    """Every answer-level metric, plus the engine's own retrieval ranks on the section-bearing items."""
    records = list(records)
    precision, recall = out_of_scope_precision_recall(records)
    scores = Scores(
        records=records,
        accuracy=accuracy(records),
        by_kind=accuracy_by_kind(records),
        numeric=numeric_exact_match(records),
        citation=citation_correctness(records),
        oos_precision=precision,
        oos_recall=recall,
        latency=latency(records),
    )
    scores.engine_retrieval = ranking_metrics(section_ranks(records))
    scores.add_ranking(ENGINE, QA_SET, section_ranks([r for r in records if len(r.item.turns) == 1]))
    return scores


def figures_leaked(records: Sequence[ItemRecord]) -> dict[str, list[str]]:
    """Items expected to be not covered whose answers still contain a figure, with the reasons."""
    return {
        r.item.id: [reason for reason in r.reasons if reason.startswith("figure")]
        for r in records
        if r.item.expect.get("found") is False and any(reason.startswith("figure") for reason in r.reasons)
    }
