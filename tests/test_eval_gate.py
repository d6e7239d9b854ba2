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


# --- the frozen unseen-programme split: programmes we do not ship, in a store beside the corpus ----------
MIN_UNSEEN_ACCURACY = 0.75  # measured 0.813 when the split was first scored; the aim is 0.90


@pytest.fixture(scope="module")
def unseen_run(tmp_path_factory) -> EvalRun:
    from assistant.settings import Settings
    from eval.dataset import UNSEEN_PATH, UNSEEN_SOURCES

    settings = Settings(store_dir=tmp_path_factory.mktemp("unseen") / "store")
    sources = [p for p in UNSEEN_SOURCES if p.is_dir()]
    return run_eval(settings, load_qa(UNSEEN_PATH), baseline=False, retrieval_set=False, extra_sources=sources)


def test_unseen_programmes_are_answered(unseen_run):
    metric = unseen_run.scores.accuracy
    assert metric.overall is not None and metric.overall >= MIN_UNSEEN_ACCURACY, (
        f"unseen accuracy {metric.overall:.3f} < {MIN_UNSEEN_ACCURACY}:\n" + _failures(unseen_run, metric.failed())
    )


def test_no_figure_in_out_of_scope_answers_about_unseen_programmes(unseen_run):
    leaked = figures_leaked(unseen_run.scores.records)
    assert not leaked, "figures in not-covered answers:\n" + _failures(unseen_run, sorted(leaked))
