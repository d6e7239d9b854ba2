"""Which programmes can be calculated: a programme has a calculator when its folder holds a valid rules file.
Everything else about a programme is answered from its passages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.calculator.kinds import kind_of
from assistant.calculator.loader import RulesError, load_checked
from assistant.calculator.rounds import ordered
from assistant.calculator.ruleset import RuleSet
from assistant.programmes import Programme


@dataclass(frozen=True)
class Calculator:
    """A programme's calculator: the intents its rules compute and the inputs each reads."""

    programme: str
    rules_file: Path
    handlers: dict[str, tuple[str, ...]]  # intent -> the inputs its rule kind reads


def rules_problem(programme: Programme) -> str | None:
    """Why a programme's rules file cannot be used (file, key and reason), or None when it can or has none."""
    file = programme.rules_file
    if file is None:
        return None
    try:
        rules, _ = load_checked(file)
    except RulesError as error:
        return f"{error}(この制度は計算ルールを使わず、本文から回答します)"
    if rules.programme != programme.id:
        return (f"{file}: programme: 「{rules.programme}」と書かれていますが、同じフォルダの文書は"
                f"「{programme.official_name}」です")
    if not rules.calculations:
        return f"{file}: calculations: 計算の組み立てが書かれていないため、本文から回答します"
    return None


def tables_problem(programme: Programme) -> str | None:
    """Why the programme's tests.yaml fails (its cases run against its rules), or None; reported at ingest."""
    from assistant.calculator.rules_cli import check_folder
    from assistant.calculator.tables import TESTS_FILE_NAME

    file = programme.rules_file
    if file is None or not (file.parent / TESTS_FILE_NAME).is_file() or rules_problem(programme):
        return None
    problems = check_folder(file.parent)
    return "; ".join(problems) if problems else None


def calculator_of(file: Path) -> Calculator:
    """The calculator a valid rules file describes (inputs taken from its latest round)."""
    rules, file_hash = load_checked(file)
    ruleset = RuleSet(rules, ordered(rules)[-1], file_hash)
    handlers = {intent: kind_of(calc).slots(ruleset, calc) for intent, calc in rules.calculations.items()}
    return Calculator(rules.programme, file, handlers)


def calculator_for(programme: Programme | None) -> Calculator | None:
    """The calculator of a programme, or None when it has none (or its rules file is broken)."""
    if programme is None or programme.rules_file is None or rules_problem(programme) is not None:
        return None
    return calculator_of(programme.rules_file)


def handles(spec: Calculator, intent: str) -> bool:
    return intent in spec.handlers


def uses_slots(spec: Calculator) -> frozenset[str]:
    """Every input any of the programme's calculations reads."""
    return frozenset(name for names in spec.handlers.values() for name in names)

