"""Command line: `python -m assistant {ask,chat,ingest,programmes,rules,users}`; heavy libraries load per command."""

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

    programmes = sub.add_parser("programmes", help="ストアに収録している制度の一覧を表示します")
    programmes.add_argument("--store", type=Path, help="検索用ストアのディレクトリ")

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
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):  # undecodable input becomes U+FFFD instead of a traceback
            stream.reconfigure(encoding="utf-8", errors="replace")
    if args.command == "ingest":
        from ingest.cli import run_ingest_command

        return run_ingest_command(args.paths, args.store)
    if args.command == "programmes":
        return run_programmes(args.store)
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
