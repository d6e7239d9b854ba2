"""`python -m eval.bench [--store DIR] [--runs N]`: speed figures, kept out of the test suite on purpose.

Measures (1) warm answer latency over every turn of the Q&A set (p50/p95; targets 30 ms / 100 ms) and
(2) the whole-process time of a one-shot `python -m assistant ask --json` (target 5 s).

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
    args = parser.parse_args(argv)
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
