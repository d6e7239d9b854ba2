"""Consortium composition (連携体): no single applicant, a minimum of core-eligible members, a strict
majority of them, and compositions the text forbids (同一グループのみ, 単なる外注) as yes/no rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.rules_common import Outcome, join_japanese, meets, missing_of, verdict
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import ConsortiumCalc, FlagRule


def consortium_slots(rs: RuleSet, c: ConsortiumCalc) -> tuple[str, ...]:
    return ("members", *(f.slot for f in c.forbidden), *(("single_applicant",) if c.single else ()))


def _counts(rs: RuleSet, c: ConsortiumCalc, members: list[dict[str, Any]]) -> tuple[int, int]:
    core_types = set(rs.p(c.core_types).items)
    core = sum(m["count"] for m in members if m["type"] in core_types)
    return core, sum(m["count"] for m in members)


def single_step(rs: RuleSet, c: ConsortiumCalc, single: bool | None) -> TraceStep:
    assert c.single is not None
    param = rs.p(c.single)
    return TraceStep("consortium.single_applicant", "単独申請は不可(2者以上の連携体)",
                     {"single_applicant": single}, (param.cited(c.single),),
                     None if single is None else {"single": single}, None if single is None else not single,
                     "単独での申請はできません(2者以上の事業者の連携が必要です)" if single else None)


def core_count_step(rs: RuleSet, c: ConsortiumCalc, members: list[dict[str, Any]] | None) -> TraceStep:
    minimum, types = rs.p(c.min_core), rs.p(c.core_types)
    cited = (minimum.cited(c.min_core), types.cited(c.core_types))
    label = f"コア事業者になれる組織が{minimum.integer}者{minimum.bound}"
    if members is None:
        return TraceStep("consortium.core_count", label, {"members": None}, cited, None, missing=("members",))
    core, total = _counts(rs, c, members)
    ok = meets(core, minimum.integer, minimum.bound)
    failure = f"コア事業者になれる組織が{core}者で、{minimum.integer}者{minimum.bound}に足りません"
    return TraceStep("consortium.core_count", label, {"members": members}, cited, {"core": core, "total": total},
                     ok, None if ok else failure)


def majority_step(rs: RuleSet, c: ConsortiumCalc, members: list[dict[str, Any]] | None) -> TraceStep:
    """過半数: core-eligible members strictly more than half of all members (2 of 4 is not)."""
    cited: tuple[CitedValue, ...] = (rs.p(c.majority).cited(c.majority),)
    if c.non_core_allowed:
        cited += (rs.p(c.non_core_allowed).cited(c.non_core_allowed),)
    label = "構成員の過半数がコア事業者の要件を満たす組織"
    if members is None:
        return TraceStep("consortium.majority", label, {"members": None}, cited, None, missing=("members",))
    core, total = _counts(rs, c, members)
    ok = 2 * core > total
    failure = f"コア事業者になれる組織が{core}者/全{total}者で、過半数になっていません"
    return TraceStep("consortium.majority", label, {"members": members}, cited, {"core": core, "total": total},
                     ok, None if ok else failure)


def flag_step(rs: RuleSet, rule: FlagRule, value: bool | None) -> TraceStep:
    cited = (rs.p(rule.parameter).cited(rule.parameter),)
    if value is None:
        return TraceStep(f"consortium.{rule.slot}", rule.label, {rule.slot: None}, cited, None, missing=(rule.slot,))
    ok = value is rule.required
    return TraceStep(f"consortium.{rule.slot}", rule.label, {rule.slot: value}, cited, {rule.slot: value}, ok,
                     None if ok else rule.failure)


def consortium(rs: RuleSet, c: ConsortiumCalc, s: dict[str, Any], today: date) -> Outcome:
    steps = [single_step(rs, c, s.get("single_applicant"))] if c.single else []
    if s.get("single_applicant") is not True:
        steps += [core_count_step(rs, c, s["members"]), majority_step(rs, c, s["members"]),
                  *(flag_step(rs, rule, s.get(rule.slot)) for rule in c.forbidden)]
    ok = verdict(steps)
    if ok is False:
        reasons = "。".join(step.failure for step in steps if step.failure)
        return Outcome(steps, f"連携体の要件を満たしていません。{reasons}。", False)
    if ok is None:
        need = join_japanese([rs.label(name) for name in missing_of(steps)])
        known = _composition_met(steps) if s["members"] is not None else _summary(rs, c)
        return Outcome(steps, f"{known}連携体の要件の最終的な判定には、{need}が必要です。", None)
    count = next(step for step in steps if step.rule == "consortium.core_count")
    core, total = count.result["core"], count.result["total"]
    return Outcome(steps, f"連携体の要件を満たしています(コア事業者になれる組織が{core}者/全{total}者で過半数です)。",
                   True)


def _composition_met(steps: list[TraceStep]) -> str:
    """The verdict on what is known, first: the members given meet the count and majority rules."""
    count = next((step for step in steps if step.rule == "consortium.core_count" and step.result), None)
    if count is None:
        return "ここまでの情報では問題は見つかっていません。"
    core, total = count.result["core"], count.result["total"]
    return f"構成員の構成については要件を満たします(コア事業者になれる組織が{core}者/全{total}者で過半数です)。"


def _summary(rs: RuleSet, c: ConsortiumCalc) -> str:
    minimum = rs.p(c.min_core)
    kinds = "・".join(rs.p(c.core_types).items)
    return (f"連携体には、コア事業者になれる組織({kinds})が{minimum.integer}者{minimum.bound}参加し、"
            "構成員の過半数を占める必要があります。")
