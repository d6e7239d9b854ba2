"""Decode Japanese text files whatever their encoding: UTF-8 (with or without BOM), Shift_JIS/CP932, EUC-JP.

Japanese encodings overlap: EUC-JP bytes often decode "successfully" as CP932 into half-width
katakana noise. So every encoding that decodes strictly is a candidate, and the candidate that
reads most like Japanese wins; charset-normalizer's guess only breaks ties.
"""

from __future__ import annotations

import codecs
import re

from ingest.errors import LoadError

# Tried in this order; CP932 is a superset of Shift_JIS used by Windows (①, ㈱, NEC/IBM kanji).
CANDIDATE_ENCODINGS = ("utf-8", "cp932", "euc_jp", "shift_jis")

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")
_NOISE = re.compile(r"[\uff61-\uff9f\ue000-\uf8ff\ufffd\x80-\x9f]")  # half-width kana, private use, C1
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes mean an image, archive or office file, not text."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05


def _japanese_score(text: str) -> float:
    """Higher when text reads like Japanese: Japanese letters count, mojibake-like characters cost."""
    return len(_JAPANESE.findall(text)) - 3 * len(_NOISE.findall(text)) - 3 * len(_CONTROL.findall(text))


def _normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    return codecs.lookup(best.encoding).name if best else None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises LoadError with a Japanese reason when no encoding fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if looks_binary(data):
        raise LoadError("テキストではない(バイナリの)ファイルのようです")
    candidates: dict[str, str] = {}
    for encoding in CANDIDATE_ENCODINGS:
        try:
            candidates[codecs.lookup(encoding).name] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if "utf-8" in candidates:  # strict UTF-8 success on Japanese bytes is never an accident
        return candidates["utf-8"], "utf-8"
    if not candidates:
        raise LoadError("文字コードを判別できませんでした(UTF-8・Shift_JIS・EUC-JPのいずれでもありません)")
    guess = _normalizer_guess(data)
    best = max(candidates, key=lambda name: (_japanese_score(candidates[name]), name == guess))
    return candidates[best], best
