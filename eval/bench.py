"""`python -m eval.bench [--store DIR] [--runs N]`: speed figures, kept out of the test suite on purpose.

Measures (1) warm answer latency over every turn of the Q&A set (p50/p95; targets 30 ms / 100 ms) and
(2) the whole-process time of a one-shot `python -m assistant ask --json` (target 5 s).

`--load` instead starts a real `chainlit run` server on the store and measures 20 and 100 concurrent chat
sessions over its socket (eval/load.py): per-turn latency p50/p95 and how many sessions got their own answer.

`--scale N` instead builds a store of about N synthetic guideline chunks (eval/synthetic.py) and
reports ingest throughput, store size, memory and warm query latency per mode (eval/scale.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from eval.dataset import load_qa

ROOT = Path(__file__).resolve().parents[1]
ONE_SHOT_QUESTION = "従業員30人で4,000万円を投資したら補助額は?"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def warm_latencies(store: Path | None) -> list[float]:
    """Milliseconds per turn, each item in a fresh conversation, after one warm-up."""
    from assistant.engine import Engine
    from assistant.settings import get_settings

    settings = get_settings()
    if store:
        settings = settings.model_copy(update={"store_dir": store})
    engine = Engine.from_settings(settings)
    engine.warm_up()
    timings = []
    for item in load_qa():
        state = engine.new_state()
        for turn in item.turns:
            started = time.perf_counter()
            engine.answer(turn, state)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def one_shot_seconds(store: Path | None, runs: int, model: str | None = None) -> list[float]:
    """Whole-process seconds of `ask --json`, per run (with another embedding model if given)."""
    env = {**os.environ, **({"HOJO_EMBED_MODEL": model} if model else {})}
    args = [sys.executable, "-m", "assistant", "ask", "--json", ONE_SHOT_QUESTION]
    if store:
        args += ["--store", str(store)]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=True)
        seconds.append(time.perf_counter() - started)
    return seconds


def run_load(store: Path | None, levels: list[int], workdir: Path | None) -> int:
    """Start a server on the store, warm it with one session, then run each level of concurrent sessions."""
    import asyncio
    import tempfile

    from eval.load import chainlit_server, measure_load

    env = {**os.environ, **({"HOJO_STORE_DIR": str(store.resolve())} if store else {})}
    with tempfile.TemporaryDirectory(prefix="hojo-load-") as temp:
        folder = workdir or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        with chainlit_server(folder, env) as url:
            asyncio.run(measure_load(url, 1))  # the first answer waits for the engine's warm-up
            failed = 0
            for sessions in levels:
                figures = asyncio.run(measure_load(url, sessions))
                ms = [s * 1000 for s in figures.turn_seconds] or [0.0]
                print(f"load {sessions} sessions: {figures.correct}/{sessions} answered with their own figures, "
                      f"turn latency p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
                      f"wall {figures.wall_seconds:.1f} s")
                for problem in figures.problems[:5]:
                    print(f"  {problem}")
                failed += len(figures.problems)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--store", type=Path, help="search store directory (default: settings.store_dir)")
    parser.add_argument("--runs", type=int, default=3, help="one-shot ask runs")
    parser.add_argument("--scale", type=int, help="build a synthetic store of about N chunks and measure it")
    parser.add_argument("--vectors", choices=["minilm", "e5", "synthetic"], default="synthetic",
                        help="--scale: how chunk vectors are made (synthetic: shaped random vectors, e5 queries)")
    parser.add_argument("--e5-sample", type=int, default=300,
                        help="--scale: chunks embedded with each model (MiniLM, e5) to measure its rate (0: skip)")
    parser.add_argument("--workdir", type=Path, help="--scale: where the corpus and store go (default: a temp dir)")
    parser.add_argument("--load", action="store_true", help="measure concurrent chat sessions on a real server")
    parser.add_argument("--sessions", type=int, nargs="+", default=[20, 100],
                        help="--load: concurrent sessions per level")
    args = parser.parse_args(argv)
    if args.load:
        return run_load(args.store, args.sessions, args.workdir)
    if args.scale:
        from eval.scale import run_scale

        return run_scale(args.scale, args.vectors, args.e5_sample, args.workdir, args.runs)
    warm = warm_latencies(args.store)
    print(f"warm answer: {len(warm)} turns, p50 {percentile(warm, 0.5):.1f} ms, p95 {percentile(warm, 0.95):.1f} ms")
    shots = one_shot_seconds(args.store, args.runs)
    print(f"one-shot ask (whole process): median {statistics.median(shots):.2f} s over {len(shots)} runs "
          f"(min {min(shots):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
