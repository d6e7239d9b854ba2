"""Incremental ingest: hash files, re-read only new or changed ones, embed only their chunks, switch atomically.

The store holds every file ever ingested that still exists: the given paths are added to what the
previous generation knew, a file that disappeared loses its nodes, a changed file replaces only its
own nodes, and a different embedding model, document prefix, tokenizer, chunk size or store format
rebuilds everything.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.os_errors import describe_os_error
from assistant.programmes import Programme, ProgrammeInfo
from assistant.retrieval.errors import StoreError
from assistant.retrieval.store import (
    FORMAT_VERSION,
    FileEntry,
    Manifest,
    NodeRecord,
    current_generation,
    read_manifest,
    read_nodes,
)
from assistant.settings import Settings
from assistant.tokenizer import TOKENIZER_VERSION
from ingest.errors import LoadError
from ingest.files import Skipped, SourceFile, discover, file_sha256, too_large
from ingest.isolation import FileRead, IsolatedReader, ReadJob
from ingest.nodes import programme_of
from ingest.progress import Progress
from ingest.store_writer import (
    drop_chroma,
    ingest_lock,
    new_generation_dir,
    remove_old_generations,
    switch_current,
    write_chroma,
    write_generation_files,
)

EMBED_BATCH = 32
# Bump when loading, programme resolution or chunking changes: every file is then read again.
READER_VERSION = "11"

Embed = Callable[[list[str]], list[list[float]]]


@dataclass
class IngestReport:
    """What one run did; the CLI prints it as the Japanese summary."""

    store_dir: Path
    files: int = 0  # files in the store after the run
    unchanged: int = 0
    updated: int = 0  # new or changed files read this run
    removed: int = 0
    chunks: int = 0  # chunks in the store after the run
    embedded: int = 0  # chunks embedded this run (new text: the others came from the embedding cache)
    skipped: list[Skipped] = field(default_factory=list)
    rebuild_reason: str | None = None
    programmes: list[Programme] = field(default_factory=list)  # the catalogue after the run
    rules_problems: list[str] = field(default_factory=list)  # rules files that are not usable, and why
    switched: bool = False  # a new generation became current
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """False only when nothing could be ingested (the store would be empty)."""
        return self.files > 0


def run_ingest(
    paths: Sequence[Path],
    settings: Settings,
    embed: Embed | None = None,
    show_progress: bool = False,
) -> IngestReport:
    """Bring the store up to date with the given paths (default: the shipped corpus).

    show_progress writes progress lines to stderr (a large file or a long embedding is seen to move).
    """
    started = time.perf_counter()
    progress = Progress(sys.stderr if show_progress else None)
    store_dir = Path(settings.store_dir)
    report = IngestReport(store_dir=store_dir)
    with ingest_lock(store_dir):
        _run(list(paths) or [Path(settings.corpus_dir)], settings, embed, progress, report)
        _describe_catalogue(report)
        if report.ok and embed is None:
            from assistant.components import prepare_query_encoder

            prepare_query_encoder(settings)  # lets one-shot questions skip importing torch
    report.seconds = time.perf_counter() - started
    return report


def _describe_catalogue(report: IngestReport) -> None:
    """The programmes the store now holds, and which of their rules files the calculator cannot use."""
    from assistant.calculator import rules_problem
    from assistant.calculator.capability import tables_problem

    generation = current_generation(report.store_dir)
    if generation is None:
        return
    try:
        catalogue = read_manifest(generation).catalogue()
    except StoreError:
        return
    report.programmes = sorted(catalogue.values(), key=lambda p: p.official_name)
    for programme in report.programmes:
        problem = rules_problem(programme) or tables_problem(programme)
        if problem:
            report.rules_problems.append(problem)


def _previous(store_dir: Path, settings: Settings) -> tuple[Path | None, Manifest | None, str | None]:
    """(generation, manifest if reusable, reason for a full rebuild)."""
    generation = current_generation(store_dir)
    if generation is None:
        return None, None, None
    try:
        manifest = read_manifest(generation)
    except StoreError:
        return generation, None, "以前のストアが壊れていた"
    expected = {
        "format_version": (FORMAT_VERSION, "ストアの形式"),
        "embed_model": (settings.embed_model, "埋め込みモデル"),
        "embed_document_prefix": (settings.embed_document_prefix, "文書用プレフィックス"),
        "tokenizer_version": (TOKENIZER_VERSION, "トークナイザ"),
        "chunk_size": (settings.chunk_size, "チャンクサイズ"),
        "reader_version": (READER_VERSION, "文書の読み取り方"),
    }
    for attribute, (value, label) in expected.items():
        if getattr(manifest, attribute) != value:
            return generation, manifest, f"{label}が変わった"
    if _chroma_url_of(generation) != settings.chroma_url:
        return generation, manifest, "ベクトルの保存先(HOJO_CHROMA_URL)が変わった"  # vectors come from the cache
    return generation, manifest, None


def _chroma_url_of(generation: Path) -> str:
    """The Chroma server a generation's vectors live on ("" when embedded; a damaged record counts as none)."""
    from assistant.retrieval.store import chroma_server

    try:
        server = chroma_server(generation)
    except StoreError:
        return ""
    return server["url"] if server else ""


def _run(
    roots: list[Path], settings: Settings, embed: Embed | None, progress: Progress, report: IngestReport
) -> None:
    discovered, report.skipped = discover(roots)
    previous_gen, manifest, report.rebuild_reason = _previous(report.store_dir, settings)
    reusable = manifest if report.rebuild_reason is None else None
    previous_nodes: list[NodeRecord] = []
    if reusable is not None and previous_gen is not None:
        consistent = _read_consistent_nodes(previous_gen, reusable)
        if consistent is None:
            reusable, report.rebuild_reason = None, "以前のストアが壊れていた"
        previous_nodes = consistent or []

    work = _work_list(discovered, manifest, report)
    hashes = _hash_files(work, int(settings.max_file_mb * 1_000_000), report)
    old = reusable.files if reusable else {}
    unchanged = {p for p, f in work.items() if _same(old.get(str(p)), hashes[p], f.source)}
    to_read = [f for p, f in work.items() if p not in unchanged]
    report.unchanged = len(unchanged)
    if reusable is not None and not to_read and len(unchanged) == len(old):
        report.files = len(old)
        report.chunks = sum(len(e.node_ids) for e in old.values())
        return  # nothing changed: no generation, no model, no Chroma

    known = [ProgrammeInfo.from_dict(e.info) for p, e in old.items() if Path(p) in unchanged and e.info]
    new_entries, new_nodes = _read_files(to_read, hashes, settings, known, progress, report)
    files: dict[str, FileEntry] = {str(p): old[str(p)] for p in unchanged}
    files.update(new_entries)
    report.files, report.updated = len(files), len(new_entries)
    report.removed = len([k for k in (manifest.files if manifest else {}) if k not in files])
    if not files:
        return  # nothing could be ingested: keep whatever store there was
    if reusable is not None and not new_entries and not report.removed:
        report.chunks = sum(len(e.node_ids) for e in files.values())
        return  # only unreadable files were new: the current generation is still right

    previous_by_id = {n.id: n for n in previous_nodes}
    by_id = {**previous_by_id, **{n.id: n for n in new_nodes}}
    ordered_ids = [node_id for key in sorted(files) for node_id in files[key].node_ids]
    nodes = [by_id[node_id] for node_id in dict.fromkeys(ordered_ids)]
    kept_ids = {n.id for n in nodes}
    drop_ids = [node_id for node_id in previous_by_id if node_id not in kept_ids]
    # A chunk that is identical in a changed file keeps its vector; only new or altered chunks are embedded.
    fresh = [n for n in new_nodes if previous_by_id.get(n.id) != n]
    embeddings, report.embedded = _embed_all(fresh, embed, settings, progress)
    report.chunks = len(nodes)

    new_manifest = Manifest(
        format_version=FORMAT_VERSION,
        embed_model=settings.embed_model,
        embed_document_prefix=settings.embed_document_prefix,
        tokenizer_version=TOKENIZER_VERSION,
        chunk_size=settings.chunk_size,
        files=files,
        reader_version=READER_VERSION,
    )
    base = previous_gen if reusable is not None else None
    _write_generation(report.store_dir, previous_gen, base, drop_ids, fresh, embeddings, nodes, new_manifest,
                      settings.chroma_url)
    report.switched = True


def _work_list(
    discovered: list[SourceFile], manifest: Manifest | None, report: IngestReport
) -> dict[Path, SourceFile]:
    """Files found now plus files the store already knows that still exist (they stay in the store).

    A known file that has become a link is not followed: it may now point anywhere.
    """
    work = {f.path: f for f in discovered}
    for key, entry in (manifest.files if manifest else {}).items():
        path = Path(key)
        if path in work:
            continue
        if path.is_symlink():
            report.skipped.append(Skipped(path, "以前取り込んだファイルがリンクに置き換えられたため、読み込みません"))
        elif path.is_file():
            work[path] = SourceFile(path, entry.source)
    return work


def _hash_files(work: dict[Path, SourceFile], max_bytes: int, report: IngestReport) -> dict[Path, str]:
    """Content hashes; a file too large or unreadable leaves the work list and is reported as skipped."""
    hashes: dict[Path, str] = {}
    for path in list(work):
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise LoadError(too_large(size, max_bytes))
            hashes[path] = file_sha256(path)
        except OSError as exc:
            report.skipped.append(Skipped(path, f"ファイルを開けませんでした({describe_os_error(exc)})"))
            del work[path]
        except LoadError as exc:
            report.skipped.append(Skipped(path, str(exc)))
            del work[path]
    return hashes


def _same(entry: FileEntry | None, sha256: str, source: str) -> bool:
    return entry is not None and entry.sha256 == sha256 and entry.source == source


def _write_generation(
    store_dir: Path,
    previous_gen: Path | None,
    base: Path | None,
    drop_ids: list[str],
    fresh: list[NodeRecord],
    embeddings: list[list[float]],
    nodes: list[NodeRecord],
    manifest: Manifest,
    chroma_url: str = "",
) -> None:
    """Build the new generation from base (or from nothing), switch to it, drop older generations."""
    generation = new_generation_dir(store_dir)
    try:
        write_chroma(generation, base, drop_ids, fresh, embeddings, chroma_url)
        write_generation_files(generation, nodes, manifest)
        switch_current(store_dir, generation)
    except BaseException:
        drop_chroma(generation)
        shutil.rmtree(generation, ignore_errors=True)
        raise
    remove_old_generations(store_dir, keep=[generation] + ([previous_gen] if previous_gen else []))


def _read_consistent_nodes(generation: Path, manifest: Manifest) -> list[NodeRecord] | None:
    """The previous generation's records, or None when it is damaged (then everything is rebuilt).

    Our own files are checked against their hashes in the manifest and Chroma's files against their size
    and time (readers never write there); loading BM25 or Chroma here would cost the unchanged re-run
    more than a second.
    """
    from assistant.retrieval.store import artifact_hashes, chroma_intact, chroma_present

    if not chroma_present(generation) or not chroma_intact(generation, manifest.chroma_files):
        return None
    try:
        if not manifest.artifacts or artifact_hashes(generation) != manifest.artifacts:
            return None
        nodes = read_nodes(generation)
    except (OSError, StoreError):
        return None
    ids = {n.id for n in nodes}
    if any(node_id not in ids for entry in manifest.files.values() for node_id in entry.node_ids):
        return None
    return nodes


def _read_files(
    to_read: list[SourceFile],
    hashes: dict[Path, str],
    settings: Settings,
    known: list[ProgrammeInfo],
    progress: Progress,
    report: IngestReport,
) -> tuple[dict[str, FileEntry], list[NodeRecord]]:
    """Load, chunk and tokenise new or changed files, each in the isolated reader; failures go to report.skipped.

    All files are loaded before any programme is inferred, so an article without front matter joins a
    programme declared by a file that sorts after it.
    """
    loaded = _load_isolated(to_read, settings, progress, report)
    known = known + [read.docs[0].declared for _, read in loaded if read.docs[0].declared is not None]
    entries: dict[str, FileEntry] = {}
    nodes: list[NodeRecord] = []
    for source_file, read in loaded:
        info = programme_of(read.docs, known)
        if info not in known:
            known.append(info)  # the next article about the same programme joins this one
        records = [replace(r, programme=info.id) for r in read.records]
        if not records:
            report.skipped.append(Skipped(source_file.path, "取り込める本文がありませんでした"))
            continue
        entries[str(source_file.path)] = FileEntry(
            source=source_file.source,
            sha256=hashes[source_file.path],
            programme=info.id,
            node_ids=[r.id for r in records],
            title=read.docs[0].title,
            info=info.to_dict(),
        )
        nodes.extend(records)
    return entries, nodes


def _load_isolated(
    to_read: list[SourceFile], settings: Settings, progress: Progress, report: IngestReport
) -> list[tuple[SourceFile, FileRead]]:
    """Each file read in the worker process under the size, time and memory limits."""
    max_bytes = int(settings.max_file_mb * 1_000_000)
    loaded: list[tuple[SourceFile, FileRead]] = []
    with IsolatedReader(settings.file_timeout_s) as reader:
        for number, source_file in enumerate(to_read, start=1):
            progress.file(number, len(to_read), source_file)
            job = ReadJob(source_file.path, source_file.source, settings.chunk_size, max_bytes)
            try:
                loaded.append((source_file, reader.read(job, progress.chunks)))
            except LoadError as exc:
                report.skipped.append(Skipped(source_file.path, str(exc)))
    return loaded


def _embed_all(
    nodes: list[NodeRecord], embed: Embed | None, settings: Settings, progress: Progress
) -> tuple[list[list[float]], int]:
    """(embeddings of the new chunks, how many were computed now): cached vectors are reused by
    content hash; the rest are embedded in batches so the progress bar moves."""
    if not nodes:
        return [], 0
    from assistant.components import embedding_identity

    if embed is None:
        from assistant.components import get_embedder

        embedder = get_embedder(settings)
        embed = embedder.get_text_embedding_batch
    from ingest.embed_cache import EmbeddingCache, embed_with_cache

    texts = [n.index_text() for n in nodes]
    total, done = len(set(texts)), 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        progress.embedded(done, total)

    with EmbeddingCache.open(Path(settings.store_dir), embedding_identity(settings)) as cache:
        return embed_with_cache(texts, embed, cache, EMBED_BATCH, advance)
