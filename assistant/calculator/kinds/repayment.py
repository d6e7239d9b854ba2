"""Proportional repayment: 返還額 = 補助金額 × (1 − 実績 ÷ 目標), clamped to [0, 補助金額], 1円未満切り捨て
(our reading of 「未達成率に応じて」), with the exemptions the text lists as data."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from assistant.calculator.money import format_percent, format_yen
from assistant.calculator.result import TraceStep
from assistant.calculator.rules_common import Outcome, join_japanese
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import RepaymentCalc

TARGET_SLOTS = ("subsidy_received", "wage_target_rate", "wage_actual_rate")


def repayment_slots(rs: RuleSet, c: RepaymentCalc) -> tuple[str, ...]:
    names = [*TARGET_SLOTS, c.extra_target_slot, *(k for e in c.exemptions for k in e.when), c.no_repayment_slot]
    return tuple(dict.fromkeys(n for n in names if n))


def exemption_step(rs: RuleSet, c: RepaymentCalc, s: dict[str, Any]) -> TraceStep:
    """Exempt when every input of one listed exemption has its stated value."""
    inputs = {k: s.get(k) for e in c.exemptions for k in e.when}
    reason = next((e.reason for e in c.exemptions if all(s.get(k) is v for k, v in e.when.items())), None)
    label = "返還免除(" + "/".join(e.reason for e in c.exemptions) + ")"
    return TraceStep("repayment_exemption", label, inputs,
                     tuple(rs.p(e.parameter).cited(e.parameter) for e in c.exemptions),
                     {"exempt": reason is not None, "reason": reason})


def shortfall_step(rs: RuleSet, c: RepaymentCalc, s: dict[str, Any]) -> TraceStep:
    inputs = {k: s.get(k) for k in TARGET_SLOTS}
    cited = (rs.p(c.basis).cited(c.basis), rs.p(c.rounding).cited(c.rounding))
    label = f"{c.subject}の目標未達による返還(未達成率に応じて)"
    lacking = tuple(n for n, v in inputs.items() if v is None)
    if lacking:
        return TraceStep("repayment", label, inputs, cited, None, missing=lacking)
    subsidy, target, actual = s["subsidy_received"], s["wage_target_rate"], s["wage_actual_rate"]
    shortfall = min(Fraction(1), max(Fraction(0), 1 - Fraction(str(actual)) / Fraction(str(target))))
    repayment = int(subsidy * shortfall)  # int() floors a non-negative Fraction
    missed = shortfall > 0
    failure = f"{c.subject}の成長率の実績{format_percent(actual)}が目標{format_percent(target)}に届いていません"
    return TraceStep("repayment", label, inputs, cited, {"shortfall_rate": shortfall, "repayment": repayment},
                     not missed, failure if missed else None)


def extra_target_step(rs: RuleSet, c: RepaymentCalc, met: bool | None) -> TraceStep | None:
    if c.extra_target is None or c.extra_target_slot is None:
        return None
    failure = f"{c.extra_target}の目標を達成していません(返還の対象です)"
    return TraceStep("repayment_extra_target", f"{c.extra_target}の目標未達による返還",
                     {c.extra_target_slot: met}, (rs.p(c.basis).cited(c.basis),),
                     None if met is None else {"met": met}, None if met is None else met,
                     failure if met is False else None)


def no_repayment_step(rs: RuleSet, c: RepaymentCalc, s: dict[str, Any]) -> TraceStep | None:
    """A target whose miss alone never triggers a repayment: recorded so the trace says so."""
    if c.no_repayment is None or c.no_repayment_slot is None:
        return None
    param_name = c.no_repayment
    return TraceStep("repayment_not_triggered", "付加価値額の目標(未達だけでは返還なし)",
                     {c.no_repayment_slot: s.get(c.no_repayment_slot)}, (rs.p(param_name).cited(param_name),),
                     {"triggers_repayment": False})


def repayment(rs: RuleSet, c: RepaymentCalc, s: dict[str, Any], today: date) -> Outcome:
    exemption = exemption_step(rs, c, s)
    quiet = no_repayment_step(rs, c, s)
    tail = [exemption, *([quiet] if quiet else [])]
    if exemption.result["exempt"]:
        conclusion = f"返還は求められません({exemption.result['reason']}の場合は返還を求めないとされています)。"
        return Outcome(tail, conclusion, True, 0)
    wage = shortfall_step(rs, c, s)
    extra = extra_target_step(rs, c, s.get(c.extra_target_slot or ""))
    steps = [wage, *([extra] if extra else []), *tail]
    notes = []
    if extra is not None and s.get(c.extra_target_slot or "") is None:
        notes.append(f"{c.extra_target}の目標は達成したものとして計算しています。")
    if any(s.get(k) is None for e in c.exemptions for k in e.when):
        notes.append("、".join(f"「{e.reason}」" for e in c.exemptions) + "に当たる場合は、返還は求められません。")
    if wage.missing:
        need = join_japanese([rs.label(n) for n in wage.missing])
        conclusion = (f"{c.subject}の目標が未達の場合、未達成率に応じて返還が求められます。返還額の計算には、"
                      f"{need}が必要です。")
        return Outcome(steps, conclusion, None, notes=notes)
    value = wage.result["repayment"]
    line = (f"補助金{format_yen(s['subsidy_received'])} × (1 − 実績{format_percent(s['wage_actual_rate'])}"
            f" ÷ 目標{format_percent(s['wage_target_rate'])}) = {format_yen(value)}(1円未満切り捨て)")
    notes.append("返還額は「補助金額 × 未達成率(1 − 実績 ÷ 目標)」として計算しています(資料の「未達成率に応じて」"
                 "を当方で式にしたものです)。")
    if extra is not None and s.get(c.extra_target_slot or "") is False:
        conclusion = (f"{c.subject}の目標未達による返還額は、当方の試算で{format_yen(value)}です。"
                      f"{c.extra_target}の目標も未達のため返還の対象ですが、その額の計算方法は資料に記載がありません。")
        return Outcome(steps, conclusion, False, value, line, notes)
    if value == 0:
        return Outcome(steps, f"返還は不要です({c.subject}の目標を達成しています)。", True, 0, None, notes)
    # The formula is ours (the text says only 「未達成率に応じて」): the first sentence says it is an estimate.
    return Outcome(steps, f"返還額は、当方の試算で{format_yen(value)}です(資料の「未達成率に応じて」を式にしたもの)。",
                   False, value, line, notes)
