"""Programme names as people write them: the name a document gives itself, and matching typed variants.

A consultant types 「持続化補助金」, 「令和8年度 小規模事業者持続化補助金」, 「じぞくか」 or 「持続化補助金」 with one
wrong character; a web article calls itself 「【全国】…補助金の申請ガイド(2026年)」. Everything here works on
the names alone (no programme id, no table of known subsidies), so any guideline a user ingests is matched
the same way as the two we ship.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# The words that end a programme's name. Longest first: 事業費補助金 before 補助金.
NAME_SUFFIXES = (
    "事業費補助金", "助成事業", "補助事業", "補助金", "助成金", "給付金", "支援金", "奨励金", "交付金", "補助制度",
    "助成制度",
)
# Parts of speech a programme name is made of (ものづくり, 賃上げ, 県, 第 …); a particle or a verb ends it,
# so 「目標を達成できなかったら補助金」 names nothing while 「さつき県中小企業賃上げ促進助成金」 is one name.
_NAME_POS = frozenset({"名詞", "接頭辞", "接尾辞"})
_NAME_JOINERS = frozenset({"・", "&", "＆"})
_SUFFIX_END = re.compile("(?:" + "|".join(NAME_SUFFIXES) + ")")
# Words that make 「…補助金」 a reference rather than a name: この補助金, 本補助金, 各補助金, 国の補助金.
_REFERENCE_PREFIXES = ("この", "その", "本", "同", "当", "各", "両", "他", "別", "国", "御", "ご", "上記", "下記", "次の")
_GENERIC_NAMES = frozenset({"補助金", "助成金", "給付金", "支援金", "奨励金", "交付金", "補助事業", "助成事業"})
# Decorations around a name: 【全国】 tags, 令和7年度 / 2025年度 / 2025年 / 第2回 prefixes, brackets.
_TAG_RE = re.compile(r"[【\[〔(（][^】\]〕)）]{0,20}[】\]〕)）]")
_ERA_RE = re.compile(r"(?:令和|平成)\s*(?:\d+|元)\s*年度?|\d{4}\s*年度?|第\s*\d+\s*(?:回|次)(?:公募)?")
_QUOTES = "「」『』\"'“”"
# Parts a user leaves out when typing a name: 中小企業新事業進出補助金 → 新事業進出.
_OPTIONAL_PREFIXES = ("中小企業", "中堅・中小企業")
_OPTIONAL_SUFFIXES = (*NAME_SUFFIXES, "事業費", "事業", "制度")


def normalise(text: str) -> str:
    """NFKC and katakana folded to hiragana, so ジゾクカ and じぞくか meet, and full-width digits are plain."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def clean_name(name: str) -> str:
    """A name without its tags, year or round prefix and quotes: the form shown to users."""
    name = _TAG_RE.sub("", unicodedata.normalize("NFKC", name))
    name = _ERA_RE.sub("", name)
    return name.strip().strip(_QUOTES).strip(" ・の")


def name_key(name: str) -> str:
    """The core of a name for matching: cleaned, folded, without 中小企業 prefix or 補助金/事業 suffix."""
    key = normalise(clean_name(name)).lower().replace(" ", "").replace("・", "")
    for prefix in _OPTIONAL_PREFIXES:
        bare = normalise(prefix).replace("・", "")
        if key.startswith(bare) and len(key) - len(bare) >= 3:
            key = key[len(bare):]
            break
    changed = True
    while changed:
        changed = False
        for suffix in _OPTIONAL_SUFFIXES:
            bare = normalise(suffix)
            if key.endswith(bare) and len(key) - len(bare) >= 2:
                key = key[: -len(bare)]
                changed = True
                break
    return key


def names_in(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every programme-like name in text (「…補助金」, 「…助成事業」), references left out.

    A name is a run of nouns (Sudachi) that ends in one of the name suffixes; offsets are in the NFKC text.
    """
    from assistant.tokenizer import morphemes

    text = unicodedata.normalize("NFKC", text)
    found = []
    for start, end in _noun_runs(morphemes(text)):
        run = text[start:end]
        last = None
        for match in _SUFFIX_END.finditer(run):
            last = match
        if last is None:
            continue
        name = run[: last.end()]
        if name in _GENERIC_NAMES or name.startswith(_REFERENCE_PREFIXES):
            continue
        found.append((name, start, start + last.end()))
    return found


def _noun_runs(tokens: list[tuple[str, str, int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of name-making morphemes (surface, pos, begin, end)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for surface, pos, begin, finish in tokens:
        inside = pos in _NAME_POS or surface in _NAME_JOINERS
        if inside and start is not None and begin != end:
            inside = False  # a gap (a space) ends the run
        if inside:
            start = begin if start is None else start
            end = finish
        else:
            if start is not None:
                runs.append((start, end))
            start = None
            if pos in _NAME_POS or surface in _NAME_JOINERS:
                start, end = begin, finish
    if start is not None:
        runs.append((start, end))
    return runs


@dataclass(frozen=True)
class InferredName:
    """The name a document gives its programme, and the other names it uses for the same programme."""

    official: str
    aliases: tuple[str, ...] = ()


def infer_name(title: str, first_heading: str, body: str) -> InferredName | None:
    """The name a document gives its programme: the one its title names, else the one it repeats most.

    Among candidates the title's (or first heading's) name wins when the body repeats it; otherwise
    the most repeated name, ties going to the longer (more specific) one. A headline name that is a
    short form of a fuller name in the body (省エネ設備補助金 for ひばり県…省エネルギー設備導入支援補助金)
    gives way to the fuller one and stays as an alias, as do nicknames the text introduces
    (「…」という呼び名 / 通称 / 略称 / 以下「…」). None when nothing names a programme.
    """
    counts: Counter[str] = Counter(clean_name(n) for n, _, _ in names_in(body))
    counts = Counter({name: c for name, c in counts.items() if name and name not in _GENERIC_NAMES})
    headline = [clean_name(n) for n, _, _ in names_in(f"{title}\n{first_heading}")]
    headline = [n for n in headline if n and n not in _GENERIC_NAMES]
    if headline:
        # The longest headline name the body uses, else the first headline name.
        used = [n for n in headline if counts.get(n)]
        name = max(used, key=len) if used else max(headline, key=len)
        fuller = [n for n in counts if _shortens(name, n)]
        official = max(fuller, key=lambda n: (counts[n], len(n))) if fuller else name
    elif counts:
        official = max(counts, key=lambda n: (counts[n], len(n)))
    else:
        return None
    aliases = {n for n in (*headline, *counts) if n != official and _shortens(n, official)}
    aliases.update(n for n in nicknames(body, official) if n != official)
    return InferredName(official, tuple(sorted(aliases)))


def _shortens(short: str, full: str) -> bool:
    """Is `short` a short form of `full`: its key's characters, in order, within a longer key of `full`?

    省エネ設備 is within ひばり県中小企業省エネルギー設備導入支援; 持続化 within 小規模事業者持続化. Three
    characters at least, so a bare 補助 or DX never counts; a part found whole must be one keys_match accepts.
    """
    a, b = name_key(short), name_key(full)
    if len(a) < 3 or len(b) <= len(a):
        return False
    if a in b:  # found whole inside: only where a typed name would match (ものづくり is not 地域ものづくり省力化…)
        return keys_match(a, b)
    rest = iter(b)
    return all(ch in rest for ch in a)


# A nickname the text introduces: 「X」という呼び名 / 「X」と呼ばれる / 通称「X」 / 略称「X」 / 以下「X」.
_NICKNAME = re.compile(
    r"「([^「」]{3,40})」\s*(?:という|と)?\s*(?:呼び名|呼ばれ|通称|略称|略し)"
    r"|(?:通称|略称|以下)\s*[::]?\s*「([^「」]{3,40})」"
)


def nicknames(body: str, official: str) -> list[str]:
    """Nicknames the text gives the official name: introduced where the official name is (in the same or
    the sentence before) and no other programme is named, so a rival programme's nickname is left out."""
    text = unicodedata.normalize("NFKC", body)
    found: list[str] = []
    for match in _NICKNAME.finditer(text):
        nickname = clean_name(match.group(1) or match.group(2) or "")
        if not nickname or nickname in _GENERIC_NAMES or not _SUFFIX_END.search(nickname):
            continue
        start = max(text.rfind("。", 0, max(text.rfind("。", 0, match.start()), 0)), 0)
        end = text.find("。", match.end())
        window = text[start: end if end >= 0 else len(text)]
        named = {clean_name(n) for n, _, _ in names_in(window)}
        others = {n for n in named - {nickname, official} if len(name_key(n)) >= 3}  # 補助制度 names nothing
        if official in named and all(_shortens(n, official) for n in others):
            found.append(nickname)
    return found


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance; names are short, so the plain dynamic programme is fast enough."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# What users leave out in front of a name: the place (あおば県, ひばり野市) and the kind of firm. Anything
# else in front makes another name (ポスト事業再構築 is not 事業再構築).
_DROPPABLE_PREFIX = re.compile(r"(?:[^\s]{1,6}?[都道府県市区町村])?(?:小規模事業者|中堅中小企業|中小企業|地域)?")


def keys_match(typed: str, known: str) -> bool:
    """Is a typed name key the known one: equal, one character off (two for long names), or a clear part.

    A part counts when the typed key is the known one's start (four characters or more), or its end (three
    or more) with only a place or a kind of firm before it (持続化 for 小規模事業者持続化): users drop words.
    """
    if not typed or not known:
        return False
    if typed == known:
        return True
    limit = 1 if len(known) < 8 else 2
    if len(typed) >= 3 and abs(len(typed) - len(known)) <= limit and edit_distance(typed, known) <= limit:
        return True
    if len(typed) >= 3 and known.endswith(typed):
        return bool(_DROPPABLE_PREFIX.fullmatch(known[: -len(typed)]))
    return len(typed) >= 4 and known.startswith(typed)


def variants(names: Iterable[str]) -> set[str]:
    """Every written form worth finding in a message: the names, their cleaned forms and core keys' text."""
    out: set[str] = set()
    for name in names:
        cleaned = clean_name(name)
        out.update({normalise(name).lower(), normalise(cleaned).lower()})
        key = name_key(name)
        if len(key) >= 3:
            out.add(key)
    return {v for v in out if v}
