"""A programme's rules as one round sees them: each parameter resolved to that round's cited value.

A value keyed by a round holds from that round on until a later round gives a new one (OpenFisca's
dated parameters), so a new round's file states only what changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.calculator.rounds import closes_on, opens_on, ordered
from assistant.calculator.schema import BandTable, CallRound, Cited, DatedValue, RulesFile
from assistant.calculator.slots import SLOTS


@dataclass(frozen=True)
class Provenance:
    """Which rules produced a figure: programme + round + file hash, and the dates they apply to."""

    programme: str
    round: str
    file_hash: str
    effective_from: date | None
    effective_until: date

    @property
    def version(self) -> str:
        return f"{self.programme}/{self.round}/{self.file_hash[:12]}"

    def determination_id(self, inputs: dict[str, Any]) -> str:
        """Hash of the inputs and the ruleset version: the same case under the same rules, the same id."""
        payload = json.dumps({"inputs": inputs, "version": self.version}, sort_keys=True, ensure_ascii=False,
                             default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class RuleSet:
    """The rules file seen from one round; `p` and `table` read that round's values."""

    def __init__(self, rules: RulesFile, call: CallRound, file_hash: str) -> None:
        self.rules = rules
        self.round = call
        names = [r.name for r in ordered(rules)]
        self._visible = names[: names.index(call.name) + 1]
        self.provenance = Provenance(rules.programme, call.name, file_hash, opens_on(call), closes_on(call))

    def _dated(self, name: str) -> DatedValue:
        parameter = self.rules.parameters[name]
        for round_name in reversed(self._visible):
            if round_name in parameter.values:
                return parameter.values[round_name]
        raise KeyError(f"parameter {name!r} has no value for {self.round.name} or an earlier round")

    def has(self, name: str) -> bool:
        if name not in self.rules.parameters:
            return False
        try:
            self._dated(name)
        except KeyError:
            return False
        return True

    def is_banded(self, name: str) -> bool:
        return self._dated(name).bands is not None

    def p(self, name: str) -> Cited:
        parameter, dated = self.rules.parameters[name], self._dated(name)
        assert dated.value is not None and dated.source is not None, name
        return Cited(value=dated.value, unit=parameter.unit, bound=parameter.bound, source=dated.source,
                     note=dated.note)

    def table(self, name: str) -> BandTable:
        parameter, dated = self.rules.parameters[name], self._dated(name)
        assert dated.bands is not None and parameter.by is not None, name
        return BandTable(variable=parameter.by, variable_unit=parameter.by_unit, unit=parameter.unit,
                         bands=dated.bands)

    def label(self, slot: str) -> str:
        """How this programme words an input (its labels), else the shared vocabulary's label."""
        return self.rules.labels.get(slot) or SLOTS[slot].label
