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


def _changed(given: dict[str, Any], changes: dict[str, tuple[str, int | float]]) -> dict[str, Any]:
    """Values given before, changed as asked (「従業員が5人増えたら」 → 30 + 5); a change to nothing given is
    ignored (the calculator then asks for the value)."""
    out: dict[str, Any] = {}
    for slot, (op, amount) in changes.items():
        old = given.get(slot)
        if isinstance(old, (int, float)) and not isinstance(old, bool):
            new = old + amount if op == "add" else old * amount
            if new > 0:  # 「50人減ったら」 of 30: no count below one; the value stays and is asked again
                out[slot] = int(new) if isinstance(old, int) and float(new).is_integer() else new
    return out


def changed_inputs(changes: dict[str, tuple[str, int | float]], slots: dict[str, Any]) -> str:
    """「変更後の条件: 常勤従業員数23人」: the values a change produced, so the answer says what it computed."""
    from assistant.understanding.number_slots import shown_value

    values = [shown_value(slot, slots[slot]) for slot in changes if slot in slots]
    return "変更後の条件: " + "、".join(values) if values else ""


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
    is_follow_up = u.intent is None and bool(u.slots or u.programme or u.changes) and state.intent is not None
    intent = u.intent or (state.intent if is_follow_up else None) or "fact"
    slots = dict(u.slots)
    if "members" in slots and u.members_change == "replace":
        # A new composition: what was said of the old one (単独, 同一グループのみ ...) no longer holds.
        for flag in _COMPOSITION_FLAGS:
            state.slots.pop(flag, None)
    if "members" in slots and "members" in state.slots:
        slots["members"] = apply_members_change(state.slots["members"], slots["members"], u.members_change)
    slots.update(_changed(state.slots, u.changes))
    state.slots.update(slots)
    programme = named or state.programme
    state.programme = programme
    if intent in CALCULATION_INTENTS and intent not in _NO_INPUT_INTENTS:
        # A fact question in between (「締切は?」) must not lose the calculation a follow-up goes back to.
        state.intent = intent
    state.turns += 1
    return Turn(programme=programme, intent=intent, slots=dict(state.slots), is_follow_up=is_follow_up)
