"""Japanese numbers as people type them: 1,500万円, 1.5億円, 1億5千万円, 三千万円, 30名, 2.5%, 6パーセント.

Input is expected NFKC-normalised (full-width digits, ％ and ，already folded). Every mention is
found with its span and unit so the slot extractor can decide from the surrounding words what the
number means; the parse_* helpers return the first mention of one kind for callers and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from assistant.understanding.sanitize import normalise

Kind = Literal["yen", "persons", "organisations", "percent"]

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}

# An arabic number with thousands separators or decimals; a comma must be followed by exactly three
# digits so that "3,4社" style lists are not read as 34.
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_KANJI = "〇零一二三四五六七八九十百千"
_PART = rf"(?:{_ARABIC}|[{_KANJI}])"
# 1億5,000万 / 二千五百万 / 5千 / 15百万: parts mixed with small and big units.
_NUMBER = rf"{_PART}(?:{_PART}|[万億兆])*"
_SIGN = r"(?P<sign>マイナス|▲|△|-)?"

_UNIT_YEN = r"円"
_UNIT_PERSONS = r"人|名"
_UNIT_ORGS = r"社|校|者|団体|法人|機関|組織"
_UNIT_PERCENT = r"%|パーセント|パーセンテージ"

MENTION_RE = re.compile(
    rf"{_SIGN}(?P<num>{_NUMBER})\s?(?P<unit>{_UNIT_PERCENT}|{_UNIT_YEN}|{_UNIT_PERSONS}|{_UNIT_ORGS})?"
)
_TOKEN_RE = re.compile(rf"{_ARABIC}|[{_KANJI}]")
_BIG_UNIT_RE = re.compile("[万億兆]")
_DIGIT_RE = re.compile(r"\d")
_BIG_UNITS_DESCENDING = sorted(_BIG_UNITS.items(), key=lambda item: -item[1])
# Characters before a number that make it vague or part of another word: 数千万円, 何人, 第三者.
_VAGUE_PREFIX = set("数何幾第")


@dataclass(frozen=True)
class NumberMention:
    """One number in the text: its value in the unit of its kind, and where it stands."""

    value: int | float
    kind: Kind
    start: int
    end: int


def _parse_small(part: str) -> Decimal | None:
    """Value below 10,000 written with arabic digits, kanji digits and 十百千 (e.g. 二千五百, 5千, 1,500)."""
    total = Decimal(0)
    current: Decimal | None = None
    for token in _TOKEN_RE.findall(part):
        if token in _SMALL_UNITS:
            total += (current if current is not None else Decimal(1)) * _SMALL_UNITS[token]
            current = None
        elif token in _KANJI_DIGITS:
            # Consecutive kanji digits are positional (二〇二五); otherwise a new digit.
            digit = Decimal(_KANJI_DIGITS[token])
            current = digit if current is None else current * 10 + digit
        else:
            try:
                current = Decimal(token.replace(",", ""))
            except InvalidOperation:
                return None
    if current is not None:
        total += current
    return total


def parse_number(expr: str) -> Decimal | None:
    """Value of a number expression with big units: 1億5,000万 → 150000000, 1.5億 → 150000000."""
    total = Decimal(0)
    rest = expr
    for unit, factor in _BIG_UNITS_DESCENDING:
        if unit in rest:
            head, rest = rest.split(unit, 1)
            value = _parse_small(head) if head else Decimal(1)
            if value is None:
                return None
            total += value * factor
    if rest:
        value = _parse_small(rest)
        if value is None:
            return None
        total += value
    return total


def _kind_of(unit: str | None, num: str) -> Kind | None:
    """The kind a unit gives; a bare number counts as yen only when it carries 万/億/兆."""
    if unit is None:
        return "yen" if _BIG_UNIT_RE.search(num) else None
    if re.fullmatch(_UNIT_YEN, unit):
        return "yen"
    if re.fullmatch(_UNIT_PERSONS, unit):
        return "persons"
    if re.fullmatch(_UNIT_ORGS, unit):
        return "organisations"
    return "percent"


def _is_kanji_only(num: str) -> bool:
    return not _DIGIT_RE.search(num)


@lru_cache(maxsize=32)
def find_numbers(text: str) -> tuple[NumberMention, ...]:
    """Every number with a unit that tells what it counts, in text order (cached: several extractors ask)."""
    mentions: list[NumberMention] = []
    for match in MENTION_RE.finditer(text):
        num, unit, sign = match.group("num"), match.group("unit"), match.group("sign")
        kind = _kind_of(unit, num)
        if kind is None:
            continue
        start = match.start()
        if start > 0 and text[start - 1] in _VAGUE_PREFIX:
            continue
        # A kanji numeral is only a number when it carries a unit (一般, 一時的, 百貨店 are words).
        if _is_kanji_only(num) and unit is None and not _BIG_UNIT_RE.search(num):
            continue
        # 21-50人: a hyphen right after a digit is a range, not a minus sign.
        if sign == "-" and start > 0 and text[start - 1].isdigit():
            sign = None
            start += 1
        value = parse_number(num)
        if value is None:
            continue
        if sign:
            value = -value
        mentions.append(NumberMention(_as_number(value, kind), kind, start, match.end()))
    return tuple(mentions)


def _as_number(value: Decimal, kind: Kind) -> int | float:
    """Yen and counts are integers (a fraction of a yen is rounded down); percentages stay floats."""
    if kind == "percent":
        return float(value)
    return int(value)


def _first(text: str, kind: Kind) -> int | float | None:
    for mention in find_numbers(normalise(text)):
        if mention.kind == kind:
            return mention.value
    return None


def parse_amount_yen(text: str) -> int | None:
    """First amount of money in text, in yen: 「1億5千万円」→ 150000000; None when there is none."""
    value = _first(text, "yen")
    return None if value is None else int(value)


def parse_count(text: str) -> int | None:
    """First count of people (人/名), else of organisations (社/校/者…): 「社員30人」→ 30."""
    for kind in ("persons", "organisations"):
        value = _first(text, kind)  # type: ignore[arg-type]
        if value is not None:
            return int(value)
    return None


def parse_percent(text: str) -> float | None:
    """First percentage in text: 「2.5%」→ 2.5, 「6パーセント」→ 6.0."""
    value = _first(text, "percent")
    return None if value is None else float(value)
