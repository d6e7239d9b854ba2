"""中小企業新事業進出補助金 (programme id `shinjigyo`): its rules and one handler per intent."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from assistant.calculator.money import format_percent, format_ratio, format_yen
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.rules_common import (
    Outcome,
    amount_line,
    band_cited,
    half_of,
    meets,
    missing_of,
    schedule_outcome,
    subsidy_amount_step,
    verdict,
)
from assistant.calculator.schema import Parameter, RulesFile
from assistant.calculator.slots import INDUSTRIES, join_japanese, label

PROGRAMME = "shinjigyo"
REQUIRED_PARAMETERS = (
    "subsidy_rate", "rounding", "min_investment",
    "wage_growth_normal", "min_wage_margin_normal", "wage_growth_special", "min_wage_margin_special",
    "repayment_in_proportion", "repayment_exemption_loss", "repayment_exemption_disaster",
    "value_added_no_repayment",
)
REQUIRED_BANDS = ("cap_normal", "cap_special")


def check_rules(rules: RulesFile) -> list[tuple[str, str]]:
    """Programme-specific checks at load: (key, problem) pairs; every industry must have one row."""
    problems = []
    for industry in INDUSTRIES:
        rows = [i for i, row in enumerate(rules.sme_thresholds) if industry in row.industries]
        if len(rows) != 1:
            problems.append(("sme_thresholds", f"industry {industry!r} must be in exactly one row, found {len(rows)}"))
    for i, row in enumerate(rules.sme_thresholds):
        for industry in row.industries:
            if industry not in INDUSTRIES:
                problems.append((f"sme_thresholds.{i}.industries", f"unknown industry {industry!r}"))
        for key in ("capital", "employees"):
            if getattr(row, key).bound not in ("以下", "未満"):
                problems.append((f"sme_thresholds.{i}.{key}.bound", "must be 以下 or 未満"))
    for key in ("wage_growth_normal", "min_wage_margin_normal", "wage_growth_special",
                "min_wage_margin_special", "min_investment"):
        if key in rules.parameters and rules.p(key).bound not in ("以上", "超"):
            problems.append((f"parameters.{key}.bound", "must be 以上 or 超"))
    return problems


# ---- rules: one trace step each ----------------------------------------------------------------

def sme_step(rules: RulesFile, industry: str | None, capital: int | None, employees: int | None) -> TraceStep:
    """中小企業: capital OR regular employees at or below the industry's thresholds."""
    inputs = {"industry": industry, "capital": capital, "employees": employees}
    label = "中小企業の判定(資本金または常勤従業員数が業種の基準以下)"
    if industry is None:
        lacking = ("industry",) + tuple(n for n, v in (("capital", capital), ("employees", employees)) if v is None)
        return TraceStep("shinjigyo.sme", label, inputs, (), None, None, None, lacking)
    row = rules.sme_row(industry)
    assert row is not None  # the loader guarantees one row per industry
    cited: tuple[CitedValue, ...] = (row.capital.cited(f"sme_capital[{industry}]"),
                                     row.employees.cited(f"sme_employees[{industry}]"))
    if row.basis is not None:
        cited += (CitedValue(f"sme_basis[{industry}]", row.note, "text", row.basis.citation()),)
    capital_ok = None if capital is None else meets(capital, row.capital.integer, row.capital.bound)
    employees_ok = None if employees is None else meets(employees, row.employees.integer, row.employees.bound)
    if capital_ok or employees_ok:
        passed: bool | None = True
    elif capital_ok is False and employees_ok is False:
        passed = False
    else:
        passed = None
    lacking = () if passed is not None else tuple(
        n for n, ok in (("capital", capital_ok), ("employees", employees_ok)) if ok is None
    )
    failure = (f"{industry}の中小企業の基準(資本金{format_yen(row.capital.integer)}{row.capital.bound}"
               f"または常勤従業員{row.employees.integer}人{row.employees.bound})を満たしていません")
    result = {"capital_within": capital_ok, "employees_within": employees_ok, "note": row.note}
    return TraceStep("shinjigyo.sme", label, inputs, cited, result, passed,
                     failure if passed is False else None, lacking)


def cap_step(rules: RulesFile, employees: int | None, special: bool) -> TraceStep:
    """補助上限額 by employee band, from the normal or the 大幅賃上げ特例 table."""
    table = "cap_special" if special else "cap_normal"
    label = "補助上限額(従業員数の区分" + (",大幅賃上げ特例)" if special else ")")
    inputs = {"employees": employees, "special_wage": special}
    if employees is None:
        return TraceStep(f"shinjigyo.{table}", label, inputs, (), None, missing=("employees",))
    band = rules.bands[table].find(employees)
    return TraceStep(f"shinjigyo.{table}", label, inputs, (band_cited(table, band, "yen"),),
                     {"cap": band.value, "band": band.describe("人")})


def min_investment_step(rules: RulesFile, investment: int | None) -> TraceStep:
    """最低投資額: the eligible investment must reach 1,500万円 (bound from the data)."""
    param = rules.p("min_investment")
    inputs = {"investment": investment}
    label = f"最低投資額({format_yen(param.integer)}{param.bound})"
    if investment is None:
        return TraceStep("shinjigyo.min_investment", label, inputs, (param.cited("min_investment"),), None,
                         missing=("investment",))
    ok = meets(investment, param.integer, param.bound)
    failure = f"投資額{format_yen(investment)}が最低投資額{format_yen(param.integer)}{param.bound}に届きません"
    return TraceStep("shinjigyo.min_investment", label, inputs, (param.cited("min_investment"),),
                     {"meets": ok}, ok, None if ok else failure)


def self_burden_step(investment: int, amount: int, amount_cited: tuple[CitedValue, ...]) -> TraceStep:
    """自己負担 = 投資額 − 補助額 (what the company pays itself)."""
    return TraceStep("shinjigyo.self_burden", "自己負担額 = 投資額 − 補助額",
                     {"investment": investment, "amount": amount}, amount_cited,
                     {"self_burden": investment - amount})


def _targets(rules: RulesFile, special: bool) -> tuple[Parameter, Parameter]:
    suffix = "special" if special else "normal"
    return rules.p(f"wage_growth_{suffix}"), rules.p(f"min_wage_margin_{suffix}")


def wage_growth_step(rules: RulesFile, rate: float | None, special: bool) -> TraceStep:
    param, _ = _targets(rules, special)
    name = "wage_growth_special" if special else "wage_growth_normal"
    kind = "大幅賃上げ特例" if special else "通常"
    label = f"給与支給総額の年平均成長率({kind}: {format_percent(param.number)}{param.bound})"
    if rate is None:
        return TraceStep(f"shinjigyo.{name}", label, {"wage_growth_rate": None}, (param.cited(name),), None,
                         missing=("wage_growth_rate",))
    ok = meets(Fraction(str(rate)), Fraction(str(param.number)), param.bound)
    failure = (f"給与支給総額の年平均成長率{format_percent(rate)}が{kind}の基準"
               f"{format_percent(param.number)}{param.bound}に届きません")
    return TraceStep(f"shinjigyo.{name}", label, {"wage_growth_rate": rate}, (param.cited(name),),
                     {"meets": ok}, ok, None if ok else failure)


def min_wage_step(rules: RulesFile, margin: int | None, special: bool) -> TraceStep:
    _, param = _targets(rules, special)
    name = "min_wage_margin_special" if special else "min_wage_margin_normal"
    kind = "大幅賃上げ特例" if special else "通常"
    label = f"事業場内最低賃金(地域別最低賃金+{param.value}円{param.bound}、{kind})"
    if margin is None:
        return TraceStep(f"shinjigyo.{name}", label, {"min_wage_margin": None}, (param.cited(name),), None,
                         missing=("min_wage_margin",))
    ok = meets(margin, param.integer, param.bound)
    failure = f"事業場内最低賃金が地域別最低賃金を{margin}円上回るだけで、{kind}の基準+{param.value}円{param.bound}に届きません"
    return TraceStep(f"shinjigyo.{name}", label, {"min_wage_margin": margin}, (param.cited(name),),
                     {"meets": ok}, ok, None if ok else failure)


def repayment_exemption_step(rules: RulesFile, slots: dict[str, Any]) -> TraceStep:
    """Exempt when 天災など, or when 付加価値額が増加せず かつ 営業利益が赤字."""
    disaster, loss = rules.p("repayment_exemption_disaster"), rules.p("repayment_exemption_loss")
    inputs = {k: slots.get(k) for k in ("natural_disaster", "value_added_increased", "operating_loss")}
    exempt_disaster = inputs["natural_disaster"] is True
    exempt_loss = inputs["value_added_increased"] is False and inputs["operating_loss"] is True
    reason = "天災など" if exempt_disaster else ("付加価値額が増加せず営業利益が赤字" if exempt_loss else None)
    return TraceStep("shinjigyo.repayment_exemption", "返還免除(天災など/付加価値額が増加せず営業利益が赤字)",
                     inputs, (disaster.cited("repayment_exemption_disaster"),
                              loss.cited("repayment_exemption_loss")),
                     {"exempt": reason is not None, "reason": reason})


def wage_repayment_step(rules: RulesFile, subsidy: int | None, target: float | None,
                        actual: float | None) -> TraceStep:
    """返還額 = 補助金額 × (1 − 実績/目標), clamped to [0, 補助金額], 1円未満切り捨て (our reading)."""
    basis, rounding = rules.p("repayment_in_proportion"), rules.p("rounding")
    inputs = {"subsidy_received": subsidy, "wage_target_rate": target, "wage_actual_rate": actual}
    cited = (basis.cited("repayment_in_proportion"), rounding.cited("rounding"))
    label = "給与支給総額の目標未達による返還(未達成率に応じて)"
    lacking = tuple(n for n, v in inputs.items() if v is None)
    if lacking:
        return TraceStep("shinjigyo.wage_repayment", label, inputs, cited, None, missing=lacking)
    assert subsidy is not None and target is not None and actual is not None
    shortfall = min(Fraction(1), max(Fraction(0), 1 - Fraction(str(actual)) / Fraction(str(target))))
    repayment = int(subsidy * shortfall)  # int() floors a non-negative Fraction
    missed = shortfall > 0
    failure = f"給与支給総額の成長率の実績{format_percent(actual)}が目標{format_percent(target)}に届いていません"
    return TraceStep("shinjigyo.wage_repayment", label, inputs, cited,
                     {"shortfall_rate": shortfall, "repayment": repayment},
                     not missed, failure if missed else None)


def min_wage_repayment_step(rules: RulesFile, met: bool | None) -> TraceStep:
    basis = rules.p("repayment_in_proportion")
    failure = "事業場内最低賃金の目標を達成していません(返還の対象です)"
    return TraceStep("shinjigyo.min_wage_repayment", "事業場内最低賃金の目標未達による返還",
                     {"min_wage_target_met": met}, (basis.cited("repayment_in_proportion"),),
                     None if met is None else {"met": met},
                     None if met is None else met, failure if met is False else None)


def value_added_step(rules: RulesFile, increased: bool | None) -> TraceStep:
    """The value-added target alone never triggers a repayment: recorded so the trace says so."""
    param = rules.p("value_added_no_repayment")
    return TraceStep("shinjigyo.value_added", "付加価値額の目標(未達だけでは返還なし)",
                     {"value_added_increased": increased}, (param.cited("value_added_no_repayment"),),
                     {"triggers_repayment": False})


# ---- intent handlers ---------------------------------------------------------------------------

AMOUNT_SLOTS = ("employees", "investment", "special_wage", "industry", "capital")


def amount(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    special = bool(s["special_wage"])
    steps = [min_investment_step(rules, s["investment"]), cap_step(rules, s["employees"], special)]
    if s["industry"] is not None:
        sme = sme_step(rules, s["industry"], s["capital"], s["employees"])
        if sme.passed is not None:  # asked only when the user brought it up; never blocks an amount
            steps.append(sme)
    notes = [] if s["special_wage"] is not None else ["大幅賃上げ特例を使わない場合(通常の補助上限額)で計算しています。"]
    ok = verdict(steps)
    if ok is None:
        return Outcome(steps, "補助額を計算するには、" + _need(missing_of(steps)) + "が必要です。", None, notes=notes)
    if steps[0].passed is False:
        minimum = rules.p("min_investment")
        conclusion = (f"投資額{format_yen(s['investment'])}は最低投資額{format_yen(minimum.integer)}{minimum.bound}に"
                      "届かないため、補助の対象になりません。")
        return Outcome(steps, conclusion, False, 0, notes=notes)
    cap = steps[1].result["cap"]
    step = subsidy_amount_step(rules, s["investment"], cap, steps[1].parameters[0], PROGRAMME)
    value = step.result["amount"]
    steps += [step, self_burden_step(s["investment"], value, ())]
    notes.append(f"自己負担額は{format_yen(s['investment'] - value)}です(投資額 − 補助額)。")
    if ok is False:
        conclusion = f"中小企業の基準を満たさないため対象外です(基準を満たす場合の補助額は{format_yen(value)})。"
        return Outcome(steps, conclusion, False, 0, amount_line("投資額", s["investment"], rules.p("subsidy_rate").ratio, cap), notes)
    line = amount_line("投資額", s["investment"], rules.p("subsidy_rate").ratio, cap)
    return Outcome(steps, f"補助額は{format_yen(value)}です。", True, value, line, notes)


def cap(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    if s["employees"] is None:
        return _cap_tables(rules, bool(s["special_wage"]))
    if s["special_wage"] is not None:
        step = cap_step(rules, s["employees"], s["special_wage"])
        kind = "大幅賃上げ特例を使う場合、" if s["special_wage"] else ""
        conclusion = f"{kind}従業員{s['employees']}人の補助上限額は{format_yen(step.result['cap'])}です。"
        return Outcome([step], conclusion, True, step.result["cap"])
    normal, special = cap_step(rules, s["employees"], False), cap_step(rules, s["employees"], True)
    conclusion = (f"従業員{s['employees']}人の補助上限額は{format_yen(normal.result['cap'])}です"
                  f"(大幅賃上げ特例を使う場合は{format_yen(special.result['cap'])})。")
    return Outcome([normal, special], conclusion, True, normal.result["cap"])


def _cap_tables(rules: RulesFile, special_first: bool) -> Outcome:
    """Without an employee count: the whole normal and 大幅賃上げ特例 tables, with each maximum."""
    tables = ["cap_special", "cap_normal"] if special_first else ["cap_normal", "cap_special"]
    steps, parts = [], []
    for table in tables:
        bands = rules.bands[table].bands
        name = "大幅賃上げ特例" if table == "cap_special" else "通常"
        rows = "、".join(f"{b.describe('人')}は{format_yen(b.value)}" for b in bands)
        parts.append((name, max(b.value for b in bands), rows))
        steps.append(TraceStep(f"shinjigyo.{table}_table", f"補助上限額の表({name})", {},
                               tuple(band_cited(table, b, "yen") for b in bands), None))
    (first, first_max, _), (second, second_max, _) = parts
    uplift = max(s.value - n.value for s, n in zip(rules.bands["cap_special"].bands,
                                                   rules.bands["cap_normal"].bands, strict=True))
    conclusion = (f"補助上限額は常勤従業員数で決まり、{first}は最大{format_yen(first_max)}、"
                  f"{second}は最大{format_yen(second_max)}です。大幅賃上げ特例による上乗せは最大"
                  f"{format_yen(uplift)}です"
                  + "(" + "。".join(f"{name}: {rows}" for name, _, rows in parts) + ")。")
    return Outcome([cap_step(rules, None, special_first), *steps], conclusion, None)


def sme_check(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    step = sme_step(rules, s["industry"], s["capital"], s["employees"])
    if step.passed is None:
        conclusion = ("中小企業に該当するかは、業種ごとに資本金または常勤従業員数が基準以下かで判定します。"
                      + _need(list(step.missing)) + "が必要です。")
        return Outcome([step], conclusion, None)
    row = rules.sme_row(s["industry"])
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


def min_investment(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    minimum, rate = rules.p("min_investment"), rules.p("subsidy_rate").ratio
    least_burden = minimum.integer - half_of(minimum.integer, rate)
    floor_line = (f"{format_yen(minimum.integer)} − {format_yen(minimum.integer)} × {format_ratio(rate)} "
                  f"= {format_yen(least_burden)}")
    step = min_investment_step(rules, s["investment"])
    if s["investment"] is None:
        conclusion = (f"最低投資額は{format_yen(minimum.integer)}{minimum.bound}です。"
                      f"補助率は{format_ratio(rate)}なので、自己負担は最低でも{format_yen(least_burden)}です。")
        info = TraceStep("shinjigyo.least_self_burden", "最低限の自己負担額 = 最低投資額 − 最低投資額 × 補助率",
                         {}, (minimum.cited("min_investment"), rules.p("subsidy_rate").cited("subsidy_rate")),
                         {"least_self_burden": least_burden})
        return Outcome([info], conclusion, None, minimum.integer, floor_line)
    if not step.passed:
        return Outcome([step], f"投資額{format_yen(s['investment'])}は最低投資額{format_yen(minimum.integer)}"
                       f"{minimum.bound}に届かないため、補助の対象になりません。", False, minimum.integer)
    capped = cap_step(rules, s["employees"], bool(s["special_wage"])) if s["employees"] is not None else None
    computed = half_of(s["investment"], rate)
    smallest_cap = min(b.value for b in rules.bands["cap_normal"].bands)
    if capped is None and computed > smallest_cap:
        conclusion = (f"投資額{format_yen(s['investment'])}は最低投資額を満たしています。"
                      "自己負担額は補助上限額(従業員数で決まります)によって変わるため、常勤従業員数が必要です。")
        missing_step = cap_step(rules, None, bool(s["special_wage"]))
        return Outcome([step, missing_step], conclusion, None)
    cap_value = capped.result["cap"] if capped else smallest_cap
    cap_cited = capped.parameters[0] if capped else band_cited(
        "cap_normal", rules.bands["cap_normal"].find(0), "yen")
    amount_step = subsidy_amount_step(rules, s["investment"], cap_value, cap_cited, PROGRAMME)
    value = amount_step.result["amount"]
    burden = self_burden_step(s["investment"], value, ())
    steps = [step] + ([capped] if capped else []) + [amount_step, burden]
    line = f"{format_yen(s['investment'])} − 補助額{format_yen(value)} = {format_yen(s['investment'] - value)}"
    conclusion = (f"投資額{format_yen(s['investment'])}は最低投資額{format_yen(minimum.integer)}{minimum.bound}を"
                  f"満たしています。自己負担額は{format_yen(s['investment'] - value)}です。")
    notes = [] if capped else [f"補助額{format_yen(value)}は、従業員数がどの区分でも補助上限額"
                               f"(最も低い区分で{format_yen(smallest_cap)})以内です。"]
    return Outcome(steps, conclusion, True, s["investment"] - value, line, notes)


def wage_requirement(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    special = bool(s["special_wage"])
    kind = "大幅賃上げ特例" if special else "通常"
    steps = [wage_growth_step(rules, s["wage_growth_rate"], special),
             min_wage_step(rules, s["min_wage_margin"], special)]
    ok = verdict(steps)
    g_n, m_n = _targets(rules, False)
    g_s, m_s = _targets(rules, True)
    rule_text = (f"賃上げ要件は、給与支給総額の年平均成長率{format_percent(g_n.number)}{g_n.bound}と、"
                 f"事業場内最低賃金が地域別最低賃金+{m_n.integer}円{m_n.bound}です"
                 f"(大幅賃上げ特例は{format_percent(g_s.number)}{g_s.bound}・+{m_s.integer}円{m_s.bound})。")
    if ok is None and not any(step.passed is not None for step in steps):
        return Outcome(steps, rule_text, None)
    if ok is False:
        reasons = "。".join(step.failure for step in steps if step.failure)
        return Outcome(steps, f"{kind}の賃上げ要件を満たしていません。{reasons}。", False)
    if ok is None:
        return Outcome(steps, f"{kind}の賃上げ要件の判定には、" + _need(missing_of(steps)) + "が必要です。", None)
    notes = []
    if s["special_wage"] is None:
        extra = [wage_growth_step(rules, s["wage_growth_rate"], True),
                 min_wage_step(rules, s["min_wage_margin"], True)]
        met = verdict(extra)
        steps += [TraceStep(e.rule, e.label + "(参考)", e.inputs, e.parameters, e.result) for e in extra]
        notes.append("大幅賃上げ特例の基準も満たしています。" if met else "大幅賃上げ特例の基準は満たしていません。")
    return Outcome(steps, f"{kind}の賃上げ要件を満たしています。", True, notes=notes)


def repayment(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    exemption = repayment_exemption_step(rules, s)
    value_added = value_added_step(rules, s["value_added_increased"])
    if exemption.result["exempt"]:
        conclusion = f"返還は求められません({exemption.result['reason']}の場合は返還を求めないとされています)。"
        return Outcome([exemption, value_added], conclusion, True, 0)
    wage = wage_repayment_step(rules, s["subsidy_received"], s["wage_target_rate"], s["wage_actual_rate"])
    min_wage = min_wage_repayment_step(rules, s["min_wage_target_met"])
    steps = [wage, min_wage, exemption, value_added]
    notes = []
    if s["min_wage_target_met"] is None:
        notes.append("事業場内最低賃金の目標は達成したものとして計算しています。")
    if s["natural_disaster"] is None or (s["value_added_increased"] is None or s["operating_loss"] is None):
        notes.append("天災などの事情や「付加価値額が増加せず営業利益が赤字」に当たる場合は、返還は求められません。")
    if wage.missing:
        conclusion = ("給与支給総額の目標が未達の場合、未達成率に応じて返還が求められます。返還額の計算には、"
                      + _need(list(wage.missing)) + "が必要です。")
        return Outcome(steps, conclusion, None, notes=notes)
    value = wage.result["repayment"]
    line = (f"補助金{format_yen(s['subsidy_received'])} × (1 − 実績{format_percent(s['wage_actual_rate'])}"
            f" ÷ 目標{format_percent(s['wage_target_rate'])}) = {format_yen(value)}(1円未満切り捨て)")
    notes.append("返還額は「補助金額 × 未達成率(1 − 実績 ÷ 目標)」として計算しています(資料の「未達成率に応じて」"
                 "を当方で式にしたものです)。")
    if s["min_wage_target_met"] is False:
        conclusion = (f"給与支給総額の目標未達による返還額は{format_yen(value)}です。"
                      "事業場内最低賃金の目標も未達のため返還の対象ですが、その額の計算方法は資料に記載がありません。")
        return Outcome(steps, conclusion, False, value, line, notes)
    if value == 0:
        return Outcome(steps, "返還は不要です(給与支給総額の目標を達成しています)。", True, 0, None, notes)
    return Outcome(steps, f"返還額は{format_yen(value)}です。", False, value, line, notes)


def schedule(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    return schedule_outcome(rules, today, PROGRAMME)


def _need(missing: list[str]) -> str:
    return join_japanese([label(name, PROGRAMME) for name in missing])


NOT_APPLICABLE = {
    "consortium_check": "中小企業新事業進出補助金の資料には、連携体(コンソーシアム)の要件はありません。"
    "連携体の要件があるのは中堅・中小企業輸出支援エコシステム形成事業費補助金です。",
}

HANDLERS = {
    "amount": (AMOUNT_SLOTS, amount),
    "cap": (("employees", "special_wage"), cap),
    "sme_check": (("industry", "capital", "employees"), sme_check),
    "min_investment": (("investment", "employees", "special_wage"), min_investment),
    "wage_requirement": (("wage_growth_rate", "min_wage_margin", "special_wage"), wage_requirement),
    "repayment": (("subsidy_received", "wage_target_rate", "wage_actual_rate", "min_wage_target_met",
                   "value_added_increased", "operating_loss", "natural_disaster"), repayment),
    "schedule": ((), schedule),
}
