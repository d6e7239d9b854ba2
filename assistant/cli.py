"""Command line: `python -m assistant {ask,chat,ingest}`. Heavy libraries are imported per command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):  # undecodable input becomes U+FFFD instead of a traceback
            stream.reconfigure(encoding="utf-8", errors="replace")
    if args.command == "ingest":
        from ingest.cli import run_ingest_command

        return run_ingest_command(args.paths, args.store)
    from assistant.chat_cli import run_ask, run_chat

    if args.command == "ask":
        return run_ask(" ".join(args.question), as_json=args.json, store=args.store)
    return run_chat(jsonl=args.jsonl, store=args.store, stdin=sys.stdin)
