"""`ask` and `chat` commands: one-shot questions, scripted JSONL conversations and a terminal chat.

Whatever a line contains, it gets exactly one reply (a JSON line in --jsonl mode) and the run goes on:
an unexpected error becomes a Japanese apology, never a traceback on the user's screen.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TextIO

from assistant.types import Answer

log = logging.getLogger(__name__)

APOLOGY = "申し訳ありません。回答の作成中に問題が発生しました。お手数ですが、もう一度お試しください。"
EXIT_WORDS = {"/exit", "/quit", "exit", "quit", "終了"}


def _engine(store: Path | None):  # noqa: ANN202 - import kept lazy for start-up time
    from assistant.engine import Engine
    from assistant.settings import get_settings

    settings = get_settings()
    if store is not None:
        settings = settings.model_copy(update={"store_dir": store})
    return Engine.from_settings(settings)


def _safe_answer(engine, text: str, state) -> Answer:  # noqa: ANN001
    try:
        return engine.answer(text, state)
    except Exception:  # the run must go on; the log keeps the details for us
        log.exception("engine failed on a message")
        return Answer(answer=APOLOGY, found=False, programme=getattr(state, "programme", None))


def _print_json(answer: Answer, out: TextIO) -> None:
    out.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
    out.flush()


def run_ask(question: str, as_json: bool, store: Path | None, out: TextIO = sys.stdout) -> int:
    engine = _engine(store)
    answer = _safe_answer(engine, question, engine.new_state())
    if as_json:
        _print_json(answer, out)
    else:
        out.write(answer.answer + "\n")
    return 0


def run_chat(jsonl: bool, store: Path | None, stdin: TextIO, out: TextIO = sys.stdout) -> int:
    engine = _engine(store)
    state = engine.new_state()
    if not jsonl:
        out.write("補助金の公募要領についてご質問ください(終了は /exit、最初からは /reset)。\n")
    while True:
        if not jsonl:
            out.write("質問> ")
            out.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.rstrip("\r\n")
        if not jsonl and text.strip() in EXIT_WORDS:
            return 0
        answer = _safe_answer(engine, text, state)
        if jsonl:
            _print_json(answer, out)
        else:
            out.write(answer.answer + "\n\n")
