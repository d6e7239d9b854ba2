"""Cleaning of user input before anything reads it: NFKC, no control characters, no markup, a size limit.

Everything a user types is plain text to us: HTML tags are stripped (their text is kept) and
instructions hidden in a question are just words, since no model ever executes them here.
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_CHARS = 2000

EMPTY_MESSAGE = "ご質問が空のようです。補助金について知りたいことを入力してください。"
TOO_LONG_MESSAGE = (
    f"ご質問が長すぎます({MAX_CHARS:,}文字まで)。要点を絞って、短くして送ってください。"
)

_TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")
_HORIZONTAL_SPACE_RE = re.compile(r"[ \t\f\v]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
# Minus-like characters NFKC leaves alone; folded so that 「−5人」 reads as a negative number.
_MINUS_TRANSLATION = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\ufe63": "-"})
_KEPT_CONTROLS = {"\n", "\t"}


def normalise(text: str) -> str:
    """NFKC plus folding of minus signs: full-width digits, ％, ，and spaces become ASCII."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_TRANSLATION)


def _drop_controls(text: str) -> str:
    """Remove control and format characters (NUL, ESC, zero-width, bidi overrides), keep newline/tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.replace("\n", " ").replace("\t", " ").isprintable():
        return text  # the common case, checked at C speed
    return "".join(
        ch
        for ch in text
        if ch in _KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    )


def _strip_tags(text: str) -> str:
    return _TAG_RE.sub(" ", text)


def sanitize(text: str) -> tuple[str, str | None]:
    """Clean text for understanding; (clean text, Japanese message for the user or None when fine).

    Over-long input is refused before any processing, so its cost stays bounded.
    """
    if text is None:
        return "", EMPTY_MESSAGE
    if len(text.strip()) > MAX_CHARS:
        return "", TOO_LONG_MESSAGE
    # Entities are decoded first so that &lt;script&gt; and &#27; are stripped like the real thing.
    clean = _strip_tags(_drop_controls(normalise(html.unescape(str(text)))))
    clean = _HORIZONTAL_SPACE_RE.sub(" ", clean.replace("\t", " "))
    clean = _BLANK_LINES_RE.sub("\n", clean).strip()
    if not clean:
        return "", EMPTY_MESSAGE
    return clean, None
