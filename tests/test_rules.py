"""The rules YAML: every quote is really in our corpus, and a broken file fails loudly at load,
naming the file and the key (bad YAML is written into tmp_path, beside a copy of the corpus)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.calculator import RulesError, calculate, load_rules
from assistant.programmes import split_front_matter

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PROGRAMMES = ("shinjigyo", "export_ecosystem")


def sources_in(node: Any, key: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every `source` mapping in raw YAML data, with its key path."""
    if isinstance(node, dict):
        for name, value in node.items():
            path = f"{key}.{name}" if key else str(name)
            if name in ("source", "basis") and isinstance(value, dict):
                yield path, value
            else:
                yield from sources_in(value, path)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from sources_in(value, f"{key}.{index}")


def corpus_bodies(programme: str) -> dict[str, str]:
    """Document title -> Markdown body, read directly (independently of the loader's own reader)."""
    bodies = {}
    for path in (CORPUS / programme).glob("*.md"):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        bodies[meta["title"]] = body
    return bodies


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_every_quote_is_verbatim_in_the_corpus_document_it_cites(programme: str) -> None:
    data = yaml.safe_load((CORPUS / programme / "rules.yaml").read_text(encoding="utf-8"))
    bodies = corpus_bodies(programme)
    found = list(sources_in(data))
    cited = {key.split(".values.")[0] for key, _ in found if key.startswith("parameters.")}
    assert cited >= {f"parameters.{n}" for n in data["parameters"]}  # every parameter's every value
    for key, source in found:
        assert source["doc"] in bodies, key
        body = bodies[source["doc"]]
        assert source["quote"] in body, f"{key}: 「{source['quote']}」"
        heading_at = [i for i, line in enumerate(body.splitlines()) if line.lstrip("#").strip() == source["heading"]]
        assert heading_at, f"{key}: heading 「{source['heading']}」"


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_shipped_rules_load(programme: str) -> None:
    rules = load_rules(programme, CORPUS)
    assert rules.programme == programme


# --- loader failures ---------------------------------------------------------------------------------
@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS / "shinjigyo", tmp_path / "shinjigyo")
    return tmp_path


def rewrite(corpus: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    file = corpus / "shinjigyo" / "rules.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(data)
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def cap_bands(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["parameters"]["cap_normal"]["values"]["第1回"]["bands"]


def first(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The 第1回 value of a parameter (value, source, note)."""
    return data["parameters"][name]["values"]["第1回"]


def add_round(data: dict[str, Any], **fields: Any) -> None:
    """A second round copied from the first, with the given fields changed."""
    data["rounds"].append({**data["rounds"][0], "name": "第2回", **fields})


BAND = "parameters.cap_normal.values.第1回"
BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("value without a source", lambda d: first(d, "min_investment").pop("source"),
     ["parameters.min_investment.values.第1回", "source"]),
    ("band value without a source", lambda d: cap_bands(d)[1].pop("source"), [f"{BAND}.bands.1.source"]),
    ("quote not in the corpus", lambda d: first(d, "min_investment")["source"].update(
        quote="補助対象経費の合計が1,000万円以上であることが必要です。"), ["min_investment", "1,500万円"]),
    ("quote under the wrong heading", lambda d: first(d, "min_investment")["source"].update(
        heading="補助率(2分の1)"), ["parameters.min_investment.values.第1回.source.quote", "補助率(2分の1)"]),
    ("unknown heading", lambda d: first(d, "min_investment")["source"].update(heading="存在しない見出し"),
     ["parameters.min_investment.values.第1回.source.heading"]),
    ("unknown document", lambda d: first(d, "subsidy_rate")["source"].update(doc="別の資料"),
     ["parameters.subsidy_rate.values.第1回.source.doc", "別の資料"]),
    ("typo in a key", lambda d: d["parameters"]["min_investment"].update(bownd="以上"),
     ["parameters.min_investment.bownd", "Extra inputs"]),
    ("unknown top-level key", lambda d: d.update(paramters={}), ["paramters"]),
    ("band gap", lambda d: cap_bands(d)[1].update(lower=22), ["parameters.cap_normal", "gap"]),
    ("band overlap", lambda d: cap_bands(d)[1].update(lower=20), ["parameters.cap_normal", "overlap"]),
    ("band overlap through 超/以上", lambda d: cap_bands(d)[1].update(lower=19, lower_bound="超"),
     ["parameters.cap_normal", "overlap"]),
    ("open top band closed", lambda d: cap_bands(d)[3].update(upper=1000, upper_bound="以下"),
     ["parameters.cap_normal", "gap"]),
    ("bound without its number", lambda d: cap_bands(d)[1].pop("lower"), [f"{BAND}.bands.1"]),
    ("value differs from its quote", lambda d: cap_bands(d)[1].update(value=45_000_000),
     [f"{BAND}.bands.1", "4,500万円"]),
    ("parameter value differs from its quote", lambda d: first(d, "wage_growth_normal").update(value=3.0),
     ["parameters.wage_growth_normal", "3.0%"]),
    ("parameter the composition needs is missing", lambda d: d["parameters"].pop("subsidy_rate"),
     ["rates.rate.parameter", "subsidy_rate"]),
    ("cap table the composition needs is missing", lambda d: d["parameters"].pop("cap_special"),
     ["caps.cap.classes.1.parameter", "cap_special"]),
    ("industry missing from the SME table", lambda d: d["sme_thresholds"].pop(), ["sme_thresholds", "その他"]),
    ("unit does not fit the value", lambda d: first(d, "min_investment").update(value="1,500万円"),
     ["parameters.min_investment", "unit"]),
    ("unsupported rounding", lambda d: first(d, "rounding").update(value="四捨五入"),
     ["parameters.rounding.values.第1回.value"]),
    ("bad bound word", lambda d: d["parameters"]["min_investment"].update(bound="以降"),
     ["parameters.min_investment.bound"]),
    ("value keyed by an undefined round", lambda d: d["parameters"]["subsidy_rate"]["values"].update(
        {"第3回": first(d, "subsidy_rate")}), ["parameters.subsidy_rate.values.第3回", "not defined"]),
    ("overlapping round periods", lambda d: add_round(d), ["rounds.第2回", "overlaps 第1回"]),
    ("round defined twice", lambda d: d["rounds"].append(d["rounds"][0]), ["rounds", "defined twice"]),
    ("calculation of an unknown kind", lambda d: d["calculations"]["cap"].update(kind="maximum"),
     ["calculations.cap", "maximum"]),
    ("calculation naming an unknown input", lambda d: d["calculations"]["amount"].update(spend="budget"),
     ["calculations.amount.spend", "budget"]),
    ("calculation for an unknown intent", lambda d: d["calculations"].update(refund={"kind": "sme"}),
     ["calculations.refund", "unknown intent"]),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BROKEN], ids=[n for n, _, _ in BROKEN])
def test_broken_rules_fail_loudly_naming_file_and_key(corpus_copy: Path, change, expected: list[str]) -> None:
    file = rewrite(corpus_copy, change)
    with pytest.raises(RulesError) as error:
        load_rules("shinjigyo", corpus_copy)
    message = str(error.value)
    assert str(file) in message
    for part in expected:
        assert part in message


def test_unchanged_copy_loads(corpus_copy: Path) -> None:
    rewrite(corpus_copy, lambda d: None)  # a YAML round trip alone breaks nothing
    rules = load_rules("shinjigyo", corpus_copy)
    assert rules.parameters["min_investment"].values["第1回"].value == 15_000_000


def test_editing_the_corpus_away_from_a_quote_is_caught(corpus_copy: Path) -> None:
    assert load_rules("shinjigyo", corpus_copy)
    doc = next(p for p in (corpus_copy / "shinjigyo").glob("*.md") if "1,500万円以上であること" in p.read_text())
    doc.write_text(doc.read_text().replace("1,500万円以上であることが必要です", "1,500万円以上が必要です"))
    with pytest.raises(RulesError, match="min_investment"):
        load_rules("shinjigyo", corpus_copy)


def test_broken_yaml_syntax(corpus_copy: Path) -> None:
    (corpus_copy / "shinjigyo" / "rules.yaml").write_text("parameters: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="rules.yaml"):
        load_rules("shinjigyo", corpus_copy)


def test_calculate_uses_the_given_corpus(corpus_copy: Path) -> None:
    rewrite(corpus_copy, lambda d: first(d, "min_investment").pop("source"))
    with pytest.raises(RulesError):
        calculate("shinjigyo", "amount", {"employees": 10, "investment": 20_000_000}, corpus_dir=corpus_copy)
