"""Pieces every rule kind uses: bounds as data, verdicts over steps, the floor of spend × rate.

Each rule is a small pure function returning one TraceStep; a kind's handler collects the steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from assistant.calculator.money import format_ratio, format_yen
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.schema import Band

SUPPORTED_ROUNDING = "1円未満切り捨て"


@dataclass
class Outcome:
    """What a kind's handler found; the engine turns it into a Result."""

    steps: list[TraceStep]
    conclusion: str
    eligible: bool | None = None
    amount: int | None = None
    calculation_line: str | None = None
    notes: list[str] = field(default_factory=list)
    invalid: list[dict[str, object]] = field(default_factory=list)


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


def times_rate(spend: int, rate: Fraction) -> int:
    """spend × 補助率, 1円未満切り捨て (floor on exact integers, no float rounding)."""
    return (spend * rate.numerator) // rate.denominator


def amount_line(spend_label: str, spend: int, rate: Fraction, cap: int) -> str:
    """「投資額4,000万円 × 1/2 = 2,000万円(上限4,000万円以内)」 or the capped form."""
    computed = times_rate(spend, rate)
    head = f"{spend_label}{format_yen(spend)} × {format_ratio(rate)} = {format_yen(computed)}"
    if computed <= cap:
        return f"{head}(上限{format_yen(cap)}以内)"
    return f"{head} → 上限{format_yen(cap)}を適用"


def join_japanese(items: list[str]) -> str:
    """['A'] -> 'A'; ['A', 'B'] -> 'AとB'; ['A', 'B', 'C'] -> 'A、BとC'."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "と" + items[-1]
