"""The calculator against the shipped rules: boundary tables, verdicts, explanations, bad input.

Expected figures are written here from the guideline text, not read from the rules YAML, so a wrong
value in the YAML fails these tests.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from assistant.calculator import INDUSTRIES, INTENTS, calculate, format_yen
from assistant.calculator.capability import calculator_of
from assistant.calculator.slots import SLOTS

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TODAY = date(2026, 11, 21)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MAN = 10_000  # 1万円


def calc(programme: str, intent: str, **slots):
    return calculate(programme, intent, slots, today=TODAY, corpus_dir=CORPUS)


# --- money formatting ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("yen", "text"),
    [
        (15_000_000, "1,500万円"),
        (120_000_000, "1億2,000万円"),
        (9_999, "9,999円"),
        (14_999_999, "1,499万9,999円"),
        (100_000_000, "1億円"),  # no trailing 0万
        (10_000, "1万円"),
        (0, "0円"),
        (1_000_000_000_000, "1兆円"),
        (123_456_789_012, "1,234億5,678万9,012円"),
    ],
)
def test_format_yen(yen: int, text: str) -> None:
    assert format_yen(yen) == text


# --- shinjigyo: caps by employee band, boundary pairs -----------------------------------------------
@pytest.mark.parametrize(
    ("employees", "normal", "special"),
    [
        (0, 2_500 * MAN, 3_000 * MAN),
        (20, 2_500 * MAN, 3_000 * MAN),  # 20人以下
        (21, 4_000 * MAN, 5_000 * MAN),  # 21人以上
        (50, 4_000 * MAN, 5_000 * MAN),
        (51, 5_500 * MAN, 7_000 * MAN),
        (100, 5_500 * MAN, 7_000 * MAN),
        (101, 7_000 * MAN, 9_000 * MAN),  # 101人以上
        (5_000, 7_000 * MAN, 9_000 * MAN),
    ],
)
def test_cap_and_capped_amount_by_employee_band(employees: int, normal: int, special: int) -> None:
    assert calc("shinjigyo", "cap", employees=employees, special_wage=False).amount == normal
    assert calc("shinjigyo", "cap", employees=employees, special_wage=True).amount == special
    big = calc("shinjigyo", "amount", employees=employees, investment=500_000_000)
    assert (big.eligible, big.amount) == (True, normal)
    big_special = calc("shinjigyo", "amount", employees=employees, investment=500_000_000, special_wage=True)
    assert big_special.amount == special


def test_cap_without_special_flag_states_both_caps() -> None:
    result = calc("shinjigyo", "cap", employees=30)
    assert result.amount == 4_000 * MAN
    assert "4,000万円" in result.conclusion and "5,000万円" in result.conclusion


@pytest.mark.parametrize(
    ("investment", "eligible", "amount"),
    [
        (15_000_000, True, 7_500_000),  # 1,500万円以上: exactly the minimum qualifies
        (14_999_999, False, 0),  # 1円 below the minimum
        (15_000_001, True, 7_500_000),  # 7,500,000.5 -> 1円未満切り捨て
        (40_000_000, True, 20_000_000),
        (80_000_000, True, 40_000_000),  # exactly at the 21-50人 cap
        (80_000_002, True, 40_000_000),  # one yen of subsidy over the cap
    ],
)
def test_minimum_investment_and_rounding(investment: int, eligible: bool, amount: int) -> None:
    result = calc("shinjigyo", "amount", employees=30, investment=investment)
    assert (result.eligible, result.amount) == (eligible, amount)
    if not eligible:
        assert any("最低投資額" in f for f in result.failed_conditions)
        assert "1,499万9,999円" in result.conclusion


def test_amount_explanation_is_conclusion_then_line_then_sources() -> None:
    result = calc("shinjigyo", "amount", employees=30, investment=40_000_000)
    assert result.conclusion == "補助額は2,000万円です。"
    assert result.calculation_line == "投資額4,000万円 × 1/2 = 2,000万円(上限4,000万円以内)"
    lines = result.explanation.splitlines()
    assert lines[0] == result.conclusion and lines[1] == result.calculation_line
    assert "根拠:" in lines
    for citation in result.citations:
        assert citation.quote in result.explanation
    assert any("21人以上50人以下" in c.quote for c in result.citations)


def test_capped_amount_line_names_the_cap() -> None:
    result = calc("shinjigyo", "amount", employees=10, investment=100_000_000)
    assert result.amount == 25_000_000
    assert result.calculation_line == "投資額1億円 × 1/2 = 5,000万円 → 上限2,500万円を適用"


def test_missing_inputs_are_named_and_asked_for() -> None:
    result = calc("shinjigyo", "amount")
    assert result.eligible is None and result.amount is None
    assert result.missing_inputs == ["investment", "employees"] or result.missing_inputs == ["employees", "investment"]
    assert result.missing_question is not None
    assert "常勤従業員数" in result.missing_question and "投資額(補助対象経費)" in result.missing_question
    assert result.missing_question.endswith("を教えてください。")


def test_amount_is_refused_when_industry_shows_not_an_sme() -> None:
    result = calc("shinjigyo", "amount", employees=400, investment=100_000_000, industry="製造業",
                  capital=500_000_000)
    assert result.eligible is False and result.amount == 0
    assert any("中小企業" in f for f in result.failed_conditions)


# --- shinjigyo: SME definition per industry ---------------------------------------------------------
SME_THRESHOLDS = {  # industry: (資本金以下, 常勤従業員数以下), from the guideline's table
    "製造業": (300_000_000, 300),
    "建設業": (300_000_000, 300),
    "運輸業": (300_000_000, 300),
    "卸売業": (100_000_000, 100),
    "サービス業": (50_000_000, 100),
    "小売業": (50_000_000, 50),
    "ゴム製品製造業": (300_000_000, 900),
    "タイヤ・チューブ製造業": (300_000_000, 300),  # excluded from ゴム製品製造業 -> 製造業's thresholds
    "工業用ベルト製造業": (300_000_000, 300),  # likewise
    "ソフトウェア業": (300_000_000, 300),
    "情報処理サービス業": (300_000_000, 300),
    "旅館業": (50_000_000, 200),
    "その他": (300_000_000, 300),
}


def test_threshold_table_covers_every_industry() -> None:
    assert set(SME_THRESHOLDS) == set(INDUSTRIES)


@pytest.mark.parametrize("industry", sorted(SME_THRESHOLDS))
def test_sme_capital_and_employee_thresholds(industry: str) -> None:
    capital, employees = SME_THRESHOLDS[industry]
    far_capital, far_employees = capital * 10, employees * 10
    cases = [
        (capital, far_employees, True),  # capital at its threshold is enough (OR)
        (capital + 1, far_employees, False),
        (far_capital, employees, True),  # employees at its threshold is enough (OR)
        (far_capital, employees + 1, False),
    ]
    for cap_value, emp_value, expected in cases:
        result = calc("shinjigyo", "sme_check", industry=industry, capital=cap_value, employees=emp_value)
        assert result.eligible is expected, (industry, cap_value, emp_value, result.conclusion)
        assert result.conclusion.startswith("中小企業に該当" + ("します" if expected else "しません"))


def test_tyre_exclusion_is_cited() -> None:
    result = calc("shinjigyo", "sme_check", industry="タイヤ・チューブ製造業", capital=400_000_000, employees=500)
    assert result.eligible is False  # would be an SME (<=900人) if it counted as ゴム製品製造業
    assert any("ゴム製品製造業の区分から除かれます" in c.quote for c in result.citations)


@pytest.mark.parametrize(
    ("slots", "eligible", "missing"),
    [
        ({"industry": "小売業"}, None, ["capital", "employees"]),
        ({"industry": "小売業", "capital": 10_000_000}, True, []),  # one criterion met decides
        ({"industry": "小売業", "capital": 90_000_000}, None, ["employees"]),
        ({"capital": 10_000_000, "employees": 5}, None, ["industry"]),
    ],
)
def test_sme_partial_inputs(slots: dict, eligible: bool | None, missing: list[str]) -> None:
    result = calc("shinjigyo", "sme_check", **slots)
    assert result.eligible is eligible
    assert result.missing_inputs == missing


# --- shinjigyo: wage requirements --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("special", "growth", "margin", "ok"),
    [
        (False, 2.5, 30, True),  # +2.5% and +30円, both at the bound
        (False, 2.4, 30, False),
        (False, 2.5, 29, False),
        (True, 6.0, 50, True),  # 大幅賃上げ特例: +6.0% and +50円
        (True, 5.9, 50, False),
        (True, 6.0, 49, False),
        (True, 3.0, 40, False),
    ],
)
def test_wage_requirement(special: bool, growth: float, margin: int, ok: bool) -> None:
    result = calc("shinjigyo", "wage_requirement", special_wage=special, wage_growth_rate=growth,
                  min_wage_margin=margin)
    assert result.eligible is ok
    assert bool(result.failed_conditions) is not ok


def test_wage_requirement_without_figures_states_the_rule_and_asks() -> None:
    result = calc("shinjigyo", "wage_requirement")
    assert result.eligible is None
    assert "2.5%" in result.conclusion and "30円" in result.conclusion and "6.0%" in result.conclusion
    assert result.missing_inputs == ["wage_growth_rate", "min_wage_margin"]


def test_wage_requirement_reports_the_special_provision_too() -> None:
    result = calc("shinjigyo", "wage_requirement", wage_growth_rate=6.5, min_wage_margin=60)
    assert result.eligible is True
    assert "大幅賃上げ特例の基準も満たしています" in result.explanation


# --- shinjigyo: repayment -----------------------------------------------------------------------------
BASE = {"subsidy_received": 40_000_000, "wage_target_rate": 3.0}


@pytest.mark.parametrize(
    ("extra", "amount", "eligible"),
    [
        ({"wage_actual_rate": 1.5}, 20_000_000, False),  # half the target missed -> half repaid
        ({"wage_actual_rate": 3.0}, 0, True),  # target met
        ({"wage_actual_rate": 4.0}, 0, True),
        ({"wage_actual_rate": -1.0}, 40_000_000, False),  # shrinkage: never more than the subsidy
        ({"wage_actual_rate": 1.5, "value_added_increased": False, "operating_loss": True}, 0, True),
        ({"wage_actual_rate": 1.5, "natural_disaster": True}, 0, True),
        ({"wage_actual_rate": 1.5, "value_added_increased": False, "operating_loss": False}, 20_000_000, False),
        ({"wage_actual_rate": 1.5, "value_added_increased": True, "operating_loss": True}, 20_000_000, False),
        # the value-added target alone never triggers a repayment
        ({"wage_actual_rate": 3.0, "min_wage_target_met": True, "value_added_increased": False}, 0, True),
    ],
)
def test_repayment(extra: dict, amount: int, eligible: bool) -> None:
    result = calc("shinjigyo", "repayment", **BASE, **extra)
    assert (result.amount, result.eligible) == (amount, eligible)


def test_repayment_rounds_down_and_cites_proportion() -> None:
    result = calc("shinjigyo", "repayment", subsidy_received=10_000_001, wage_target_rate=3.0, wage_actual_rate=1.0)
    assert result.amount == 6_666_667  # 10,000,001 × 2/3 = 6,666,667.33...
    assert any("未達成率に応じて" in c.quote for c in result.citations)


def test_missed_min_wage_target_is_a_failed_condition_without_a_guessed_amount() -> None:
    result = calc("shinjigyo", "repayment", **BASE, wage_actual_rate=3.0, min_wage_target_met=False)
    assert result.eligible is False
    assert any("最低賃金" in f for f in result.failed_conditions)
    assert "資料に記載がありません" in result.conclusion


# --- schedule ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("programme", "today", "open_"),
    [
        ("shinjigyo", date(2025, 7, 1), True),
        ("shinjigyo", date(2025, 7, 10), True),  # the deadline day itself (締切 18時)
        ("shinjigyo", date(2025, 7, 11), False),
        ("shinjigyo", TODAY, False),
        ("export_ecosystem", date(2025, 5, 30), True),
        ("export_ecosystem", date(2025, 5, 31), False),
    ],
)
def test_schedule_open_or_passed(programme: str, today: date, open_: bool) -> None:
    result = calculate(programme, "schedule", {}, today=today, corpus_dir=CORPUS)
    assert result.eligible is open_
    assert ("受付中" in result.conclusion) is open_
    assert "実施期間" in result.explanation


def test_schedule_uses_settings_today_override(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import get_settings

    monkeypatch.setenv("HOJO_TODAY", "2025-07-01")
    get_settings.cache_clear()
    try:
        assert calculate("shinjigyo", "schedule", {}, corpus_dir=CORPUS).eligible is True
    finally:
        monkeypatch.delenv("HOJO_TODAY")
        get_settings.cache_clear()


# --- export_ecosystem -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cost", "amount"),
    [
        (30_000_000, 15_000_000),
        (39_999_999, 19_999_999),  # 19,999,999.5 -> 切り捨て
        (40_000_000, 20_000_000),  # exactly the 2,000万円 cap
        (40_000_002, 20_000_000),
        (1_000_000_000, 20_000_000),
    ],
)
def test_export_amount(cost: int, amount: int) -> None:
    result = calc("export_ecosystem", "amount", investment=cost)
    assert (result.eligible, result.amount) == (True, amount)
    assert result.calculation_line and result.calculation_line.startswith("補助対象経費")


GOOD = {"same_group_only": False, "roles_in_writing": True, "outsourcing_only": False}


def members(**counts: int) -> list[dict]:
    return [{"type": kind, "count": n} for kind, n in counts.items()]


@pytest.mark.parametrize(
    ("slots", "eligible", "reason"),
    [
        ({"members": members(中小企業=2, 大企業=2), **GOOD}, False, "過半数"),  # 2 of 4 is not a majority
        ({"members": members(中小企業=3, 大学=1), **GOOD}, True, None),  # 3 of 4 is
        ({"members": members(中小企業=2, 大学=1), **GOOD}, True, None),  # 2 of 3
        ({"members": members(商工会=1, NPO=1), **GOOD}, True, None),
        ({"members": members(中小企業=1, 大企業=1), **GOOD}, False, "2者以上"),
        ({"single_applicant": True}, False, "単独"),
        ({"members": members(中小企業=2), **{**GOOD, "same_group_only": True}}, False, "同一グループ"),
        ({"members": members(中小企業=2), **{**GOOD, "roles_in_writing": False}}, False, "書面"),
        ({"members": members(中小企業=2), **{**GOOD, "outsourcing_only": True}}, False, "外注"),
    ],
)
def test_consortium(slots: dict, eligible: bool, reason: str | None) -> None:
    result = calc("export_ecosystem", "consortium_check", **slots)
    assert result.eligible is eligible, result.conclusion
    if reason:
        assert any(reason in f for f in result.failed_conditions), result.failed_conditions
        assert reason in result.conclusion
    else:
        assert result.failed_conditions == []


def test_consortium_asks_for_what_it_still_needs() -> None:
    result = calc("export_ecosystem", "consortium_check", members=members(中小企業=3))
    assert result.eligible is None
    assert result.missing_inputs == ["same_group_only", "roles_in_writing", "outsourcing_only"]
    assert result.missing_question and "同一グループ" in result.missing_question


# --- intents that do not apply, unknown names ----------------------------------------------------------
@pytest.mark.parametrize(
    ("programme", "intent"),
    [("shinjigyo", "consortium_check"), ("export_ecosystem", "sme_check"),
     ("export_ecosystem", "min_investment"), ("export_ecosystem", "wage_requirement"),
     ("export_ecosystem", "repayment"), ("jizokuka", "amount"), ("shinjigyo", "weather")],
)
def test_inapplicable_intents_explain_in_japanese(programme: str, intent: str) -> None:
    result = calc(programme, intent, employees=10)
    assert result.applicable is False and result.eligible is None and result.amount is None
    assert JAPANESE.search(result.explanation)


@pytest.mark.parametrize("programme", ["shinjigyo", "export_ecosystem"])
@pytest.mark.parametrize("intent", sorted(INTENTS))
def test_every_intent_returns_json_safe_result(programme: str, intent: str) -> None:
    data = calc(programme, intent).to_dict()
    json.dumps(data, ensure_ascii=False)
    assert {"eligible", "amount", "failed_conditions", "missing_inputs", "invalid_inputs", "trace",
            "explanation", "conclusion", "calculation_line"} <= set(data)
    for step in data["trace"]:
        assert {"rule", "inputs", "parameters", "result"} <= set(step)
        for parameter in step["parameters"]:
            assert set(parameter["source"]) == {"doc", "heading", "quote"}


# --- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("programme", "intent", "slots", "bad_slot"),
    [
        ("shinjigyo", "amount", {"employees": -5, "investment": 40_000_000}, "employees"),
        ("shinjigyo", "amount", {"employees": 30, "investment": 0}, "investment"),
        ("shinjigyo", "amount", {"employees": 30, "investment": 1_000_000_000_000}, "investment"),  # 1兆円
        ("shinjigyo", "amount", {"employees": "三十人", "investment": 40_000_000}, "employees"),
        ("shinjigyo", "amount", {"employees": True, "investment": 40_000_000}, "employees"),
        ("shinjigyo", "sme_check", {"industry": "農業", "capital": 1}, "industry"),
        ("export_ecosystem", "consortium_check", {"members": []}, "members"),
        ("export_ecosystem", "consortium_check", {"members": [{"type": "中小企業", "count": 0}]}, "members"),
        ("export_ecosystem", "consortium_check", {"members": [{"type": "宇宙人", "count": 2}]}, "members"),
        ("export_ecosystem", "amount", {"investment": -3}, "investment"),
        ("shinjigyo", "repayment", {"subsidy_received": 1, "wage_target_rate": 0, "wage_actual_rate": 1},
         "wage_target_rate"),
        ("shinjigyo", "wage_requirement", {"wage_growth_rate": "たくさん"}, "wage_growth_rate"),
    ],
)
def test_bad_input_is_named_with_a_japanese_message(programme: str, intent: str, slots: dict, bad_slot: str) -> None:
    result = calculate(programme, intent, slots, today=TODAY, corpus_dir=CORPUS)
    assert [item["slot"] for item in result.invalid_inputs] == [bad_slot]
    message = result.invalid_inputs[0]["message"]
    assert JAPANESE.search(message) and message in result.explanation
    assert result.eligible is None and result.amount is None
    json.dumps(result.to_dict(), ensure_ascii=False)


def test_plausible_upper_bound_is_1000_oku() -> None:
    assert calc("shinjigyo", "amount", employees=30, investment=100_000_000_000).invalid_inputs == []
    assert calc("shinjigyo", "amount", employees=30, investment=100_000_000_001).invalid_inputs


WEIRD = [float("nan"), float("inf"), -1e300, 1e300, "", "abc", [], {}, [1], object()]
RULES_FOLDERS = [CORPUS / "shinjigyo", CORPUS / "export_ecosystem",
                 Path(__file__).parent / "fixtures" / "rules_guidelines" / "minato_hanro"]
SLOT_USERS = sorted({(slot, folder.name, intent) for folder in RULES_FOLDERS
                     for intent, names in calculator_of(folder / "rules.yaml").handlers.items() for slot in names})


def _folder(programme: str) -> Path:
    return next(f for f in RULES_FOLDERS if f.name == programme)


@pytest.mark.parametrize("slot", sorted(SLOTS))
def test_every_slot_rejects_weird_values_without_raising(slot: str) -> None:
    _, programme, intent = next(u for u in SLOT_USERS if u[0] == slot)
    for value in WEIRD:
        result = calculate(programme, intent, {slot: value}, today=TODAY,
                           rules_file=_folder(programme) / "rules.yaml")
        assert [item["slot"] for item in result.invalid_inputs] == [slot], value
        json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
