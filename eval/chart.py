"""The report's PNG: accuracy per kind (bars) beside the distribution of warm per-turn latency."""

from __future__ import annotations

from pathlib import Path

from eval.metrics import turn_latencies_ms
from eval.scores import Scores


def write_chart(scores: Scores, path: Path) -> Path:
    """Draw with matplotlib's Agg backend (no display needed) and save to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(scores.by_kind)
    values = [scores.by_kind[k].overall or 0.0 for k in kinds]
    latencies = turn_latencies_ms(scores.records)

    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    bars = left.barh(kinds, values, color="#4c72b0")
    left.bar_label(bars, labels=[f"{v:.2f}" for v in values], padding=3)
    left.set_xlim(0, 1.1)
    left.invert_yaxis()
    left.axvline(0.9, color="#c44e52", linestyle="--", linewidth=1, label="gate 0.9")
    left.set_title(f"Accuracy per kind (overall {scores.accuracy.overall or 0:.3f})")
    left.legend(loc="lower right")

    right.hist(latencies, bins=30, color="#55a868")
    for name, style in (("latency_p50_ms", "-"), ("latency_p95_ms", "--")):
        value = scores.latency[name].overall
        if value is not None:
            right.axvline(value, color="#333333", linestyle=style, linewidth=1,
                          label=f"{name[8:11]} {value:.1f} ms")
    right.set_title(f"Warm latency per turn ({len(latencies)} turns)")
    right.set_xlabel("ms")
    right.set_ylabel("turns")
    if latencies:
        right.legend()

    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
