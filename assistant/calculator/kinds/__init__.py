"""The generic rule kinds, registered once by name; a programme composes them under `calculations`.

A kind is (the inputs it reads, the handler); adding a kind is adding one entry here, never a module
per programme.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.calculator.kinds import consortium, repayment, schedule, sme, subsidy, thresholds
from assistant.calculator.rules_common import Outcome
from assistant.calculator.ruleset import RuleSet


@dataclass(frozen=True)
class Kind:
    slots: Callable[[RuleSet, Any], tuple[str, ...]]
    run: Callable[[RuleSet, Any, dict[str, Any], date], Outcome]


KINDS: dict[str, Kind] = {
    "subsidy": Kind(subsidy.subsidy_slots, subsidy.subsidy),
    "cap": Kind(subsidy.cap_slots, subsidy.cap),
    "self_burden": Kind(subsidy.self_burden_slots, subsidy.self_burden),
    "sme": Kind(sme.sme_slots, sme.sme_check),
    "thresholds": Kind(thresholds.thresholds_slots, thresholds.thresholds),
    "proportional_repayment": Kind(repayment.repayment_slots, repayment.repayment),
    "consortium": Kind(consortium.consortium_slots, consortium.consortium),
    "schedule": Kind(schedule.schedule_slots, schedule.schedule),
}


def kind_of(calculation: Any) -> Kind:
    return KINDS[calculation.kind]
