"""`python -m eval feedback [--db URL] --out F.jsonl`: 👎 answers from the chat history as draft eval items.

Each 👎 in the chat is a Chainlit feedback row on an answer step; the step's metadata holds the typed
answer the UI sent (question, answer, sources, calculation: assistant/app.py send_answer). A draft item
has the conversation's user turns up to that answer, an empty `expect` for a human to fill in, and a note
with the comment, the answer given and its sources, so it loads with eval.dataset.parse_item as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

THUMBS_DOWN = 0
_DISLIKED = text(
    'SELECT f."id" AS feedback_id, f."comment" AS comment, s."id" AS step_id, s."threadId" AS thread_id, '
    's."createdAt" AS created_at, s."output" AS output, s."metadata" AS metadata, t."userIdentifier" AS user_name '
    'FROM feedbacks f JOIN steps s ON s."id" = f."forId" LEFT JOIN threads t ON t."id" = s."threadId" '
    'WHERE f."value" = :value ORDER BY s."createdAt"'
)
# Chainlit puts the 👎 on the run step of the message handler; the answer is its assistant_message child.
_ANSWER_UNDER = text(
    'SELECT "output" AS output, "metadata" AS metadata, "createdAt" AS created_at FROM steps '
    'WHERE "parentId" = :parent AND "type" = \'assistant_message\' ORDER BY "createdAt"'
)
_USER_TURNS = text(
    'SELECT "output" AS output FROM steps WHERE "threadId" = :thread AND "type" = \'user_message\' '
    'AND "createdAt" <= :until ORDER BY "createdAt"'
)


@dataclass(frozen=True)
class Disliked:
    """One 👎 answer as recorded: the user's turns up to it, the typed answer and the comment."""

    step_id: str
    turns: list[str]
    comment: str
    answer: Mapping[str, Any] = field(default_factory=dict)
    user: str = ""
    created_at: str = ""


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {}
    return dict(value) if isinstance(value, Mapping) else {}


async def read_disliked(url: str) -> list[Disliked]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    found: list[Disliked] = []
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(_DISLIKED, {"value": THUMBS_DOWN})).mappings().all()
            for row in rows:
                answer = _json(row["metadata"]).get("hojo_answer") or {}
                created_at = row["created_at"]
                if not answer:
                    for child in (await connection.execute(_ANSWER_UNDER, {"parent": row["step_id"]})).mappings():
                        answer = _json(child["metadata"]).get("hojo_answer") or answer
                        created_at = child["created_at"] if answer else created_at
                turns_rows = (await connection.execute(
                    _USER_TURNS, {"thread": row["thread_id"], "until": created_at})).mappings().all()
                turns = [str(r["output"]) for r in turns_rows if str(r["output"] or "").strip()]
                if not turns and answer.get("question"):
                    turns = [str(answer["question"])]
                found.append(Disliked(step_id=str(row["step_id"]), turns=turns, comment=str(row["comment"] or ""),
                                      answer=answer, user=str(row["user_name"] or ""),
                                      created_at=str(created_at or "")))
    finally:
        await engine.dispose()
    return found


def draft_item(disliked: Disliked) -> dict[str, Any]:
    """A Q&A line for eval/qa.jsonl with an empty expect: a human decides what the right answer is."""
    answer = disliked.answer
    calculation = answer.get("calculation") or None
    sources = answer.get("sources") or []
    note_parts = [f"👎 {disliked.comment}" if disliked.comment else "👎(コメントなし)",
                  f"回答: {answer.get('answer', '')}".strip()]
    if sources:
        note_parts.append("出典: " + " / ".join(f"{s.get('doc', '')}「{s.get('section', '')}」" for s in sources))
    if calculation:
        note_parts.append(f"計算: {calculation.get('calculation_line') or calculation.get('conclusion') or ''}")
    note_parts.append(f"programme: {answer.get('programme')}; found: {answer.get('found')}; "
                      f"user: {disliked.user}; at: {disliked.created_at}")
    return {
        "id": f"feedback-{disliked.step_id[:8]}",
        "kind": "calculation" if calculation else "fact",
        "turns": disliked.turns or ["(質問が記録されていません)"],
        "expect": {},
        "note": "下書き(expect を記入してください)。" + " | ".join(note_parts),
    }


def export(url: str, out: Path) -> int:
    """Write one draft item per 👎 answer; returns how many."""
    from assistant.history import ensure_schema

    ensure_schema(url)  # an empty database (nobody has chatted yet) exports nothing instead of failing
    items = [draft_item(d) for d in asyncio.run(read_disliked(url))]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(items)


def main(argv: Sequence[str]) -> int:
    from assistant.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m eval feedback",
                                     description="Export 👎 answers from the chat history as draft eval items.")
    parser.add_argument("--db", help="history database URL (default: HOJO_DATABASE_URL, else the SQLite file)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(list(argv))
    url = args.db or get_settings().history_url()
    if "://" not in url:  # a plain path to an SQLite file
        url = f"sqlite+aiosqlite:///{Path(url).resolve()}"
    count = export(url, args.out)
    print(f"👎 の回答 {count}件を評価項目の下書きとして {args.out} に書き出しました。")
    return 0
