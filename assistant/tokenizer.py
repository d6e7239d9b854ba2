"""Japanese tokenizer for BM25 and retrieval confidence: SudachiPy normalized forms.

Why Sudachi's normalized form: it folds spelling variants (締め切り/締切, ｇＢｉｚＩＤ/gBizID) and
writes numbers as plain digits, so 「1,500万円」 and 「1500万円」 both become ``15000000 円``.
Long units (split mode C) keep compounds such as 中小企業 whole; their short parts (mode A, e.g.
上限額 -> 上限, 額) are emitted as well so a query for 上限 still meets 補助上限額.
"""

from __future__ import annotations

import importlib.metadata
import os
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sudachipy import Tokenizer

# Bump when the rules below change: the store manifest records it and a mismatch forces a rebuild.
RULES_VERSION = "2"

# Parts of speech that carry no topic: punctuation, symbols, whitespace, particles, auxiliaries.
_DROPPED_POS = frozenset({"補助記号", "記号", "空白", "助詞", "助動詞"})

# Sudachi refuses inputs above ~49 KB (bytes, UTF-8); 12,000 characters stay well below that.
_MAX_CHARS = 12_000

# Nouns of asking or chatting rather than of the topic (normalized forms); a question's coverage
# ignores them, as it ignores words starting with 何/いつ/どれ/どの (何割, 何者, いつ頃...).
QUESTION_WORDS = frozenset(
    {
        "幾ら", "幾つ", "何", "いつ", "どれ", "どこ", "誰", "どう", "如何", "どの", "何処", "どれくらい",
        "くらい", "位", "抑", "本当", "全部", "一緒", "大丈夫", "駄目", "そう", "感", "物", "事", "こと",
        "もの", "方", "よう", "件", "質問", "奴", "気", "場合", "為", "際", "時", "今", "タイミング",
        "長さ", "教え", "お願い", "人", "ケース",
        # Conversation links (ちなみに, ところで, あと, ついでに, 念のため): they open a question, not a topic.
        "因み", "所", "後", "序で", "念", "其々", "両方",
        # the casual word for applying (申込み): documents say 申請 or 応募, so it is no topic of its own
        "申し込み", "申し込む", "申込",
    }
)
_QUESTION_PREFIXES = ("何", "いつ", "どれ", "どの", "どんな")
_TOPIC_POS = frozenset({"名詞", "形状詞"})
_NOT_TOPIC_SUBPOS = frozenset({"数詞", "代名詞"})

_lock = threading.Lock()
# A process forked while another thread tokenizes (the chat server reads an upload in a forked worker
# while it answers) would inherit _lock held and wait for it for ever: fork only between tokenizations.
os.register_at_fork(before=_lock.acquire, after_in_parent=_lock.release, after_in_child=_lock.release)


def _versions() -> str:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    return f"sudachipy-{version('sudachipy')}+sudachidict_core-{version('sudachidict_core')}+rules-{RULES_VERSION}"


TOKENIZER_VERSION = _versions()


@lru_cache(maxsize=1)
def _sudachi() -> Tokenizer:
    """The one Sudachi tokenizer of this process, built on first use (loading the dictionary costs ~0.3 s)."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def _pieces(text: str) -> list[str]:
    """Cut text into Sudachi-sized pieces, preferring line breaks so no word is cut in two."""
    pieces: list[str] = []
    while len(text) > _MAX_CHARS:
        cut = text.rfind("\n", 0, _MAX_CHARS)
        cut = cut if cut > 0 else _MAX_CHARS
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def _keep(morpheme) -> bool:  # noqa: ANN001 - sudachipy.Morpheme
    return morpheme.part_of_speech()[0] not in _DROPPED_POS and bool(morpheme.surface().strip())


def tokenize(text: str) -> list[str]:
    """Normalized content tokens of text, long units followed by their short parts when they differ."""
    from sudachipy import SplitMode

    tokens: list[str] = []
    tokenizer = _sudachi()
    for piece in _pieces(text):
        if not piece.strip():
            continue
        with _lock:  # a Sudachi tokenizer is not safe to share between threads
            morphemes = list(tokenizer.tokenize(piece))
            for m in morphemes:
                if not _keep(m):
                    continue
                tokens.append(m.normalized_form().lower())
                parts = [p for p in m.split(SplitMode.A) if _keep(p)]
                if len(parts) > 1:
                    tokens.extend(p.normalized_form().lower() for p in parts)
    return tokens


def content_tokens(text: str) -> list[str]:
    """Distinct topic words of a question: nouns (long units) minus numbers, their counters, words of asking.

    Used to measure how well passages cover a question: 「東京都の最低賃金はいくら?」 gives
    [東京都, 最低賃金]. Verbs and colloquial words (もらえる, そもそも) say how one asks, not what.
    """
    seen: dict[str, None] = {}
    for piece in _pieces(text):
        if not piece.strip():
            continue
        with _lock:
            morphemes = list(_sudachi().tokenize(piece))
        previous_pos: tuple[str, ...] = ()
        for m in morphemes:
            pos, after_number = m.part_of_speech(), previous_pos[1:2] == ("数詞",)
            previous_pos = pos
            if pos[0] not in _TOPIC_POS or pos[1] in _NOT_TOPIC_SUBPOS:
                continue
            if after_number and pos[2] == "助数詞可能":  # the 円 of 4,000万円, the 社 of 2社
                continue
            token = m.normalized_form().lower()
            if token in QUESTION_WORDS or token.startswith(_QUESTION_PREFIXES) or _is_number(token):
                continue
            seen.setdefault(token, None)
    return list(seen)


def _is_number(token: str) -> bool:
    return token.replace(",", "").replace(".", "").isdigit()


def surface_words(text: str) -> list[str]:
    """The words of a short text as written (long units and their short parts), nouns only.

    Used to find a programme by one word of its name (「輸出」 of …輸出支援…補助金), where the typed
    surface, not the normalized form, must be found again in the user's message.
    """
    from sudachipy import SplitMode

    words: list[str] = []
    with _lock:
        morphemes = list(_sudachi().tokenize(text[:_MAX_CHARS]))
        for m in morphemes:
            parts = [m, *m.split(SplitMode.A)] if len(m.split(SplitMode.A)) > 1 else [m]
            words.extend(p.surface() for p in parts if p.part_of_speech()[0] in _TOPIC_POS)
    return list(dict.fromkeys(words))


def attribute_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Compounds whose last part is a one-character noun (採択率, 補助率, 上限額): (surface, their tokens).

    Sudachi cuts 採択率 into 採択 + 率; a passage about 採択 that mentions some other 率 does not
    answer a question about the 採択率, so coverage asks for such an attribute as one whole word.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    with _lock:
        morphemes = list(_sudachi().tokenize(text[:_MAX_CHARS]))
    for before, last in zip(morphemes, morphemes[1:], strict=False):
        pos_before, pos_last = before.part_of_speech(), last.part_of_speech()
        if (pos_before[0] == "名詞" and pos_before[1] not in _NOT_TOPIC_SUBPOS and pos_last[0] == "名詞"
                and pos_last[1] == "普通名詞" and pos_last[2] == "一般" and len(last.surface()) == 1):
            parts = (before.normalized_form().lower(), last.normalized_form().lower())
            found.append((before.surface() + last.surface(), parts))
    return found


def noun_runs(text: str) -> list[list[tuple[str, str]]]:
    """Runs of consecutive nouns (and prefixes/suffixes) as (surface, katakana reading) pairs."""
    runs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for piece in _pieces(text):
        with _lock:
            morphemes = list(_sudachi().tokenize(piece))
        for m in morphemes:
            if m.part_of_speech()[0] in ("名詞", "接頭辞", "接尾辞") and m.surface().strip():
                current.append((m.surface(), m.reading_form()))
                continue
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def reading_of(text: str) -> str:
    """The katakana reading of a short text (「補助」 → ホジョ)."""
    with _lock:
        return "".join(m.reading_form() for m in _sudachi().tokenize(text))


def morphemes(text: str) -> list[tuple[str, str, int, int]]:
    """(surface, part of speech, begin, end) of each morpheme, offsets into text (long units)."""
    out: list[tuple[str, str, int, int]] = []
    offset = 0
    for piece in _pieces(text):
        with _lock:
            for m in _sudachi().tokenize(piece):
                out.append((m.surface(), m.part_of_speech()[0], offset + m.begin(), offset + m.end()))
        offset += len(piece)
    return out


def with_synonyms(tokens: Iterable[str]) -> set[str]:
    """The tokens and every word that means the same in guideline language (補助 ↔ 助成, 上限 ↔ 限度)."""
    from assistant.understanding.lexicon import TERM_SYNONYMS

    out = set(tokens)
    for group in TERM_SYNONYMS:
        if out & group:
            out |= group
    return out
