"""The shape of corpus/<programme>/rules.yaml (pydantic, unknown keys forbidden).

Parameters are data beside the law (OpenFisca/Catala): each parameter's values are keyed by call round
(公募回), every value carries the document, heading and verbatim quote it comes from, and band bounds
(以上/以下/超/未満) are data, never an implied `<=`. The rules themselves are generic kinds
(assistant/calculator/kinds) that a programme composes under `calculations`.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.calculator.result import Citation, CitedValue

Unit = Literal["yen", "persons", "organisations", "percent", "ratio", "date", "datetime", "text", "list"]
Bound = Literal["以上", "以下", "超", "未満"]
LowerBound = Literal["以上", "超"]
UpperBound = Literal["以下", "未満"]
Scalar = bool | int | float | datetime | date | list[str] | str


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceModel(Strict):
    doc: str = Field(min_length=1, description="Title of the corpus document (its front matter title).")
    heading: str = Field(min_length=1, description="Heading the quote sits under; ' > ' joins a path.")
    quote: str = Field(min_length=1, description="Verbatim phrase of the corpus text that states the value.")
    page: int | None = Field(default=None, description="Page of the source, where it has pages.")

    def citation(self) -> Citation:
        return Citation(doc=self.doc, heading=self.heading, quote=self.quote, page=self.page)


_UNIT_TYPES: dict[str, tuple[type, ...]] = {
    "yen": (int,), "persons": (int,), "organisations": (int,), "percent": (int, float), "ratio": (str,),
    "datetime": (datetime,), "date": (date,), "text": (str,), "list": (list,),
}


def check_unit(value: object, unit: str) -> None:
    """Raise ValueError when a value cannot be read in its unit (a 1,500万円 string for yen, say)."""
    if isinstance(value, bool) or not isinstance(value, _UNIT_TYPES[unit]):
        raise ValueError(f"value {value!r} does not fit unit {unit!r}")
    if unit == "ratio":
        parse_ratio(str(value))


class Cited(Strict):
    """One value as a rule reads it: value, unit, optional bound and its source (a round already chosen)."""

    value: Scalar
    unit: Unit
    bound: Bound | None = None
    source: SourceModel
    note: str | None = Field(default=None, description="Our reading, where the text needs one.")

    @model_validator(mode="after")
    def _value_matches_unit(self) -> Cited:
        check_unit(self.value, self.unit)
        return self

    @property
    def ratio(self) -> Fraction:
        return parse_ratio(str(self.value))

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
        assert isinstance(self.value, list), self.value
        return self.value

    def cited(self, name: str) -> CitedValue:
        return CitedValue(name=name, value=self.value, unit=self.unit, source=self.source.citation(),
                          bound=self.bound)


def parse_ratio(text: str) -> Fraction:
    numerator, sep, denominator = text.partition("/")
    if not sep or not numerator.strip().isdigit() or not denominator.strip().isdigit():
        raise ValueError(f"ratio {text!r} must be written 'a/b', e.g. '1/2'")
    if int(denominator) == 0:
        raise ValueError(f"ratio {text!r} has a zero denominator")
    return Fraction(int(numerator), int(denominator))


class Band(Strict):
    """One row of a band table over a numeric input, e.g. 21人以上 50人以下 -> 4,000万円."""

    lower: int | None = None
    lower_bound: LowerBound | None = None
    upper: int | None = None
    upper_bound: UpperBound | None = None
    value: int | str
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
        """e.g. '21人以上50人以下' with unit='人' (円 writes the bound as an amount: 1,000万円以上)."""
        parts = []
        if self.lower is not None:
            parts.append(f"{written_number(self.lower, unit)}{self.lower_bound}")
        if self.upper is not None:
            parts.append(f"{written_number(self.upper, unit)}{self.upper_bound}")
        return "".join(parts) or "全体"


def written_number(value: int, unit: str) -> str:
    from assistant.calculator.money import format_yen

    return format_yen(value) if unit == "円" else f"{value}{unit}"


class BandTable(Strict):
    """Bands over one numeric input that cover 0 upwards with no gap and no overlap."""

    variable: str
    variable_unit: str = "人"
    unit: Unit
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> BandTable:
        for band in self.bands:
            check_unit(band.value, self.unit)
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


class DatedValue(Strict):
    """A parameter's value for one call round: a cited scalar, or a band table (each band cited)."""

    value: Scalar | None = None
    bands: list[Band] | None = None
    source: SourceModel | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> DatedValue:
        if (self.value is None) == (self.bands is None):
            raise ValueError("give either value (with its source) or bands, not both or neither")
        if self.value is not None and self.source is None:
            raise ValueError("a value needs its source (doc, heading, quote)")
        if self.bands is not None and self.source is not None:
            raise ValueError("each band carries its own source; remove the source beside bands")
        return self


class Parameter(Strict):
    """One legal parameter with its values per call round (a round's value holds until a later round's)."""

    unit: Unit
    bound: Bound | None = None
    by: str | None = Field(default=None, description="The numeric input band values are looked up by.")
    by_unit: str = Field(default="人", description="How band bounds are written in the text: 人, 者, 円.")
    values: dict[str, DatedValue] = Field(min_length=1, description="Call round name -> value.")

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        for value in self.values.values():
            if value.bands is not None:
                if self.by is None:
                    raise ValueError("a banded value needs `by`, the input it is looked up by")
                BandTable(variable=self.by, variable_unit=self.by_unit, unit=self.unit, bands=value.bands)
            else:
                check_unit(value.value, self.unit)
        return self


class CallRound(Strict):
    """A call round (公募回): its opening and deadline (cited) and the period its values apply to."""

    name: str = Field(min_length=1)
    start: Cited | None = Field(default=None, description="受付開始, when the text gives it.")
    deadline: Cited
    effective_from: date | None = Field(default=None, description="First day this round's values apply.")
    as_of: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> CallRound:
        for key in ("start", "deadline"):
            item = getattr(self, key)
            if item is not None and item.unit not in ("date", "datetime"):
                raise ValueError(f"{key} must have unit date or datetime")
        return self


class SmeRow(Strict):
    """中小企業の定義 for some industries: capital OR regular employees at or below the thresholds."""

    industries: list[str] = Field(min_length=1)
    capital: Cited
    employees: Cited
    note: str | None = Field(default=None, description="Why these industries use this row (our words).")
    basis: SourceModel | None = Field(default=None, description="Sentence behind the note, e.g. an exclusion.")


# ---- composition: rule kinds named per programme --------------------------------------------------

class ClassChoice(Strict):
    """One class of a table keyed by an input (a 枠, 小規模/中小, 赤字, or a yes/no such as 特例を使う)."""

    label: str
    match: bool | str = Field(description="The input value that selects this class.")
    parameter: str
    condition: str | None = Field(default=None, description="How the text says it: 大幅賃上げ特例を使う場合.")


class Uplift(Strict):
    """An amount added to the cap when a yes/no input is true (インボイス特例 +50万円)."""

    label: str
    slot: str
    parameter: str


class Selection(Strict):
    """A value fixed by one parameter, or chosen by class from an input, with a default class."""

    parameter: str | None = None
    class_slot: str | None = None
    classes: list[ClassChoice] = Field(default_factory=list)
    default: str | None = Field(default=None, description="Label of the class used when the input is not given.")
    per: str | None = Field(default=None, description="What the value is per, e.g. 1件あたり.")

    @model_validator(mode="after")
    def _one_form(self) -> Selection:
        if (self.parameter is None) == (not self.classes):
            raise ValueError("give either parameter or class_slot with classes")
        if self.classes and self.class_slot is None:
            raise ValueError("classes need class_slot, the input that chooses among them")
        labels = [c.label for c in self.classes]
        if self.default is not None and self.default not in labels:
            raise ValueError(f"default {self.default!r} is not one of the classes {labels}")
        return self


class CapRule(Selection):
    uplifts: list[Uplift] = Field(default_factory=list)


class SubsidyCalc(Strict):
    """補助額 = min(補助上限額, 補助対象経費 × 補助率), with a minimum spend and an SME check if given."""

    kind: Literal["subsidy"]
    spend: str = "investment"
    spend_label: str = "補助対象経費"
    minimum: str | None = None
    minimum_label: str = "補助対象経費の下限"
    cap: str
    rate: str
    rounding: str
    sme: bool = False
    self_burden: bool = False


class CapCalc(Strict):
    kind: Literal["cap"]
    cap: str
    rate: str | None = Field(default=None, description="Rate stated beside the cap (補助率は1/2以内).")


class SelfBurdenCalc(Strict):
    """最低投資額と自己負担: the minimum spend, and spend − subsidy for a given spend."""

    kind: Literal["self_burden"]
    spend: str = "investment"
    spend_label: str = "投資額"
    minimum: str
    minimum_label: str = "補助対象経費の下限"
    cap: str
    rate: str
    rounding: str


class SmeCalc(Strict):
    kind: Literal["sme"]


class Condition(Strict):
    """A threshold condition on one numeric input (給与支給総額の年平均成長率 2.5%以上)."""

    slot: str
    parameter: str
    label: str = Field(description="What is measured: 給与支給総額の年平均成長率.")
    describe: str = Field(description="The rule in words with {value}: 事業場内最低賃金が地域別最低賃金+{value}.")


class ConditionClass(Strict):
    label: str
    match: bool | str
    conditions: list[Condition] = Field(min_length=1)


class ThresholdsCalc(Strict):
    kind: Literal["thresholds"]
    subject: str = Field(description="What the conditions are together: 賃上げ要件.")
    class_slot: str
    classes: list[ConditionClass] = Field(min_length=1)
    default: str


class Exemption(Strict):
    """A case in which no repayment is due: every listed yes/no input has the given value."""

    reason: str
    when: dict[str, bool] = Field(min_length=1)
    parameter: str


class RepaymentCalc(Strict):
    """返還額 = 補助金額 × (1 − 実績 ÷ 目標), clamped to [0, 補助金額], with exemptions."""

    kind: Literal["proportional_repayment"]
    subject: str = Field(description="The target repaid against: 給与支給総額.")
    basis: str
    rounding: str
    exemptions: list[Exemption] = Field(default_factory=list)
    extra_target: str | None = Field(default=None, description="A second target whose miss is also repaid.")
    extra_target_slot: str | None = None
    no_repayment: str | None = Field(default=None, description="A target whose miss alone is not repaid.")
    no_repayment_slot: str | None = None


class ConsortiumCalc(Strict):
    """連携体: no single applicant, a minimum of core members, a strict majority, forbidden compositions."""

    kind: Literal["consortium"]
    core_types: str
    non_core_allowed: str | None = None
    min_core: str
    majority: str
    single: str | None = None
    forbidden: list[FlagRule] = Field(default_factory=list)


class FlagRule(Strict):
    """A yes/no input that must (or must not) hold: 同一グループのみは不可, 役割分担は書面で."""

    slot: str
    parameter: str
    label: str
    required: bool = Field(description="The value the input must have to pass.")
    failure: str


class ScheduleCalc(Strict):
    kind: Literal["schedule"]
    implementation_period: str | None = None


Calculation = Annotated[
    SubsidyCalc | CapCalc | SelfBurdenCalc | SmeCalc | ThresholdsCalc | RepaymentCalc | ConsortiumCalc
    | ScheduleCalc,
    Field(discriminator="kind"),
]


class RulesFile(Strict):
    """A whole rules.yaml; references between its parts are checked by the loader."""

    programme: str
    official_name: str
    as_of: date | None = None
    labels: dict[str, str] = Field(default_factory=dict, description="How this programme words an input.")
    rounds: list[CallRound] = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    sme_thresholds: list[SmeRow] = Field(default_factory=list)
    caps: dict[str, CapRule] = Field(default_factory=dict)
    rates: dict[str, Selection] = Field(default_factory=dict)
    calculations: dict[str, Calculation] = Field(default_factory=dict)
    not_applicable: dict[str, str] = Field(default_factory=dict)

    def round_names(self) -> list[str]:
        return [r.name for r in self.rounds]

    def sme_row(self, industry: str) -> SmeRow | None:
        return next((row for row in self.sme_thresholds if industry in row.industries), None)


ConsortiumCalc.model_rebuild()
