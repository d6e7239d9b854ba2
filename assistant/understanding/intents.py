"""What the user asks for: one of the calculator's intents, "fact", or None for a follow-up.

Two passes. cue_intent() reads the cue words alone (in INTENT_PRIORITY order, so 「返還」 beats 「賃上げ」
and 「上限」 beats 「補助額」); it runs before slot extraction because a bare amount's meaning depends on
it. final_intent() then uses the slots: 「対象になりますか」 with company facts is an SME check, a
message that only supplies values (「従業員は30人です」) is a follow-up (None).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.understanding.context import alternation, contains_any
from assistant.understanding.forms import Form, question_form
from assistant.understanding.lexicon import (
    ELIGIBILITY_CUES,
    FALLBACK_AMOUNT_CONTEXT,
    FALLBACK_AMOUNT_CUE,
    FOLLOW_UP_FILLERS,
    INTENT_CUES,
    INTENT_PRIORITY,
    QUESTION_CUES,
    REFERENCE_CUES,
    RESET_CUES,
)

# Every intent understand() may return besides None; the calculator handles all but "fact".
INTENTS = (
    "amount", "cap", "sme_check", "consortium_check", "min_investment", "wage_requirement", "repayment",
    "schedule", "fact",
)
_CUE_RES = {intent: alternation(INTENT_CUES[intent]) for intent in INTENT_PRIORITY}
# 大幅賃上げ特例 names a choice (a slot), not a wage question: read it as 特例 when looking for cues,
# so that 「特例の要件」 still is one.
_SPECIAL_NAME_RE = re.compile(r"(?:大幅)?賃上げ特例")
# Wage words that a value can hang on (「最低賃金+50円なら?」): alone they make no new question.
_WEAK_WAGE_CUES = {"事業場内最低賃金", "最低賃金", "給与支給総額", "賃上げ", "給与", "給料", "賃金", "賃上げ率"}
_WAGE_SLOTS = ("min_wage_margin", "wage_growth_rate", "wage_target_rate", "wage_actual_rate", "min_wage_target_met")
_CONSORTIUM_SLOTS = ("members", "same_group_only", "outsourcing_only", "roles_in_writing", "single_applicant")
_COMPANY_SLOTS = ("capital", "employees", "industry")
_RESET_RE = alternation(RESET_CUES)
_REFERENCE_RE = alternation(REFERENCE_CUES)
_FILLER_RE = re.compile(
    r"[\s。、,.!?!?・ー〜~]|です|ます|お願いします|お願い|してください|して|ください|から|したい|たい|しましょう|しよう|ね"
)
# What is left of a programme-only message once names, topic words and follow-up fillers are gone:
# 「輸出の方でお願いします」 leaves nothing, 「新事業進出補助金の補助率は?」 leaves 補助率 (a question).
_CHOICE_NOISE_RE = alternation([*FOLLOW_UP_FILLERS, "補助金", "助成金"])
_CHOICE_PUNCT_RE = re.compile(r"[\s。、,.!?!?・ー〜~■()「」]")


def _cue_view(text: str) -> str:
    return _SPECIAL_NAME_RE.sub("特例", text)


def cue_intent(text: str) -> tuple[str | None, str | None]:
    """(intent named by its cue words, the cue word that decided it); (None, None) when no cue."""
    view = _cue_view(text)
    for intent in INTENT_PRIORITY:
        match = _CUE_RES[intent].search(view)
        if match:
            return intent, match.group()
    if FALLBACK_AMOUNT_CUE in view and "補助率" not in view and contains_any(view, FALLBACK_AMOUNT_CONTEXT):
        return "amount", FALLBACK_AMOUNT_CUE
    return None, None


def is_reset(text: str) -> bool:
    """「最初から」「リセット」「/reset」: the user starts a new conversation."""
    return bool(_RESET_RE.search(text))


def is_reset_only(text: str) -> bool:
    """True when nothing but the reset request is said (then there is no question to answer)."""
    return not _FILLER_RE.sub("", _RESET_RE.sub("", text))


def refers_back(text: str) -> bool:
    """「さっきの条件で」「同じ条件で」「その場合」: the message builds on the inputs given before."""
    return bool(_REFERENCE_RE.search(text))


def _is_question(text: str) -> bool:
    return contains_any(_REFERENCE_RE.sub("", _cue_view(text)), QUESTION_CUES)


def _only_chooses_programme(text: str) -> bool:
    """「輸出の方で」「新事業進出補助金です」: the message names a programme and says nothing else."""
    rest = _CHOICE_PUNCT_RE.sub("", _CHOICE_NOISE_RE.sub("", text))
    return len(rest) <= 1


def _has_any(slots: Mapping[str, Any], names: tuple[str, ...]) -> bool:
    return any(name in slots for name in names)


def _from_eligibility(slots: Mapping[str, Any]) -> str | None:
    """「対象になりますか」「申請できますか」: which check the stated facts call for."""
    if _has_any(slots, _CONSORTIUM_SLOTS):
        return "consortium_check"
    if _has_any(slots, _COMPANY_SLOTS):
        return "sme_check"
    if "investment" in slots:
        return "min_investment"
    return None


def final_intent(
    text: str,
    slots: Mapping[str, Any],
    programme: str | None,
    supplied_programme: bool,
) -> str | None:
    """The intent after slot extraction; None when the message only supplies values or a reset."""
    intent, cue = cue_intent(text)
    view = _cue_view(text)
    # 「1社だけで申請したいのですが可能ですか?」 asks as plainly as 「対象になりますか」.
    eligibility = contains_any(view, ELIGIBILITY_CUES) or (
        bool(slots) and question_form(text).form is Form.YES_NO and not refers_back(text))
    if intent == "consortium_check":
        has_facts = _has_any(slots, _CONSORTIUM_SLOTS)
        if not (has_facts or eligibility):
            intent = "fact"  # 「連携体の要件は?」 is answered from the passages, not calculated
    if intent == "wage_requirement" and cue in _WEAK_WAGE_CUES:
        if _has_any(slots, _WAGE_SLOTS) and not _is_question(text):
            return None
    if intent is not None:
        return intent
    if "members" in slots and _is_question(text):
        return "consortium_check"  # 「中小企業2社と大学1校の4者です。要件は?」
    if eligibility:
        # 「対象になりますか」 is a question even when the facts given call for no calculation.
        return _from_eligibility(slots) or "fact"
    if is_reset(text) and is_reset_only(text):
        return None
    if slots and not _is_question(text):
        return None
    if supplied_programme and not slots and _only_chooses_programme(text):
        return None
    return "fact"
