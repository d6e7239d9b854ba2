"""calculate(): load the programme's rules, choose the call round, run the intent's rule kind, explain.

Bad input never raises: a programme without rules, an unknown or inapplicable intent and invalid slot
values all come back as a Result with a Japanese explanation. A broken rules file does raise RulesError:
that is a deployment fault to fix, not something to answer around.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from assistant.calculator.explain import compose
from assistant.calculator.kinds import kind_of
from assistant.calculator.loader import RULES_FILE_NAME, RulesError, load_checked
from assistant.calculator.registry import INTENTS
from assistant.calculator.result import Result, json_safe
from assistant.calculator.rounds import RoundChoice, choose_round
from assistant.calculator.rules_common import missing_of
from assistant.calculator.ruleset import RuleSet
from assistant.calculator.schema import RulesFile
from assistant.calculator.slots import missing_question, parse_slots


def _today(today: date | None) -> date:
    if today is not None:
        return today
    from assistant.settings import get_settings

    return get_settings().effective_today()


def _not_handled(programme: str, intent: str, message: str) -> Result:
    return Result(programme=programme, intent=intent, applicable=False, conclusion=message, explanation=message)


def _rules_file(programme: str, corpus_dir: Path | None, rules_file: Path | None) -> Path:
    if rules_file is not None:
        return rules_file
    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    return Path(corpus_dir) / programme / RULES_FILE_NAME


def round_note(choice: RoundChoice, several: bool) -> str:
    """「第1回公募要領の値で計算しています」, and why that round when the programme has several."""
    why = {"named": "ご質問の公募回である", "open": "現在受付中の", "latest": "最新の"}[choice.reason] if several else ""
    return f"{why}{choice.round.name}公募要領の値で計算しています。"


def calculate(
    programme: str,
    intent: str,
    slots: dict[str, Any] | None,
    today: date | None = None,
    corpus_dir: Path | None = None,
    rules_file: Path | None = None,
    question: str | None = None,
    round_name: str | None = None,
) -> Result:
    """Run one intent's rules for a programme with the user's slots; see Result for the fields.

    The round is `round_name`, else one the question names (「第2回では」), else the one open on today,
    else the latest.
    """
    file = _rules_file(programme, corpus_dir, rules_file)
    if not file.is_file():
        return _not_handled(programme, intent, "この制度には計算ルールがありません。")
    rules, file_hash = load_checked(file)
    if intent not in INTENTS:
        return _not_handled(programme, intent, f"「{intent}」という計算はできません。")
    if intent not in rules.calculations:
        return _not_handled(programme, intent, rules.not_applicable.get(
            intent, f"{rules.official_name}の資料には、この計算({INTENTS[intent]})のルールがありません。"))
    day = _today(today)
    choice = choose_round(rules, day, question, round_name)
    ruleset = RuleSet(rules, choice.round, file_hash)
    calc = rules.calculations[intent]
    kind = kind_of(calc)
    clean, invalid = parse_slots(slots or {}, kind.slots(ruleset, calc))
    base = _provenance(Result(programme=rules.programme, intent=intent, labels=dict(rules.labels)), ruleset,
                       choice, clean)
    if invalid:
        return _invalid(base, invalid)
    outcome = kind.run(ruleset, calc, clean, day)
    if outcome.invalid:
        return _invalid(base, outcome.invalid)
    several = len(rules.rounds) > 1
    conclusion = outcome.conclusion
    if several and calc.kind != "schedule" and conclusion.endswith("。"):  # the schedule names its rounds
        conclusion = conclusion[:-1] + f"({choice.round.name}公募要領の値)。"
    base.eligible = outcome.eligible
    base.amount = outcome.amount
    base.failed_conditions = [step.failure for step in outcome.steps if step.passed is False and step.failure]
    base.missing_inputs = missing_of(outcome.steps) if outcome.eligible is None else []
    base.trace = outcome.steps
    base.conclusion = conclusion
    base.calculation_line = outcome.calculation_line
    base.missing_question = missing_question(base.missing_inputs, rules.labels)
    notes = [*outcome.notes, round_note(choice, several)]
    base.explanation = compose(conclusion, outcome.calculation_line, notes, base.citations)
    return base


def _provenance(result: Result, ruleset: RuleSet, choice: RoundChoice, inputs: dict[str, Any]) -> Result:
    p = ruleset.provenance
    result.round, result.round_reason, result.ruleset_version = p.round, choice.reason, p.version
    result.effective_from, result.effective_until = p.effective_from, p.effective_until
    given = {k: v for k, v in json_safe(inputs).items() if v is not None}
    result.determination_id = p.determination_id({"intent": result.intent, **given})
    return result


def _invalid(result: Result, invalid: list[dict[str, Any]]) -> Result:
    result.invalid_inputs = invalid
    result.conclusion = "入力内容に確認が必要なため、計算できませんでした。"
    result.explanation = "\n".join([result.conclusion, *(str(item["message"]) for item in invalid)])
    return result


def intents_of(rules: RulesFile) -> tuple[str, ...]:
    return tuple(rules.calculations)


__all__ = ["RulesError", "calculate", "intents_of", "round_note"]
