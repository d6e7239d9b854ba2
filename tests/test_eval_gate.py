"""CI gate: the whole Q&A set through one warm engine over the shipped corpus.

Fails when numeric exact match < 100%, overall accuracy < 0.9, the answers' retrieval hit@3 < 0.9,
or any out-of-scope answer contains a figure. Each failure lists the items and why they failed.
"""

from __future__ import annotations

import pytest

from eval.dataset import load_qa
from eval.pipeline import EvalRun, run_eval
from eval.scores import figures_leaked

pytestmark = pytest.mark.slow

MIN_ACCURACY = 0.9
MIN_HIT_AT_3 = 0.9


@pytest.fixture(scope="module")
def run(built_store) -> EvalRun:
    # One warm engine over the session's store of the shipped corpus; the comparisons (baseline,
    # retriever modes) belong to `python -m eval`, not to the gate.
    return run_eval(built_store, load_qa(), ingest=False, baseline=False, retrieval_set=False)


def _failures(run: EvalRun, ids: list[str]) -> str:
    by_id = {r.item.id: r for r in run.scores.records}
    return "\n".join(f"{i} 「{' / '.join(by_id[i].item.turns)}」: {'; '.join(by_id[i].reasons)}" for i in ids)


def test_numeric_exact_match_is_perfect(run):
    metric = run.scores.numeric
    assert metric.count > 0
    assert metric.overall == 1.0, "amounts differ:\n" + _failures(run, metric.failed())


def test_overall_accuracy(run):
    metric = run.scores.accuracy
    assert metric.overall is not None and metric.overall >= MIN_ACCURACY, (
        f"accuracy {metric.overall:.3f} < {MIN_ACCURACY}:\n" + _failures(run, metric.failed())
    )


def _misses(run: EvalRun, ids: list[str]) -> str:
    by_id = {r.item.id: r for r in run.scores.records}
    return "\n".join(
        f"{i} 「{by_id[i].item.turns[-1]}」 expected 「{by_id[i].item.expect['section']}」, top 3: "
        + " | ".join(p.section.rsplit(" > ", 1)[-1] for p in by_id[i].final.passages[:3])
        for i in ids
    )


def test_retrieval_hit_at_3(run):
    metric = run.scores.engine_retrieval["hit@3"]
    assert metric.overall is not None and metric.overall >= MIN_HIT_AT_3, (
        f"hit@3 {metric.overall:.3f} < {MIN_HIT_AT_3}; expected section not in the top 3:\n"
        + _misses(run, metric.failed())
    )


def test_no_figure_in_out_of_scope_answers(run):
    leaked = figures_leaked(run.scores.records)
    assert not leaked, "figures in not-covered answers:\n" + _failures(run, sorted(leaked))


def test_outputs_are_written(run, tmp_path):
    paths = run.write(tmp_path / "out")
    assert "## Failed items" in paths["report"].read_text(encoding="utf-8")
    assert paths["chart"].read_bytes()[:4] == b"\x89PNG"
