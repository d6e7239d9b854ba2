"""Which programmes can be calculated: a programme has a calculator when its folder holds a valid rules file
whose rules the calculator knows. Everything else about a programme is answered from its passages.
"""

from __future__ import annotations

from assistant.calculator.loader import RulesError, load_rules
from assistant.calculator.registry import PROGRAMMES, ProgrammeRules
from assistant.programmes import Programme


def rules_problem(programme: Programme) -> str | None:
    """Why a programme's rules file cannot be used (file, key and reason), or None when it can or has none."""
    file = programme.rules_file
    if file is None:
        return None
    try:
        rules = load_rules(file)
    except RulesError as error:
        return f"{error}(この制度は計算ルールを使わず、本文から回答します)"
    if rules.programme != programme.id:
        return (f"{file}: programme: 「{rules.programme}」と書かれていますが、同じフォルダの文書は"
                f"「{programme.official_name}」です")
    if programme.id not in PROGRAMMES:
        return f"{file}: この制度の計算の組み立てがまだ用意されていないため、本文から回答します"
    return None


def calculator_for(programme: Programme | None) -> ProgrammeRules | None:
    """The calculator of a programme, or None when it has none (or its rules file is broken)."""
    if programme is None or programme.rules_file is None or rules_problem(programme) is not None:
        return None
    return PROGRAMMES[programme.id]


def handles(spec: ProgrammeRules, intent: str) -> bool:
    return intent in spec.handlers


def uses_slots(spec: ProgrammeRules) -> frozenset[str]:
    """Every input any of the programme's calculations reads."""
    return frozenset(name for names, _ in spec.handlers.values() for name in names)
