"""Load and check corpus/<programme>/rules.yaml; any problem fails loudly naming the file, the key and why.

Checked (Catala's stance: an ambiguous rule is an error, not a guess): the schema (unknown keys, a value
without a source, band gaps/overlaps), rounds (a value keyed by an undefined round, overlapping periods),
references between parts (a cap naming no parameter, an input nobody can give), that each number is
written in its own quote (4,000万円, 21人以上), and that every quote is in the cited document under the
cited heading.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assistant.calculator.corpus_text import read_documents, squash
from assistant.calculator.money import format_date, format_percent, format_ratio, format_yen
from assistant.calculator.registry import INTENTS
from assistant.calculator.rounds import closes_on, opens_on, ordered
from assistant.calculator.rules_common import SUPPORTED_ROUNDING
from assistant.calculator.schema import (
    Band,
    Cited,
    ConsortiumCalc,
    DatedValue,
    Parameter,
    RepaymentCalc,
    RulesFile,
    SmeCalc,
    SourceModel,
    SubsidyCalc,
    parse_ratio,
    written_number,
)
from assistant.calculator.slots import INDUSTRIES, MEMBER_TYPES, SLOTS

RULES_FILE_NAME = "rules.yaml"
# Fields of the composition that name a parameter, and fields that name an input (slot).
PARAMETER_FIELDS = frozenset({"parameter", "minimum", "rounding", "basis", "core_types", "non_core_allowed",
                              "min_core", "majority", "single", "no_repayment", "implementation_period"})
SLOT_FIELDS = frozenset({"slot", "class_slot", "spend", "extra_target_slot", "no_repayment_slot"})


class RulesError(ValueError):
    """A rules file that cannot be trusted; the message names the file and the key."""


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every model, mapping and list item of the parsed file with its key path."""
    yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _walk(value, (*path, name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def check_quotes(rules: RulesFile, folder: Path, file: Path) -> None:
    """Each quote must appear verbatim (whitespace runs collapsed) under its heading in the cited document."""
    documents = read_documents(folder)
    for path, source in _walk(rules):
        if not isinstance(source, SourceModel):
            continue
        key = _key(path)
        document = documents.get(source.doc)
        if document is None:
            raise RulesError(f"{file}: {key}.doc: no corpus document titled 「{source.doc}」 in {folder} "
                             f"(titles: {sorted(documents)})")
        if not document.sections_named(source.heading):
            raise RulesError(f"{file}: {key}.heading: no heading 「{source.heading}」 in {document.path.name}")
        if not document.quote_under(source.heading, source.quote):
            raise RulesError(f"{file}: {key}.quote: 「{source.quote}」 is not in {document.path.name} "
                             f"under 「{source.heading}」")


def _written(value: Any, unit: str) -> str | None:
    """How the text writes a value (4,000万円, 300人, 2.5%, 1/2, 2025年7月10日18時); None for text/lists."""
    if unit == "yen":
        return format_yen(int(value))
    if unit == "persons":
        return f"{value}人"
    if unit == "organisations":
        return f"{value}者"
    if unit == "percent":
        return format_percent(float(value))
    if unit == "ratio":
        return format_ratio(parse_ratio(str(value)))
    if unit in ("date", "datetime"):
        return format_date(value)
    return None


def _values_with_quotes(rules: RulesFile) -> Iterator[tuple[str, list[str], SourceModel]]:
    """(key, how each number is written, source) for every cited number of the file."""
    for path, node in _walk(rules):
        key = _key(path)
        if isinstance(node, Cited):
            text = _written(node.value, node.unit)
            yield key, [text] if text else [], node.source
        elif isinstance(node, Parameter):
            for round_name, dated in node.values.items():
                yield from _dated_quotes(f"{key}.values.{round_name}", node, dated)


def _dated_quotes(key: str, parameter: Parameter, dated: DatedValue) -> Iterator[tuple[str, list[str], SourceModel]]:
    if dated.source is not None:
        text = _written(dated.value, parameter.unit)
        yield key, [text] if text else [], dated.source
    for index, band in enumerate(dated.bands or []):
        yield f"{key}.bands.{index}", _band_texts(band, parameter), band.source


def _band_texts(band: Band, parameter: Parameter) -> list[str]:
    texts = [t for t in [_written(band.value, parameter.unit)] if t]
    if band.lower is not None:
        texts.append(f"{written_number(band.lower, parameter.by_unit)}{band.lower_bound}")
    if band.upper is not None:
        texts.append(f"{written_number(band.upper, parameter.by_unit)}{band.upper_bound}")
    return texts


def check_values_in_quotes(rules: RulesFile, file: Path) -> None:
    """A number must be written in its own quote, so a typo in the YAML (4,500万円 for 4,000万円) fails."""
    for key, expected, source in _values_with_quotes(rules):
        quote = squash(source.quote)
        for text in expected:
            if text not in quote:
                raise RulesError(f"{file}: {key}: the value is written 「{text}」 but its quote "
                                 f"「{source.quote}」 does not say so")


def _round_problems(rules: RulesFile) -> list[tuple[str, str]]:
    names = rules.round_names()
    problems = [("rounds", f"round {n!r} is defined twice") for n in sorted(set(names)) if names.count(n) > 1]
    calls = ordered(rules)
    for before, after in zip(calls, calls[1:], strict=False):
        opening = opens_on(after)
        if opening is None or opening <= closes_on(before):
            problems.append((f"rounds.{after.name}",
                             f"period overlaps {before.name} (ends {closes_on(before)}); give its start or "
                             f"effective_from after that day"))
    for pname, parameter in rules.parameters.items():
        for round_name in parameter.values:
            if round_name not in names:
                problems.append((f"parameters.{pname}.values.{round_name}",
                                 f"round {round_name!r} is not defined under rounds (defined: {names})"))
    return problems


def _reference_problems(rules: RulesFile) -> list[tuple[str, str]]:
    problems = []
    for path, node in _walk(rules):
        if not path or not isinstance(path[-1], str) or not isinstance(node, str):
            continue
        field, key = path[-1], _key(path)
        if path[0] in ("calculations", "caps", "rates") and field in PARAMETER_FIELDS \
                and node not in rules.parameters:
            problems.append((key, f"no parameter named {node!r}"))
        if path[0] in ("calculations", "caps", "rates") and field in SLOT_FIELDS and node not in SLOTS:
            problems.append((key, f"unknown input {node!r} (known: {sorted(SLOTS)})"))
    for name, parameter in rules.parameters.items():
        if parameter.by is not None and parameter.by not in SLOTS:
            problems.append((f"parameters.{name}.by", f"unknown input {parameter.by!r}"))
    for name in rules.labels:
        if name not in SLOTS:
            problems.append((f"labels.{name}", f"unknown input {name!r}"))
    for intent, calc in rules.calculations.items():
        if intent not in INTENTS:
            problems.append((f"calculations.{intent}", f"unknown intent (known: {sorted(INTENTS)})"))
        for field, table in (("cap", rules.caps), ("rate", rules.rates)):
            ref = getattr(calc, field, None)
            if ref is not None and ref not in table:
                problems.append((f"calculations.{intent}.{field}", f"no {field} rule named {ref!r}"))
        rounding = getattr(calc, "rounding", None)
        if rounding in rules.parameters:
            for round_name, dated in rules.parameters[rounding].values.items():
                if dated.value != SUPPORTED_ROUNDING:
                    problems.append((f"parameters.{rounding}.values.{round_name}.value",
                                     f"only {SUPPORTED_ROUNDING!r} is implemented"))
        problems += _kind_problems(rules, intent, calc)
    for intent in rules.not_applicable:
        if intent not in INTENTS or intent in rules.calculations:
            problems.append((f"not_applicable.{intent}", "unknown intent, or one that has a calculation"))
    return problems


def _bound_problem(rules: RulesFile, name: str, allowed: tuple[str, ...], key: str) -> list[tuple[str, str]]:
    if name in rules.parameters and rules.parameters[name].bound not in allowed:
        return [(f"parameters.{name}.bound", f"must be {' or '.join(allowed)} ({key} compares with it)")]
    return []


def _kind_problems(rules: RulesFile, intent: str, calc: Any) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    key = f"calculations.{intent}"
    if getattr(calc, "minimum", None):
        problems += _bound_problem(rules, calc.minimum, ("以上", "超"), key)
    if isinstance(calc, SmeCalc) or (isinstance(calc, SubsidyCalc) and calc.sme):
        for industry in INDUSTRIES:
            rows = [i for i, row in enumerate(rules.sme_thresholds) if industry in row.industries]
            if len(rows) != 1:
                problems.append(("sme_thresholds", f"industry {industry!r} must be in exactly one row, found {len(rows)}"))
        for i, row in enumerate(rules.sme_thresholds):
            problems += [(f"sme_thresholds.{i}.industries", f"unknown industry {x!r}")
                         for x in row.industries if x not in INDUSTRIES]
            problems += [(f"sme_thresholds.{i}.{k}.bound", "must be 以下 or 未満")
                         for k in ("capital", "employees") if getattr(row, k).bound not in ("以下", "未満")]
    if isinstance(calc, ConsortiumCalc):
        for name in (calc.core_types, calc.non_core_allowed):
            if name and name in rules.parameters:
                for dated in rules.parameters[name].values.values():
                    problems += [(f"parameters.{name}.value", f"unknown member type {x!r}")
                                 for x in (dated.value if isinstance(dated.value, list) else [])
                                 if x not in MEMBER_TYPES]
        if calc.majority in rules.parameters and any(
                d.value != "過半数" for d in rules.parameters[calc.majority].values.values()):
            problems.append((f"parameters.{calc.majority}.value", "only 過半数 (strict majority) is supported"))
        problems += _bound_problem(rules, calc.min_core, ("以上", "超"), key)
    if isinstance(calc, RepaymentCalc):
        for exemption in calc.exemptions:
            problems += [(f"{key}.exemptions", f"unknown input {k!r}") for k in exemption.when if k not in SLOTS]
    for cond in getattr(calc, "classes", []):
        for item in getattr(cond, "conditions", []):
            problems += _bound_problem(rules, item.parameter, ("以上", "超", "以下", "未満"), key)
    return problems


def _resolvable(rules: RulesFile) -> list[tuple[str, str]]:
    """Every parameter the composition names has a value in every round (from that round or an earlier one)."""
    referenced = {node for path, node in _walk(rules)
                  if path and path[0] in ("calculations", "caps", "rates") and isinstance(path[-1], str)
                  and path[-1] in PARAMETER_FIELDS and isinstance(node, str)}
    names = [r.name for r in ordered(rules)]
    problems = []
    for pname in sorted(referenced & set(rules.parameters)):
        first = next((i for i, n in enumerate(names) if n in rules.parameters[pname].values), None)
        if first is not None and first > 0:
            problems.append((f"parameters.{pname}.values",
                             f"no value for {names[0]} (rounds before {names[first]} would have none)"))
    return problems


def check_programme(rules: RulesFile, file: Path) -> None:
    problems = _round_problems(rules) + _reference_problems(rules)
    if not problems:
        problems = _resolvable(rules)
    if problems:
        raise RulesError("; ".join(f"{file}: {key}: {message}" for key, message in problems))


def parse_rules_file(file: Path) -> RulesFile:
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RulesError(f"{file}: cannot read YAML: {error}") from error
    if not isinstance(data, dict):
        raise RulesError(f"{file}: (top level): expected a mapping of keys")
    try:
        return RulesFile.model_validate(data)
    except ValidationError as error:
        details = "; ".join(f"{_key(e['loc'])}: {e['msg']}" for e in error.errors())
        raise RulesError(f"{file}: {details}") from error


_CACHE: dict[tuple[Path, int, int], tuple[RulesFile, str]] = {}


def _corpus_stamp(folder: Path) -> int:
    """Changes whenever a document of the folder changes, so edited corpus text is re-checked."""
    return hash(tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.md"))))


def rules_path(programme: str | Path, corpus_dir: Path | None = None) -> Path:
    if isinstance(programme, Path):
        return programme.resolve()
    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    return (Path(corpus_dir) / programme / RULES_FILE_NAME).resolve()


def load_checked(programme: str | Path, corpus_dir: Path | None = None) -> tuple[RulesFile, str]:
    """(the checked rules, the sha256 of the file's bytes); cached per file, its and its documents' mtimes."""
    file = rules_path(programme, corpus_dir)
    if not file.is_file():
        raise RulesError(f"{file}: rules file not found")
    stamp = (file, file.stat().st_mtime_ns, _corpus_stamp(file.parent))
    if stamp not in _CACHE:
        rules = parse_rules_file(file)
        if not isinstance(programme, Path) and rules.programme != programme:
            raise RulesError(f"{file}: programme: says {rules.programme!r}, folder is {programme!r}")
        check_programme(rules, file)
        check_values_in_quotes(rules, file)
        check_quotes(rules, file.parent, file)
        _CACHE[stamp] = (rules, hashlib.sha256(file.read_bytes()).hexdigest())
    return _CACHE[stamp]


def load_rules(programme: str | Path, corpus_dir: Path | None = None) -> RulesFile:
    """The checked rules of a programme id (from corpus_dir/<id>/rules.yaml) or of a rules file path.

    Raises RulesError naming the file and key on any problem.
    """
    return load_checked(programme, corpus_dir)[0]
