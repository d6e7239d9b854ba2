"""Retrieval evaluation: hit@1, hit@3 and MRR of bm25, dense and hybrid variants on eval/retrieval.jsonl
and on the unseen-programme items of eval/unseen.jsonl (programmes we do not ship, never tuned on).

A hit is a passage whose heading path contains the item's expected section heading and whose
programme is the item's programme (an id, or for unseen items the official name, found in the
document's title). Run `python -m eval.retrieval [--store DIR] [--items FILE]` for the table; the
unseen items need a store with tests/fixtures/guidelines ingested.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATASET = Path(__file__).with_name("retrieval.jsonl")
UNSEEN = Path(__file__).with_name("unseen.jsonl")
DEPTH = 10  # MRR looks this deep; a passage found lower counts as not found


@dataclass(frozen=True)
class Variant:
    """One retrieval configuration to compare: a mode plus, for hybrid, its fusion settings."""

    label: str
    mode: str
    overrides: dict[str, Any]


VARIANTS = (
    Variant("bm25", "bm25", {}),
    Variant("dense", "dense", {}),
    Variant("hybrid rrf k=60 1:1", "hybrid", {"fusion": "rrf", "rrf_k": 60, "bm25_weight": 1.0, "dense_weight": 1.0}),
    Variant("hybrid rrf k=20 0.6:0.4", "hybrid", {"fusion": "rrf", "rrf_k": 20, "bm25_weight": 0.6, "dense_weight": 0.4}),
    Variant("hybrid rrf k=5 1:1", "hybrid", {"fusion": "rrf", "rrf_k": 5, "bm25_weight": 1.0, "dense_weight": 1.0}),
    *(
        Variant(f"hybrid weighted {w:.2f}:{1 - w:.2f}", "hybrid",
                {"fusion": "weighted", "bm25_weight": w, "dense_weight": round(1 - w, 2)})
        for w in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8)
    ),
)


def load_items(path: Path = DATASET) -> list[dict[str, str]]:
    """The question set: one JSON object per line with id, question, programme and section.

    Q&A-style lines ({id, turns, expect: {programme, section}}, as in unseen.jsonl) become single
    questions; those without an expected section, or with more than one turn, are left out.
    """
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    items = []
    for row in rows:
        if "question" in row:
            items.append(row)
        elif row.get("expect", {}).get("section") and len(row.get("turns", [])) == 1:
            expect = row["expect"]
            items.append({"id": row["id"], "question": row["turns"][0], "programme": expect.get("programme", ""),
                          "section": expect["section"]})
    return items


def first_hit_rank(passages: list[Any], item: dict[str, str]) -> int | None:
    """1-based rank of the first passage from the expected section and programme, else None."""
    programme = item["programme"]
    for rank, passage in enumerate(passages, start=1):
        if item["section"] in passage.section and (passage.programme == programme or bool(programme) and programme in passage.doc):
            return rank
    return None


def evaluate(retriever: Any, items: list[dict[str, str]], mode: str, use_programme: bool = False) -> dict[str, Any]:
    """hit@1, hit@3, MRR (@10) over items for one mode, with each item's rank and top section."""
    results: list[dict[str, Any]] = []
    for item in items:
        programme = item["programme"] if use_programme else None
        passages = retriever.search(item["question"], programme=programme, top_k=DEPTH, mode=mode)
        rank = first_hit_rank(passages, item)
        results.append(
            {
                "id": item["id"],
                "question": item["question"],
                "expected": item["section"],
                "rank": rank,
                "top": f"{passages[0].programme}: {passages[0].section}" if passages else None,
            }
        )
    n = len(results) or 1
    ranks: list[int | None] = [r["rank"] for r in results]
    return {
        "mode": mode,
        "n": len(results),
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
        "items": results,
    }


def compare(settings: Any, items: list[dict[str, str]], use_programme: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """Every variant's scores on the same store."""
    from assistant.components import get_embedder
    from assistant.retrieval.hybrid import HybridRetriever

    rows = []
    for variant in VARIANTS:
        retriever = HybridRetriever(settings.model_copy(update=variant.overrides), get_embedder(settings))
        rows.append((variant.label, evaluate(retriever, items, variant.mode, use_programme)))
        retriever.close()
    return rows


def format_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    lines = ["| variant | hit@1 | hit@3 | MRR |", "|---|---|---|---|"]
    for label, scores in rows:
        lines.append(f"| {label} | {scores['hit@1']:.3f} | {scores['hit@3']:.3f} | {scores['mrr']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval", description="検索精度(hit@1・hit@3・MRR)の評価")
    parser.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")
    parser.add_argument("--items", type=Path, default=DATASET, help="評価用の質問セット(JSONL)")
    parser.add_argument("--programme-filter", action="store_true", help="各質問の制度で絞り込んで検索します")
    parser.add_argument("--misses", action="store_true", help="既定の設定で3位以内に入らなかった質問を表示します")
    args = parser.parse_args(argv)

    from assistant.components import get_retriever
    from assistant.retrieval.errors import StoreError
    from assistant.settings import get_settings

    settings = get_settings()
    if args.store:
        settings = settings.model_copy(update={"store_dir": args.store})
    items = load_items(args.items)
    try:
        rows = compare(settings, items, args.programme_filter)
        default = evaluate(get_retriever(settings), items, settings.retrieval_mode, args.programme_filter)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"質問 {len(items)}件、制度での絞り込み: {'あり' if args.programme_filter else 'なし'}")
    print(format_table(rows + [(f"default ({settings.retrieval_mode}, {settings.fusion})", default)]))
    if args.misses:
        for r in default["items"]:
            if r["rank"] is None or r["rank"] > 3:
                print(f"- {r['id']} rank={r['rank']} 「{r['question']}」 期待: {r['expected']} / 1位: {r['top']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
