"""calculate(): resolve the programme and intent, validate slots, run the rules, explain the result.

Bad input never raises: unknown programmes or intents, inapplicable intents and invalid slot values
all come back as a Result with a Japanese explanation. A broken rules file does raise RulesError:
that is a deployment fault to fix, not something to answer around.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from assistant.calculator.explain import compose
from assistant.calculator.loader import load_rules
from assistant.calculator.registry import INTENTS, PROGRAMMES
from assistant.calculator.result import Result
from assistant.calculator.rules_common import missing_of
from assistant.calculator.slots import missing_question, parse_slots


def _today(today: date | None) -> date:
    if today is not None:
        return today
    from assistant.settings import get_settings

    return get_settings().effective_today()


def _not_handled(programme: str, intent: str, message: str) -> Result:
    return Result(programme=programme, intent=intent, applicable=False, conclusion=message, explanation=message)


def calculate(
    programme: str,
    intent: str,
    slots: dict[str, Any] | None,
    today: date | None = None,
    corpus_dir: Path | None = None,
    rules_file: Path | None = None,
) -> Result:
    """Run one intent's rules for a programme with the user's slots; see Result for the fields."""
    spec = PROGRAMMES.get(programme)
    if spec is None:
        return _not_handled(programme, intent, "この制度には計算ルールがありません。")
    if intent not in INTENTS:
        return _not_handled(programme, intent, f"「{intent}」という計算はできません。")
    if intent in spec.not_applicable:
        return _not_handled(programme, intent, spec.not_applicable[intent])
    names, handler = spec.handlers[intent]
    clean, invalid = parse_slots(slots or {}, names)
    if invalid:
        conclusion = "入力内容に確認が必要なため、計算できませんでした。"
        text = "\n".join([conclusion, *(item["message"] for item in invalid)])
        return Result(programme=programme, intent=intent, invalid_inputs=invalid, conclusion=conclusion,
                      explanation=text)
    rules = load_rules(rules_file or programme, corpus_dir)
    outcome = handler(rules, clean, _today(today))
    result = Result(
        programme=programme,
        intent=intent,
        eligible=outcome.eligible,
        amount=outcome.amount,
        failed_conditions=[step.failure for step in outcome.steps if step.passed is False and step.failure],
        missing_inputs=missing_of(outcome.steps) if outcome.eligible is None else [],
        trace=outcome.steps,
        conclusion=outcome.conclusion,
        calculation_line=outcome.calculation_line,
    )
    result.missing_question = missing_question(result.missing_inputs, programme)
    result.explanation = compose(outcome.conclusion, outcome.calculation_line, outcome.notes, result.citations)
    return result
