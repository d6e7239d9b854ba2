"""Command line: `python -m assistant {ask,chat,ingest,programmes,doctor,rules,users}`; heavy libraries load per command.

Whatever goes wrong outside the answering itself (a bad HOJO_* value, `| head` closing the pipe,
Ctrl-C) ends the run with one Japanese sentence at most, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

# Exit statuses a shell expects after Ctrl-C (128 + SIGINT) and after the reader of a pipe went away
# (128 + SIGPIPE); 2 is a usage error, as argparse uses it.
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
EXIT_BAD_SETTINGS = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="補助金の公募要領に答えるアシスタント"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="質問に1回だけ答えます")
    ask.add_argument("question", nargs="*", help="質問文")
    ask.add_argument("--json", action="store_true", help="回答をJSONで出力します")
    ask.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")

    chat = sub.add_parser("chat", help="ターミナルで会話します")
    chat.add_argument("--jsonl", action="store_true", help="標準入力1行=1メッセージ、1行=1 JSONで応答")
    chat.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")

    ingest = sub.add_parser("ingest", help="公募要領ファイルを取り込み、検索用ストアを作ります")
    ingest.add_argument("paths", nargs="*", type=Path, help="取り込むファイルまたはフォルダ(省略時は同梱コーパス)")
    ingest.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")

    programmes = sub.add_parser("programmes", help="ストアに収録している制度の一覧を表示します")
    programmes.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")

    doctor = sub.add_parser("doctor", help="検索用ストアが壊れていないか調べます")
    doctor.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")

    rules = sub.add_parser("rules", help="計算ルール(rules.yaml)とテスト表(tests.yaml)を確かめます")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="フォルダ内のすべての計算ルールとテスト表を検査します")
    check.add_argument("dir", nargs="?", type=Path, help="制度のフォルダ、またはその親フォルダ(省略時は同梱コーパス)")
    show = rules_sub.add_parser("show", help="制度のパラメータを公募回ごとに表示します")
    show.add_argument("programme", help="制度のID、正式名称、またはフォルダ")
    show.add_argument("--dir", type=Path, help="制度フォルダの親フォルダ(省略時は同梱コーパス)")

    from assistant.users_cli import add_parser

    add_parser(sub)
    return parser


def run_doctor(store: Path | None) -> int:
    """Print the store's health check in Japanese; 0 when every part is usable."""
    from assistant.retrieval.health import check_store
    from assistant.settings import get_settings

    settings = get_settings()
    if store is not None:
        settings = settings.model_copy(update={"store_dir": Path(store)})
    health = check_store(settings)
    print("\n".join(health.lines()))
    return 0 if health.ok else 1


def run_programmes(store: Path | None) -> int:
    """Print the store's catalogue, one programme a line; 1 with a Japanese message when there is no store."""
    from assistant.retrieval import StoreError
    from assistant.retrieval.store import current_generation, read_manifest
    from assistant.settings import get_settings
    from ingest.cli import programme_lines

    store_dir = Path(store or get_settings().store_dir)
    generation = current_generation(store_dir)
    try:
        if generation is None:
            raise StoreError.missing(store_dir)
        catalogue = read_manifest(generation).catalogue()
    except StoreError as error:
        print(error)
        return 1
    programmes = sorted(catalogue.values(), key=lambda p: p.official_name)
    print(f"収録している制度({len(programmes)}件):")
    for line in programme_lines(programmes):
        print(f"- {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # undecodable input becomes U+FFFD instead of a traceback
            stream.reconfigure(encoding="utf-8", errors="replace")
    _quiet_logging()
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("\n中断しました。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (`| head`) has gone: further output, even Python's own flush at exit, must go nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(args: argparse.Namespace) -> int:
    from assistant.settings import SettingsError, get_settings

    try:
        get_settings()
    except SettingsError as error:
        return _bad_settings(args, str(error))
    if args.command == "ingest":
        from ingest.cli import run_ingest_command

        return run_ingest_command(args.paths, args.store)
    if args.command == "programmes":
        return run_programmes(args.store)
    if args.command == "doctor":
        return run_doctor(args.store)
    if args.command == "rules":
        from assistant.calculator.rules_cli import run_check, run_show

        return run_check(args.dir) if args.rules_command == "check" else run_show(args.programme, args.dir)
    if args.command == "users":
        from assistant.users_cli import run_users

        return run_users(args)
    from assistant.chat_cli import run_ask, run_chat

    if args.command == "ask":
        return run_ask(" ".join(args.question), as_json=args.json, store=args.store)
    return run_chat(jsonl=args.jsonl, store=args.store, stdin=sys.stdin)


def _bad_settings(args: argparse.Namespace, message: str) -> int:
    """The one sentence naming the bad variable: as a JSON Answer in the JSON modes, else on stderr."""
    if getattr(args, "json", False) or getattr(args, "jsonl", False):
        import json

        from assistant.types import Answer

        print(json.dumps(Answer(answer=message, found=False, programme=None).to_dict(), ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return EXIT_BAD_SETTINGS


class _PlainFormatter(logging.Formatter):
    """Our own warnings as their one Japanese sentence: no traceback on the user's terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


def _quiet_logging() -> None:
    """Warnings of this project's loggers on stderr as plain sentences; libraries' own chatter stays silent.

    Without a handler, Python prints every logged exception with its traceback (the last-resort handler).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PlainFormatter())
    # A record with a traceback is for developers; the user has already had the Japanese apology.
    handler.addFilter(lambda record: record.name.split(".")[0] in ("assistant", "ingest", "eval")
                      and not record.exc_info)
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
