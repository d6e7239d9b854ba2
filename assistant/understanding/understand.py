"""understand(): one message → programme, intent and slots, deterministically (no model, regex + tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.programmes import Programme
from assistant.understanding.context import contains_any
from assistant.understanding.forms import question_form
from assistant.understanding.intents import cue_intent, final_intent, is_reset
from assistant.understanding.lexicon import INTENT_CUES
from assistant.understanding.members import extract_consortium_flags, extract_members, members_change
from assistant.understanding.model import Understanding
from assistant.understanding.number_slots import extract_number_slots
from assistant.understanding.programme_detection import MASK_CHAR, detect_programmes
from assistant.understanding.sanitize import sanitize
from assistant.understanding.word_slots import extract_word_slots

_CONSORTIUM_CUES = INTENT_CUES["consortium_check"]


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + MASK_CHAR * (end - start) + text[end:]
    return text


def _extract_slots(text: str, intent: str | None) -> tuple[
        dict[str, Any], tuple[str, ...], dict[str, tuple[str, int | float]], dict[str, tuple[int, int, str]]]:
    """All slots this message states, and questions about unusable figures; numbers, members, then words."""
    numbers = extract_number_slots(text, intent)
    slots: dict[str, Any] = dict(numbers.values)
    members, member_spans = extract_members(text)
    if "members" in numbers.blocked:
        members = []  # a member count we asked about (2.5社, 2~3社) must not default to 1
    if members:
        slots["members"] = members
    # Members counted out (「中小企業2社と大学1校」) make it a consortium question as much as 連携体 does.
    consortium_context = contains_any(text, _CONSORTIUM_CUES) or bool(members)
    slots.update(extract_consortium_flags(text, members, consortium_context))
    slots.update(extract_word_slots(_mask_spans(text, member_spans)))
    return slots, numbers.questions, numbers.changes, numbers.ranges


def _without_one_part_choices(slots: dict[str, Any], parts: tuple[str, ...], intent: str | None) -> dict[str, Any]:
    """「通常の上限と、大幅賃上げ特例を使った場合の上限、それぞれ」: a yes/no choice that only one part
    states is that part's variant, not a fact of the applicant; left unset, the calculator shows both."""
    if len(parts) < 2:
        return slots
    stated = [_extract_slots(part, intent)[0] for part in parts]
    return {name: value for name, value in slots.items()
            if not (isinstance(value, bool) and any(name in s for s in stated) and not all(name in s for s in stated))}


def understand(text: str, programmes: Mapping[str, Programme]) -> Understanding:
    """Understand one user message; unusable input comes back with `error` set and nothing else."""
    clean, error = sanitize(text)
    if error:
        return Understanding(text=clean, error=error)
    match = detect_programmes(clean, programmes)
    masked = match.masked_text
    preliminary, _ = cue_intent(masked)
    slots, questions, changes, ranges = _extract_slots(masked, preliminary)
    intent = final_intent(masked, slots, match.programme, supplied_programme=match.programme is not None)
    if changes and intent == "fact" and preliminary is None:
        intent = None  # 「従業員が5人増えたら?」 changes the question asked before; it asks nothing new
    form = question_form(match.topic_text or clean)
    return Understanding(
        text=clean,
        topic_text=match.topic_text,
        programme=match.programme,
        intent=intent,
        slots=_without_one_part_choices(slots, form.parts, preliminary),
        reset=is_reset(clean),
        other_programme=match.other_programme,
        programmes=match.named,
        form=form,
        members_change=members_change(masked) if "members" in slots else "replace",
        clarification="\n".join(questions) or None,
        changes=changes,
        ranges=ranges,
    )
