"""Which programme a message is about: by official name or alias (from the corpus), else by topic words.

Matched names are masked out of the text afterwards, so that the 中小企業 inside
中小企業新事業進出補助金 or the IT in IT導入補助金 is not read again as a company type or industry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from assistant.programmes import Programme
from assistant.understanding.lexicon import OTHER_PROGRAMMES, PROGRAMME_TOPIC_WORDS

MASK_CHAR = "■"
# A subsidy named by the user that none of our tables knows: a compound word right before
# 補助金/助成金/給付金 (no particle inside), e.g. 東京都創業助成金.
_GENERIC_SUBSIDY_RE = re.compile(r"[一-龥ァ-ヶーA-Za-z0-9・&]{2,24}?(?:補助金|助成金|給付金)")
# Prefixes that make 「…補助金」 a reference, not a name: この補助金, 本補助金, 各補助金.
_REFERENCE_PREFIXES = ("本", "同", "当", "各", "両", "他", "別", "国", "御", "ご")


@dataclass(frozen=True)
class ProgrammeMatch:
    """Outcome of programme detection, with the text in which matched names are masked."""

    programme: str | None
    other_programme: str | None
    masked_text: str
    topic_text: str  # our programmes' names (typos included) removed, other subsidies' names kept




def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of the words, longest first so the most specific name wins."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


@lru_cache(maxsize=8)
def _name_table(programmes: tuple[Programme, ...]) -> tuple[dict[str, str], re.Pattern[str]]:
    """Name → programme id for our programmes, plus one regex over all names."""
    table = {name: p.id for p in programmes for name in p.names}
    return table, _alternation(table)


_OTHER_RE = _alternation(OTHER_PROGRAMMES)
_TOPIC_TABLE = {word: pid for pid, words in PROGRAMME_TOPIC_WORDS.items() for word in words}
_TOPIC_RE = _alternation(_TOPIC_TABLE)


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + MASK_CHAR * (end - start) + text[end:]


def _find_own_names(text: str, programmes: tuple[Programme, ...]) -> tuple[list[str], str]:
    """Ids of our programmes named in text (in order), and the text with those names masked."""
    table, pattern = _name_table(programmes)
    found: list[str] = []
    for match in pattern.finditer(text) if table else ():
        found.append(table[match.group()])
        text = _mask(text, match.start(), match.end())
    return found, text


def _find_other(
    text: str, programmes: tuple[Programme, ...]
) -> tuple[str | None, list[str], str, list[tuple[int, int]]]:
    """(first subsidy named that is not ours, our programmes named with a typo, text with both masked,
    the spans of the misspelt names of ours)."""
    own_ids = {p.id for p in programmes}
    misspelt: list[str] = []
    misspelt_spans: list[tuple[int, int]] = []
    other: str | None = None
    for match in _OTHER_RE.finditer(text):
        other = other or OTHER_PROGRAMMES[match.group()]
        text = _mask(text, match.start(), match.end())
    for match in _GENERIC_SUBSIDY_RE.finditer(text):
        name = match.group()
        if name.startswith(_REFERENCE_PREFIXES) or MASK_CHAR in name:
            continue
        if any(_TOPIC_TABLE[word] in own_ids for word in _TOPIC_RE.findall(name)):
            continue  # 輸出の補助金-like descriptions of our own programmes
        own = _misspelt_own_name(name, programmes)
        if own:
            misspelt.append(own)
            misspelt_spans.append((match.start(), match.end()))
        else:
            other = other or name
        text = _mask(text, match.start(), match.end())
    return other, misspelt, text, misspelt_spans


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance; names are short, so the plain dynamic programme is fast enough."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _misspelt_own_name(candidate: str, programmes: tuple[Programme, ...]) -> str | None:
    """Our programme when a typed subsidy name is one or two keystrokes off one of its names (新時業進出補助金)."""
    for programme in programmes:
        for name in programme.names:
            limit = 1 if len(name) < 8 else 2
            if abs(len(name) - len(candidate)) <= limit and _edit_distance(candidate, name) <= limit:
                return programme.id
    return None


def _by_topic(text: str, own_ids: set[str]) -> str | None:
    """The programme whose topic words occur most; None on a tie or when none occur."""
    counts: dict[str, int] = {}
    for word in _TOPIC_RE.findall(text):
        pid = _TOPIC_TABLE[word]
        if pid in own_ids:
            counts[pid] = counts.get(pid, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def detect_programmes(text: str, programmes: Mapping[str, Programme]) -> ProgrammeMatch:
    """Programme by name (first named wins), else by topic words; plus any other subsidy named."""
    catalogue = tuple(sorted(programmes.values(), key=lambda p: p.id))
    own_ids = set(programmes)
    named, own_masked = _find_own_names(text, catalogue)
    other, misspelt, masked, misspelt_spans = _find_other(own_masked, catalogue)
    named += misspelt
    programme = named[0] if named else _by_topic(masked, own_ids)
    topic_text = own_masked
    for start, end in misspelt_spans:
        topic_text = _mask(topic_text, start, end)
    return ProgrammeMatch(programme=programme, other_programme=other, masked_text=masked,
                          topic_text=topic_text.replace(MASK_CHAR, " "))
