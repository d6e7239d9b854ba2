"""`python -m eval [--out DIR] [--store DIR]`: run the Q&A set through the engine and write the report.

`python -m eval feedback [--db URL] --out F.jsonl` exports the chat's 👎 answers as draft items (eval/feedback.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from eval.dataset import QA_PATH, UNSEEN_PATH, UNSEEN_SOURCES, load_qa, loosened
from eval.pipeline import EvalRun, run_eval

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval", description="Evaluate the assistant on eval/qa.jsonl.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for report.md, chart.png, results.json")
    parser.add_argument("--store", type=Path, help="search store directory (default: settings.store_dir)")
    parser.add_argument("--qa", type=Path, default=QA_PATH, help="Q&A file (default: eval/qa.jsonl)")
    parser.add_argument("--unseen", action="store_true",
                        help="the frozen unseen-programme split: eval/unseen.jsonl over corpus + fixtures + seeds")
    parser.add_argument("--with", dest="extra", type=Path, action="append", default=[],
                        help="another folder to ingest beside the corpus (repeatable)")
    parser.add_argument("--without-corpus", action="store_true",
                        help="ingest only the --with folders (e.g. the seed articles alone)")
    parser.add_argument("--kinds", help="only items of these kinds (comma separated)")
    parser.add_argument("--loose", action="store_true",
                        help="check found/phrases/amounts only, not programme ids or section headings "
                             "(for stores built from other documents than the corpus)")
    parser.add_argument("--no-ingest", action="store_true", help="use the store as it is (no ingest of the corpus)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive llama-index baseline")
    parser.add_argument("--no-retrieval-set", action="store_true", help="skip bm25/dense/hybrid on retrieval.jsonl")
    return parser


def _progress(done: list[int], total: int):  # noqa: ANN202 - tiny closure
    def show(record) -> None:  # noqa: ANN001
        done[0] += 1
        mark = "." if record.passed else "F"
        sys.stderr.write(mark + ("\n" if done[0] % 60 == 0 or done[0] == total else ""))
        sys.stderr.flush()

    return show


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["feedback"]:  # `python -m eval feedback --out F.jsonl`: 👎 answers as draft items
        from eval.feedback import main as feedback_main

        return feedback_main(argv[1:])
    args = build_parser().parse_args(argv)
    from assistant.settings import get_settings

    settings = get_settings()
    if args.store:
        settings = settings.model_copy(update={"store_dir": args.store})
    from assistant.retrieval.errors import StoreError

    extra = list(args.extra)
    qa = args.qa
    if args.unseen:
        qa = UNSEEN_PATH if qa == QA_PATH else qa
        extra += [p for p in UNSEEN_SOURCES if p.is_dir()]
    items = load_qa(qa)
    if args.kinds:
        items = [i for i in items if i.kind in set(args.kinds.split(","))]
    if args.loose:
        items = [loosened(i) for i in items]
    started = time.perf_counter()
    try:
        run: EvalRun = run_eval(
            settings,
            items,
            ingest=not args.no_ingest,
            baseline=not args.no_baseline,
            retrieval_set=not args.no_retrieval_set,
            progress=_progress([0], len(items)),
            extra_sources=extra,
            with_corpus=not args.without_corpus,
        )
    except StoreError as error:  # a missing or stale store: one clear sentence, not a traceback
        print(error, file=sys.stderr)
        return 1
    paths = run.write(args.out)
    print(run.summary())
    print(f"\n{len(items)} items in {time.perf_counter() - started:.1f} s; report: {paths['report']}")
    print(json.dumps(run.scores.headline(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
