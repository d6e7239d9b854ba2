"""Which programme a message names: matched against the store's catalogue, with the usual variants.

Names are matched in a folded view of the message (katakana as hiragana, lower case), first as written
forms of each programme's names, then any 「…補助金/助成金/助成事業」 the user typed is compared by its core
(without 令和8年度, 中小企業, 補助金…; one typo allowed). A name that matches nothing in the catalogue is
reported as `other_programme`: the engine refuses it only when the store has nothing on it.

Matched names are masked out of the text afterwards, so that the 中小企業 inside 中小企業新事業進出補助金
is not read again as a company type, and retrieval searches the topic rather than the name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from assistant.names import (
    NAME_SUFFIXES,
    clean_name,
    edit_distance,
    keys_match,
    name_key,
    names_in,
    normalise,
    variants,
)
from assistant.programmes import Programme
from assistant.tokenizer import surface_words
from assistant.understanding.lexicon import OTHER_PROGRAMMES

MASK_CHAR = "■"
# A word of a programme's name typed alone (「輸出の方で」「持続化の締切」) names it when no other
# programme's names share the word; shorter words (事業, 支援) are too common to mean anything.
MIN_NAME_PART = 2
# Words every subsidy name uses: never a hint on their own.
_COMMON_NAME_PARTS = frozenset({
    "補助金", "助成金", "事業", "補助", "助成", "支援", "中小企業", "中堅", "小規模事業者", "事業者", "制度",
    "事業費", "給付金", "推進", "促進", "企業", "令和", "年度", "中小", "規模", "小規模", "形成", "強化", "導入",
    "活用", "地域", "向上", "創出", "環境", "対策", "緊急", "特別", "全国", "国", "県", "市", "都", "町", "村",
})


@dataclass(frozen=True)
class ProgrammeMatch:
    """Outcome of programme detection, with the text in which matched names are masked."""

    programme: str | None
    other_programme: str | None
    masked_text: str
    topic_text: str  # the message without our programmes' names (typos included), other names kept
    named: tuple[str, ...] = ()  # every catalogue programme the message names, in order (「AとBの違い」)


@lru_cache(maxsize=8)
def _written_forms(programmes: tuple[Programme, ...]) -> tuple[tuple[str, str], ...]:
    """(folded written form, programme id), longest first so the most specific name wins."""
    forms = {(form, p.id) for p in programmes for form in variants(p.names)}
    return tuple(sorted(forms, key=lambda f: (-len(f[0]), f[1])))


@lru_cache(maxsize=16)
def _name_parts(programmes: tuple[Programme, ...], official_only: bool = False) -> dict[str, str]:
    """Distinctive words of the names → the one programme whose names contain them."""
    owners: dict[str, set[str]] = {}
    for p in programmes:
        for name in (p.official_name,) if official_only else p.names:
            for word in surface_words(clean_name(name)):
                word = normalise(word).lower()
                if len(word) >= MIN_NAME_PART and word not in _COMMON_NAME_PARTS:
                    owners.setdefault(word, set()).add(p.id)
    return {word: ids.pop() for word, ids in owners.items() if len(ids) == 1}


def _fold(text: str) -> str:
    folded = normalise(text).lower()
    return folded if len(folded) == len(text) else normalise(text)


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + MASK_CHAR * (end - start) + text[end:]


_SUFFIX_FORMS = tuple(sorted((normalise(s) for s in (*NAME_SUFFIXES, "事業")), key=len, reverse=True))
_PREFIX_FORMS = ("中小企業", "中堅・中小企業")


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """A core name found (新事業進出) covers the 補助金 after it and the 中小企業 before it as typed."""
    for suffix in _SUFFIX_FORMS:
        if text.startswith(suffix, end):
            end += len(suffix)
            break
    for prefix in _PREFIX_FORMS:
        if text[:start].endswith(prefix):
            start -= len(prefix)
            break
    return start, end


def _find_own_names(text: str, programmes: tuple[Programme, ...]) -> tuple[list[str], str]:
    """Ids of catalogue programmes named in text (in order of appearance), and the text with them masked."""
    folded = _fold(text)
    hits: list[tuple[int, str]] = []
    for form, pid in _written_forms(programmes):
        start = folded.find(form)
        while start != -1:
            start, end = _widen(folded, start, start + len(form))
            hits.append((start, pid))
            folded = _mask(folded, start, end)
            text = _mask(text, start, end)
            start = folded.find(form, end)
    return [pid for _, pid in sorted(hits)], text


def _match_typed(name: str, programmes: tuple[Programme, ...]) -> str | None:
    """The catalogue programme a typed name means (variant or one typo off), or None.

    Failing that, a name whose distinctive words all belong to one programme's names means that one
    (「ひばり野市のDX助成金」 → ひばり野市中小企業DX推進助成金); IT導入補助金 shares no word with any.
    """
    key = name_key(name)
    for p in programmes:
        if any(keys_match(key, name_key(n)) for n in p.names):
            return p.id
    parts = _name_parts(programmes, official_only=True)  # an alias like ポスト事業再構築 names another thing
    words = [normalise(w).lower() for w in surface_words(clean_name(name))]
    distinctive = {w for w in words if len(w) >= MIN_NAME_PART and w not in _COMMON_NAME_PARTS}
    owners = {parts.get(w) for w in distinctive}
    return owners.pop() if len(owners) == 1 and None not in owners else None


_PLACE_RE = re.compile(r"[一-龥ぁ-んァ-ヶー]{1,6}?[都道府県市区町村](?=の|で|に|は|が|\s|$)")


def _places_agree(text: str, programme: Programme) -> bool:
    """A message that names a place (東京都の…) is not about a programme of another place (one typo allowed:
    ひばりの市 is ひばり野市)."""
    names = " ".join(programme.names)
    return all(
        any(edit_distance(place, names[i : i + len(place)]) <= 1 for i in range(len(names) - len(place) + 1))
        for place in _PLACE_RE.findall(text)
    )


def _fuzzy_full_name(text: str, end: int, programmes: tuple[Programme, ...]) -> tuple[str, int] | None:
    """(programme, start) of a whole name typed with a typo that ends at `end` (地域ものずくり…補助金).

    A typo can break the word the name is made of, so the name is compared as written, over the text
    just before its suffix: one wrong character in a short name, two in a long one. The closest window
    wins, and of equally close ones the longest, so no stray character of the name is left behind.
    """
    best: tuple[int, int, str, int] | None = None  # (distance, -length, programme, start)
    for p in programmes:
        for name in p.names:
            limit = 1 if len(name) < 8 else 2
            for length in range(len(name) - limit, len(name) + limit + 1):
                start = end - length
                if start < 0:
                    continue
                distance = edit_distance(text[start:end], name)
                if distance <= limit and (best is None or (distance, -length) < best[:2]):
                    best = (distance, -length, p.id, start)
    return (best[2], best[3]) if best else None


def _find_typed(text: str, programmes: tuple[Programme, ...]) -> tuple[list[str], str | None, str, str]:
    """(programmes named by a variant, first name that is none of ours, text with both masked,
    text with only ours masked)."""
    own: list[str] = []
    other: str | None = None
    masked = topic = text
    for name, start, end in names_in(text):
        if MASK_CHAR in name:
            continue
        pid = _match_typed(name, programmes)
        if pid is None and (fuzzy := _fuzzy_full_name(text, end, programmes)):
            pid, start = fuzzy
        if pid and not _places_agree(text, next(p for p in programmes if p.id == pid)):
            pid = None
        if pid:
            own.append(pid)
            topic = _mask(topic, start, end)
        else:
            other = other or OTHER_PROGRAMMES.get(name, name)
        masked = _mask(masked, start, end)
    for known, canonical in OTHER_PROGRAMMES.items():
        if known in masked:
            pid = _match_typed(known, programmes)
            if pid:
                own.append(pid)
                topic = topic.replace(known, MASK_CHAR * len(known))
            else:
                other = other or canonical
            masked = masked.replace(known, MASK_CHAR * len(known))
    return own, other, masked, topic


_COMPOUND_CHAR = re.compile(r"[\u4e00-\u9fff\u30a1-\u30faー々]")


def _compound_in_name(text: str, start: int, end: int, programme: Programme) -> bool:
    """Is the whole kanji/katakana word around text[start:end] part of the programme's name?

    「輸出支援の補助金」 names 中堅・中小企業輸出支援エコシステム…; the 賃上げ inside 「大幅賃上げ特例」 does not
    name 賃上げ促進助成金: that word is a term of another programme's documents.
    """
    while start > 0 and _COMPOUND_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _COMPOUND_CHAR.match(text[end]):
        end += 1
    word = text[start:end]
    return any(word in _fold(name) for name in programme.names)


def _by_name_part(text: str, programmes: tuple[Programme, ...]) -> tuple[str | None, str]:
    """A programme named by one distinctive word of its name (「輸出の方で」), and the text with it masked."""
    parts = _name_parts(programmes)
    folded = _fold(text)
    found: set[str] = set()
    for word in sorted(parts, key=len, reverse=True):
        if len(word) >= MIN_NAME_PART and word in folded:
            start = folded.find(word)
            owner = next(p for p in programmes if p.id == parts[word])
            if not _compound_in_name(folded, start, start + len(word), owner):
                continue  # the 賃上げ of 大幅賃上げ特例 is a term of its own, not さつき県…賃上げ促進助成金
            found.add(parts[word])
            folded = _mask(folded, start, start + len(word))
            text = _mask(text, start, start + len(word))
    return (found.pop(), text) if len(found) == 1 else (None, text)


def detect_programmes(text: str, programmes: Mapping[str, Programme]) -> ProgrammeMatch:
    """Programme by name (first named wins), by a variant of its name, else by a word of its name."""
    catalogue = tuple(sorted(programmes.values(), key=lambda p: p.id))
    named, own_masked = _find_own_names(text, catalogue)
    typed, other, masked, topic_text = _find_typed(own_masked, catalogue)
    named += typed
    programme = named[0] if named else None
    if programme is None and other is None:
        programme, masked = _by_name_part(masked, catalogue)
    return ProgrammeMatch(programme=programme, other_programme=other,
                          masked_text=masked, topic_text=topic_text.replace(MASK_CHAR, " "),
                          named=tuple(dict.fromkeys(named)))
