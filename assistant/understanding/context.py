"""Small text helpers shared by the slot extractors: clause boundaries, nearest cue word, negation."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

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


@lru_cache(maxsize=32)
def _boundaries(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the clause boundaries, computed once per text (slot extractors ask often)."""
    matches = list(CLAUSE_BOUNDARY_RE.finditer(text))
    return [m.start() for m in matches], [m.end() for m in matches]


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the clause (between punctuation) that holds text[start:end]."""
    starts, ends = _boundaries(text)
    before = bisect_right(ends, start)
    after = bisect_left(starts, end)
    return (ends[before - 1] if before else 0), (starts[after] if after < len(starts) else len(text))


def is_negated_after(text: str, end: int) -> bool:
    """True when a negation follows text[:end] closely: 「地震は|なかった」."""
    return bool(NEGATION_AFTER_RE.match(text[end : end + 16]))


def contains_any(text: str, words: Iterable[str]) -> bool:
    return any(word in text for word in words)
