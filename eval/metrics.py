"""Evaluation metrics, each a small unit returning per-item scores and an overall score.

Following haystack's evaluators: a metric never hides which items pulled it down, so the report can
list them. `overall` is None when no item applies (a metric of nothing is not 0 or 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eval.checks import first_rank
from eval.records import ItemRecord


@dataclass(frozen=True)
class MetricResult:
    name: str
    overall: float | None
    per_item: dict[str, float]

    @property
    def count(self) -> int:
        return len(self.per_item)

    def failed(self) -> list[str]:
        """Ids of the items that scored below 1."""
        return [item_id for item_id, score in self.per_item.items() if score < 1]


def mean_metric(name: str, per_item: Mapping[str, float]) -> MetricResult:
    scores = dict(per_item)
    return MetricResult(name, sum(scores.values()) / len(scores) if scores else None, scores)


# --- answer quality -------------------------------------------------------------------------------
def accuracy(records: Sequence[ItemRecord], name: str = "accuracy") -> MetricResult:
    """An item is correct when every check of every turn passes."""
    return mean_metric(name, {r.item.id: float(r.passed) for r in records})


def accuracy_by_kind(records: Sequence[ItemRecord]) -> dict[str, MetricResult]:
    kinds = dict.fromkeys(r.item.kind for r in records)
    return {kind: accuracy([r for r in records if r.item.kind == kind], f"accuracy[{kind}]") for kind in kinds}


def numeric_exact_match(records: Sequence[ItemRecord]) -> MetricResult:
    """Share of items whose every expected integer amount equals the calculator's amount, to the yen."""
    per_item: dict[str, float] = {}
    for record in records:
        pairs = [
            (expect["amount"], (turn.answer.calculation or {}).get("amount"))
            for expect, turn in zip(record.item.expectations(), record.turns, strict=True)
            if expect and isinstance(expect.get("amount"), int)
        ]
        if pairs:
            per_item[record.item.id] = float(all(want == got for want, got in pairs))
    return mean_metric("numeric_exact_match", per_item)


def citation_correctness(records: Sequence[ItemRecord]) -> MetricResult:
    """Share of section-bearing items whose cited sources include the expected section."""
    per_item: dict[str, float] = {}
    for record in records:
        expected = record.item.expect.get("section")
        if expected:
            sections = [source.section for source in record.final.sources]
            per_item[record.item.id] = float(first_rank(expected, sections) is not None)
    return mean_metric("citation_correctness", per_item)


def out_of_scope_precision_recall(records: Sequence[ItemRecord]) -> tuple[MetricResult, MetricResult]:
    """found: false is the positive class. Precision over answers that said 'not covered', recall over
    items that should have."""
    judged = [r for r in records if "found" in r.item.expect]
    should = {r.item.id: r.item.expect["found"] is False for r in judged}
    said = {r.item.id: r.final.found is False for r in judged}
    precision = {item_id: float(should[item_id]) for item_id, flagged in said.items() if flagged}
    recall = {item_id: float(said[item_id]) for item_id, positive in should.items() if positive}
    return mean_metric("oos_precision", precision), mean_metric("oos_recall", recall)


# --- retrieval ------------------------------------------------------------------------------------
def section_ranks(records: Sequence[ItemRecord]) -> dict[str, int | None]:
    """Rank of the expected section among the final answer's retrieved passages, per section-bearing item."""
    return {
        r.item.id: first_rank(r.item.expect["section"], [p.section for p in r.final.passages])
        for r in records
        if r.item.expect.get("section")
    }


def hit_at_k(ranks: Mapping[str, int | None], k: int) -> MetricResult:
    return mean_metric(f"hit@{k}", {i: float(r is not None and r <= k) for i, r in ranks.items()})


def mrr(ranks: Mapping[str, int | None]) -> MetricResult:
    return mean_metric("mrr", {i: (1.0 / r if r else 0.0) for i, r in ranks.items()})


def ranking_metrics(ranks: Mapping[str, int | None]) -> dict[str, MetricResult]:
    """hit@1, hit@3 and MRR of one ranking run, keyed by metric name."""
    return {m.name: m for m in (hit_at_k(ranks, 1), hit_at_k(ranks, 3), mrr(ranks))}


# --- latency --------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def turn_latencies_ms(records: Sequence[ItemRecord]) -> list[float]:
    return [turn.seconds * 1000 for record in records for turn in record.turns]


def latency(records: Sequence[ItemRecord]) -> dict[str, MetricResult]:
    """p50 and p95 of per-turn answer time in ms; per item: the mean of its turns."""
    per_item = {r.item.id: sum(t.seconds for t in r.turns) * 1000 / len(r.turns) for r in records}
    samples = turn_latencies_ms(records)
    return {
        name: MetricResult(name, percentile(samples, q), per_item)
        for name, q in (("latency_p50_ms", 50), ("latency_p95_ms", 95))
    }
