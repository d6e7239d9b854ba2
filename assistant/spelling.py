"""One-character typos of the documents' own terms: 「補助上減額」 is read as 「補助上限額」.

A run of kanji or katakana in the question that the store never contains, and that differs by one
character from exactly one run the store does contain (same length, four characters or more), is
replaced by it. Runs come from the stored text itself, so this works for any programme's vocabulary;
a word the documents use is never changed, and a run with several near neighbours is left as typed.
"""

from __future__ import annotations

import re
from collections import defaultdict
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


def correct(text: str, vocabulary: Vocabulary) -> str:
    """The question with each unknown run replaced by its single one-character-off neighbour."""
    def fix(match: re.Match[str]) -> str:
        run = match.group()
        if run in vocabulary.text or _ASKING.search(run):
            return run
        near = [w for w in vocabulary.by_length.get(len(run), ()) if _one_off(run, w)]
        return near[0] if len(near) == 1 else run

    return _RUN.sub(fix, text)
