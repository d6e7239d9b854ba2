"""The fixed Q&A set (eval/qa.jsonl): loading with strict keys, so a typo in an expectation fails loudly.

One JSON object per line: {"id", "kind", "turns": [...], "expect": {...}, "expect_turns"?: [...], "note"?}.
`expect` is checked against the answer to the last turn; `expect_turns` (one dict or null per turn)
adds checks on earlier turns of a dialog. `lead` lists what the first sentence must say (each entry may
offer alternatives as "はい|できます"), so a conclusion buried on the last line fails; `max_chars` bounds
a reply that should be short (thanks, greetings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QA_PATH = Path(__file__).resolve().parent / "qa.jsonl"
# The frozen split over programmes we do not ship, asked of a store holding them beside the corpus.
UNSEEN_PATH = Path(__file__).resolve().parent / "unseen.jsonl"
REPO = Path(__file__).resolve().parent.parent
UNSEEN_SOURCES = (REPO / "tests" / "fixtures" / "guidelines", REPO.parent / "shared" / "seeds")

KINDS = (
    "calculation", "sme_check", "consortium", "fact", "schedule", "dialog", "out_of_scope", "paraphrase",
    "unseen_programme", "yes_no", "list", "multi_part", "manners",
)
EXPECT_KEYS = frozenset({
    "amount", "eligible", "found", "programme", "phrases", "section", "follow_up", "lead", "max_chars",
})
ITEM_KEYS = frozenset({"id", "kind", "turns", "expect", "expect_turns", "note"})


class DatasetError(ValueError):
    """A Q&A line that cannot be evaluated; the message names the file, line and key."""


@dataclass(frozen=True)
class QAItem:
    id: str
    kind: str
    turns: tuple[str, ...]
    expect: dict[str, Any]
    expect_turns: tuple[dict[str, Any] | None, ...] = field(default=())
    note: str = ""

    def expectations(self) -> list[dict[str, Any] | None]:
        """One expectation (or None) per turn; the last turn always carries `expect`."""
        per_turn: list[dict[str, Any] | None] = list(self.expect_turns) or [None] * len(self.turns)
        per_turn[-1] = {**(per_turn[-1] or {}), **self.expect}
        return per_turn


def _check_expect(expect: Any, where: str) -> dict[str, Any]:
    if not isinstance(expect, dict):
        raise DatasetError(f"{where}: expect must be an object")
    unknown = set(expect) - EXPECT_KEYS
    if unknown:
        raise DatasetError(f"{where}: unknown expect key(s) {sorted(unknown)}")
    if "amount" in expect and expect["amount"] is not None and (
        isinstance(expect["amount"], bool) or not isinstance(expect["amount"], int)
    ):
        raise DatasetError(f"{where}: amount must be integer yen or null")
    for key in ("eligible", "found", "follow_up"):
        if key in expect and not isinstance(expect[key], bool):
            raise DatasetError(f"{where}: {key} must be true or false")
    for key in ("phrases", "lead"):
        values = expect.get(key, [])
        if not isinstance(values, list) or not all(isinstance(p, str) and p for p in values):
            raise DatasetError(f"{where}: {key} must be a list of non-empty strings")
    if "max_chars" in expect and (isinstance(expect["max_chars"], bool) or not isinstance(expect["max_chars"], int)):
        raise DatasetError(f"{where}: max_chars must be an integer")
    return expect


def parse_item(data: Any, where: str) -> QAItem:
    """Validate one decoded line and turn it into a QAItem."""
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: each line must be a JSON object")
    unknown = set(data) - ITEM_KEYS
    if unknown:
        raise DatasetError(f"{where}: unknown key(s) {sorted(unknown)}")
    for key in ("id", "kind", "turns", "expect"):
        if key not in data:
            raise DatasetError(f"{where}: missing key {key!r}")
    if data["kind"] not in KINDS:
        raise DatasetError(f"{where}: unknown kind {data['kind']!r}")
    turns = data["turns"]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        raise DatasetError(f"{where}: turns must be a non-empty list of questions")
    expect_turns = data.get("expect_turns") or []
    if expect_turns and len(expect_turns) != len(turns):
        raise DatasetError(f"{where}: expect_turns needs one entry per turn")
    checked_turns = tuple(None if e is None else _check_expect(e, where) for e in expect_turns)
    return QAItem(
        id=str(data["id"]),
        kind=data["kind"],
        turns=tuple(turns),
        expect=_check_expect(data["expect"], where),
        expect_turns=checked_turns,
        note=str(data.get("note", "")),
    )


def load_qa(path: Path = QA_PATH) -> list[QAItem]:
    """All items of a Q&A file; ids must be unique."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where}: not JSON ({error.msg})") from error
        item = parse_item(data, where)
        if item.id in seen:
            raise DatasetError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    return items


LOOSE_DROPPED = ("programme", "section")


def loosened(item: QAItem) -> QAItem:
    """The item without expectations tied to our corpus (programme ids, heading names)."""
    def drop(expect: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if expect is None else {k: v for k, v in expect.items() if k not in LOOSE_DROPPED}

    return QAItem(item.id, item.kind, item.turns, drop(item.expect) or {},
                  tuple(drop(e) for e in item.expect_turns), item.note)
