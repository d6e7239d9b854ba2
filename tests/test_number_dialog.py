"""Unreadable figures through the real engine: a question comes back, nothing bad stays, the next turn works.

Real store of the shipped corpus (Sudachi, Chroma, the packaged model), as the user meets it.
"""

from __future__ import annotations

import re

import pytest

from assistant.engine import Engine
from assistant.settings import Settings

pytestmark = pytest.mark.slow

LATIN_OUTSIDE_QUOTES = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def engine(built_store: Settings) -> Engine:
    return Engine.from_settings(built_store.model_copy(update={"today": None}))


def _outside_quotes(text: str) -> str:
    return re.sub(r"「[^」]*」", "", text)


@pytest.mark.parametrize(
    "first,fragment",
    [
        ("従業員20.9人で1億円を投資したら補助額は?", "小数"),
        ("従業員21人で" + "9" * 400 + "円を投資したら補助額は?", "桁数"),
        ("従業員21人で1e30円を投資したら補助額は?", "指数"),
        ("従業員21人で4,000万~5,000万円を投資したら補助額は?", "範囲"),
        ("従業員21人で4.000万円を投資したら補助額は?", "小数点"),
        ("従業員-5人で1億円を投資したら補助額は?", "0人以上"),
    ],
)
def test_a_question_comes_back_and_the_next_turn_calculates(engine: Engine, first: str, fragment: str) -> None:
    state = engine.new_state()
    asked = engine.answer(first, state)
    assert asked.follow_up and fragment in asked.follow_up, asked.answer
    assert asked.calculation is None
    assert not LATIN_OUTSIDE_QUOTES.search(_outside_quotes(asked.answer)), asked.answer
    assert all(isinstance(v, int | float | str | bool | list) for v in state.slots.values())
    assert state.slots.get("employees", 21) == 21 and state.slots.get("investment", 100_000_000) == 100_000_000
    # The user restates the figure; the conversation carries on from the same question.
    answer = engine.answer("従業員21人で1億円です", state)
    assert answer.calculation is not None and answer.calculation["amount"] == 40_000_000, answer.answer
    assert answer.answer.splitlines()[0].count("4,000万円") >= 1


def test_employees_written_as_jugyoinsu_and_mei_change_the_band(engine: Engine) -> None:
    state = engine.new_state()
    answer = engine.answer("従業員数18名で1億円を投資したら補助額は?", state)
    assert answer.calculation is not None and answer.calculation["amount"] == 25_000_000, answer.answer


def test_conflicting_values_are_asked_about_not_picked(engine: Engine) -> None:
    state = engine.new_state()
    answer = engine.answer("従業員30人と50人で1億円を投資したら補助額は?", state)
    assert answer.follow_up and "「30人」と「50人」" in answer.follow_up
    assert "employees" not in state.slots and answer.calculation is None
    answer = engine.answer("50人です", state)
    assert answer.calculation is not None and answer.calculation["amount"] == 40_000_000, answer.answer
