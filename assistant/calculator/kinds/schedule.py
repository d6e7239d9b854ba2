"""Schedule milestones per round: each round's status against today (受付中 / 締切済み / 受付開始前)."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.calculator.money import format_date
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.rounds import opens_on, ordered, state_of
from assistant.calculator.rules_common import Outcome
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import ScheduleCalc

_STATE_WORDS = {"open": "受付中", "closed": "締切済み", "upcoming": "受付開始前"}


def schedule_slots(rs: RuleSet, c: ScheduleCalc) -> tuple[str, ...]:
    return ()


def schedule_step(rs: RuleSet, c: ScheduleCalc, today: date) -> TraceStep:
    parameters: list[CitedValue] = []
    states = []
    for call in ordered(rs.rules):
        parameters.append(call.deadline.cited(f"{call.name}.deadline"))
        if call.start:
            parameters.append(call.start.cited(f"{call.name}.start"))
        states.append({"round": call.name, "start": call.start.value if call.start else None,
                       "deadline": call.deadline.value, "state": state_of(call, today)})
    period = None
    if c.implementation_period:
        param = rs.p(c.implementation_period)
        parameters.append(param.cited(c.implementation_period))
        period = param.value
    open_rounds = [s for s in states if s["state"] == "open"]
    return TraceStep("schedule", "公募締切と今日の日付の比較", {"today": today}, tuple(parameters),
                     {"rounds": states, "implementation_period": period}, bool(open_rounds),
                     None if open_rounds else "資料にある公募回は、いずれも受付中ではありません")


def schedule(rs: RuleSet, c: ScheduleCalc, s: dict[str, Any], today: date) -> Outcome:
    step = schedule_step(rs, c, today)
    states = step.result["rounds"]
    calls = {call.name: call for call in rs.rules.rounds}
    open_rounds = [x for x in states if x["state"] == "open"]
    upcoming = [x for x in states if x["state"] == "upcoming"]
    if open_rounds:
        x = open_rounds[-1]
        conclusion = f"{x['round']}の公募は受付中です。締切は{format_date(x['deadline'])}です。"
    elif upcoming:
        x = upcoming[0]
        opening = opens_on(calls[x["round"]])
        conclusion = (f"{x['round']}の公募はまだ始まっていません。受付開始は{format_date(opening) if opening else '未定'}、"
                      f"締切は{format_date(x['deadline'])}です。")
    else:
        x = states[-1]
        conclusion = (f"{x['round']}の公募の締切({format_date(x['deadline'])})は過ぎています"
                      f"(今日は{format_date(today)})。次の公募回の日程は資料に記載がありません。")
    notes = []
    if len(states) > 1:  # every round's status, so an older round is never read as the current one
        notes.append("公募回ごとの状況: " + "、".join(
            f"{y['round']}は{_STATE_WORDS[y['state']]}(締切{format_date(y['deadline'])})" for y in states) + "。")
    if step.result["implementation_period"]:
        notes.append(f"補助事業の実施期間は「{step.result['implementation_period']}」です。")
    return Outcome(steps=[step], conclusion=conclusion, eligible=bool(open_rounds), notes=notes)
