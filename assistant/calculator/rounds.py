"""Which call round (公募回) answers: the one named in the question, else the one open today, else the latest.

A guideline changes every round (caps, rates, deadlines), so a figure is only meaningful with its round;
an older round's figures are never presented as current once a newer round is defined.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from assistant.calculator.schema import CallRound, RulesFile

RoundState = Literal["open", "closed", "upcoming"]
Reason = Literal["named", "open", "latest"]


def day_of(value: object) -> date:
    """The calendar day of a date or datetime (a deadline day is open until its end)."""
    if isinstance(value, datetime):
        return value.date()
    assert isinstance(value, date), value
    return value


def opens_on(call: CallRound) -> date | None:
    if call.start is not None:
        return day_of(call.start.value)
    return call.effective_from


def closes_on(call: CallRound) -> date:
    return day_of(call.deadline.value)


def state_of(call: CallRound, today: date) -> RoundState:
    opening = opens_on(call)
    if today > closes_on(call):
        return "closed"
    if opening is not None and today < opening:
        return "upcoming"
    return "open"


def ordered(rules: RulesFile) -> list[CallRound]:
    """Rounds oldest first (by deadline): the order in which later values override earlier ones."""
    return sorted(rules.rounds, key=closes_on)


@dataclass(frozen=True)
class RoundChoice:
    round: CallRound
    reason: Reason


def named_in(question: str | None, rules: RulesFile) -> CallRound | None:
    """The round a question names (「第2回では」), longest name first so 第12回 is not read as 第1回."""
    if not question:
        return None
    text = unicodedata.normalize("NFKC", question)
    for call in sorted(rules.rounds, key=lambda r: len(r.name), reverse=True):
        name = unicodedata.normalize("NFKC", call.name)
        at = text.find(name)
        if at >= 0:
            after = text[at + len(name): at + len(name) + 1]
            if not (name[-1].isdigit() and after.isdigit()):
                return call
    return None


def choose_round(rules: RulesFile, today: date, question: str | None = None,
                 round_name: str | None = None) -> RoundChoice:
    """Named (explicitly or in the question) > open on today > the latest round."""
    if round_name is not None:
        call = next((r for r in rules.rounds if r.name == round_name), None)
        if call is not None:
            return RoundChoice(call, "named")
    named = named_in(question, rules)
    if named is not None:
        return RoundChoice(named, "named")
    rounds = ordered(rules)
    open_now = [r for r in rounds if state_of(r, today) == "open"]
    if open_now:
        return RoundChoice(open_now[-1], "open")
    return RoundChoice(rounds[-1], "latest")
