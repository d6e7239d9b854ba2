"""The torch-free query encoder gives the same vectors as the sentence-transformers path it replaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import components
from assistant.query_encoder import QueryEncoder, encoder_dir, export_query_encoder
from assistant.settings import E5_MODEL, Settings
from assistant.settings import MINILM_MODEL as PACKAGED_MODEL

pytestmark = pytest.mark.slow

QUERIES = [
    "従業員30人で4,000万円を投資したら補助額は?",
    "GビズIDプライムの取得にはどれくらいかかりますか",
    "consortium rules for the export subsidy",
    "補" * 400,  # longer than the 128-token limit: both sides must truncate alike
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store")
    model_path = components.resolve_model_path(PACKAGED_MODEL)
    directory = export_query_encoder(store, model_path, components.max_tokens(PACKAGED_MODEL))
    assert directory is not None and (directory / "model.onnx").is_file()
    return store


@pytest.mark.parametrize("prefix", ["", "検索クエリ: "])
def test_onnx_vectors_match_the_sentence_transformers_ones(exported: Path, prefix: str) -> None:
    reference = components._load_model(PACKAGED_MODEL, prefix, "")
    encoder = QueryEncoder.find(exported, components.resolve_model_path(PACKAGED_MODEL),
                                components.max_tokens(PACKAGED_MODEL), prefix)
    assert encoder is not None
    for query in QUERIES:
        fast = np.array(encoder.embed(query))
        slow = np.array(reference.get_query_embedding(query))
        assert fast.shape == slow.shape
        assert float(fast @ slow) / (np.linalg.norm(fast) * np.linalg.norm(slow)) > 0.9999, query


def test_export_is_done_once_and_keyed_by_model_and_limit(exported: Path) -> None:
    model_path = components.resolve_model_path(PACKAGED_MODEL)
    first = encoder_dir(exported, model_path, 128)
    stamp = (first / "model.onnx").stat().st_mtime_ns
    assert export_query_encoder(exported, model_path, 128) == first
    assert (first / "model.onnx").stat().st_mtime_ns == stamp
    assert encoder_dir(exported, model_path, 256) != first


def test_a_model_without_mean_pooling_is_not_exported(tmp_path: Path) -> None:
    fake = tmp_path / "model"
    (fake / "1_Pooling").mkdir(parents=True)
    (fake / "tokenizer.json").write_text("{}", encoding="utf-8")
    (fake / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}', encoding="utf-8")
    assert export_query_encoder(tmp_path / "store", str(fake), None) is None


def test_ingest_prepares_the_fast_path_for_queries(tmp_path: Path) -> None:
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus" / "demo"
    corpus.mkdir(parents=True)
    (corpus / "a.md").write_text("# デモ補助金\n## 口頭審査\n口頭審査には代表者が出席します。\n", encoding="utf-8")
    built_store = Settings(store_dir=tmp_path / "store", corpus_dir=tmp_path / "corpus", embed_model=PACKAGED_MODEL)
    assert run_ingest([], built_store).ok
    embedder = components.get_embedder(built_store)
    encoder = components._query_encoder(built_store.embed_model, built_store.embed_query_prefix,
                                        str(built_store.store_dir))
    assert encoder is not None
    query = "口頭審査は誰が出席しますか"
    slow = components._load_model(built_store.embed_model, built_store.embed_query_prefix, "")
    assert components._query_encoder(E5_MODEL, "query: ", str(built_store.store_dir)) is None, "e5 needs none"
    assert np.allclose(embedder.get_query_embedding(query), slow.get_query_embedding(query), atol=1e-4)
