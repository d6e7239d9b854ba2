"""The number grammar: every phrasing it reads gives the exact slots; everything else gets a question.

A property test writes amounts and headcounts the ways people type them (units, separators, full-width
digits, kanji, word order, 人/名/者) and checks the slots; a table of bad figures checks that each one is
asked about in Japanese and that no bad value reaches the dialog state.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.dialog import DialogState, merge
from assistant.programmes import Programme
from assistant.understanding import understand
from assistant.understanding.numbers import MAX_DIGITS, scan_numbers

PROGRAMMES = {
    "shinjigyo": Programme(id="shinjigyo", official_name="中小企業新事業進出補助金",
                           aliases=("新事業進出補助金",)),
}
JAPANESE = re.compile(r"[ぁ-んァ-ン一-龥]")
# Outside the figure quoted back to the user, a question holds no Latin letters (no inf, nan, e+06, repr).
QUOTED = re.compile(r"「[^」]*」")
LATIN = re.compile(r"[A-Za-z]")
FULL_WIDTH = str.maketrans("0123456789,.%", "０１２３４５６７８９，．％")

_KANJI_DIGIT = "〇一二三四五六七八九"


def kanji_below_10000(n: int, one_before_unit: bool) -> str:
    """二千五百, 三十; 一千 or 千 as chosen (both are written)."""
    out = ""
    for factor, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, factor)
        if digit:
            out += ("" if digit == 1 and not (one_before_unit and factor == 1000) else _KANJI_DIGIT[digit]) + unit
    return out + (_KANJI_DIGIT[n] if n else "")


def kanji(n: int, one_before_unit: bool = False) -> str:
    """Any positive integer below 10^16 in kanji: 一億二千万, 四千万, 三十."""
    parts = []
    for factor, unit in ((10**12, "兆"), (10**8, "億"), (10**4, "万"), (1, "")):
        group, n = divmod(n, factor)
        if group:
            parts.append(kanji_below_10000(group, one_before_unit) + unit)
    return "".join(parts)


def arabic(n: int, commas: bool) -> str:
    return f"{n:,}" if commas else str(n)


def yen_text(draw: st.DrawFn, yen: int) -> str:
    """One way of writing `yen`: 40,000,000円, 4,000万円, 4000万, 4千万円, 1億2,000万円, 四千万円."""
    oku, rest = divmod(yen, 10**8)
    man, ones = divmod(rest, 10**4)
    commas = draw(st.booleans())
    style = draw(st.sampled_from(["plain", "units", "units", "kanji", "sen_man"]))
    if style == "plain":
        return arabic(yen, commas) + "円"
    if style == "kanji":
        return kanji(yen, draw(st.booleans())) + "円"
    text = f"{oku}億" if oku else ""
    if man:
        if style == "sen_man" and man % 1000 == 0:
            text += f"{man // 1000}千万"  # 4千万
        else:
            text += arabic(man, commas) + "万"
    if ones:
        text += arabic(ones, commas)
    return text + ("円" if ones or draw(st.booleans()) else "")


@st.composite
def amount_questions(draw: st.DrawFn) -> tuple[str, int, int]:
    """A question stating an investment and a headcount, in one of several word orders."""
    yen = draw(st.one_of(st.integers(1, 9_999) .map(lambda m: m * 10_000),
                         st.integers(1, 100_000_000_000)))
    employees = draw(st.integers(1, 100_000))
    money = yen_text(draw, yen)
    staff_word = draw(st.sampled_from(["従業員", "従業員数", "社員", "常勤", "常勤従業員", "スタッフ", "職員"]))
    particle = draw(st.sampled_from(["", "は", "が", ":", " "]))
    unit = draw(st.sampled_from(["人", "名", "者"]))
    count_style = draw(st.sampled_from(["arabic", "commas", "kanji"]))
    count = kanji(employees) if count_style == "kanji" else arabic(employees, count_style == "commas")
    # 「従業員数百人」 reads as 数百人 (several hundred) to people too: a kanji count needs a break after 数.
    assume(not (staff_word.endswith("数") and particle == "" and count_style == "kanji"))
    people = f"{staff_word}{particle}{count}{unit}"
    template = draw(st.sampled_from([
        "{people}で{money}を投資したら補助額は?",
        "{money}を投資します。{people}です。補助額はいくらですか?",
        "投資額{money}、{people}の場合の補助金額は?",
        "うちは{people}、設備投資は{money}。いくらもらえる?",
    ]))
    text = template.format(people=people, money=money)
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text, yen, employees


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amount_questions())
def test_every_phrasing_reads_the_exact_slots(case: tuple[str, int, int]) -> None:
    text, yen, employees = case
    u = understand(text, PROGRAMMES)
    assert u.clarification is None, (text, u.clarification)
    assert u.slots.get("investment") == yen, text
    assert u.slots.get("employees") == employees, text


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.sampled_from(["", "給与支給総額を", "賃上げで", "給与を年"]),
       st.sampled_from(["%", "パーセント"]), st.booleans())
def test_percent_growth_is_read(tenths: int, lead: str, unit: str, full_width: bool) -> None:
    rate = tenths / 10
    written = f"{rate:g}"
    text = f"{lead}{written}{unit}増"
    if full_width:
        text = text.translate(FULL_WIDTH)
    u = understand(text, PROGRAMMES)
    assert u.clarification is None, text
    assert u.slots == {"wage_growth_rate": pytest.approx(rate)}, text


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 999), st.sampled_from(["地域別+{n}円", "地域別最低賃金+{n}円", "最低賃金より{n}円高い",
                                              "地域別最低賃金を{n}円上回る"]))
def test_min_wage_margin_is_read(n: int, template: str) -> None:
    u = understand(template.format(n=n), PROGRAMMES)
    assert u.slots == {"min_wage_margin": n}, template


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**16 - 1))
def test_kanji_and_arabic_agree(n: int) -> None:
    for text in (f"{n:,}円", f"{kanji(n)}円", f"{kanji(n, True)}円"):
        mentions = scan_numbers(text).mentions
        assert [m.value for m in mentions] == [n], text


@pytest.mark.parametrize(
    "text,slots",
    [
        ("従業員数18名で1億円を投資したら補助額は?", {"employees": 18, "investment": 100_000_000}),
        ("スタッフ12名、投資額4千万円", {"employees": 12, "investment": 40_000_000}),
        ("職員5者で四千万円を投資", {"employees": 5, "investment": 40_000_000}),
        ("常勤は三十名です", {"employees": 30}),
        ("投資額1億2,000万円", {"investment": 120_000_000}),
        ("地域別+60円", {"min_wage_margin": 60}),
        ("給与支給総額を6.5%増", {"wage_growth_rate": 6.5}),
        ("6.5%増", {"wage_growth_rate": 6.5}),
        ("投資額4,000万円(税込4,000万円)", {"investment": 40_000_000}),  # the same value twice agrees
        ("30人ではなく50人です", {"employees": 50}),  # a correction word picks the last
        ("投資は4,000万円、いや5,000万円です", {"investment": 50_000_000}),
        ("従業員を30人から50人に増やしたら補助額は?", {"employees": 50}),  # a change: its result counts
        ("投資額を4,000万円から6,000万円へ増やすと?", {"investment": 60_000_000}),
    ],
)
def test_phrasings_from_the_issues(text: str, slots: dict[str, Any]) -> None:
    u = understand(text, PROGRAMMES)
    assert u.clarification is None
    assert u.slots == slots


# --- figures that cannot be read exactly: a Japanese question, and nothing kept ----------------------
BAD_CASES = [
    # exponents
    ("1e30円を投資したら補助額は?", "investment", "指数"),
    ("4.5e7円を投資します", "investment", "指数"),
    ("投資額は1E8円です", "investment", "指数"),
    ("従業員3e1人です", "employees", "指数"),
    # a point or a 、 that may be a thousands mark
    ("4.000万円を投資します", "investment", "小数点"),
    ("投資額1.500万円の補助額は?", "investment", "小数点"),
    ("資本金1.000億円です", "capital", "小数点"),
    ("4、000万円を投資します", "investment", "読点"),
    ("投資額は1、500万円", "investment", "読点"),
    # wrong grouping, malformed
    ("4,00万円を投資します", "investment", "3桁ごと"),
    ("投資額40,00,000円", "investment", "3桁ごと"),
    ("従業員50,0人です", "employees", "3桁ごと"),
    ("1万2億円を投資します", "investment", "読み取れませんでした"),
    ("千千万円を投資します", "investment", "読み取れませんでした"),
    # fractions of a person or a yen
    ("従業員20.9人で4,000万円投資したら補助額は?", "employees", "小数"),
    ("社員は3.5名です", "employees", "小数"),
    ("職員2.5者です", "employees", "小数"),
    ("1.5円を投資します", "investment", "小数"),
    # ranges
    ("4,000万~5,000万円を投資します", "investment", "範囲"),
    ("4000万〜5000万円を投資", "investment", "範囲"),
    ("投資額は4,000万円から5,000万円までです", "investment", "範囲"),
    ("従業員21-50人の補助額は?", "employees", "範囲"),
    ("従業員30~40名です", "employees", "範囲"),
    ("給与支給総額を3~5%増やします", "wage_growth_rate", "範囲"),
    # too many digits (over 309 used to raise OverflowError)
    ("9" * 25 + "円を投資します", "investment", "桁数"),
    ("9" * 400 + "円を投資します", "investment", "桁数"),
    ("従業員" + "9" * 30 + "人です", "employees", "桁数"),
    ("従業員" + "1" * 400 + "で投資は4,000万円", "employees", "桁数"),
    # several values for one slot with no correction word
    ("従業員30人と50人で投資したら?", "employees", "「30人」と「50人」"),
    ("4,000万円を投資して、設備に1,000万円", "investment", "「4,000万円」と「1,000万円」"),
    ("資本金1億円、資本金3億円です", "capital", "「1億円」と「3億円」"),
    ("最低賃金+30円、最低賃金+50円", "min_wage_margin", "「30円」と「50円」"),
    # member counts: no count defaults to 1 when the written one was asked about
    ("中小企業2.5社と大学1校で組める?", "members", "小数"),
    ("中小企業2~3社と大学1校で組める?", "members", "範囲"),
    ("中小企業" + "9" * 400 + "社と大学1校で組める?", "members", "桁数"),
    # values the slot vocabulary refuses
    ("従業員-5人で4,000万円投資したら補助額は?", "employees", "0人以上"),
    ("投資額2兆円の補助額は?", "investment", "1,000億円まで"),
    ("給与支給総額を1000000%増やします", "wage_growth_rate", "1,000,000%"),
]


@pytest.mark.parametrize("text,slot,fragment", BAD_CASES)
def test_unreadable_figure_gets_a_japanese_question_and_is_not_kept(text: str, slot: str, fragment: str) -> None:
    u = understand(text, PROGRAMMES)
    assert u.clarification is not None, (text, u.slots)
    assert fragment in u.clarification, u.clarification
    assert JAPANESE.search(u.clarification)
    outside_quotes = QUOTED.sub("", u.clarification)
    assert not LATIN.search(outside_quotes), u.clarification
    assert slot not in u.slots
    state = DialogState(slots={"industry": "製造業"})
    merge(state, u)
    assert slot not in state.slots and state.slots["industry"] == "製造業"


def test_the_cases_are_distinct_and_many() -> None:
    assert len({text for text, _, _ in BAD_CASES}) == len(BAD_CASES) >= 30


def test_an_earlier_value_survives_an_unreadable_correction() -> None:
    state = DialogState()
    merge(state, understand("従業員30人で4,000万円投資したら補助額は?", PROGRAMMES))
    u = understand("従業員は20.9人でした", PROGRAMMES)
    merge(state, u)
    assert u.clarification and state.slots["employees"] == 30  # the bad value never replaces a good one


def test_good_figures_beside_a_bad_one_are_kept() -> None:
    u = understand("従業員20.9人で4,000万円を投資したら補助額は?", PROGRAMMES)
    assert u.slots == {"investment": 40_000_000}
    assert u.clarification and "20.9人" in u.clarification


@pytest.mark.parametrize(
    "text",
    ["補助上限額は1,500万~7,000万円ですか?", "売上1e9円です", "事業再構築補助金の第1〜12回の採択数は?",
     "2025-07-10までに申請", "採択率は20~30%ですか"],
)
def test_figures_that_fill_no_slot_are_not_asked_about(text: str) -> None:
    assert understand(text, PROGRAMMES).clarification is None


def test_the_digit_bound_is_the_grammar_s() -> None:
    assert [m.value for m in scan_numbers("9" * MAX_DIGITS + "円").mentions] == [int("9" * MAX_DIGITS)]
    assert scan_numbers("9" * (MAX_DIGITS + 1) + "円").problems[0].problem == "too_long"
