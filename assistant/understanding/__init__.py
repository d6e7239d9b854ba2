"""Deterministic Japanese understanding: programme, intent and slots from one message.

Intents (shared with the calculator): amount, cap, sme_check, consortium_check, min_investment,
wage_requirement, repayment, schedule, fact; None for a follow-up that only supplies values.
Slots: employees, investment, capital, subsidy_received (yen), wage_growth_rate, wage_target_rate,
wage_actual_rate (percent), min_wage_margin (yen), special_wage, industry, members
[{"type", "count"}], same_group_only, roles_in_writing, outsourcing_only, single_applicant,
min_wage_target_met, value_added_increased, operating_loss, natural_disaster.
"""

from assistant.understanding.intents import INTENTS
from assistant.understanding.model import Understanding
from assistant.understanding.numbers import parse_amount_yen, parse_count, parse_percent
from assistant.understanding.sanitize import MAX_CHARS, sanitize
from assistant.understanding.understand import understand

__all__ = [
    "INTENTS",
    "MAX_CHARS",
    "Understanding",
    "parse_amount_yen",
    "parse_count",
    "parse_percent",
    "sanitize",
    "understand",
]
