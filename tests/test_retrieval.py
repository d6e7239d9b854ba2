"""Hybrid retrieval over the real store of the shipped corpus (session fixture built_store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.components import get_retriever
from assistant.retrieval.errors import StoreError
from assistant.retrieval.fusion import reciprocal_rank_fusion, weighted_fusion
from assistant.settings import Settings
from eval.retrieval import evaluate, load_items

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("question", "programme", "section"),
    [
        ("従業員30人の会社の補助上限額はいくらですか?", "shinjigyo", "従業員規模別の補助上限額"),
        ("大幅賃上げ特例の要件を教えてください", "shinjigyo", "大幅賃上げ特例の要件"),
        ("GビズIDプライムの発行にはどれくらいかかりますか", "shinjigyo", "GビズIDプライムアカウントの取得"),
        ("輸出支援エコシステム補助金の公募締切はいつですか", "export_ecosystem", "公募締切"),
        ("親会社と子会社だけで連携体を組めますか?", "export_ecosystem", "同一グループのみの連携体は不可"),
    ],
)
def test_real_questions_find_their_section_in_the_top_three(
    built_store: Settings, question: str, programme: str, section: str
) -> None:
    passages = get_retriever(built_store).search(question, top_k=3)
    assert any(section in p.section and p.programme == programme for p in passages), [p.section for p in passages]


def test_passages_carry_text_heading_path_source_and_descending_scores(built_store: Settings) -> None:
    passages = get_retriever(built_store).search("補助率は何分の1ですか", top_k=5)
    assert len(passages) == 5
    first = passages[0]
    assert first.text and first.doc and " > " in first.section
    assert first.source.endswith(".md") and first.page is None
    assert (built_store.corpus_dir / first.source).is_file()
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_programme_filter_keeps_one_programme_in_every_mode(built_store: Settings, mode: str) -> None:
    retriever = get_retriever(built_store)
    question = "補助上限額と補助率を教えてください"
    for programme in ("shinjigyo", "export_ecosystem"):
        passages = retriever.search(question, programme=programme, top_k=8, mode=mode)
        assert passages and {p.programme for p in passages} == {programme}
    unfiltered = retriever.search(question, top_k=20, mode=mode)
    assert {p.programme for p in unfiltered} == {"shinjigyo", "export_ecosystem"}


def test_unknown_programme_finds_nothing(built_store: Settings) -> None:
    assert get_retriever(built_store).search("補助上限額", programme="it_donyu") == []


def test_default_mode_reaches_the_hit_at_3_target_on_the_retrieval_set(built_store: Settings) -> None:
    scores = evaluate(get_retriever(built_store), load_items(), built_store.retrieval_mode)
    assert scores["n"] >= 60
    assert scores["hit@3"] >= 0.9, [r for r in scores["items"] if not r["rank"] or r["rank"] > 3]


@pytest.mark.parametrize(
    ("question", "covered"),
    [
        ("新事業進出補助金の補助上限額はいくらですか?", True),
        ("口頭審査は誰が受けますか?", True),
        ("輸出支援エコシステム補助金の補助対象経費を教えて", True),
        ("IT導入補助金の上限は?", False),
        ("東京都の最低賃金はいくら?", False),
        ("ものづくり補助金の締切は?", False),
        ("明日の東京の天気を教えてください。", False),
    ],
)
def test_coverage_separates_covered_from_uncovered_questions(
    built_store: Settings, question: str, covered: bool
) -> None:
    retriever = get_retriever(built_store)
    value = retriever.coverage(question, retriever.search(question))
    assert 0.0 <= value <= 1.0
    # 0.6 is the threshold suggested from eval/qa.jsonl: every out-of-scope question there stays below it
    assert (value >= 0.6) if covered else (value < 0.6), value


def test_coverage_of_no_passages_is_zero(built_store: Settings) -> None:
    assert get_retriever(built_store).coverage("補助上限額は?", []) == 0.0


def test_warm_up_is_safe_twice_and_the_retriever_is_shared(built_store: Settings) -> None:
    retriever = get_retriever(built_store)
    retriever.warm_up()
    retriever.warm_up()
    assert get_retriever(built_store) is retriever
    assert retriever.search("補助率")


def test_missing_store_raises_store_error_on_first_search(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path / "nowhere")
    retriever = get_retriever(settings)  # cheap: nothing opened yet
    with pytest.raises(StoreError, match="python -m assistant ingest"):
        retriever.search("補助率")


def test_llama_index_retrieve_returns_nodes_with_scores(built_store: Settings) -> None:
    nodes = get_retriever(built_store).retrieve("口頭審査はオンラインですか")
    assert nodes and nodes[0].node.metadata["section"] and nodes[0].score is not None


@pytest.mark.parametrize(
    ("fuse", "expected"),
    [
        # row 2 is second in both lists, row 1 first in BM25 only, row 3 first in dense only
        (lambda lists: reciprocal_rank_fusion(lists, [1.0, 1.0], k=60), [2, 1, 3]),
        (lambda lists: reciprocal_rank_fusion(lists, [0.9, 0.1], k=1), [1, 2, 4]),  # small k: ranks weigh more
        (lambda lists: weighted_fusion(lists, [0.8, 0.2]), [1, 2, 3]),
        (lambda lists: weighted_fusion(lists, [0.1, 0.9]), [3, 2, 1]),
    ],
)
def test_fusion_orders(fuse, expected: list[int]) -> None:  # noqa: ANN001
    bm25 = [(1, 9.0), (2, 5.0), (4, 1.0)]
    dense = [(3, 0.9), (2, 0.8), (5, 0.1)]
    assert [row for row, _ in fuse([bm25, dense])][:3] == expected


def test_bm25_query_drops_words_of_asking_but_never_everything() -> None:
    from assistant.retrieval.bm25 import query_tokens

    tokens = query_tokens("補助率はどれくらいですか?")
    assert "どれ" not in tokens and "率" in tokens
    assert query_tokens("いつ?") != []  # nothing but a question word: keep it rather than search nothing
