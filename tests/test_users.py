"""Users file, password checks and the sign-in policy (pure functions and the `users` command)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from assistant.cli import build_parser
from assistant.users import (
    REFUSAL,
    SignIn,
    UsersError,
    add_user,
    auth_secret,
    authenticate,
    is_loopback,
    read_users,
    remove_user,
    sign_in_mode,
)
from assistant.users_cli import run_users


def test_passwords_are_salted_hashes_checked_in_constant_time(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    add_user(path, "tanaka", "correct horse", "admin")
    add_user(path, "suzuki", "correct horse")
    stored = path.read_text(encoding="utf-8")
    assert "correct horse" not in stored
    users = read_users(path)
    assert users["tanaka"].salt != users["suzuki"].salt and users["tanaka"].hash != users["suzuki"].hash
    assert authenticate(path, "tanaka", "correct horse").role == "admin"  # type: ignore[union-attr]
    assert authenticate(path, "suzuki", "correct horse").role == "member"  # type: ignore[union-attr]
    assert authenticate(path, "tanaka", "wrong password") is None
    assert authenticate(path, "nobody", "correct horse") is None
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_changing_a_password_replaces_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    add_user(path, "tanaka", "first password")
    add_user(path, "tanaka", "second password")
    assert authenticate(path, "tanaka", "first password") is None
    assert authenticate(path, "tanaka", "second password") is not None
    assert remove_user(path, "tanaka") and not read_users(path)


@pytest.mark.parametrize("name,password", [
    ("", "long enough"),            # no name
    ("田中", "long enough"),         # names are ASCII (they go into headers and URLs)
    ("a b", "long enough"),         # no spaces
    ("tanaka", "short"),            # passwords of 8 characters at least
])
def test_bad_names_and_short_passwords_are_refused_in_japanese(tmp_path: Path, name: str, password: str) -> None:
    with pytest.raises(UsersError, match="[ぁ-ん]"):
        add_user(tmp_path / "users.json", name, password)
    assert not (tmp_path / "users.json").exists()


def test_a_damaged_users_file_is_an_error_never_no_users(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsersError, match="ユーザーファイル"):
        read_users(path)


@pytest.mark.parametrize("host,has_users,header,expected", [
    ("127.0.0.1", False, "", SignIn.LOCAL),       # a laptop: one local user, history still works
    ("localhost", False, "", SignIn.LOCAL),
    ("::1", False, "", SignIn.LOCAL),
    ("127.0.0.1", True, "", SignIn.ACCOUNTS),     # users exist: they sign in even on loopback
    ("0.0.0.0", True, "", SignIn.ACCOUNTS),
    ("0.0.0.0", False, "X-Forwarded-User", SignIn.ACCOUNTS),  # a trusted proxy names the user
    ("192.168.1.5", True, "", SignIn.ACCOUNTS),
])
def test_sign_in_mode(host: str, has_users: bool, header: str, expected: SignIn) -> None:
    assert sign_in_mode(host, has_users, header) is expected


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.org"])
def test_serving_off_loopback_without_users_is_refused_with_one_sentence(host: str) -> None:
    with pytest.raises(UsersError) as error:
        sign_in_mode(host, False, "")
    assert str(error.value) == REFUSAL and "users add" in REFUSAL and "loopback" in REFUSAL
    assert not is_loopback(host)


def test_the_auth_secret_is_made_once_and_kept(tmp_path: Path) -> None:
    first = auth_secret(tmp_path / "data")
    assert len(first) >= 32 and auth_secret(tmp_path / "data") == first


def test_users_command_adds_lists_and_removes(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    out = io.StringIO()
    args = build_parser().parse_args(["users", "add", "sato", "--admin", "--password-stdin", "--file", str(path)])
    assert run_users(args, stdin=io.StringIO("a good password\n"), out=out) == 0
    assert "sato を登録しました" in out.getvalue()
    assert authenticate(path, "sato", "a good password").role == "admin"  # type: ignore[union-attr]
    listed = io.StringIO()
    assert run_users(build_parser().parse_args(["users", "list", "--file", str(path)]), out=listed) == 0
    assert listed.getvalue().strip() == "sato(管理者)"
    bad = io.StringIO()
    args = build_parser().parse_args(["users", "add", "sato", "--password-stdin", "--file", str(path)])
    assert run_users(args, stdin=io.StringIO("short\n"), out=bad) == 1 and "8文字以上" in bad.getvalue()
    assert json.loads(path.read_text(encoding="utf-8"))["users"][0]["role"] == "admin"  # unchanged
