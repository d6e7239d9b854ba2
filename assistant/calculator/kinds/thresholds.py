"""Threshold conditions (給与支給総額の年平均成長率2.5%以上, 事業場内最低賃金+30円以上), per class of case
(通常 / 大幅賃上げ特例): each condition compares one input with a cited bound."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from assistant.calculator.money import format_percent, format_yen
from assistant.calculator.result import TraceStep
from assistant.calculator.rules_common import Outcome, join_japanese, meets, missing_of, verdict
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import Cited, Condition, ConditionClass, ThresholdsCalc


def written(param: Cited, value: float | int | None = None) -> str:
    x = param.value if value is None else value
    if param.unit == "percent":
        return format_percent(float(x))  # type: ignore[arg-type]
    if param.unit == "yen":
        return format_yen(int(x))  # type: ignore[arg-type]
    return str(x)


def condition_step(rs: RuleSet, cond: Condition, klass: ConditionClass, value: Any) -> TraceStep:
    param = rs.p(cond.parameter)
    threshold = f"{written(param)}{param.bound}"
    label = f"{cond.label}({klass.label}: {cond.describe.format(value=threshold)})"
    cited = (param.cited(cond.parameter),)
    if value is None:
        return TraceStep(f"threshold.{cond.parameter}", label, {cond.slot: None}, cited, None, missing=(cond.slot,))
    ok = meets(Fraction(str(value)), Fraction(str(param.value)), param.bound)
    failure = (f"{cond.label}が{written(param, value)}で、{klass.label}の基準"
               f"「{cond.describe.format(value=threshold)}」に届きません")
    return TraceStep(f"threshold.{cond.parameter}", label, {cond.slot: value}, cited, {"meets": ok}, ok,
                     None if ok else failure)


def thresholds_slots(rs: RuleSet, c: ThresholdsCalc) -> tuple[str, ...]:
    return tuple(dict.fromkeys([cond.slot for k in c.classes for cond in k.conditions] + [c.class_slot]))


def _rule_text(rs: RuleSet, c: ThresholdsCalc) -> str:
    """「賃上げ要件は、AとBです(大幅賃上げ特例はA'・B')。」 from the conditions' own words."""
    def phrase(klass: ConditionClass, short: bool) -> list[str]:
        out = []
        for cond in klass.conditions:
            param = rs.p(cond.parameter)
            threshold = f"{written(param)}{param.bound}"
            out.append(threshold if short else cond.describe.format(value=threshold))
        return out
    default = next(k for k in c.classes if k.label == c.default)
    others = [k for k in c.classes if k is not default]
    text = f"{c.subject}は、" + "と、".join(phrase(default, False)) + "です"
    if others:
        text += "(" + "、".join(f"{k.label}は" + "・".join(phrase(k, True)) for k in others) + ")"
    return text + "。"


def thresholds(rs: RuleSet, c: ThresholdsCalc, s: dict[str, Any], today: date) -> Outcome:
    chosen_value = s.get(c.class_slot)
    default = next(k for k in c.classes if k.label == c.default)
    klass = next((k for k in c.classes if k.match == chosen_value), default) if chosen_value is not None else default
    steps = [condition_step(rs, cond, klass, s.get(cond.slot)) for cond in klass.conditions]
    ok = verdict(steps)
    if ok is None and not any(step.passed is not None for step in steps):
        return Outcome(steps, _rule_text(rs, c), None)
    if ok is False:
        reasons = "。".join(step.failure for step in steps if step.failure)
        return Outcome(steps, f"{klass.label}の{c.subject}を満たしていません。{reasons}。", False)
    if ok is None:
        need = join_japanese([rs.label(n) for n in missing_of(steps)])
        return Outcome(steps, f"{klass.label}の{c.subject}の判定には、{need}が必要です。", None)
    notes = []
    if chosen_value is None:
        for other in (k for k in c.classes if k is not klass):
            extra = [condition_step(rs, cond, other, s.get(cond.slot)) for cond in other.conditions]
            met = verdict(extra)
            steps += [TraceStep(e.rule, e.label + "(参考)", e.inputs, e.parameters, e.result) for e in extra]
            notes.append(f"{other.label}の基準も満たしています。" if met else f"{other.label}の基準は満たしていません。")
    return Outcome(steps, f"{klass.label}の{c.subject}を満たしています。", True, notes=notes)
