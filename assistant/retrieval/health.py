"""A thorough look at the store, for `python -m assistant doctor`: every artifact opened and cross-checked.

Ingest makes only cheap checks (hashes, sizes and times) so that an unchanged re-run stays fast; the
doctor opens each part the way a question would, and says in Japanese what is wrong and what repairs it.
It never writes into the store (Chroma is opened as a private copy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.retrieval.errors import INGEST_COMMAND, StoreError
from assistant.retrieval.snapshot import load_bm25, open_collection
from assistant.retrieval.store import (
    FORMAT_VERSION,
    Manifest,
    NodeRecord,
    artifact_hashes,
    check_compatible,
    chroma_intact,
    chroma_server,
    current_generation,
    display,
    read_manifest,
    read_nodes,
)
from assistant.settings import Settings
from assistant.tokenizer import TOKENIZER_VERSION

REPAIR_BY_INGEST = f"`{INGEST_COMMAND}` を実行すると作り直します"


@dataclass(frozen=True)
class Check:
    """One part of the store: whether it is usable, what was found, and what repairs it when not."""

    label: str
    ok: bool
    detail: str
    repair: str = ""


@dataclass
class Health:
    store_dir: Path
    generation: Path | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        """The report: one line per check, then one conclusion sentence."""
        where = f"(世代 {self.generation.name})" if self.generation else ""
        out = [f"検索用ストア: {display(self.store_dir)}{where}"]
        out += [f"  {'✓' if c.ok else '✗'} {c.label}: {c.detail}" for c in self.checks]
        problems = [c for c in self.checks if not c.ok]
        if not problems:
            out.append("結論: ストアは正常です。")
            return out
        repairs = list(dict.fromkeys(c.repair for c in problems if c.repair))
        out.append(f"結論: 問題が{len(problems)}件あります。" + "。".join(repairs) + ("。" if repairs else ""))
        return out


def check_store(settings: Settings) -> Health:
    """Every check that applies, in the order a question meets the parts; later ones need earlier ones."""
    store_dir = Path(settings.store_dir)
    health = Health(store_dir)
    generation = current_generation(store_dir)
    if generation is None:
        health.checks.append(Check("ストア", False, "まだありません(取り込まれていません)", REPAIR_BY_INGEST))
        return health
    health.generation = generation
    manifest = _step(health, "マニフェスト", lambda: _manifest(generation, settings))
    if manifest is None:
        return health
    nodes = _step(health, "本文(nodes.jsonl)", lambda: _nodes(generation, manifest))
    if nodes is None:
        return health
    _step(health, "BM25 索引", lambda: _bm25(generation, len(nodes)))
    _step(health, "ベクトル索引(Chroma)", lambda: _chroma(generation, manifest, len(nodes)))
    health.checks.append(_query_embedding(settings))
    return health


def _step(health: Health, label: str, run: Callable[[], tuple[object, str]]):  # noqa: ANN202 - the run's value
    """Run one check; a StoreError becomes a failed Check with its Japanese sentence, else a passed one."""
    try:
        value, detail = run()
    except StoreError as error:
        health.checks.append(Check(label, False, error.detail, REPAIR_BY_INGEST))
        return None
    health.checks.append(Check(label, True, detail))
    return value


def _manifest(generation: Path, settings: Settings) -> tuple[Manifest, str]:
    manifest = read_manifest(generation)
    check_compatible(manifest, generation.parent, settings.embed_model, TOKENIZER_VERSION)
    return manifest, f"読めます(形式 {FORMAT_VERSION}、ファイル {len(manifest.files)}件、モデル {manifest.embed_model})"


def _nodes(generation: Path, manifest: Manifest) -> tuple[list[NodeRecord], str]:
    nodes = read_nodes(generation)
    if manifest.artifacts and artifact_hashes(generation) != manifest.artifacts:
        raise StoreError.corrupt(generation.parent, "本文か BM25 索引のファイルが取り込み時と違います")
    ids = {n.id for n in nodes}
    if any(i not in ids for entry in manifest.files.values() for i in entry.node_ids):
        raise StoreError.corrupt(generation.parent, "マニフェストにあるチャンクが本文にありません")
    return nodes, f"チャンク {len(nodes):,}件"


def _bm25(generation: Path, count: int) -> tuple[None, str]:
    load_bm25(generation, generation.parent, count)
    return None, f"読めます({count:,}件)"


def _chroma(generation: Path, manifest: Manifest, count: int) -> tuple[None, str]:
    server = chroma_server(generation)
    if server is None and not manifest.chroma_files:
        raise StoreError.corrupt(generation.parent, "点検用の記録がありません(以前の版で作られたストアです)")
    if server is None and not chroma_intact(generation, manifest.chroma_files):
        raise StoreError.corrupt(generation.parent, "ファイルがないか、取り込み時から変わっています")
    handle = open_collection(generation, generation.parent)
    try:
        stored = handle.collection.count()
    except Exception as exc:
        raise StoreError.corrupt(generation.parent, "コレクションを読めません") from exc
    finally:
        handle.close()
    if stored != count:
        raise StoreError.corrupt(generation.parent, f"件数 {stored:,} が本文の {count:,} と一致しません")
    where = f"サーバー {server['url']}" if server else "組み込み"
    return None, f"読めます({where}、{stored:,}件)"


def _query_embedding(settings: Settings) -> Check:
    """Whether questions can be embedded here: the engine, and the store's fast export where one is made."""
    from assistant.components import PACKAGED_PREFIX, embedder_problem, max_tokens, resolve_model_path
    from assistant.query_encoder import encoder_dir, encoder_intact
    from assistant.settings import E5_MODEL

    label = "質問の埋め込み"
    problem = embedder_problem(settings)
    if problem:
        return Check(label, False, problem, "")
    if settings.embed_model == E5_MODEL:
        return Check(label, True, f"使えます({settings.embed_model})")
    directory = encoder_dir(Path(settings.store_dir), resolve_model_path(settings.embed_model),
                            max_tokens(settings.embed_model))
    if not (directory / "model.onnx").is_file():
        if not settings.embed_model.startswith(PACKAGED_PREFIX):  # not every hub model can be exported
            return Check(label, True, f"使えます({settings.embed_model}、高速化用の書き出しなし)")
        return Check(label, False, "高速化用の書き出し(query-encoder)がありません", REPAIR_BY_INGEST)
    if not encoder_intact(directory):
        return Check(label, False, "高速化用の書き出し(query-encoder)が壊れています", REPAIR_BY_INGEST)
    return Check(label, True, f"使えます({settings.embed_model}、高速化用の書き出しあり)")
