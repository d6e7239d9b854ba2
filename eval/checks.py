"""Checks of one answer against one expectation; each failed check is a short English reason.

Answers are compared after NFKC, so 「２,０００万円」 and 「2,000万円」 are the same phrase and
headings with full-width brackets match the ASCII ones in the corpus.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from assistant.types import Answer

# A figure: a number followed by a unit of money, share or count. Dates and heading numbers
# (「第1回」「審査項目1」) are not figures: what a refusal must never contain is a guessed amount.
_FIGURE = re.compile(
    r"\d[\d,.]*\s*(?:円|万|億|兆|%|パーセント|人|名|社|者|件|倍|割)"
    r"|[〇一二三四五六七八九十百千]+\s*(?:円|万|億|兆)"
)


SEPARATOR = " > "  # joins the heading path of Passage.section and Source.section


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def figures_in(text: str) -> list[str]:
    """Every figure (number + unit such as 円/万/億/%/人) in a text, after NFKC."""
    return [m.group(0) for m in _FIGURE.finditer(normalize(text))]


def section_matches(expected: str, section: str) -> bool:
    """Does a heading path answer to the expected section?

    A plain heading (or a distinctive part of it) is looked for in the path's last heading only, so
    「予算規模(1,500億円)」 is not satisfied by a parent heading; an expected path
    ("補助対象経費 > 補助対象となる経費") must end the section's path, for headings two programmes share.
    """
    wanted = normalize(expected).strip()
    path = normalize(section).strip()
    if not wanted:
        return False
    if SEPARATOR in wanted:
        return path.endswith(wanted)
    return wanted in path.rsplit(SEPARATOR, 1)[-1]


def first_rank(expected: str, sections: Iterable[str]) -> int | None:
    """1-based rank of the first section matching the expected heading, None when none does."""
    for rank, section in enumerate(sections, start=1):
        if section_matches(expected, section):
            return rank
    return None


def _amount(answer: Answer) -> int | None:
    calc = answer.calculation or {}
    value = calc.get("amount")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_amount(expected: int | None, answer: Answer) -> str | None:
    got = _amount(answer)
    if expected is None:
        return None if got is None else f"amount: expected none, got {got:,}"
    if answer.calculation is None:
        return f"amount: expected {expected:,}, got no calculation"
    return None if got == expected else f"amount: expected {expected:,}, got {got if got is None else f'{got:,}'}"


def _check_eligible(expected: bool, answer: Answer) -> str | None:
    got = (answer.calculation or {}).get("eligible")
    if answer.calculation is None:
        return f"eligible: expected {expected}, got no calculation"
    return None if got is expected else f"eligible: expected {expected}, got {got}"


def _check_section(expected: str, answer: Answer) -> str | None:
    sections = [s.section for s in answer.sources] + [p.section for p in answer.passages]
    if first_rank(expected, sections) is not None:
        return None
    cited = "; ".join(dict.fromkeys(s.section for s in answer.sources)) or "none"
    return f"section: 「{expected}」 not among sources/passages (cited: {cited})"


_SENTENCE_END = re.compile(r"[。!?\n]")


def first_sentence(text: str) -> str:
    """The answer's first sentence (after NFKC): what a reader sees before anything else."""
    stripped = normalize(text).strip()
    end = _SENTENCE_END.search(stripped)
    return stripped if end is None else stripped[: end.start() + 1]


def _check_lead(wanted: list[str], answer: Answer) -> str | None:
    lead = first_sentence(answer.answer)
    missing = [w for w in wanted if not any(normalize(alt) in lead for alt in w.split("|"))]
    return None if not missing else "lead lacks " + ", ".join(f"「{w}」" for w in missing) + f": 「{lead[:80]}」"


def check_answer(expect: dict[str, Any], answer: Answer) -> list[str]:
    """Reasons the answer fails the expectation; an empty list means it passes."""
    reasons: list[str] = []
    text = normalize(answer.answer)
    if "found" in expect and answer.found is not expect["found"]:
        reasons.append(f"found: expected {expect['found']}, got {answer.found}")
    if expect.get("found") is False and (figures := figures_in(answer.answer)):
        reasons.append(f"figure in a not-covered answer: {', '.join(figures[:3])}")
    if "amount" in expect and (reason := _check_amount(expect["amount"], answer)):
        reasons.append(reason)
    if "eligible" in expect and (reason := _check_eligible(expect["eligible"], answer)):
        reasons.append(reason)
    if "programme" in expect and expect["programme"] not in (answer.programme, answer.programme_name):
        reasons.append(f"programme: expected {expect['programme']}, got {answer.programme}")
    missing = [p for p in expect.get("phrases", []) if normalize(p) not in text]
    if missing:
        reasons.append("phrases missing: " + ", ".join(f"「{p}」" for p in missing))
    if "section" in expect and (reason := _check_section(expect["section"], answer)):
        reasons.append(reason)
    if "lead" in expect and (reason := _check_lead(expect["lead"], answer)):
        reasons.append(reason)
    if "max_chars" in expect and len(text) > expect["max_chars"]:
        reasons.append(f"answer longer than {expect['max_chars']} characters ({len(text)})")
    if "follow_up" in expect and bool(answer.follow_up) is not expect["follow_up"]:
        reasons.append(f"follow_up: expected {expect['follow_up']}, got {answer.follow_up!r}")
    return reasons
