"""Query embeddings without importing torch: an ONNX export of the same model, run by onnxruntime.

A one-shot `ask` spent about 4.6 of its 7 seconds importing torch, transformers and
sentence-transformers to embed one short question. Ingest has the model loaded anyway, so it exports
it once into the store (`export_query_encoder`); a query then needs only onnxruntime and tokenizers
(a fraction of a second). The vectors are the sentence-transformers ones: the same tokenizer and
token limit, mean pooling over the attention mask, L2 normalisation, the query prefix put in front
(tests/test_query_encoder.py holds them to a cosine of at least 0.9999). Documents are still embedded
through llama-index at ingest. Models whose pooling is not mean pooling are not exported; their
queries take the ordinary (slower) path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ENCODER_DIR = "query-encoder"
FORMAT = 1  # bump when the export below changes: old exports are then ignored and redone
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def encoder_dir(store_dir: Path, model_path: str, max_length: int | None) -> Path:
    """Where the export for this model and token limit lives inside the store."""
    key = json.dumps([FORMAT, str(Path(model_path).resolve()), max_length])
    return Path(store_dir) / ENCODER_DIR / hashlib.sha256(key.encode()).hexdigest()[:16]


def _mean_pooling(model_path: Path) -> bool:
    config = model_path / "1_Pooling" / "config.json"
    if not config.is_file():
        return False
    pooling = json.loads(config.read_text(encoding="utf-8"))
    flags = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    return flags == ["pooling_mode_mean_tokens"]


def _normalised(model_path: Path) -> bool:
    modules = model_path / "modules.json"
    return modules.is_file() and "Normalize" in modules.read_text(encoding="utf-8")


CHECKSUMS = "checksums.json"
_FILES = ("model.onnx", "tokenizer.json", "meta.json")


def _checksums(directory: Path) -> dict[str, str]:
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in _FILES}


def encoder_intact(directory: Path) -> bool:
    """Whether an export is complete and its files are the ones written (sha256 of each)."""
    try:
        recorded = json.loads((directory / CHECKSUMS).read_text(encoding="utf-8"))
        return bool(recorded == _checksums(directory))
    except (OSError, ValueError):
        return False


def export_query_encoder(store_dir: Path, model_path: str, max_length: int | None) -> Path | None:
    """Export the model for fast queries (once; later calls check it and return). None when not possible.

    A damaged or incomplete export is removed and made again: ingest is the one repair command.
    """
    target = encoder_dir(store_dir, model_path, max_length)
    if (target / "model.onnx").is_file() and encoder_intact(target):
        return target
    shutil.rmtree(target, ignore_errors=True)
    source = Path(model_path)
    if not (source / "tokenizer.json").is_file() or not _mean_pooling(source):
        return None
    try:
        _export(source, target, max_length)
    except Exception as exc:  # an optional speed-up: never let it fail an ingest
        log.warning("query encoder export skipped: %s", exc)
        shutil.rmtree(target.with_name(target.name + ".tmp"), ignore_errors=True)
        return None
    return target


def _export(source: Path, target: Path, max_length: int | None) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(source).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    sample = torch.ones((1, 8), dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    with warnings.catch_warnings():  # the exporter's notes on tracing are for model authors, not users
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(), (sample, sample, torch.zeros_like(sample)), str(staging / "model.onnx"),
            input_names=list(_INPUTS), output_names=["last_hidden_state"], dynamic_axes=dynamic,
            opset_version=17, dynamo=False,
        )
    shutil.copy(source / "tokenizer.json", staging / "tokenizer.json")
    meta = {"max_length": max_length or _own_max_length(source), "normalize": _normalised(source), "format": FORMAT}
    (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (staging / CHECKSUMS).write_text(json.dumps(_checksums(staging)), encoding="utf-8")
    os.replace(staging, target)


def _own_max_length(source: Path) -> int | None:
    """The model's max_seq_length, which sentence-transformers applies when no limit is set."""
    config = source / "sentence_bert_config.json"
    if not config.is_file():
        return None
    value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
    return int(value) if value else None


class QueryEncoder:
    """Embeds queries with the exported model; opens the ONNX session on first use, once."""

    def __init__(self, directory: Path, prefix: str = "") -> None:
        self.directory = directory
        self.prefix = prefix
        self._session: Any = None
        self._tokenizer: Any = None
        self._normalize = True
        self._lock = threading.Lock()

    @classmethod
    def find(cls, store_dir: Path, model_path: str, max_length: int | None, prefix: str) -> QueryEncoder | None:
        directory = encoder_dir(store_dir, model_path, max_length)
        return cls(directory, prefix) if (directory / "model.onnx").is_file() else None

    def _open(self) -> None:
        """Open the session; ComponentError (one Japanese sentence) when the export is damaged, so that
        questions go on with BM25 alone instead of failing one by one."""
        from assistant.components import ComponentError

        try:
            self._load()
        except Exception as exc:  # onnxruntime, tokenizers and json each fail their own way on a bad file
            raise ComponentError(
                f"質問用の埋め込みモデル({self.directory.name})が壊れているため、"
                "`python -m assistant ingest` を実行して作り直してください。"
            ) from exc

    def _load(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads((self.directory / "meta.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        tokenizer.no_padding()
        if meta.get("max_length"):
            tokenizer.enable_truncation(int(meta["max_length"]))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one short query: threads cost more than they gain (2 cores)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(self.directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = tokenizer
        self._normalize = bool(meta.get("normalize", True))

    def embed(self, query: str) -> list[float]:
        import numpy as np

        with self._lock:
            if self._session is None:
                self._open()
        encoding = self._tokenizer.encode(self.prefix + query)
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        hidden = self._session.run(["last_hidden_state"], feeds)[0][0]
        mask = feeds["attention_mask"][0][:, None].astype(np.float32)
        vector = (hidden * mask).sum(axis=0) / max(float(mask.sum()), 1e-9)
        if self._normalize:
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        return [float(x) for x in vector]
