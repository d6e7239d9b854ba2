"""中堅・中小企業輸出支援エコシステム形成事業費補助金 (id `export_ecosystem`): rules and intent handlers."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.calculator.money import format_ratio, format_yen
from assistant.calculator.result import TraceStep
from assistant.calculator.rules_common import (
    Outcome,
    amount_line,
    meets,
    missing_of,
    schedule_outcome,
    subsidy_amount_step,
    verdict,
)
from assistant.calculator.schema import RulesFile
from assistant.calculator.slots import MEMBER_TYPES, join_japanese, label

PROGRAMME = "export_ecosystem"
REQUIRED_PARAMETERS = (
    "subsidy_cap", "subsidy_rate", "rounding", "core_types", "non_core_allowed", "min_core_members",
    "core_majority", "no_single_applicant", "no_same_group_only", "roles_in_writing", "no_outsourcing_only",
)
REQUIRED_BANDS: tuple[str, ...] = ()


def check_rules(rules: RulesFile) -> list[tuple[str, str]]:
    """Member types in the data must be ones the slot vocabulary knows; 過半数 is the only majority rule."""
    problems = []
    for key in ("core_types", "non_core_allowed"):
        if key in rules.parameters:
            for kind in rules.p(key).items:
                if kind not in MEMBER_TYPES:
                    problems.append((f"parameters.{key}.value", f"unknown member type {kind!r}"))
    if "core_majority" in rules.parameters and rules.p("core_majority").value != "過半数":
        problems.append(("parameters.core_majority.value", "only 過半数 (strict majority) is supported"))
    if "min_core_members" in rules.parameters and rules.p("min_core_members").bound not in ("以上", "超"):
        problems.append(("parameters.min_core_members.bound", "must be 以上 or 超"))
    if "subsidy_cap" in rules.parameters and rules.p("subsidy_cap").bound not in ("以下", "未満", None):
        problems.append(("parameters.subsidy_cap.bound", "must be 以下"))
    return problems


# ---- rules: one trace step each ----------------------------------------------------------------

def _counts(rules: RulesFile, members: list[dict[str, Any]]) -> tuple[int, int]:
    core_types = set(rules.p("core_types").items)
    core = sum(m["count"] for m in members if m["type"] in core_types)
    return core, sum(m["count"] for m in members)


def single_applicant_step(rules: RulesFile, single: bool | None) -> TraceStep:
    param = rules.p("no_single_applicant")
    return TraceStep("export_ecosystem.single_applicant", "単独申請は不可(2者以上の連携体)",
                     {"single_applicant": single}, (param.cited("no_single_applicant"),),
                     None if single is None else {"single": single},
                     None if single is None else not single,
                     "単独での申請はできません(2者以上の事業者の連携が必要です)" if single else None)


def core_count_step(rules: RulesFile, members: list[dict[str, Any]] | None) -> TraceStep:
    minimum, types = rules.p("min_core_members"), rules.p("core_types")
    cited = (minimum.cited("min_core_members"), types.cited("core_types"))
    label_ = f"コア事業者になれる組織が{minimum.integer}者{minimum.bound}"
    if members is None:
        return TraceStep("export_ecosystem.core_count", label_, {"members": None}, cited, None, missing=("members",))
    core, total = _counts(rules, members)
    ok = meets(core, minimum.integer, minimum.bound)
    failure = f"コア事業者になれる組織が{core}者で、{minimum.integer}者{minimum.bound}に足りません"
    return TraceStep("export_ecosystem.core_count", label_, {"members": members}, cited,
                     {"core": core, "total": total}, ok, None if ok else failure)


def majority_step(rules: RulesFile, members: list[dict[str, Any]] | None) -> TraceStep:
    """過半数: core-eligible members strictly more than half of all members (2 of 4 is not)."""
    param, allowed = rules.p("core_majority"), rules.p("non_core_allowed")
    cited = (param.cited("core_majority"), allowed.cited("non_core_allowed"))
    label_ = "構成員の過半数がコア事業者の要件を満たす組織"
    if members is None:
        return TraceStep("export_ecosystem.core_majority", label_, {"members": None}, cited, None,
                         missing=("members",))
    core, total = _counts(rules, members)
    ok = 2 * core > total
    failure = f"コア事業者になれる組織が{core}者/全{total}者で、過半数になっていません"
    return TraceStep("export_ecosystem.core_majority", label_, {"members": members}, cited,
                     {"core": core, "total": total}, ok, None if ok else failure)


def _flag_step(rules: RulesFile, slot: str, value: bool | None, param_name: str, label_: str,
               ok_when: bool, failure: str) -> TraceStep:
    param = rules.p(param_name)
    if value is None:
        return TraceStep(f"export_ecosystem.{slot}", label_, {slot: None}, (param.cited(param_name),), None,
                         missing=(slot,))
    ok = value is ok_when
    return TraceStep(f"export_ecosystem.{slot}", label_, {slot: value}, (param.cited(param_name),),
                     {slot: value}, ok, None if ok else failure)


def same_group_step(rules: RulesFile, value: bool | None) -> TraceStep:
    return _flag_step(rules, "same_group_only", value, "no_same_group_only", "同一グループのみの構成は不可", False,
                      "親会社と子会社など同一グループの企業だけの構成は認められません")


def roles_step(rules: RulesFile, value: bool | None) -> TraceStep:
    return _flag_step(rules, "roles_in_writing", value, "roles_in_writing", "役割分担を契約や書面で明確化", True,
                      "各事業者の役割分担が契約や書面(協定書など)で明確になっていません")


def outsourcing_step(rules: RulesFile, value: bool | None) -> TraceStep:
    return _flag_step(rules, "outsourcing_only", value, "no_outsourcing_only",
                      "単なる外注・一時的な売買関係は連携体と認められない", False,
                      "単なる外注関係や一時的な売買関係だけでは連携体と認められません")


# ---- intent handlers ---------------------------------------------------------------------------

def amount(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    cap_param = rules.p("subsidy_cap")
    if s["investment"] is None:
        step = TraceStep("export_ecosystem.subsidy_amount", "補助額 = min(補助上限額, 補助対象経費 × 補助率)",
                         {"investment": None}, (cap_param.cited("subsidy_cap"),), None, missing=("investment",))
        return Outcome([step], f"補助額を計算するには、{label('investment', PROGRAMME)}が必要です"
                       f"(補助上限額は{format_yen(cap_param.integer)}、補助率は{format_ratio(rules.p('subsidy_rate').ratio)}以内)。",
                       None)
    step = subsidy_amount_step(rules, s["investment"], cap_param.integer, cap_param.cited("subsidy_cap"), PROGRAMME)
    value = step.result["amount"]
    line = amount_line("補助対象経費", s["investment"], rules.p("subsidy_rate").ratio, cap_param.integer)
    return Outcome([step], f"補助額は{format_yen(value)}です。", True, value, line)


def cap(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    cap_param, rate = rules.p("subsidy_cap"), rules.p("subsidy_rate")
    step = TraceStep("export_ecosystem.subsidy_cap", "補助上限額(1件あたり)", {},
                     (cap_param.cited("subsidy_cap"), rate.cited("subsidy_rate")), {"cap": cap_param.integer})
    conclusion = f"補助上限額は1件あたり{format_yen(cap_param.integer)}です(補助率は{format_ratio(rate.ratio)}以内)。"
    return Outcome([step], conclusion, True, cap_param.integer)


def consortium_check(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    steps = [single_applicant_step(rules, s["single_applicant"])]
    if s["single_applicant"] is not True:
        steps += [core_count_step(rules, s["members"]), majority_step(rules, s["members"]),
                  same_group_step(rules, s["same_group_only"]), roles_step(rules, s["roles_in_writing"]),
                  outsourcing_step(rules, s["outsourcing_only"])]
    ok = verdict(steps)
    if ok is False:
        reasons = "。".join(step.failure for step in steps if step.failure)
        return Outcome(steps, f"連携体の要件を満たしていません。{reasons}。", False)
    if ok is None:
        need = join_japanese([label(name, PROGRAMME) for name in missing_of(steps)])
        known = "ここまでの情報では問題は見つかっていません。" if s["members"] is not None else _rules_summary(rules)
        return Outcome(steps, f"{known}連携体の要件の判定には、{need}が必要です。", None)
    core, total = steps[1].result["core"], steps[1].result["total"]
    return Outcome(steps, f"連携体の要件を満たしています(コア事業者になれる組織が{core}者/全{total}者で過半数です)。", True)


def _rules_summary(rules: RulesFile) -> str:
    minimum = rules.p("min_core_members")
    kinds = "・".join(rules.p("core_types").items)
    return (f"連携体には、コア事業者になれる組織({kinds})が{minimum.integer}者{minimum.bound}参加し、"
            "構成員の過半数を占める必要があります。")


def schedule(rules: RulesFile, s: dict[str, Any], today: date) -> Outcome:
    return schedule_outcome(rules, today, PROGRAMME)


_ELSEWHERE = "この判定は中小企業新事業進出補助金のものです。"
NOT_APPLICABLE = {
    "sme_check": "中堅・中小企業輸出支援エコシステム形成事業費補助金の資料には、業種別に中小企業かどうかを判定する"
    "基準はありません。申請の要件は連携体の構成です。" + _ELSEWHERE,
    "min_investment": "中堅・中小企業輸出支援エコシステム形成事業費補助金の資料には、最低投資額の定めはありません。" + _ELSEWHERE,
    "wage_requirement": "中堅・中小企業輸出支援エコシステム形成事業費補助金の資料には、賃上げ要件はありません。" + _ELSEWHERE,
    "repayment": "中堅・中小企業輸出支援エコシステム形成事業費補助金の資料には、賃上げ目標の未達による返還の定めはありません。"
    + _ELSEWHERE,
}

HANDLERS = {
    "amount": (("investment",), amount),
    "cap": ((), cap),
    "consortium_check": (("members", "same_group_only", "roles_in_writing", "outsourcing_only",
                          "single_applicant"), consortium_check),
    "schedule": ((), schedule),
}
