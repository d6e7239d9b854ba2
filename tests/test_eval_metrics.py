"""Unit tests of the eval's pieces: the Q&A file, answer checks, metrics, heading spans and the report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.types import Answer, Passage, Source
from eval.checks import check_answer, figures_in, first_rank, section_matches
from eval.dataset import KINDS, DatasetError, QAItem, load_qa, parse_item
from eval.metrics import (
    accuracy_by_kind,
    citation_correctness,
    hit_at_k,
    mrr,
    numeric_exact_match,
    out_of_scope_precision_recall,
    percentile,
    section_ranks,
)
from eval.records import ItemRecord, TurnRecord
from eval.report import markdown_report, summary_table
from eval.scores import ENGINE, QA_SET, figures_leaked, score_records
from eval.sections import heading_spans, sections_overlapping

ROOT = Path(__file__).resolve().parents[1]


# --- the shipped Q&A set ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def qa() -> list[QAItem]:
    return load_qa()


def test_qa_set_is_large_and_covers_every_kind(qa):
    kinds = Counter(item.kind for item in qa)
    assert len(qa) >= 150
    assert set(kinds) == set(KINDS) - {"unseen_programme"}  # that kind lives in the frozen eval/unseen.jsonl
    assert kinds["out_of_scope"] >= 10 and kinds["dialog"] >= 10


def test_every_expected_section_matches_a_corpus_heading(qa):
    headings = [s.path for p in sorted((ROOT / "corpus").glob("*/*.md")) for s in heading_spans(p.read_text("utf-8"))]
    for item in qa:
        for expect in item.expectations():
            if expect and expect.get("section"):
                matches = [h for h in headings if section_matches(expect["section"], h)]
                assert matches, f"{item.id}: no corpus heading matches {expect['section']!r}"


def test_calculation_items_cover_bands_boundaries_and_the_minimum(qa):
    text = " ".join(t for item in qa if item.kind == "calculation" for t in item.turns)
    for boundary in ("20人", "21人", "50人", "51人", "100人", "101人", "1,500万円", "1,499万9,999円", "大幅賃上げ特例"):
        assert boundary in text, boundary
    amounts = [item.expect["amount"] for item in qa if isinstance(item.expect.get("amount"), int)]
    assert {25_000_000, 40_000_000, 55_000_000, 70_000_000, 30_000_000, 50_000_000, 90_000_000} <= set(amounts)


def test_out_of_scope_items_expect_not_found(qa):
    for item in qa:
        if item.kind == "out_of_scope":
            assert item.expect["found"] is False and item.expect.get("amount", None) is None


@pytest.mark.parametrize(
    "line, message",
    [
        ({"id": "x", "kind": "fact", "turns": ["q"], "expect": {"amont": 1}}, "unknown expect key"),
        ({"id": "x", "kind": "fact", "turns": ["q"], "expect": {}, "extra": 1}, "unknown key"),
        ({"id": "x", "kind": "trivia", "turns": ["q"], "expect": {}}, "unknown kind"),
        ({"id": "x", "kind": "fact", "turns": [], "expect": {}}, "turns"),
        ({"id": "x", "kind": "fact", "turns": ["q"], "expect": {"amount": "2,000万円"}}, "integer yen"),
        ({"id": "x", "kind": "fact", "turns": ["q"], "expect": {"found": "no"}}, "true or false"),
        ({"id": "x", "kind": "dialog", "turns": ["a", "b"], "expect": {}, "expect_turns": [None]}, "one entry per turn"),
    ],
)
def test_bad_lines_are_rejected_naming_the_problem(line, message):
    with pytest.raises(DatasetError, match=message):
        parse_item(line, "qa.jsonl:1")


def test_duplicate_ids_are_rejected(tmp_path):
    line = json.dumps({"id": "q1", "kind": "fact", "turns": ["q"], "expect": {}})
    path = tmp_path / "qa.jsonl"
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="duplicate id"):
        load_qa(path)


def test_expect_applies_to_the_last_turn_and_expect_turns_to_earlier_ones():
    item = parse_item(
        {"id": "d", "kind": "dialog", "turns": ["a", "b"], "expect": {"amount": 2},
         "expect_turns": [{"follow_up": True}, None]},
        "x",
    )
    assert item.expectations() == [{"follow_up": True}, {"amount": 2}]


# --- checks ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, figures",
    [
        ("資料には記載がありません。", []),
        ("補助額は2,000万円です。", ["2,000万"]),
        ("補助率は５０％です", ["50%"]),  # full-width digits and percent, after NFKC
        ("三千万円までです", ["三千万"]),
        ("従業員30人の場合", ["30人"]),
        ("2025年4月時点の第1回公募の資料です", []),  # dates and ordinals are not figures
        ("一人ひとりに合わせて", []),
    ],
)
def test_figures_in(text, figures):
    assert figures_in(text) == figures


@pytest.mark.parametrize(
    "expected, section, matches",
    [
        ("予算規模(1,500億円)", "概要 > 制度の概要 > 予算規模(1,500億円)", True),
        ("予算規模(1,500億円)", "概要 > 前身 > 事業再構築補助金の予算規模と採択実績", False),
        ("従業員規模別の補助上限額", "補助金額と補助率 > 従業員規模別の補助上限額", True),
        ("補助率", "補助金額と補助率 > 従業員規模別の補助上限額", False),  # a parent heading is not the section
        ("補助率(2分の1)", "補助金額と補助率 > 補助率（2分の1）", True),  # full-width brackets, NFKC
        ("補助対象経費 > 補助対象となる経費", "応募対象者 > 補助対象経費 > 補助対象となる経費", True),
        ("補助対象経費 > 補助対象となる経費", "対象者 > 補助対象経費 > 補助対象となる経費の種類", False),
        ("", "anything", False),
    ],
)
def test_section_matches(expected, section, matches):
    assert section_matches(expected, section) is matches


def test_first_rank_is_one_based_and_none_when_absent():
    assert first_rank("B", ["x > A", "x > B", "x > B"]) == 2
    assert first_rank("C", ["x > A", "x > B"]) is None


def _passage(section: str) -> Passage:
    return Passage("n", "text", "shinjigyo", "doc", section, "src.md", None, 1.0)


def _answer(text="", found=True, programme="shinjigyo", amount=None, eligible=None, sections=(),
            passages=(), follow_up=None, calculation=True) -> Answer:
    calc = {"amount": amount, "eligible": eligible} if calculation else None
    return Answer(
        answer=text, found=found, programme=programme, calculation=calc,
        sources=[Source("doc", s, "quote", 1.0) for s in sections],
        passages=[_passage(s) for s in passages], follow_up=follow_up,
    )


def test_check_answer_passes_a_matching_answer():
    expect = {"amount": 20_000_000, "eligible": True, "programme": "shinjigyo", "phrases": ["2,000万円"],
              "section": "従業員規模別の補助上限額", "found": True, "follow_up": False}
    answer = _answer("補助額は２,０００万円です。", amount=20_000_000, eligible=True,
                     sections=["補助金額と補助率 > 従業員規模別の補助上限額"])
    assert check_answer(expect, answer) == []


def test_check_answer_names_each_failure():
    expect = {"amount": 20_000_000, "eligible": True, "programme": "export_ecosystem", "phrases": ["2,000万円"],
              "section": "公募締切", "follow_up": True}
    reasons = check_answer(expect, _answer("補助額は1,500万円です。", amount=15_000_000, eligible=False))
    assert [r.split(":")[0] for r in reasons] == ["amount", "eligible", "programme", "phrases missing", "section",
                                                  "follow_up"]


def test_check_answer_section_may_come_from_passages_not_only_sources():
    answer = _answer(passages=["a > 公募締切(2025年5月30日)"])
    assert check_answer({"section": "公募締切"}, answer) == []


def test_not_covered_answers_must_carry_no_figure():
    leaked = _answer("ものづくり補助金の上限は1,250万円です。", found=False, calculation=False)
    assert any(r.startswith("figure") for r in check_answer({"found": False}, leaked))
    clean = _answer("ご質問の内容は資料に記載がありません。", found=False, calculation=False)
    assert check_answer({"found": False, "amount": None}, clean) == []


def test_amount_none_expects_no_calculator_amount():
    assert check_answer({"amount": None}, _answer(calculation=False)) == []
    assert check_answer({"amount": None}, _answer(amount=5)) == ["amount: expected none, got 5"]
    assert check_answer({"amount": 5}, _answer(calculation=False)) == ["amount: expected 5, got no calculation"]


# --- metrics ---------------------------------------------------------------------------------------
def _record(item_id, kind, expect, answer, reasons=None, seconds=0.01) -> ItemRecord:
    item = QAItem(item_id, kind, ("q",), expect)
    reasons = check_answer(expect, answer) if reasons is None else reasons
    return ItemRecord(item, [TurnRecord("q", answer, seconds, reasons)])


@pytest.fixture()
def records() -> list[ItemRecord]:
    return [
        _record("a", "calculation", {"amount": 100, "section": "S1"},
                _answer("100円", amount=100, sections=["x > S1"], passages=["x > S1"]), seconds=0.010),
        _record("b", "calculation", {"amount": 200, "section": "S2"},
                _answer("201円", amount=201, passages=["x > S9", "x > S2"]), seconds=0.020),
        _record("c", "fact", {"section": "S3", "found": True},
                _answer("text", passages=["x > S8", "x > S7", "x > S6", "x > S3"]), seconds=0.030),
        _record("d", "out_of_scope", {"found": False}, _answer("なし", found=False, calculation=False), seconds=0.040),
        _record("e", "out_of_scope", {"found": False}, _answer("上限は5万円", found=True, calculation=False)),
        _record("f", "fact", {"found": True}, _answer("なし", found=False, calculation=False)),
    ]


def test_accuracy_by_kind(records):
    by_kind = accuracy_by_kind(records)
    assert by_kind["calculation"].overall == 0.5 and by_kind["calculation"].failed() == ["b"]
    assert by_kind["fact"].overall == 0.5
    assert by_kind["out_of_scope"].overall == 0.5


def test_numeric_exact_match_counts_only_items_with_an_amount(records):
    metric = numeric_exact_match(records)
    assert metric.per_item == {"a": 1.0, "b": 0.0} and metric.overall == 0.5


def test_ranks_hits_and_mrr(records):
    ranks = section_ranks(records)
    assert ranks == {"a": 1, "b": 2, "c": 4}
    assert hit_at_k(ranks, 1).overall == pytest.approx(1 / 3)
    assert hit_at_k(ranks, 3).overall == pytest.approx(2 / 3)
    assert mrr(ranks).overall == pytest.approx((1 + 0.5 + 0.25) / 3)
    assert hit_at_k({}, 3).overall is None


def test_citation_correctness_looks_at_sources_only(records):
    metric = citation_correctness(records)
    assert metric.per_item == {"a": 1.0, "b": 0.0, "c": 0.0}


def test_out_of_scope_precision_and_recall(records):
    precision, recall = out_of_scope_precision_recall(records)
    # said "not covered": d (right), f (wrong); should have: d (said), e (did not)
    assert precision.per_item == {"d": 1.0, "f": 0.0}
    assert recall.per_item == {"d": 1.0, "e": 0.0}


@pytest.mark.parametrize(
    "values, q, expected",
    [([], 50, None), ([5.0], 95, 5.0), ([1, 2, 3, 4], 50, 2.5), (list(range(1, 101)), 95, 95.05)],
)
def test_percentile_interpolates_like_numpy(values, q, expected):
    assert percentile(values, q) == (None if expected is None else pytest.approx(expected))


def test_scores_summary_and_report(records):
    scores = score_records(records)
    assert scores.headline()["hit@3"] == pytest.approx(2 / 3)
    assert scores.latency["latency_p50_ms"].overall == pytest.approx(15.0)
    assert figures_leaked(records) == {"e": ["figure in a not-covered answer: 5万"]}
    table = summary_table(scores)
    assert "numeric exact match" in table and "calculation" in table
    report = markdown_report(scores, {"items": len(records)})
    assert "## Failed items (3 of 6)" in report and "**b**" in report and "amount: expected 200, got 201" in report
    assert f"| {ENGINE} |" in report and QA_SET in report


def test_chart_is_written(records, tmp_path):
    from eval.chart import write_chart

    path = write_chart(score_records(records), tmp_path / "out" / "chart.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- heading spans (the baseline's way back from chunks to sections) -------------------------------
def test_heading_spans_and_overlap():
    text = "---\nx: 1\n---\n# T\n\n## A\n\n### A1\nbody a1\n### A2\nbody a2\n## B\nbody b\n"
    spans = heading_spans(text)
    assert [s.path for s in spans] == ["T", "T > A", "T > A > A1", "T > A > A2", "T > B"]
    a2 = text.index("body a2")
    assert sections_overlapping(spans, a2, a2 + 7) == ["T > A > A2"]
    assert sections_overlapping(spans, text.index("body a1"), text.index("body b")) == [
        "T > A > A1", "T > A > A2", "T > B"]


def test_cli_says_one_sentence_when_the_store_is_missing(tmp_path, capsys):
    from eval.__main__ import main

    assert main(["--store", str(tmp_path / "none"), "--no-ingest", "--out", str(tmp_path / "out")]) == 1
    assert "ingest" in capsys.readouterr().err
