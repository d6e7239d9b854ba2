"""Shared value types passed between retrieval, calculator, engine and the front ends (CLI, UI, eval)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk with where it comes from; score is the retriever's (fused) score."""

    node_id: str
    text: str
    programme: str
    doc: str  # document title (front matter title, else file name)
    section: str  # heading path, " > " joined, e.g. "補助金額 > 従業員規模別の補助上限額"
    source: str  # path of the source file, relative to the ingested root when possible
    page: int | None
    score: float


@dataclass(frozen=True)
class Source:
    """A citation shown with an answer: document, heading, the quoted sentence(s), and the score."""

    doc: str
    section: str
    text: str
    score: float


@dataclass
class Answer:
    """The CLI/UI/eval contract: {answer, found, programme, calculation|null, sources, follow_up|null}."""

    answer: str
    found: bool
    programme: str | None
    calculation: dict[str, Any] | None = None
    sources: list[Source] = field(default_factory=list)
    follow_up: str | None = None
    programme_name: str | None = None  # the official name of `programme`, for people (ids are for code)
    # Whole retrieved passages behind `sources`, for the UI's side elements; not part of the JSON contract.
    passages: list[Passage] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract only (no passages)."""
        data = asdict(self)
        data.pop("passages")
        return data
