"""The programmes the calculator knows, resolved by id in one place, and the shared intent names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from assistant.calculator import export_ecosystem, shinjigyo
from assistant.calculator.rules_common import Outcome
from assistant.calculator.schema import RulesFile

# Intent names are a contract with the understanding module: keep exactly these strings.
INTENTS: dict[str, str] = {
    "amount": "補助額",
    "cap": "補助上限額",
    "sme_check": "中小企業該当性",
    "consortium_check": "連携体の要件",
    "min_investment": "最低投資額・自己負担",
    "wage_requirement": "賃上げ要件",
    "repayment": "返還",
    "schedule": "締切・期間",
}

Handler = Callable[[RulesFile, dict[str, Any], date], Outcome]


@dataclass(frozen=True)
class ProgrammeRules:
    id: str
    required_parameters: tuple[str, ...]
    required_bands: tuple[str, ...]
    check: Callable[[RulesFile], list[tuple[str, str]]]
    handlers: dict[str, tuple[tuple[str, ...], Handler]]
    not_applicable: dict[str, str]


def _from_module(module: ModuleType) -> ProgrammeRules:
    return ProgrammeRules(
        id=module.PROGRAMME,
        required_parameters=module.REQUIRED_PARAMETERS,
        required_bands=module.REQUIRED_BANDS,
        check=module.check_rules,
        handlers=module.HANDLERS,
        not_applicable=module.NOT_APPLICABLE,
    )


PROGRAMMES: dict[str, ProgrammeRules] = {m.PROGRAMME: _from_module(m) for m in (shinjigyo, export_ecosystem)}

# Every intent either has a handler or a stated reason why it does not apply.
for _spec in PROGRAMMES.values():
    assert set(_spec.handlers) | set(_spec.not_applicable) == set(INTENTS), _spec.id
