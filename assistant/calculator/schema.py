"""The shape of corpus/<programme>/rules.yaml (pydantic, unknown keys forbidden).

Parameters are data beside the law (OpenFisca/Catala): every value carries the document, heading
and verbatim quote it comes from; band bounds (以上/以下/超/未満) are data, never an implied `<=`.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.calculator.result import Citation, CitedValue

Unit = Literal["yen", "persons", "organisations", "percent", "ratio", "date", "datetime", "text", "list"]
Bound = Literal["以上", "以下", "超", "未満"]
LowerBound = Literal["以上", "超"]
UpperBound = Literal["以下", "未満"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceModel(Strict):
    doc: str = Field(min_length=1, description="Title of the corpus document (its front matter title).")
    heading: str = Field(min_length=1, description="Heading the quote sits under; ' > ' joins a path.")
    quote: str = Field(min_length=1, description="Verbatim phrase of the corpus text that states the value.")

    def citation(self) -> Citation:
        return Citation(doc=self.doc, heading=self.heading, quote=self.quote)


class Parameter(Strict):
    """One legal parameter: value, unit, optional bound and its source."""

    value: bool | int | float | datetime | date | list[str] | str
    unit: Unit
    bound: Bound | None = None
    source: SourceModel
    note: str | None = Field(default=None, description="Our reading, where the text needs one.")

    @model_validator(mode="after")
    def _value_matches_unit(self) -> Parameter:
        expected: dict[str, tuple[type, ...]] = {
            "yen": (int,),
            "persons": (int,),
            "organisations": (int,),
            "percent": (int, float),
            "ratio": (str,),
            "datetime": (datetime,),
            "date": (date,),
            "text": (str,),
            "list": (list,),
        }
        if isinstance(self.value, bool) or not isinstance(self.value, expected[self.unit]):
            raise ValueError(f"value {self.value!r} does not fit unit {self.unit!r}")
        if self.unit == "ratio":
            _parse_ratio(str(self.value))
        return self

    @property
    def ratio(self) -> Fraction:
        return _parse_ratio(str(self.value))

    @property
    def integer(self) -> int:
        """The value of a yen/persons/organisations parameter (the validator guarantees an int)."""
        assert isinstance(self.value, int) and not isinstance(self.value, bool), self.value
        return self.value

    @property
    def number(self) -> float:
        """The value of a percent parameter."""
        assert isinstance(self.value, int | float) and not isinstance(self.value, bool), self.value
        return float(self.value)

    @property
    def items(self) -> list[str]:
        """The value of a list parameter."""
        assert isinstance(self.value, list), self.value
        return self.value

    def cited(self, name: str) -> CitedValue:
        return CitedValue(name=name, value=self.value, unit=self.unit, source=self.source.citation(),
                          bound=self.bound)


def _parse_ratio(text: str) -> Fraction:
    numerator, sep, denominator = text.partition("/")
    if not sep or not numerator.strip().isdigit() or not denominator.strip().isdigit():
        raise ValueError(f"ratio {text!r} must be written 'a/b', e.g. '1/2'")
    if int(denominator) == 0:
        raise ValueError(f"ratio {text!r} has a zero denominator")
    return Fraction(int(numerator), int(denominator))


class Band(Strict):
    """One row of a band table over an integer variable, e.g. 21人以上 50人以下 -> 4,000万円."""

    lower: int | None = None
    lower_bound: LowerBound | None = None
    upper: int | None = None
    upper_bound: UpperBound | None = None
    value: int
    source: SourceModel

    @model_validator(mode="after")
    def _bounds_paired(self) -> Band:
        if (self.lower is None) != (self.lower_bound is None):
            raise ValueError("lower and lower_bound must be given together (or both left out)")
        if (self.upper is None) != (self.upper_bound is None):
            raise ValueError("upper and upper_bound must be given together (or both left out)")
        low, high = self.interval
        if low is not None and high is not None and low > high:
            raise ValueError(f"band {self.describe()} is empty")
        return self

    @property
    def interval(self) -> tuple[int | None, int | None]:
        """Closed integer interval [low, high]; None = unbounded (超 x -> x+1, 未満 x -> x-1)."""
        low = None if self.lower is None else self.lower + (1 if self.lower_bound == "超" else 0)
        high = None if self.upper is None else self.upper - (1 if self.upper_bound == "未満" else 0)
        return low, high

    def contains(self, x: int) -> bool:
        low, high = self.interval
        return (low is None or x >= low) and (high is None or x <= high)

    def describe(self, unit: str = "") -> str:
        """e.g. '21人以上50人以下' with unit='人'."""
        parts = []
        if self.lower is not None:
            parts.append(f"{self.lower}{unit}{self.lower_bound}")
        if self.upper is not None:
            parts.append(f"{self.upper}{unit}{self.upper_bound}")
        return "".join(parts) or "全体"


class BandTable(Strict):
    """Bands over one slot (e.g. employees) that must cover 0 upwards with no gap and no overlap."""

    variable: Literal["employees"]  # bounds are written in 人 (checked against the quotes)
    unit: Unit
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> BandTable:
        ordered = sorted(self.bands, key=lambda b: -(10**30) if b.interval[0] is None else b.interval[0])
        first_low = ordered[0].interval[0]
        if first_low is not None and first_low > 0:
            raise ValueError(f"gap: no band covers values below {ordered[0].describe()}")
        for before, after in zip(ordered, ordered[1:], strict=False):
            high, low = before.interval[1], after.interval[0]
            if high is None or low is None or low <= high:
                raise ValueError(f"overlap between bands {before.describe()} and {after.describe()}")
            if low > high + 1:
                raise ValueError(f"gap between bands {before.describe()} and {after.describe()}")
        if ordered[-1].interval[1] is not None:
            raise ValueError(f"gap: no band covers values above {ordered[-1].describe()}")
        return self

    def find(self, x: int) -> Band:
        return next(band for band in self.bands if band.contains(x))


class SmeRow(Strict):
    """中小企業の定義 for some industries: capital OR regular employees at or below the thresholds."""

    industries: list[str] = Field(min_length=1)
    capital: Parameter
    employees: Parameter
    note: str | None = Field(default=None, description="Why these industries use this row (our words).")
    basis: SourceModel | None = Field(default=None, description="Sentence behind the note, e.g. an exclusion.")


class CallRound(Strict):
    """A call round (公募回) with its deadline and, when known, its opening."""

    round: str
    start: Parameter | None = None
    deadline: Parameter


class Schedule(Strict):
    rounds: list[CallRound] = Field(min_length=1)
    implementation_period: Parameter


class RulesFile(Strict):
    """A whole rules.yaml; which names must be present is checked per programme by the loader."""

    programme: str
    official_name: str
    call_round: str = Field(description="公募回 or 年度 the parameters were read from.")
    as_of: date | None = None
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    bands: dict[str, BandTable] = Field(default_factory=dict)
    sme_thresholds: list[SmeRow] = Field(default_factory=list)
    schedule: Schedule

    def p(self, name: str) -> Parameter:
        return self.parameters[name]

    def sme_row(self, industry: str) -> SmeRow | None:
        return next((row for row in self.sme_thresholds if industry in row.industries), None)
