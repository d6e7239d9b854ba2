"""Japanese formatting of amounts (1,500万円, 1億2,000万円), rates and dates, shared with the engine."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

# Largest unit first: 1兆 = 10^12, 1億 = 10^8, 1万 = 10^4.
_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))


def format_yen(amount: int) -> str:
    """Write integer yen the way guidelines do: 1,500万円, 1億2,000万円, 1,499万9,999円, 9,999円."""
    if amount < 0:
        return "-" + format_yen(-amount)
    if amount == 0:
        return "0円"
    parts: list[str] = []
    rest = int(amount)
    for unit_value, unit_name in _UNITS:
        count, rest = divmod(rest, unit_value)
        if count:
            parts.append(f"{count:,}{unit_name}")
    if rest:
        parts.append(f"{rest:,}")
    return "".join(parts) + "円"


def format_percent(value: float) -> str:
    """2.5 -> '2.5%', 6.0 -> '6.0%', 3.25 -> '3.25%' (at least one decimal, as guidelines write rates)."""
    text = f"{value:.2f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return text + "%"


def format_ratio(ratio: Fraction) -> str:
    """Fraction(1, 2) -> '1/2'."""
    return f"{ratio.numerator}/{ratio.denominator}"


def format_date(value: date) -> str:
    """2025-07-10 -> '2025年7月10日'; a datetime with a time of day adds it: '2025年7月10日18時'."""
    text = f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime) and (value.hour or value.minute):
        text += f"{value.hour}時" + (f"{value.minute}分" if value.minute else "")
    return text
