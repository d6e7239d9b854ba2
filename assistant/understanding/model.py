"""The result of understanding one message: what it is about, what it asks, what values it states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.understanding.forms import Form, QuestionForm


@dataclass
class Understanding:
    """One message, understood; `slots` holds only what this message states (the dialog merges them).

    Slot names and intent strings are shared with the calculator (see assistant.understanding docs).
    `error` is the Japanese message for unusable input (empty, too long); then nothing else is set.
    """

    text: str
    programme: str | None = None
    intent: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    reset: bool = False
    other_programme: str | None = None
    error: str | None = None
    # The message without the names of our programmes (typos included): what retrieval should search
    # once the programme filter knows the programme; names only pull toward overview sections.
    topic_text: str = ""
    # How this message's members relate to those given before: "add", "remove" or "replace".
    members_change: str = "replace"
    # How the question asks (yes/no, how much, a list, several parts): decides how the answer leads.
    form: QuestionForm = field(default_factory=lambda: QuestionForm(Form.OTHER))
    # A Japanese question about a figure that could not be used (4.000万円, 20.9人, a range, two values for
    # one slot); the figure is not in `slots`, and the engine asks this instead of answering.
    clarification: str | None = None
    # Changes to values given earlier in the conversation (「5人増えたら」 add 5, 「倍にしたら」 times 2).
    changes: dict[str, tuple[str, int | float]] = field(default_factory=dict)
    # A slot given as a range (「従業員51〜100人」): (low, high, as typed); the figure is also in `clarification`.
    ranges: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    # Every programme of the store the message names, in order; more than one asks about each (「違い」).
    programmes: tuple[str, ...] = ()
