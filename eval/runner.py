"""Runs Q&A items through the answer engine: a fresh dialog state per item, every turn timed (warm)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from assistant.types import Answer
from eval.checks import check_answer
from eval.dataset import QAItem
from eval.records import ItemRecord, TurnRecord


class AnswerEngine(Protocol):
    """The part of assistant.engine.Engine the eval uses (a protocol keeps this module import-light)."""

    def new_state(self) -> Any: ...

    def answer(self, text: str, state: Any) -> Answer: ...


def _ask(engine: AnswerEngine, question: str, state: Any) -> tuple[Answer, list[str]]:
    """The engine's answer; an exception becomes a failed turn rather than ending the run."""
    try:
        return engine.answer(question, state), []
    except Exception as error:  # noqa: BLE001 - one broken item must not hide the other results
        crashed = Answer(answer="", found=False, programme=None)
        return crashed, [f"engine raised {type(error).__name__}: {error}"]


def run_item(engine: AnswerEngine, item: QAItem, clock: Callable[[], float] = time.perf_counter) -> ItemRecord:
    state = engine.new_state()
    turns: list[TurnRecord] = []
    for question, expect in zip(item.turns, item.expectations(), strict=True):
        start = clock()
        answer, errors = _ask(engine, question, state)
        seconds = clock() - start
        reasons = errors + (check_answer(expect, answer) if expect else [])
        turns.append(TurnRecord(question, answer, seconds, reasons))
    return ItemRecord(item, turns)


def run_items(
    engine: AnswerEngine,
    items: Iterable[QAItem],
    progress: Callable[[ItemRecord], None] | None = None,
) -> list[ItemRecord]:
    """Every item in order; `progress` sees each record as it completes."""
    records = []
    for item in items:
        record = run_item(engine, item)
        records.append(record)
        if progress:
            progress(record)
    return records
