"""Rules both programmes use: bounds as data, the subsidy amount, the call schedule, and verdicts.

Each rule is a small pure function returning one TraceStep; handlers collect the steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from assistant.calculator.money import format_date, format_ratio, format_yen
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.schema import Band, Parameter, RulesFile

SUPPORTED_ROUNDING = "1円未満切り捨て"


@dataclass
class Outcome:
    """What an intent handler found; the engine turns it into a Result."""

    steps: list[TraceStep]
    conclusion: str
    eligible: bool | None = None
    amount: int | None = None
    calculation_line: str | None = None
    notes: list[str] = field(default_factory=list)


def meets(x: int | float | Fraction, threshold: int | float | Fraction, bound: str | None) -> bool:
    """x compared with threshold as the text says: 以上 >=, 超 >, 以下 <=, 未満 <."""
    if bound == "以上":
        return x >= threshold
    if bound == "超":
        return x > threshold
    if bound == "以下":
        return x <= threshold
    if bound == "未満":
        return x < threshold
    raise ValueError(f"parameter has no bound (以上/以下/超/未満) to compare with: {bound!r}")


def verdict(steps: Iterable[TraceStep]) -> bool | None:
    """False if any step failed; None if any step lacks inputs; else True."""
    steps = list(steps)
    if any(step.passed is False for step in steps):
        return False
    if any(step.missing for step in steps):
        return None
    return True


def missing_of(steps: Iterable[TraceStep]) -> list[str]:
    return list(dict.fromkeys(name for step in steps for name in step.missing))


def band_cited(name: str, band: Band, unit: str, variable_unit: str = "人") -> CitedValue:
    """A band's value as a cited parameter named like 'cap_normal[21人以上 50人以下]'."""
    where = band.describe(variable_unit)
    return CitedValue(name=f"{name}[{where}]", value=band.value, unit=unit,
                      source=band.source.citation(), bound=where)


def half_of(investment: int, rate: Fraction) -> int:
    """investment × 補助率, 1円未満切り捨て (floor on exact integers, no float rounding)."""
    return (investment * rate.numerator) // rate.denominator


def subsidy_amount_step(
    rules: RulesFile, investment: int, cap: int, cap_cited: CitedValue, prefix: str
) -> TraceStep:
    """補助額 = min(補助上限額, 補助対象経費 × 補助率), 1円未満切り捨て."""
    rate_param, rounding = rules.p("subsidy_rate"), rules.p("rounding")
    computed = half_of(investment, rate_param.ratio)
    amount = min(cap, computed)
    return TraceStep(
        rule=f"{prefix}.subsidy_amount",
        label="補助額 = min(補助上限額, 補助対象経費 × 補助率)(1円未満切り捨て)",
        inputs={"investment": investment, "cap": cap},
        parameters=(rate_param.cited("subsidy_rate"), cap_cited, rounding.cited("rounding")),
        result={"investment_times_rate": computed, "amount": amount, "capped": computed > cap},
    )


def amount_line(investment_label: str, investment: int, rate: Fraction, cap: int) -> str:
    """「投資額4,000万円 × 1/2 = 2,000万円(上限4,000万円以内)」 or the capped form."""
    computed = half_of(investment, rate)
    head = f"{investment_label}{format_yen(investment)} × {format_ratio(rate)} = {format_yen(computed)}"
    if computed <= cap:
        return f"{head}(上限{format_yen(cap)}以内)"
    return f"{head} → 上限{format_yen(cap)}を適用"


def _day(value: date) -> date:
    """The calendar day of a date or datetime (a deadline day is open until its end)."""
    return value.date() if isinstance(value, datetime) else value


def _param_date(parameter: Parameter) -> date:
    value = parameter.value
    assert isinstance(value, date)
    return value


def schedule_step(rules: RulesFile, today: date, prefix: str) -> TraceStep:
    """Which call round is open on `today`, or the next one, or that every listed deadline has passed."""
    rounds = sorted(rules.schedule.rounds, key=lambda r: _day(_param_date(r.deadline)))
    parameters: list[CitedValue] = []
    states = []
    for call in rounds:
        deadline = _param_date(call.deadline)
        start = _param_date(call.start) if call.start else None
        parameters.append(call.deadline.cited(f"{call.round}.deadline"))
        if call.start:
            parameters.append(call.start.cited(f"{call.round}.start"))
        if today > _day(deadline):
            state = "closed"
        elif start is not None and today < _day(start):
            state = "upcoming"
        else:
            state = "open"
        states.append({"round": call.round, "start": start, "deadline": deadline, "state": state})
    period = rules.schedule.implementation_period
    parameters.append(period.cited("implementation_period"))
    open_rounds = [s for s in states if s["state"] == "open"]
    return TraceStep(
        rule=f"{prefix}.schedule",
        label="公募締切と今日の日付の比較",
        inputs={"today": today},
        parameters=tuple(parameters),
        result={"rounds": states, "implementation_period": period.value},
        passed=bool(open_rounds),
        failure=None if open_rounds else "現在受付中の公募回はありません",
    )


def schedule_outcome(rules: RulesFile, today: date, prefix: str) -> Outcome:
    step = schedule_step(rules, today, prefix)
    states = step.result["rounds"]
    period = str(rules.schedule.implementation_period.value)
    open_rounds = [s for s in states if s["state"] == "open"]
    upcoming = [s for s in states if s["state"] == "upcoming"]
    if open_rounds:
        s = open_rounds[0]
        conclusion = f"{s['round']}の公募は受付中です。締切は{format_date(s['deadline'])}です。"
    elif upcoming:
        s = upcoming[0]
        conclusion = (f"{s['round']}の公募はまだ始まっていません。受付開始は{format_date(s['start'])}、"
                      f"締切は{format_date(s['deadline'])}です。")
    else:
        s = states[-1]
        conclusion = (f"{s['round']}の公募の締切({format_date(s['deadline'])})は過ぎています"
                      f"(今日は{format_date(today)})。次の公募回の日程は資料に記載がありません。")
    notes = [f"補助事業の実施期間は「{period}」です。"]
    return Outcome(steps=[step], conclusion=conclusion, eligible=bool(open_rounds), notes=notes)
