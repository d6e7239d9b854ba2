"""SME check by industry (中小企業の定義): capital OR regular employees within the industry's thresholds,
with the exceptions the text makes (an industry moved to another row) written as rows of data."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.calculator.money import format_yen
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.rules_common import Outcome, join_japanese, meets
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import SmeCalc

SME_SLOTS = ("industry", "capital", "employees")
LABEL = "中小企業の判定(資本金または常勤従業員数が業種の基準以下)"


def sme_step(rs: RuleSet, industry: str | None, capital: int | None, employees: int | None) -> TraceStep:
    inputs = {"industry": industry, "capital": capital, "employees": employees}
    if industry is None:
        lacking = ("industry",) + tuple(n for n, v in (("capital", capital), ("employees", employees)) if v is None)
        return TraceStep("sme", LABEL, inputs, (), None, None, None, lacking)
    row = rs.rules.sme_row(industry)
    assert row is not None  # the loader guarantees one row per industry
    cited: tuple[CitedValue, ...] = (row.capital.cited(f"sme_capital[{industry}]"),
                                     row.employees.cited(f"sme_employees[{industry}]"))
    if row.basis is not None:
        cited += (CitedValue(f"sme_basis[{industry}]", row.note, "text", row.basis.citation()),)
    capital_ok = None if capital is None else meets(capital, row.capital.integer, row.capital.bound)
    employees_ok = None if employees is None else meets(employees, row.employees.integer, row.employees.bound)
    passed: bool | None
    if capital_ok or employees_ok:
        passed = True
    elif capital_ok is False and employees_ok is False:
        passed = False
    else:
        passed = None
    lacking = () if passed is not None else tuple(
        n for n, ok in (("capital", capital_ok), ("employees", employees_ok)) if ok is None)
    failure = (f"{industry}の中小企業の基準(資本金{format_yen(row.capital.integer)}{row.capital.bound}"
               f"または常勤従業員{row.employees.integer}人{row.employees.bound})を満たしていません")
    result = {"capital_within": capital_ok, "employees_within": employees_ok, "note": row.note}
    return TraceStep("sme", LABEL, inputs, cited, result, passed, failure if passed is False else None, lacking)


def sme_slots(rs: RuleSet, c: SmeCalc) -> tuple[str, ...]:
    return SME_SLOTS


def sme_check(rs: RuleSet, c: SmeCalc, s: dict[str, Any], today: date) -> Outcome:
    step = sme_step(rs, s["industry"], s["capital"], s["employees"])
    if step.passed is None:
        conclusion = ("中小企業に該当するかは、業種ごとに資本金または常勤従業員数が基準以下かで判定します。"
                      + join_japanese([rs.label(n) for n in step.missing]) + "が必要です。")
        return Outcome([step], conclusion, None)
    row = rs.rules.sme_row(s["industry"])
    assert row is not None
    rule_text = (f"{s['industry']}の基準は資本金{format_yen(row.capital.integer)}{row.capital.bound}"
                 f"または常勤従業員{row.employees.integer}人{row.employees.bound}")
    notes = [row.note] if row.note else []
    if step.passed:
        met = [w for w, ok in (("資本金", step.result["capital_within"]),
                               ("常勤従業員数", step.result["employees_within"])) if ok]
        return Outcome([step], f"中小企業に該当します({rule_text}で、{'と'.join(met)}が基準内です)。", True,
                       notes=notes)
    return Outcome([step], f"中小企業に該当しません({rule_text}で、どちらも基準を超えています)。", False,
                   notes=notes)
