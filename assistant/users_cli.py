"""`python -m assistant users {add,remove,list}`: manage the chat's users file from a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from assistant.users import UsersError, add_user, read_users, remove_user


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = sub.add_parser("users", help="チャットにサインインできるユーザーを管理します")
    users.add_argument("action", choices=["add", "remove", "list"], help="add: 追加・パスワード変更、remove: 削除、list: 一覧")
    users.add_argument("name", nargs="?", help="ユーザー名(半角英数字)")
    users.add_argument("--admin", action="store_true", help="管理者にします(アップロードを管理者に限る設定で使います)")
    users.add_argument("--password-stdin", action="store_true", help="パスワードを標準入力の1行目から読みます")
    users.add_argument("--file", type=Path, help="ユーザーファイル(省略時は HOJO_USERS_FILE、なければ data_dir/users.json)")


def run_users(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    from assistant.settings import get_settings

    out = out or sys.stdout
    path = Path(args.file) if args.file else get_settings().users_path()
    try:
        if args.action == "list":
            for record in read_users(path).values():
                print(f"{record.name}({'管理者' if record.role == 'admin' else '利用者'})", file=out)
            return 0
        if not args.name:
            print("ユーザー名を指定してください(例: python -m assistant users add tanaka)。", file=out)
            return 2
        if args.action == "remove":
            removed = remove_user(path, args.name)
            print(f"{args.name} を削除しました。" if removed else f"{args.name} は登録されていません。", file=out)
            return 0 if removed else 1
        password = _read_password(args.password_stdin, stdin or sys.stdin)
        add_user(path, args.name, password, "admin" if args.admin else "member")
    except UsersError as exc:
        print(exc, file=out)
        return 1
    print(f"{args.name} を登録しました({path})。", file=out)
    return 0


def _read_password(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("パスワード: ")
    if getpass.getpass("もう一度: ") != first:
        raise UsersError("2回入力したパスワードが一致しません。")
    return first
