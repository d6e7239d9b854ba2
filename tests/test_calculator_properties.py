"""Properties of the amount rules over many inputs (hypothesis), and that no input makes calculate raise."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.calculator import INTENTS, calculate

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TODAY = date(2026, 11, 21)
MIN_INVESTMENT = 15_000_000
MAX_YEN = 100_000_000_000  # 1,000億円, the plausibility limit

employees = st.integers(min_value=0, max_value=10_000)
investments = st.integers(min_value=MIN_INVESTMENT, max_value=MAX_YEN)
any_investment = st.integers(min_value=1, max_value=MAX_YEN)


def amount(programme: str, **slots) -> int | None:
    return calculate(programme, "amount", slots, today=TODAY, corpus_dir=CORPUS).amount


def cap(n: int, special: bool) -> int:
    result = calculate("shinjigyo", "cap", {"employees": n, "special_wage": special}, corpus_dir=CORPUS)
    assert result.amount is not None
    return result.amount


@settings(max_examples=300, deadline=None)
@given(n=employees, investment=investments, special=st.booleans())
def test_shinjigyo_amount_within_cap_and_half(n: int, investment: int, special: bool) -> None:
    value = amount("shinjigyo", employees=n, investment=investment, special_wage=special)
    assert value is not None
    assert value <= cap(n, special)
    assert 2 * value <= investment
    assert value > 0
    # it is exactly the smaller of the two, nothing lost beyond the 1円 rounding
    assert value == min(cap(n, special), investment // 2)


@settings(max_examples=300, deadline=None)
@given(n=employees, a=any_investment, b=any_investment, special=st.booleans())
def test_shinjigyo_amount_never_decreases_as_investment_grows(n: int, a: int, b: int, special: bool) -> None:
    low, high = sorted((a, b))
    first = amount("shinjigyo", employees=n, investment=low, special_wage=special)
    second = amount("shinjigyo", employees=n, investment=high, special_wage=special)
    assert first is not None and second is not None
    assert first <= second


@settings(max_examples=200, deadline=None)
@given(n=employees, investment=investments)
def test_special_provision_never_lowers_the_amount(n: int, investment: int) -> None:
    assert amount("shinjigyo", employees=n, investment=investment, special_wage=True) >= amount(
        "shinjigyo", employees=n, investment=investment, special_wage=False)


@settings(max_examples=300, deadline=None)
@given(a=any_investment, b=any_investment)
def test_export_amount_within_cap_half_and_monotone(a: int, b: int) -> None:
    low, high = sorted((a, b))
    first, second = amount("export_ecosystem", investment=low), amount("export_ecosystem", investment=high)
    assert first is not None and second is not None
    assert first <= 20_000_000 and 2 * first <= low
    assert first <= second


slot_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([float("nan"), float("inf")]),
    st.text(max_size=8),
    st.lists(st.dictionaries(st.sampled_from(["type", "count"]), st.one_of(st.text(max_size=4), st.integers())),
             max_size=3),
)
slot_names = st.sampled_from([
    "employees", "investment", "special_wage", "industry", "capital", "wage_growth_rate", "min_wage_margin",
    "subsidy_received", "wage_target_rate", "wage_actual_rate", "min_wage_target_met", "value_added_increased",
    "operating_loss", "natural_disaster", "members", "same_group_only", "roles_in_writing", "outsourcing_only",
    "single_applicant",
])


@settings(max_examples=400, deadline=None)
@given(programme=st.sampled_from(["shinjigyo", "export_ecosystem"]), intent=st.sampled_from(sorted(INTENTS)),
       slots=st.dictionaries(slot_names, slot_values, max_size=6))
def test_no_input_makes_calculate_raise(programme: str, intent: str, slots: dict) -> None:
    result = calculate(programme, intent, slots, today=TODAY, corpus_dir=CORPUS)
    json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
    assert result.conclusion
