"""The eligibility calculator as rules-as-code: generic rule kinds composed per programme in
corpus/<id>/rules.yaml, with values dated by call round and a citation each.

    from assistant.calculator import calculate
    calculate(programme_id, "amount", {"employees": 30, "investment": 40_000_000}).to_dict()
"""

from assistant.calculator.capability import Calculator, calculator_for, rules_problem, uses_slots
from assistant.calculator.engine import calculate
from assistant.calculator.loader import RulesError, load_rules
from assistant.calculator.money import format_yen
from assistant.calculator.registry import INTENTS
from assistant.calculator.result import Citation, CitedValue, Result, TraceStep
from assistant.calculator.slots import INDUSTRIES, MEMBER_TYPES

__all__ = [
    "INDUSTRIES", "INTENTS", "MEMBER_TYPES", "Calculator", "Citation", "CitedValue", "Result",
    "RulesError", "TraceStep", "calculate", "calculator_for", "format_yen", "load_rules", "rules_problem",
    "uses_slots",
]
