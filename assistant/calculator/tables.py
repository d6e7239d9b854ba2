"""corpus/<id>/tests.yaml: a programme's test table as data (inputs -> expected amount / verdict / round),
so the author of a new programme or round tests it without Python (OpenFisca's YAML tests).

    cases:
      - name: 21人は4,000万円の区分
        intent: cap
        today: 2025-06-20        # optional; the round open on that day answers
        round: 第1回             # optional; or named in `question`
        inputs: {employees: 21, special_wage: false}
        expect: {amount: 40000000, eligible: true, round: 第1回, conclusion_contains: [4,000万円]}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.calculator.engine import calculate
from assistant.calculator.loader import RULES_FILE_NAME, RulesError
from assistant.calculator.registry import INTENTS

TESTS_FILE_NAME = "tests.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    amount: int | None = None
    eligible: bool | None = None
    round: str | None = None
    missing: list[str] | None = None
    invalid: list[str] | None = None
    conclusion_contains: list[str] = Field(default_factory=list)


class Case(_Strict):
    name: str
    intent: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    today: date | None = None
    round: str | None = None
    question: str | None = None
    expect: Expect


class RuleTests(_Strict):
    programme: str
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    problems: tuple[str, ...]


def load_table(file: Path) -> RuleTests:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        table = RuleTests.model_validate(data)
    except (OSError, yaml.YAMLError) as error:
        raise RulesError(f"{file}: cannot read YAML: {error}") from error
    except ValidationError as error:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise RulesError(f"{file}: {details}") from error
    for index, case in enumerate(table.cases):
        if case.intent not in INTENTS:
            raise RulesError(f"{file}: cases.{index}.intent: unknown intent {case.intent!r}")
    return table


def run_case(case: Case, rules_file: Path, programme: str) -> CaseResult:
    result = calculate(programme, case.intent, case.inputs, today=case.today or date.today(),
                       rules_file=rules_file, question=case.question, round_name=case.round)
    e, problems = case.expect, []
    checks = (("amount", e.amount, result.amount), ("eligible", e.eligible, result.eligible),
              ("round", e.round, result.round), ("missing", e.missing, result.missing_inputs),
              ("invalid", e.invalid, [str(i["slot"]) for i in result.invalid_inputs]))
    for what, expected, actual in checks:
        if expected is not None and expected != actual:
            problems.append(f"{what}: expected {expected!r}, got {actual!r}")
    if "eligible" in e.model_fields_set and e.eligible is None and result.eligible is not None:
        problems.append(f"eligible: expected None, got {result.eligible!r}")
    problems += [f"conclusion lacks 「{text}」: {result.conclusion}" for text in e.conclusion_contains
                 if text not in result.conclusion]
    return CaseResult(case.name, not problems, tuple(problems))


def run_table(folder: Path) -> list[CaseResult]:
    """Every case of folder/tests.yaml against folder/rules.yaml."""
    table = load_table(folder / TESTS_FILE_NAME)
    return [run_case(case, folder / RULES_FILE_NAME, table.programme) for case in table.cases]
