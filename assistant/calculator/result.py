"""What a calculation returns: a verdict, an amount and a trace of cited steps (JSON-safe via to_dict)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Citation:
    """Where a parameter is written: document title, heading, and the verbatim quoted phrase."""

    doc: str
    heading: str
    quote: str
    page: int | None = None  # where the source has pages (a PDF)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"doc": self.doc, "heading": self.heading, "quote": self.quote}
        if self.page is not None:
            data["page"] = self.page
        return data


@dataclass(frozen=True)
class CitedValue:
    """One parameter as a rule used it: its name, value, unit, band bound (以上/以下/超/未満) and source."""

    name: str
    value: Any
    unit: str
    source: Citation
    bound: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "value": json_safe(self.value),
            "unit": self.unit,
            "source": self.source.to_dict(),
        }
        if self.bound:
            data["bound"] = self.bound
        return data


@dataclass(frozen=True)
class TraceStep:
    """One rule applied: its inputs, the parameters it read (with sources) and what it concluded.

    passed is the step's verdict (None = could not decide); failure says in Japanese what failed and
    missing names the slots it lacked, so the engine can derive the overall verdict and questions.
    """

    rule: str
    label: str
    inputs: dict[str, Any]
    parameters: tuple[CitedValue, ...]
    result: Any
    passed: bool | None = None
    failure: str | None = None
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label,
            "inputs": json_safe(self.inputs),
            "parameters": [p.to_dict() for p in self.parameters],
            "result": json_safe(self.result),
            "passed": self.passed,
        }


@dataclass
class Result:
    """Outcome of calculate(); `amount` is the yen figure the conclusion states (subsidy, cap, repayment...).

    eligible: True when the case passes the intent's check (subsidy obtainable, requirement met, call
    open, no repayment owed), False when a condition fails, None when inputs are missing or invalid
    or the intent does not apply to the programme (applicable=False).
    """

    programme: str
    intent: str
    eligible: bool | None = None
    amount: int | None = None
    failed_conditions: list[str] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    invalid_inputs: list[dict[str, Any]] = field(default_factory=list)
    trace: list[TraceStep] = field(default_factory=list)
    conclusion: str = ""
    calculation_line: str | None = None
    explanation: str = ""
    missing_question: str | None = None
    applicable: bool = True
    round: str | None = None  # the call round (公募回) whose values were used
    round_reason: str | None = None  # named (in the question) / open (on today) / latest
    ruleset_version: str | None = None  # programme/round/file hash
    effective_from: date | None = None
    effective_until: date | None = None
    determination_id: str | None = None  # hash of the inputs and the ruleset version
    labels: dict[str, str] = field(default_factory=dict)  # how this programme words the inputs

    @property
    def citations(self) -> list[Citation]:
        """Every distinct source the trace used, in order of first use."""
        seen: dict[Citation, None] = {}
        for step in self.trace:
            for parameter in step.parameters:
                seen.setdefault(parameter.source, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "programme": self.programme,
            "intent": self.intent,
            "applicable": self.applicable,
            "eligible": self.eligible,
            "amount": self.amount,
            "failed_conditions": list(self.failed_conditions),
            "missing_inputs": list(self.missing_inputs),
            "invalid_inputs": json_safe(self.invalid_inputs),
            "trace": [step.to_dict() for step in self.trace],
            "conclusion": self.conclusion,
            "calculation_line": self.calculation_line,
            "explanation": self.explanation,
            "missing_question": self.missing_question,
            "round": self.round,
            "round_reason": self.round_reason,
            "ruleset_version": self.ruleset_version,
            "effective_from": json_safe(self.effective_from),
            "effective_until": json_safe(self.effective_until),
            "determination_id": self.determination_id,
            "labels": dict(self.labels),
        }


def json_safe(value: Any) -> Any:
    """Dates to ISO strings, fractions to 'a/b', containers recursively; everything else unchanged."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # strict JSON has no NaN/Infinity (a user's bad input can be one)
    if value is None or isinstance(value, str | int | float):
        return value
    return repr(value)  # anything else a caller put in a slot, shown rather than crashing json.dumps
