"""Amount kinds: 補助額 = min(補助上限額, 補助対象経費 × 補助率) with a minimum spend, the cap as asked,
and the minimum spend with the self-burden it leaves (最低投資額と自己負担)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from assistant.calculator.kinds.select import (
    Chosen,
    bound_word,
    choose,
    class_problem,
    selection_slots,
    written,
)
from assistant.calculator.kinds.sme import SME_SLOTS, sme_step
from assistant.calculator.money import format_ratio, format_yen
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.rules_common import (
    Outcome,
    amount_line,
    band_cited,
    join_japanese,
    meets,
    missing_of,
    times_rate,
    verdict,
)
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import CapCalc, CapRule, ClassChoice, SelfBurdenCalc, SubsidyCalc

SUBSIDY_LABEL = "補助額 = min(補助上限額, 補助対象経費 × 補助率)(1円未満切り捨て)"


def need(rs: RuleSet, missing: list[str]) -> str:
    return join_japanese([rs.label(name) for name in missing])


def condition_of(choice: ClassChoice) -> str:
    return choice.condition or f"{choice.label}の場合"


def minimum_step(rs: RuleSet, parameter: str, spend: int | None, spend_label: str, minimum_label: str) -> TraceStep:
    """The spend must reach the minimum, compared with the bound the text gives (以上/超)."""
    param = rs.p(parameter)
    label = f"{minimum_label}({format_yen(param.integer)}{param.bound})"
    cited = (param.cited(parameter),)
    if spend is None:
        return TraceStep("minimum_spend", label, {"investment": None}, cited, None, missing=("investment",))
    ok = meets(spend, param.integer, param.bound)
    failure = f"{spend_label}{format_yen(spend)}が{minimum_label}{format_yen(param.integer)}{param.bound}に届きません"
    return TraceStep("minimum_spend", label, {"investment": spend}, cited, {"meets": ok}, ok, None if ok else failure)


def subsidy_step(rs: RuleSet, spend: int, cap: Chosen, rate: Chosen, rounding: str) -> TraceStep:
    assert isinstance(rate.value, Fraction) and cap.value is not None
    computed = times_rate(spend, rate.value)
    amount = min(int(cap.value), computed)
    return TraceStep(
        rule="subsidy_amount", label=SUBSIDY_LABEL, inputs={"investment": spend, "cap": cap.value},
        parameters=(*rate.cited, *cap.cited, rs.p(rounding).cited(rounding)),
        result={"investment_times_rate": computed, "amount": amount, "capped": computed > cap.value},
    )


def self_burden_step(spend: int, amount: int) -> TraceStep:
    """自己負担 = 補助対象経費 − 補助額 (what the company pays itself)."""
    return TraceStep("self_burden", "自己負担額 = 投資額 − 補助額", {"investment": spend, "amount": amount}, (),
                     {"self_burden": spend - amount})


def default_note(chosen: Chosen, classes: list[ClassChoice], what: str) -> list[str]:
    """Say which class was assumed when the input choosing it was not given."""
    if not chosen.defaulted or chosen.choice is None:
        return []
    others = "・".join(condition_of(c) for c in classes if c is not chosen.choice)
    return [f"{chosen.choice.label}の{what}で計算しています({others}は異なります)。"]


# ---- subsidy (補助額) ---------------------------------------------------------------------------

def subsidy_slots(rs: RuleSet, c: SubsidyCalc) -> tuple[str, ...]:
    names = [c.spend, *selection_slots(rs, rs.rules.caps[c.cap]), *selection_slots(rs, rs.rules.rates[c.rate])]
    return tuple(dict.fromkeys([*names, *(SME_SLOTS if c.sme else ())]))


def subsidy(rs: RuleSet, c: SubsidyCalc, s: dict[str, Any], today: date) -> Outcome:
    cap_rule, rate_rule = rs.rules.caps[c.cap], rs.rules.rates[c.rate]
    invalid = [p for p in (class_problem(rs, cap_rule, s), class_problem(rs, rate_rule, s)) if p]
    if invalid:
        return Outcome([], "入力内容に確認が必要なため、計算できませんでした。", invalid=invalid)
    spend = s[c.spend]
    steps = [minimum_step(rs, c.minimum, spend, c.spend_label, c.minimum_label)] if c.minimum else []
    cap = choose(rs, cap_rule, s, "cap", "補助上限額")
    rate = choose(rs, rate_rule, s, "rate", "補助率")
    steps.append(cap.step)
    if spend is None and not c.minimum:
        steps.append(TraceStep("subsidy_amount", SUBSIDY_LABEL, {c.spend: None}, cap.cited, None, missing=(c.spend,)))
    if rate_rule.parameter is None or rs.is_banded(rate_rule.parameter):
        steps.append(rate.step)
    if c.sme and s.get("industry") is not None:
        sme = sme_step(rs, s["industry"], s["capital"], s["employees"])
        if sme.passed is not None:  # asked only when the user brought it up; never blocks an amount
            steps.append(sme)
    notes = default_note(cap, cap_rule.classes, "補助上限額") + default_note(rate, rate_rule.classes, "補助率")
    ok = verdict(steps)
    if ok is None:
        known = ""
        if spend is None and cap.value is not None and rate.value is not None:
            known = f"(補助上限額は{format_yen(int(cap.value))}、補助率は{written(rate.value)}{bound_word(rs, rate_rule.parameter or '')})"
        return Outcome(steps, f"補助額を計算するには、{need(rs, missing_of(steps))}が必要です{known}。", None,
                       notes=notes)
    if c.minimum and steps[0].passed is False:
        minimum = rs.p(c.minimum)
        conclusion = (f"{c.spend_label}{format_yen(spend)}は{c.minimum_label}{format_yen(minimum.integer)}"
                      f"{minimum.bound}に届かないため、補助の対象になりません。")
        return Outcome(steps, conclusion, False, 0, notes=notes)
    assert isinstance(rate.value, Fraction) and cap.value is not None
    step = subsidy_step(rs, spend, cap, rate, c.rounding)
    value = step.result["amount"]
    steps.append(step)
    if c.self_burden:
        steps.append(self_burden_step(spend, value))
        notes.append(f"自己負担額は{format_yen(spend - value)}です(投資額 − 補助額)。")
    line = amount_line(c.spend_label, spend, rate.value, int(cap.value))
    if ok is False:
        conclusion = f"中小企業の基準を満たさないため対象外です(基準を満たす場合の補助額は{format_yen(value)})。"
        return Outcome(steps, conclusion, False, 0, line, notes)
    return Outcome(steps, f"補助額は{format_yen(value)}です。", True, value, line, notes)


# ---- cap (補助上限額) ---------------------------------------------------------------------------

def cap_slots(rs: RuleSet, c: CapCalc) -> tuple[str, ...]:
    return selection_slots(rs, rs.rules.caps[c.cap])


def _banded_by(rs: RuleSet, rule: CapRule) -> str | None:
    names = [rule.parameter] if rule.parameter else [c.parameter for c in rule.classes]
    return next((rs.rules.parameters[n].by for n in names if rs.is_banded(n)), None)


def _rate_text(rs: RuleSet, c: CapCalc) -> tuple[str, tuple[CitedValue, ...]]:
    if c.rate is None:
        return "", ()
    rule = rs.rules.rates[c.rate]
    if rule.parameter is None or rs.is_banded(rule.parameter):
        return "", ()
    rate = rs.p(rule.parameter)
    return f"(補助率は{format_ratio(rate.ratio)}{bound_word(rs, rule.parameter)})", (rate.cited(rule.parameter),)


def _uplift_notes(rs: RuleSet, rule: CapRule, s: dict[str, Any]) -> list[str]:
    return [f"{u.label}を使う場合は、補助上限額に{format_yen(rs.p(u.parameter).integer)}が上乗せされます。"
            for u in rule.uplifts if s.get(u.slot) is None]


def cap(rs: RuleSet, c: CapCalc, s: dict[str, Any], today: date) -> Outcome:
    rule = rs.rules.caps[c.cap]
    problem = class_problem(rs, rule, s)
    if problem:
        return Outcome([], "入力内容に確認が必要なため、計算できませんでした。", invalid=[problem])
    by = _banded_by(rs, rule)
    if by is not None and s.get(by) is None:
        return _cap_tables(rs, rule, s, by)
    subject = f"{rs.label(by)}{s.get(by or '')}{rs.rules.parameters[_first_param(rule)].by_unit}の" if by else ""
    rate_text, rate_cited = _rate_text(rs, c)
    notes = _uplift_notes(rs, rule, s)
    chosen = choose(rs, rule, s, "cap", "補助上限額" + (f"({rule.per})" if rule.per else ""))
    assert chosen.value is not None
    step = TraceStep(chosen.step.rule, chosen.step.label, chosen.step.inputs, (*chosen.cited, *rate_cited),
                     {"cap": chosen.value, **{k: v for k, v in chosen.step.result.items() if k != "value"}})
    if not rule.classes:
        conclusion = f"{subject}補助上限額は{rule.per or ''}{format_yen(int(chosen.value))}です{rate_text}。"
        return Outcome([step], conclusion, True, int(chosen.value), notes=notes)
    assert chosen.choice is not None
    if not chosen.defaulted:
        prefix = "" if chosen.choice.label == rule.default else f"{condition_of(chosen.choice)}、"
        conclusion = f"{prefix}{subject}補助上限額は{format_yen(int(chosen.value))}です{rate_text}。"
        return Outcome([step], conclusion, True, int(chosen.value), notes=notes)
    steps, others = [step], []
    for other in rule.classes:
        if other is chosen.choice:
            continue
        alt = choose(rs, rule, {**s, rule.class_slot or "": other.match}, "cap", "補助上限額")
        steps.append(alt.step)
        others.append(f"{condition_of(other)}は{format_yen(int(alt.value or 0))}")
    conclusion = (f"{subject}補助上限額は{format_yen(int(chosen.value))}です"
                  f"({'、'.join(others)}){rate_text}。")
    return Outcome(steps, conclusion, True, int(chosen.value), notes=notes)


def _first_param(rule: CapRule) -> str:
    return rule.parameter or rule.classes[0].parameter


def _cap_tables(rs: RuleSet, rule: CapRule, s: dict[str, Any], by: str) -> Outcome:
    """Without the input bands are looked up by: every class's whole table, with each maximum."""
    classes: list[tuple[str, str]] = ([(c.label, c.parameter) for c in rule.classes] if rule.classes
                                      else [("", _first_param(rule))])
    if rule.class_slot and s.get(rule.class_slot) is not None:  # the class asked about first
        classes.sort(key=lambda item: 0 if any(c.label == item[0] and c.match == s.get(rule.class_slot or "")
                                               for c in rule.classes) else 1)
    steps: list[TraceStep] = []
    parts: list[tuple[str, int, str]] = []
    for name, parameter in classes:
        table = rs.table(parameter)
        rows = "、".join(f"{b.describe(table.variable_unit)}は{format_yen(int(b.value))}" for b in table.bands)
        parts.append((name, max(int(b.value) for b in table.bands), rows))
        steps.append(TraceStep(f"cap_table.{parameter}", f"補助上限額の表({name or '全体'})", {},
                               tuple(band_cited(parameter, b, "yen", table.variable_unit) for b in table.bands),
                               None))
    missing = TraceStep("cap", "補助上限額", {by: None}, (), None, missing=(by,))
    by_label = rs.label(by)
    if len(parts) == 1:
        conclusion = f"補助上限額は{by_label}で決まり、最大{format_yen(parts[0][1])}です({parts[0][2]})。"
        return Outcome([missing, *steps], conclusion, None)
    maxima = "、".join(f"{name}は最大{format_yen(top)}" for name, top, _ in parts)
    rows = "。".join(f"{name}: {text}" for name, _, text in parts)
    uplift = _largest_uplift(rs, rule)
    extra = f"。{uplift[0]}による上乗せは最大{format_yen(uplift[1])}です" if uplift else ""
    conclusion = f"補助上限額は{by_label}で決まり、{maxima}です{extra}({rows})。"
    return Outcome([missing, *steps], conclusion, None)


def _largest_uplift(rs: RuleSet, rule: CapRule) -> tuple[str, int] | None:
    """With two classes over the same bands, how much the non-default one adds at most (特例の上乗せ)."""
    if len(rule.classes) != 2 or rule.default is None:
        return None
    base = next(c for c in rule.classes if c.label == rule.default)
    other = next(c for c in rule.classes if c is not base)
    low, high = rs.table(base.parameter).bands, rs.table(other.parameter).bands
    if [b.interval for b in low] != [b.interval for b in high]:
        return None
    return other.label, max(int(h.value) - int(b.value) for b, h in zip(low, high, strict=True))


# ---- self burden (最低投資額と自己負担) ------------------------------------------------------------

def self_burden_slots(rs: RuleSet, c: SelfBurdenCalc) -> tuple[str, ...]:
    return tuple(dict.fromkeys([c.spend, *selection_slots(rs, rs.rules.caps[c.cap]),
                                *selection_slots(rs, rs.rules.rates[c.rate])]))


def _smallest_cap(rs: RuleSet, rule: CapRule) -> tuple[int, CitedValue]:
    """The lowest cap of the default table: if the subsidy fits under it, no band needs asking."""
    parameter = rule.parameter or next(c.parameter for c in rule.classes if c.label == rule.default)
    if not rs.is_banded(parameter):
        return rs.p(parameter).integer, rs.p(parameter).cited(parameter)
    table = rs.table(parameter)
    band = min(table.bands, key=lambda b: int(b.value))
    return int(band.value), band_cited(parameter, band, "yen", table.variable_unit)


def self_burden(rs: RuleSet, c: SelfBurdenCalc, s: dict[str, Any], today: date) -> Outcome:
    cap_rule, rate_rule = rs.rules.caps[c.cap], rs.rules.rates[c.rate]
    minimum = rs.p(c.minimum)
    rate = choose(rs, rate_rule, s, "rate", "補助率")
    if rate.value is None:
        return Outcome([rate.step], f"自己負担額の計算には、{need(rs, list(rate.step.missing))}が必要です。", None)
    assert isinstance(rate.value, Fraction)
    least_burden = minimum.integer - times_rate(minimum.integer, rate.value)
    floor_line = (f"{format_yen(minimum.integer)} − {format_yen(minimum.integer)} × {format_ratio(rate.value)} "
                  f"= {format_yen(least_burden)}")
    spend = s[c.spend]
    step = minimum_step(rs, c.minimum, spend, c.spend_label, c.minimum_label)
    if spend is None:
        conclusion = (f"{c.minimum_label}は{format_yen(minimum.integer)}{minimum.bound}です。"
                      f"補助率は{format_ratio(rate.value)}なので、自己負担は最低でも{format_yen(least_burden)}です。")
        info = TraceStep("least_self_burden", f"最低限の自己負担額 = {c.minimum_label} − {c.minimum_label} × 補助率",
                         {}, (minimum.cited(c.minimum), *rate.cited), {"least_self_burden": least_burden})
        return Outcome([info], conclusion, None, minimum.integer, floor_line)
    if not step.passed:
        return Outcome([step], f"{c.spend_label}{format_yen(spend)}は{c.minimum_label}{format_yen(minimum.integer)}"
                       f"{minimum.bound}に届かないため、補助の対象になりません。", False, minimum.integer)
    banded = any(rs.is_banded(p) for p in ([cap_rule.parameter] if cap_rule.parameter
                                           else [x.parameter for x in cap_rule.classes]))
    by_missing = banded and any(s.get(n) is None for n in selection_slots(rs, cap_rule)
                                if n != cap_rule.class_slot and not any(u.slot == n for u in cap_rule.uplifts))
    computed = times_rate(spend, rate.value)
    smallest, smallest_cited = _smallest_cap(rs, cap_rule)
    capped = None if by_missing else choose(rs, cap_rule, s, "cap", "補助上限額")
    if capped is None and computed > smallest:
        conclusion = (f"{c.spend_label}{format_yen(spend)}は{c.minimum_label}を満たしています。"
                      f"自己負担額は補助上限額によって変わるため、{need(rs, [n for n in selection_slots(rs, cap_rule) if s.get(n) is None][:1])}が必要です。")
        missing = TraceStep("cap", "補助上限額", {}, (), None,
                            missing=tuple(n for n in selection_slots(rs, cap_rule) if s.get(n) is None)[:1])
        return Outcome([step, missing], conclusion, None)
    if capped is not None:
        cap_chosen = capped
    else:
        cap_chosen = Chosen(TraceStep("cap", "補助上限額", {}, (smallest_cited,), {"value": smallest}), smallest,
                            (smallest_cited,))
    amount_step = subsidy_step(rs, spend, cap_chosen, rate, c.rounding)
    value = amount_step.result["amount"]
    steps = [step] + ([capped.step] if capped else []) + [amount_step, self_burden_step(spend, value)]
    line = f"{format_yen(spend)} − 補助額{format_yen(value)} = {format_yen(spend - value)}"
    conclusion = (f"{c.spend_label}{format_yen(spend)}は{c.minimum_label}{format_yen(minimum.integer)}{minimum.bound}を"
                  f"満たしています。自己負担額は{format_yen(spend - value)}です。")
    notes = [] if capped else [f"補助額{format_yen(value)}は、どの区分でも補助上限額"
                               f"(最も低い区分で{format_yen(smallest)})以内です。"]
    return Outcome(steps, conclusion, True, spend - value, line, notes)
