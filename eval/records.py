"""What running one Q&A item produced: each turn's answer, its latency and the failed checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.types import Answer
from eval.dataset import QAItem


@dataclass
class TurnRecord:
    question: str
    answer: Answer
    seconds: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class ItemRecord:
    item: QAItem
    turns: list[TurnRecord]

    @property
    def final(self) -> Answer:
        return self.turns[-1].answer

    @property
    def reasons(self) -> list[str]:
        """Every failed check; those of earlier turns say which turn."""
        last = len(self.turns) - 1
        return [
            reason if index == last else f"turn {index + 1}: {reason}"
            for index, turn in enumerate(self.turns)
            for reason in turn.reasons
        ]

    @property
    def passed(self) -> bool:
        return not self.reasons
