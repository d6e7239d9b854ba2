"""The eval's outputs: a summary table for the terminal and report.md (figures, comparison, failures)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from eval.metrics import MetricResult
from eval.records import ItemRecord
from eval.scores import QA_SET, RETRIEVAL_SET, Scores

RANK_METRICS = ("hit@1", "hit@3", "mrr")
ANSWER_EXCERPT = 160


def fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def _count(metric: MetricResult) -> str:
    return f"{metric.count}"


def headline_rows(scores: Scores) -> list[tuple[str, str, str]]:
    """(metric, value, items) rows shared by the terminal table and report.md."""
    engine = scores.engine_retrieval
    rows = [
        ("accuracy (all checks pass)", fmt(scores.accuracy.overall), _count(scores.accuracy)),
        ("numeric exact match", fmt(scores.numeric.overall), _count(scores.numeric)),
    ]
    rows += [(f"retrieval {name} (answer passages)", fmt(m.overall), _count(m)) for name, m in engine.items()]
    rows += [
        ("citation correctness", fmt(scores.citation.overall), _count(scores.citation)),
        ("out-of-scope precision", fmt(scores.oos_precision.overall), _count(scores.oos_precision)),
        ("out-of-scope recall", fmt(scores.oos_recall.overall), _count(scores.oos_recall)),
        ("latency p50 (warm, per turn)", fmt_ms(scores.latency["latency_p50_ms"].overall), ""),
        ("latency p95 (warm, per turn)", fmt_ms(scores.latency["latency_p95_ms"].overall), ""),
    ]
    return rows


def retrieval_rows(scores: Scores) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the side-by-side retrieval table: one row per system, both test sets."""
    sets = [s for s in (QA_SET, RETRIEVAL_SET) if any(s in runs for runs in scores.retrieval.values())]
    header = ["system"] + [f"{s} {m}" for s in sets for m in RANK_METRICS] + ["items"]
    rows = []
    for system, runs in scores.retrieval.items():
        cells = [fmt(runs[s][m].overall) if s in runs else "—" for s in sets for m in RANK_METRICS]
        counts = "/".join(str(runs[s]["hit@1"].count) if s in runs else "—" for s in sets)
        rows.append([system, *cells, counts])
    return header, rows


def _table(header: list[str], rows: Iterable[list[str]]) -> str:
    rows = [list(r) for r in rows]
    widths = [max(_width(c) for c in col) for col in zip(header, *rows, strict=True)]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)) for line in lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def summary_table(scores: Scores) -> str:
    """The plain-text summary printed at the end of `python -m eval`."""
    head = _table(["metric", "value", "items"], [list(r) for r in headline_rows(scores)])
    kinds = _table(
        ["kind", "accuracy", "items", "failed"],
        [[k, fmt(m.overall), str(m.count), str(len(m.failed()))] for k, m in scores.by_kind.items()],
    )
    header, rows = retrieval_rows(scores)
    return "\n\n".join([head, kinds, _table(header, rows)])


def _md_table(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= ANSWER_EXCERPT else flat[:ANSWER_EXCERPT] + "…"


def failure_lines(record: ItemRecord) -> list[str]:
    """One Markdown bullet block per failed item: the question(s), each reason, the answer given."""
    item = record.item
    questions = " → ".join(f"「{t}」" for t in item.turns)
    lines = [f"- **{item.id}** ({item.kind}) {questions}" + (f" — _{item.note}_" if item.note else "")]
    lines += [f"  - {reason}" for reason in record.reasons]
    lines.append(f"  - answer: {_excerpt(record.final.answer)}")
    return lines


def markdown_report(scores: Scores, meta: dict[str, Any]) -> str:
    """report.md: headline figures, accuracy per kind, retrieval vs the naive baseline, failures."""
    parts = [
        "# Evaluation report",
        f"Generated {datetime.now().isoformat(timespec='seconds')} · "
        + " · ".join(f"{k}: {v}" for k, v in meta.items()),
        "## Headline",
        _md_table(["metric", "value", "items"], headline_rows(scores)),
        "## Accuracy per kind",
        _md_table(
            ["kind", "accuracy", "items", "failed"],
            [[k, fmt(m.overall), str(m.count), str(len(m.failed()))] for k, m in scores.by_kind.items()],
        ),
        "## Retrieval: ours vs the naive llama-index baseline",
        f"Rank of the first passage from the expected section (and programme). `{QA_SET}`: the single-turn "
        f"Q&A items with an expected section; `{RETRIEVAL_SET}`: eval/retrieval.jsonl. The engine row ranks "
        "the passages its answers carry (top_k, programme filter when the programme is known); the retriever "
        "rows search each question in one mode without a programme filter (eval/retrieval.py). The baseline "
        "is llama-index's defaults (SimpleDirectoryReader, SentenceSplitter, in-memory VectorStoreIndex, the "
        "same embedding model, no LLM, no programme filter); its chunks carry no headings, so a chunk counts "
        "for every section it overlaps.",
        _md_table(*retrieval_rows(scores)),
        "![accuracy per kind and latency](chart.png)",
    ]
    if scores.notes:
        parts += ["## Notes", "\n".join(f"- {note}" for note in scores.notes)]
    failed = [r for r in scores.records if not r.passed]
    parts.append(f"## Failed items ({len(failed)} of {len(scores.records)})")
    parts.append("\n".join(line for r in failed for line in failure_lines(r)) or "None.")
    return "\n\n".join(parts) + "\n"
