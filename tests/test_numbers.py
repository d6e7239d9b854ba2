"""Japanese number parsing: every form people type, as a table (input → value)."""

from __future__ import annotations

import pytest

from assistant.understanding import parse_amount_yen, parse_count, parse_percent
from assistant.understanding.numbers import find_numbers

YEN_CASES = [
    ("1,500万円", 15_000_000),
    ("1500万", 15_000_000),  # no 円: 万 makes it money
    ("1.5億円", 150_000_000),
    ("0.5億円", 50_000_000),
    ("1億5千万円", 150_000_000),
    ("1億5,000万円", 150_000_000),
    ("一億五千万円", 150_000_000),
    ("三千万円", 30_000_000),
    ("二千五百万円", 25_000_000),
    ("4000万円", 40_000_000),
    ("4千万円", 40_000_000),
    ("40,000,000円", 40_000_000),
    ("9,999円", 9_999),
    ("1,499万9,999円", 14_999_999),  # one yen below the minimum investment
    ("1,500万1円", 15_000_001),
    ("3,333万3,333円", 33_333_333),
    ("1億2,000万円", 120_000_000),
    ("資本金5千万円", 50_000_000),
    ("資本金3億円", 300_000_000),
    ("資本金5000万", 50_000_000),
    ("１，５００万円", 15_000_000),  # full-width digits and comma
    ("４０００万円", 40_000_000),
    ("1億", 100_000_000),
    ("二億円", 200_000_000),
    ("十万円", 100_000),
    ("5,000千円", 5_000_000),  # accounting tables count in 千円
    ("15百万円", 15_000_000),
    ("千円", 1_000),
    ("約2,345万6,789円の設備投資", 23_456_789),
    ("-500万円", -5_000_000),
    ("マイナス3万円", -30_000),
    ("▲100万円", -1_000_000),
]


@pytest.mark.parametrize("text,expected", YEN_CASES)
def test_parse_amount_yen(text: str, expected: int) -> None:
    assert parse_amount_yen(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "補助金について教えて",
        "数千万円くらい",  # vague: no figure
        "何万円もらえますか",
        "2025年7月10日",  # dates are not money
        "1/2以内",
        "一般社団法人",  # kanji digit inside a word
        "千葉県の会社です",
        "30人",  # people, not money
        "4000",  # a bare number without unit is not read as yen
    ],
)
def test_parse_amount_yen_none(text: str) -> None:
    assert parse_amount_yen(text) is None


COUNT_CASES = [
    ("30人", 30),
    ("３０人", 30),
    ("30名", 30),
    ("社員30人", 30),
    ("従業員数は30人", 30),
    ("常勤従業員 120 人", 120),
    ("三十人", 30),
    ("百名", 100),
    ("1,000人", 1_000),
    ("従業員-5人", -5),  # negative stays negative; validation is the calculator's job
    ("従業員−5人", -5),  # U+2212 minus sign
    ("中小企業2社", 2),
    ("大学1校", 1),
    ("一社", 1),
]


@pytest.mark.parametrize("text,expected", COUNT_CASES)
def test_parse_count(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["何人でも", "数十人", "第三者", "十分です", "", "21-50人"])  # a range is no count
def test_parse_count_none(text: str) -> None:
    assert parse_count(text) is None


PERCENT_CASES = [
    ("2.5%", 2.5),
    ("２．５％", 2.5),
    ("6パーセント", 6.0),
    ("6.0%", 6.0),
    ("年率3%増", 3.0),
    ("-1.5%", -1.5),
]


@pytest.mark.parametrize("text,expected", PERCENT_CASES)
def test_parse_percent(text: str, expected: float) -> None:
    assert parse_percent(text) == pytest.approx(expected)


def test_find_numbers_keeps_kinds_and_spans_in_order() -> None:
    text = "従業員30人で4,000万円を投資し、給与を2.5%上げます。中小企業2社"
    mentions = find_numbers(text)
    assert [(m.kind, m.value) for m in mentions] == [
        ("persons", 30),
        ("yen", 40_000_000),
        ("percent", 2.5),
        ("organisations", 2),
    ]
    assert [text[m.start : m.end] for m in mentions] == ["30人", "4,000万円", "2.5%", "2社"]
