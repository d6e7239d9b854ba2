"""A value chosen for a case: fixed, by band on a numeric input, or by class (枠, 小規模/中小, 特例), plus uplifts.

Caps and rates are both selections; the kinds that compute an amount read them through `choose`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from assistant.calculator.money import format_ratio, format_yen
from assistant.calculator.result import CitedValue, TraceStep
from assistant.calculator.rules_common import band_cited
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import CapRule, ClassChoice, Selection


@dataclass(frozen=True)
class Chosen:
    """The selected value (None when an input is missing), the step that says how, and the class used."""

    step: TraceStep
    value: int | Fraction | None
    cited: tuple[CitedValue, ...]
    choice: ClassChoice | None = None
    defaulted: bool = False


def selection_slots(rs: RuleSet, selection: Selection) -> tuple[str, ...]:
    """Every input a selection reads: its class input, the inputs bands are looked up by, uplift flags."""
    names = [selection.class_slot] if selection.class_slot else []
    parameters = [selection.parameter] if selection.parameter else [c.parameter for c in selection.classes]
    names += [p.by for name in parameters if (p := rs.rules.parameters.get(name)) and p.by]
    if isinstance(selection, CapRule):
        names += [u.slot for u in selection.uplifts]
    return tuple(dict.fromkeys(n for n in names if n))


def class_problem(rs: RuleSet, selection: Selection, slots: dict[str, Any]) -> dict[str, Any] | None:
    """An invalid-input entry when the class input names no class of the table (an unknown 枠)."""
    if not selection.class_slot or slots.get(selection.class_slot) is None:
        return None
    value = slots[selection.class_slot]
    if any(c.match == value for c in selection.classes):
        return None
    names = "、".join(str(c.label) for c in selection.classes)
    return {"slot": selection.class_slot, "value": value,
            "message": f"{rs.label(selection.class_slot)}「{value}」はこの制度の資料にありません。"
                       f"次のいずれかを選んでください: {names}。"}


def pick_class(selection: Selection, slots: dict[str, Any]) -> tuple[ClassChoice | None, bool]:
    """(class, defaulted): the class the input selects, else the default class, else None."""
    if not selection.classes:
        return None, False
    value = slots.get(selection.class_slot or "")
    if value is not None:
        return next((c for c in selection.classes if c.match == value), None), False
    default = next((c for c in selection.classes if c.label == selection.default), None)
    return default, default is not None


def value_of(rs: RuleSet, parameter: str, slots: dict[str, Any]) -> tuple[Any, CitedValue | None, str | None]:
    """(value, cited, missing input) of a parameter: its round's scalar, or the band the input falls in."""
    if not rs.is_banded(parameter):
        cited = rs.p(parameter)
        return (cited.ratio if cited.unit == "ratio" else cited.value), cited.cited(parameter), None
    table = rs.table(parameter)
    x = slots.get(table.variable)
    if x is None:
        return None, None, table.variable
    band = table.find(x)
    value = Fraction(band.value) if table.unit == "ratio" and isinstance(band.value, str) else band.value
    return value, band_cited(parameter, band, table.unit, table.variable_unit), None


def choose(rs: RuleSet, selection: Selection, slots: dict[str, Any], rule: str, label: str) -> Chosen:
    """Resolve a selection for these inputs into one traced, cited value."""
    choice, defaulted = pick_class(selection, slots)
    parameter = selection.parameter or (choice.parameter if choice else None)
    inputs = {name: slots.get(name) for name in selection_slots(rs, selection)}
    if choice is not None and (selection.parameter is None):
        label = f"{label}({choice.label})"
    if parameter is None:
        assert selection.class_slot is not None
        return Chosen(TraceStep(rule, label, inputs, (), None, missing=(selection.class_slot,)), None, ())
    value, cited, lacking = value_of(rs, parameter, slots)
    if lacking is not None:
        return Chosen(TraceStep(rule, label, inputs, (), None, missing=(lacking,)), None, (), choice, defaulted)
    assert cited is not None
    parameters = [cited]
    if isinstance(selection, CapRule):
        for uplift in selection.uplifts:
            if slots.get(uplift.slot) is True:
                extra = rs.p(uplift.parameter)
                value = int(value) + extra.integer
                parameters.append(extra.cited(uplift.parameter))
    result: dict[str, Any] = {"value": value}
    if cited.bound and rs.is_banded(parameter):
        result["band"] = cited.bound
    return Chosen(TraceStep(rule, label, inputs, tuple(parameters), result), value, tuple(parameters),
                  choice, defaulted)


def written(value: int | Fraction) -> str:
    return format_ratio(value) if isinstance(value, Fraction) else format_yen(value)


def bound_word(rs: RuleSet, parameter: str) -> str:
    """以内 for a value the text bounds from above (補助率は1/2以内), else nothing."""
    bound = rs.rules.parameters[parameter].bound
    return "以内" if bound in ("以下", "未満") else ""
