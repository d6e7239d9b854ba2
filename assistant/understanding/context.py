"""Small text helpers shared by the slot extractors: clause boundaries, nearest cue word, negation."""

from __future__ import annotations

import re
from collections.abc import Iterable

CLAUSE_BOUNDARY_RE = re.compile(r"[。、,!?\n;]|が、|けど|ですが")
# A negation within a few characters after a word: 「天災はなかった」「契約書はありません」.
NEGATION_AFTER_RE = re.compile(r"^[^。、,!?\n]{0,7}?(?:ない|なかった|なく|ません|なし|無し|無い|ず(?:[、。]|$))")


def alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for any of the words, longest first; pure-ASCII words must stand alone (IT, not ITEM)."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts))


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the clause (between punctuation) that holds text[start:end]."""
    left = 0
    for match in CLAUSE_BOUNDARY_RE.finditer(text, 0, start):
        left = match.end()
    right_match = CLAUSE_BOUNDARY_RE.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, right


def is_negated_after(text: str, end: int) -> bool:
    """True when a negation follows text[:end] closely: 「地震は|なかった」."""
    return bool(NEGATION_AFTER_RE.match(text[end : end + 16]))


def contains_any(text: str, words: Iterable[str]) -> bool:
    return any(word in text for word in words)
