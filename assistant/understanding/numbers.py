"""Japanese numbers as people type them, read by a bounded, explicit grammar.

Read exactly: 1,500万円, 1.5億円, 1億5千万円, 1億2,000万円, 4千万円, 三千万円, 5,000千円, 30名, 職員5者, 2.5%,
6パーセント, -500万円, ▲100万円. Everything else that looks like a figure is *not* guessed at: an exponent
(1e30円), a separator that could be a decimal point or a thousands mark (4.000万円, 4、000万円), a wrong grouping
(4,00万円), a fraction of a person or of a yen, a range (4,000万~5,000万円) or more than MAX_DIGITS digits
becomes a NumberProblem, which the understanding turns into a question for the user. A silent misreading
(1e30円 → 30円) would change the answer without a word; a question costs one turn.

Input is expected NFKC-normalised (full-width digits, ％ and ,already folded). Every mention is found with
its span and unit so the slot extractor can decide from the surrounding words what the number means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from assistant.understanding.sanitize import normalise

Kind = Literal["yen", "persons", "organisations", "percent"]
Problem = Literal["exponent", "ambiguous_point", "ideographic_comma", "grouping", "malformed", "too_long",
                  "fraction", "range"]

# No company figure needs more digits (1兆 has 13); beyond this a value is a typo or an attack, and
# unbounded integers would overflow floats further down (a 400-digit amount used to).
MAX_DIGITS = 20

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}

# The lexer is deliberately greedy: digits joined by any separator (and an exponent) form one run, so a
# malformed figure is seen whole and judged, never cut into a smaller figure that happens to parse.
# 「、」 joins digits only before exactly three digits (4、000万); 「2、3社」 stays a list of two numbers.
_ARABIC_RUN = r"\d++(?:(?:,|\.|、(?=\d{3}(?!\d)))\d++)*+(?:[eE][+-]?\d++)?"
_KANJI = "〇零一二三四五六七八九十百千"
_PART = rf"(?:{_ARABIC_RUN}|[{_KANJI}])"
_NUMBER = rf"{_PART}(?:{_PART}|[万億兆])*+"
_SIGN = r"(?P<sign>マイナス|▲|△|-)?"

_UNIT_YEN = r"円"
_UNIT_PERSONS = r"人|名"
_UNIT_ORGS = r"社|校|者|団体|法人|機関|組織"
_UNIT_PERCENT = r"%|パーセント|パーセンテージ"

MENTION_RE = re.compile(
    rf"{_SIGN}(?P<num>{_NUMBER})\s?(?P<unit>{_UNIT_PERCENT}|{_UNIT_YEN}|{_UNIT_PERSONS}|{_UNIT_ORGS})?"
)
_ARABIC_TOKEN_RE = re.compile(_ARABIC_RUN)
_VALID_ARABIC_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_POINT_GROUPING_RE = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_TOKEN_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[〇零一二三四五六七八九十百千]")
_BIG_UNIT_RE = re.compile("[万億兆]")
_DIGIT_RE = re.compile(r"\d")
# Between the two ends of a range: 4,000万~5,000万円, 21-50人, 3〜5%, 4,000万円から5,000万円まで.
_RANGE_GAP_RE = re.compile(r"\s?(?:~|〜|-|−|ー|から)\s?")
_RANGE_END_AFTER_RE = re.compile(r"\s?(?:まで|の間|の範囲)")
# 「職員5者」「スタッフは12者」: 者 counts people after a word for staff (else organisations, 中小企業3者).
_STAFF_BEFORE_RE = re.compile(r"(?:従業員|従業者|社員|常勤|スタッフ|職員)(?:数)?(?:は|が|:|\s)*$")
# Characters before a number that make it vague or part of another word: 何人, 幾つ, 第三者; 数 only before
# 十百千 (数千万円, 数十人): in 「従業員数18名」「従業員数三十名」 it ends the word 従業員数.
_VAGUE_PREFIX = set("何幾第")


@dataclass(frozen=True)
class NumberMention:
    """One number in the text: its exact value in the unit of its kind, and where it stands."""

    value: int | float
    kind: Kind
    start: int
    end: int
    raw: str = ""  # the mention as written (for questions that quote it back)


@dataclass(frozen=True)
class NumberProblem:
    """A figure the grammar cannot read exactly; the understanding asks about it instead of guessing."""

    problem: Problem
    kind: Kind
    raw: str
    start: int
    end: int
    bounds: tuple[int, int] | None = None  # a range of whole counts (「51〜100人」): its two ends


@dataclass(frozen=True)
class NumberScan:
    """Every figure of a text: the ones read exactly and the ones to ask about, each in text order."""

    mentions: tuple[NumberMention, ...]
    problems: tuple[NumberProblem, ...]


@dataclass(frozen=True)
class _Lexeme:
    """One raw match of MENTION_RE before it is judged."""

    num: str
    unit: str | None
    sign: str | None
    start: int  # sign included
    num_start: int
    end: int
    kind: Kind | None


def _parse_small(part: str) -> Decimal | None:
    """Value below 10,000 from arabic digits, kanji digits and 十百千 in descending order; None if irregular.

    二千五百, 5千, 1,500, 15百 and 二〇二五 (positional kanji) read; 千千, 5三 and 百5千 do not.
    """
    if "".join(_TOKEN_RE.findall(part)) != part:
        return None
    total = Decimal(0)
    current: Decimal | None = None
    arabic = False
    last_unit: int | None = None
    for token in _TOKEN_RE.findall(part):
        if token in _SMALL_UNITS:
            factor = _SMALL_UNITS[token]
            if last_unit is not None and factor >= last_unit:
                return None
            total += (current if current is not None else Decimal(1)) * factor
            current, arabic, last_unit = None, False, factor
        elif token in _KANJI_DIGITS:
            if arabic:
                return None
            digit = Decimal(_KANJI_DIGITS[token])
            current = digit if current is None else current * 10 + digit
        else:
            if current is not None:
                return None
            current, arabic = Decimal(token.replace(",", "")), True
    if current is not None:
        if last_unit is not None and current >= last_unit:
            return None  # 千5000: the tail must be below the unit before it
        total += current
    return total


def parse_number(expr: str) -> Decimal | None:
    """Value of a number expression with big units in descending order: 1億5,000万 → 150000000; else None."""
    total = Decimal(0)
    last_factor: int | None = None
    position = 0
    for unit in _BIG_UNIT_RE.finditer(expr):
        factor = _BIG_UNITS[unit.group()]
        if last_factor is not None and factor >= last_factor:
            return None  # 1万2億, 1万万
        head = expr[position : unit.start()]
        value = _parse_small(head) if head else Decimal(1)
        if value is None:
            return None
        total += value * factor
        last_factor, position = factor, unit.end()
    rest = expr[position:]
    if rest:
        value = _parse_small(rest)
        if value is None:
            return None
        total += value
    return total


def _kind_of(text: str, lexeme_start: int, unit: str | None, num: str) -> Kind | None:
    """The kind a unit gives; a bare number counts as yen only when it carries 万/億/兆."""
    if unit is None:
        return "yen" if _BIG_UNIT_RE.search(num) else None
    if re.fullmatch(_UNIT_YEN, unit):
        return "yen"
    if re.fullmatch(_UNIT_PERSONS, unit):
        return "persons"
    if re.fullmatch(_UNIT_ORGS, unit):
        if unit == "者" and _STAFF_BEFORE_RE.search(text[max(0, lexeme_start - 12) : lexeme_start]):
            return "persons"
        return "organisations"
    return "percent"


def _is_word(text: str, match: re.Match[str]) -> bool:
    """A match that is part of a word or a vague amount, not a figure: 一般, 数千万円, 何人, 第三者."""
    start, num = match.start(), match.group("num")
    kanji_only = not _DIGIT_RE.search(num)
    if start > 0 and (text[start - 1] in _VAGUE_PREFIX or (text[start - 1] == "数" and num[0] in "十百千")):
        return True
    # A kanji numeral is only a number when it carries a unit (一般, 一時的, 百貨店 are words).
    return kanji_only and match.group("unit") is None and not _BIG_UNIT_RE.search(num)


def _lex(text: str) -> list[_Lexeme]:
    lexemes = []
    for match in MENTION_RE.finditer(text):
        if _is_word(text, match):
            continue
        num, unit = match.group("num"), match.group("unit")
        lexemes.append(_Lexeme(num, unit, match.group("sign"), match.start(), match.start("num"), match.end(),
                               _kind_of(text, match.start(), unit, num)))
    return lexemes


def _form_problem(num: str, kind: Kind) -> Problem | None:
    """What is wrong with how the digits are written, before any value is computed."""
    if re.search(r"\d[eE][+-]?\d", num):
        return "exponent"
    if len(_DIGIT_RE.findall(num)) > MAX_DIGITS:
        return "too_long"
    for token in _ARABIC_TOKEN_RE.findall(num):
        if "、" in token:
            return "ideographic_comma"
        if kind in ("yen", "persons", "organisations") and _POINT_GROUPING_RE.fullmatch(token):
            return "ambiguous_point"  # 4.000万: a decimal point (4万) or a thousands mark (4,000万)?
        if not _VALID_ARABIC_RE.fullmatch(token):
            return "grouping" if "," in token else "malformed"
    return None


def _value_problem(value: Decimal, kind: Kind) -> Problem | None:
    if abs(value) >= Decimal(10) ** MAX_DIGITS:
        return "too_long"
    if kind != "percent" and value != value.to_integral_value():
        return "fraction"  # 20.9人, 1.5円: no exact count or amount of yen
    return None


def _judge(lexeme: _Lexeme, text: str) -> NumberMention | NumberProblem:
    assert lexeme.kind is not None
    kind = lexeme.kind
    sign = lexeme.sign
    start = lexeme.start
    # 21-50人 reaches here only when the range check did not claim it: a hyphen after a digit is no minus.
    if sign == "-" and start > 0 and text[start - 1].isdigit():
        sign, start = None, lexeme.num_start
    raw = text[start : lexeme.end]
    problem = _form_problem(lexeme.num, kind)
    value = parse_number(lexeme.num) if problem is None else None
    if problem is None and value is None:
        problem = "malformed"
    if problem is None and value is not None:
        problem = _value_problem(value, kind)
    if problem is not None or value is None:
        return NumberProblem(problem or "malformed", kind, raw, start, lexeme.end)
    if sign:
        value = -value
    number: int | float = float(value) if kind == "percent" else int(value)
    return NumberMention(number, kind, start, lexeme.end, raw)


def _count_bounds(first: _Lexeme, second: _Lexeme) -> tuple[int, int] | None:
    """The two ends of a range of persons or organisations, when both are whole numbers in order."""
    if second.kind not in ("persons", "organisations"):
        return None
    low, high = parse_number(first.num), parse_number(second.num)
    if low is None or high is None or low != int(low) or high != int(high) or not 0 < low < high:
        return None
    return int(low), int(high)


def _range_with_next(text: str, lexemes: list[_Lexeme], index: int) -> bool:
    """Is lexemes[index] the first end of a range (4,000万~5,000万円, 21-50人, 3〜5%)?"""
    if index + 1 >= len(lexemes):
        return False
    first, second = lexemes[index], lexemes[index + 1]
    if second.kind is None or first.kind not in (None, second.kind):
        return False
    gap = text[first.end : second.num_start]
    if not _RANGE_GAP_RE.fullmatch(gap):
        return False
    return not gap.strip().startswith("から") or bool(_RANGE_END_AFTER_RE.match(text, second.end))


@lru_cache(maxsize=32)
def scan_numbers(text: str) -> NumberScan:
    """Every figure of the text, read exactly or reported as a problem (cached: several extractors ask)."""
    lexemes = _lex(text)
    mentions: list[NumberMention] = []
    problems: list[NumberProblem] = []
    index = 0
    while index < len(lexemes):
        lexeme = lexemes[index]
        if _range_with_next(text, lexemes, index):
            second = lexemes[index + 1]
            assert second.kind is not None
            problems.append(NumberProblem("range", second.kind, text[lexeme.start : second.end], lexeme.start,
                                          second.end, _count_bounds(lexeme, second)))
            index += 2
            continue
        if lexeme.kind is not None:
            judged = _judge(lexeme, text)
            (mentions if isinstance(judged, NumberMention) else problems).append(judged)  # type: ignore[arg-type]
        index += 1
    return NumberScan(tuple(mentions), tuple(problems))


def find_numbers(text: str) -> tuple[NumberMention, ...]:
    """Every number read exactly, with a unit that tells what it counts, in text order."""
    return scan_numbers(text).mentions


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
