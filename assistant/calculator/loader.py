"""Load and check corpus/<programme>/rules.yaml; any problem fails loudly naming the file and key.

Checked: the schema (unknown keys, a value without a source, band gaps/overlaps), the names the
programme's rules need, that each number is written in its own quote (4,000万円, 21人以上), and that
every quoted phrase is in the cited document under the cited heading.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assistant.calculator.corpus_text import read_documents, squash
from assistant.calculator.money import format_date, format_percent, format_ratio, format_yen
from assistant.calculator.registry import PROGRAMMES
from assistant.calculator.rules_common import SUPPORTED_ROUNDING
from assistant.calculator.schema import Band, Parameter, RulesFile, SourceModel

RULES_FILE_NAME = "rules.yaml"


class RulesError(ValueError):
    """A rules file that cannot be trusted; the message names the file and the key."""


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _sources(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, SourceModel]]:
    """Every source in the parsed file with its key path, e.g. 'bands.cap_normal.bands.0.source'."""
    if isinstance(node, SourceModel):
        yield _key(path), node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _sources(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _sources(value, (*path, name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _sources(value, (*path, index))


def check_quotes(rules: RulesFile, folder: Path, file: Path) -> None:
    """Each quote must appear verbatim (whitespace runs collapsed) under its heading in the cited document."""
    documents = read_documents(folder)
    for key, source in _sources(rules):
        document = documents.get(source.doc)
        if document is None:
            raise RulesError(f"{file}: {key}.doc: no corpus document titled 「{source.doc}」 in {folder} "
                             f"(titles: {sorted(documents)})")
        if not document.sections_named(source.heading):
            raise RulesError(f"{file}: {key}.heading: no heading 「{source.heading}」 in {document.path.name}")
        if not document.quote_under(source.heading, source.quote):
            raise RulesError(f"{file}: {key}.quote: 「{source.quote}」 is not in {document.path.name} "
                             f"under 「{source.heading}」")


def _written(parameter: Parameter) -> str | None:
    """How the text writes a value (4,000万円, 300人, 2.5%, 1/2, 2025年7月10日18時); None for text/lists."""
    value, unit = parameter.value, parameter.unit
    if unit == "yen":
        return format_yen(int(value))  # type: ignore[arg-type]
    if unit == "persons":
        return f"{value}人"
    if unit == "organisations":
        return f"{value}者"
    if unit == "percent":
        return format_percent(float(value))  # type: ignore[arg-type]
    if unit == "ratio":
        return format_ratio(parameter.ratio)
    if unit in ("date", "datetime"):
        return format_date(value)  # type: ignore[arg-type]
    return None


def _parameters(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[str, Parameter | Band]]:
    if isinstance(node, Parameter | Band):
        yield _key(path), node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _parameters(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _parameters(value, (*path, name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _parameters(value, (*path, index))


def check_values_in_quotes(rules: RulesFile, file: Path) -> None:
    """A number must be written in its own quote, so a typo in the YAML (4,500万円 for 4,000万円) fails."""
    for key, item in _parameters(rules):
        quote = squash(item.source.quote)
        if isinstance(item, Band):
            expected = [format_yen(item.value)]
            expected += [f"{item.lower}人{item.lower_bound}"] if item.lower is not None else []
            expected += [f"{item.upper}人{item.upper_bound}"] if item.upper is not None else []
        else:
            written = _written(item)
            expected = [written] if written else []
        for text in expected:
            if text not in quote:
                raise RulesError(f"{file}: {key}: the value is written 「{text}」 but its quote "
                                 f"「{item.source.quote}」 does not say so")


def check_programme(rules: RulesFile, file: Path) -> None:
    spec = PROGRAMMES.get(rules.programme)
    if spec is None:
        raise RulesError(f"{file}: programme: unknown programme {rules.programme!r} (known: {sorted(PROGRAMMES)})")
    problems = [(f"parameters.{name}", "required parameter is missing")
                for name in spec.required_parameters if name not in rules.parameters]
    problems += [(f"bands.{name}", "required band table is missing")
                 for name in spec.required_bands if name not in rules.bands]
    if "rounding" in rules.parameters and rules.p("rounding").value != SUPPORTED_ROUNDING:
        problems.append(("parameters.rounding.value", f"only {SUPPORTED_ROUNDING!r} is implemented"))
    if not problems:
        problems = spec.check(rules)
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


_CACHE: dict[tuple[Path, int, int], RulesFile] = {}


def _corpus_stamp(folder: Path) -> int:
    """Changes whenever a document of the folder changes, so edited corpus text is re-checked."""
    return hash(tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.md"))))


def load_rules(programme: str | Path, corpus_dir: Path | None = None) -> RulesFile:
    """The checked rules of a programme id (from corpus_dir/<id>/rules.yaml) or of a rules file path.

    Cached per file and modification time; raises RulesError naming the file and key on any problem.
    """
    if isinstance(programme, Path):
        file = programme
    else:
        if corpus_dir is None:
            from assistant.settings import get_settings

            corpus_dir = get_settings().corpus_dir
        file = Path(corpus_dir) / programme / RULES_FILE_NAME
    file = file.resolve()
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
        _CACHE[stamp] = rules
    return _CACHE[stamp]
