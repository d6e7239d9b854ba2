"""One-character typos of the documents' own terms: 「補助上減額」 is read as 「補助上限額」; and words typed
in kana that the documents write in kanji: 「ほじょきん」 → 補助金, 「補助りつ」 → 補助率.

A run of kanji or katakana in the question that the store never contains, and that differs by one
character from exactly one run the store does contain (same length, four characters or more), is
replaced by it. Runs come from the stored text itself, so this works for any programme's vocabulary;
a word the documents use is never changed, and a run with several near neighbours is left as typed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from assistant.retrieval.snapshot import StoreSnapshot

_RUN = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー々〆]{4,}")
MIN_CHARS = 4
# A run holding a word of asking (何ページ, 何年間) is the question's own wording, not a typo.
_ASKING = re.compile(r"何|幾")


@dataclass(frozen=True)
class Vocabulary:
    text: str  # every stored passage and heading, joined: a run found in it is spelled right
    by_length: dict[int, frozenset[str]]


def build_vocabulary(texts: list[str]) -> Vocabulary:
    joined = "\n".join(texts)
    by_length: dict[int, set[str]] = defaultdict(set)
    for run in _RUN.findall(joined):
        for size in range(MIN_CHARS, len(run) + 1):  # the parts of 補助上限額について too
            for start in range(len(run) - size + 1):
                by_length[size].add(run[start : start + size])
    return Vocabulary(joined, {n: frozenset(words) for n, words in by_length.items()})


@lru_cache(maxsize=4)
def vocabulary_of(snapshot: StoreSnapshot) -> Vocabulary:
    """The vocabulary of one store generation (snapshots never change, so once per snapshot)."""
    return build_vocabulary([f"{n.section}\n{n.text}" for n in snapshot.nodes])


def _script(char: str) -> str:
    return "katakana" if "\u30a0" <= char <= "\u30ff" else "kanji"


def _one_off(a: str, b: str) -> bool:
    """One character differs, and both are of one script (a mistyped kanji, not 何ページ → ムページ)."""
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and _script(diffs[0][0]) == _script(diffs[0][1])


_HIRAGANA = re.compile(r"[\u3041-\u3096ー]+")
_KANJI_BEFORE = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff々]+$")
MIN_KANA_READING = 4  # 「ほじょきん」 yes; 「いくら」「ところ」 are left as typed
MAX_NOUNS = 4  # compounds of up to four nouns: 新事業進出, 補助上限額
MAX_KANA_RUN = 16  # the longest kana spelling looked up (しんじぎょうしんしゅつ is 11)


@dataclass(frozen=True)
class Readings:
    """Katakana reading → how the documents write it, for their nouns and noun compounds."""

    by_reading: dict[str, str]


def build_readings(texts: list[str]) -> Readings:
    from assistant.tokenizer import noun_runs

    by_reading: dict[str, str] = {}
    for text in texts:
        for run in noun_runs(text):
            for size in range(1, min(MAX_NOUNS, len(run)) + 1):
                for start in range(len(run) - size + 1):
                    words = run[start : start + size]
                    surface = "".join(w[0] for w in words)
                    if re.search(r"[\u4e00-\u9fff]", surface):
                        by_reading.setdefault("".join(w[1] for w in words), surface)
    return Readings(by_reading)


@lru_cache(maxsize=4)
def readings_of(snapshot: StoreSnapshot) -> Readings:
    """The readings of one store generation's nouns (built on the first question typed in kana)."""
    return build_readings([f"{n.section}\n{n.text}" for n in snapshot.nodes])


def _katakana(hiragana: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in hiragana)


def from_kana(text: str, vocabulary: Vocabulary, readings: Callable[[], Readings]) -> str:
    """Kana spellings of the documents' kanji words replaced by them (longest reading first).

    A kana run the documents themselves use (くるみん) is kept; a kanji word just before it joins the
    reading (「補助」+「りつ」 = ホジョリツ → 補助率). Only readings of four kana or more, or ones that extend a
    kanji word, are matched, so 「いくら」「ところ」 stay as typed.
    """

    out: list[str] = []
    at = 0
    for match in _HIRAGANA.finditer(text):
        run, base = match.group(), match.start()
        if len(run) < 2 or run in vocabulary.text:
            continue
        before = _KANJI_BEFORE.search(text, 0, base)
        prefix = before.group() if before else ""
        i = 0
        while i < len(run) - 1:
            found = _reading_match(run, i, prefix if i == 0 else "", vocabulary, readings)
            if found is None:
                i += 1
                continue
            word, end, joined = found
            out.append(text[at : base + i - len(joined)] + word)
            at = base + end
            i = end
    return "".join(out) + text[at:]


def _reading_match(run: str, start: int, prefix: str, vocabulary: Vocabulary,
                   readings: Callable[[], Readings]) -> tuple[str, int, str] | None:
    """The longest kana stretch of `run` from `start` that reads as a document word: (word, end, the kanji
    prefix it absorbed)."""
    from assistant.tokenizer import reading_of

    table = readings().by_reading
    before = reading_of(prefix) if prefix else ""
    for end in range(min(len(run), start + MAX_KANA_RUN), start + 1, -1):
        kana, typed = _katakana(run[start:end]), run[start:end]
        # Dictionary lookups first; the scan of the stored text (a kana word the documents use) only on a hit.
        if prefix and (word := table.get(before + kana)) and word.startswith(prefix):
            if typed not in vocabulary.text:
                return word, end, prefix
        if len(kana) >= MIN_KANA_READING and (word := table.get(kana)) and typed not in vocabulary.text:
            return word, end, ""
    return None


def correct(text: str, vocabulary: Vocabulary) -> str:
    """The question with each unknown run replaced by its single one-character-off neighbour."""
    def fix(match: re.Match[str]) -> str:
        run = match.group()
        if run in vocabulary.text or _ASKING.search(run):
            return run
        near = [w for w in vocabulary.by_length.get(len(run), ()) if _one_off(run, w)]
        return near[0] if len(near) == 1 else run

    return _RUN.sub(fix, text)
