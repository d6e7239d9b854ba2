"""Per-conversation state: which programme, which question, and the slots given so far.

A follow-up message usually changes one thing (「では投資額が1億円なら?」); merging it into the state
keeps everything else, so the calculator sees the whole picture without the user repeating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.understanding import Understanding
from assistant.understanding.members import apply_members_change

# Intents answered by the calculator (the rest are answered from retrieved passages).
CALCULATION_INTENTS = frozenset(
    {"amount", "cap", "sme_check", "consortium_check", "min_investment", "wage_requirement", "repayment",
     "schedule"}
)

# Calculator questions that take no inputs (a deadline): asked in between, a follow-up still goes back
# to the calculation before them.
_NO_INPUT_INTENTS = frozenset({"schedule"})


_COMPOSITION_FLAGS = ("single_applicant", "same_group_only", "outsourcing_only")


@dataclass
class DialogState:
    """What one conversation has established so far."""

    programme: str | None = None
    intent: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    turns: int = 0

    def reset(self) -> None:
        self.programme = None
        self.intent = None
        self.slots = {}
        self.turns = 0


@dataclass(frozen=True)
class Turn:
    """The resolved reading of one message in its conversation."""

    programme: str | None
    intent: str
    slots: dict[str, Any]
    is_follow_up: bool  # the message only supplied slots and reused the previous question


def merge(state: DialogState, u: Understanding, programme_override: str | None = None) -> Turn:
    """Fold one understood message into the state and return what this turn asks."""
    named = programme_override or u.programme
    if named and state.programme and named != state.programme:
        # Naming another programme starts over: its inputs are not this one's. A message that only gives
        # values (「では輸出支援の補助金で事業費5,000万円の場合は?」) still asks the same question of it.
        carried = state.intent if u.intent is None and u.slots else None
        state.reset()
        state.intent = carried
    # 「新事業進出補助金です」 answering our which-programme question is a follow-up too.
    is_follow_up = u.intent is None and bool(u.slots or u.programme) and state.intent is not None
    intent = u.intent or (state.intent if is_follow_up else None) or "fact"
    slots = dict(u.slots)
    if "members" in slots and u.members_change == "replace":
        # A new composition: what was said of the old one (単独, 同一グループのみ ...) no longer holds.
        for flag in _COMPOSITION_FLAGS:
            state.slots.pop(flag, None)
    if "members" in slots and "members" in state.slots:
        slots["members"] = apply_members_change(state.slots["members"], slots["members"], u.members_change)
    state.slots.update(slots)
    programme = named or state.programme
    state.programme = programme
    if intent in CALCULATION_INTENTS and intent not in _NO_INPUT_INTENTS:
        # A fact question in between (「締切は?」) must not lose the calculation a follow-up goes back to.
        state.intent = intent
    state.turns += 1
    return Turn(programme=programme, intent=intent, slots=dict(state.slots), is_follow_up=is_follow_up)
