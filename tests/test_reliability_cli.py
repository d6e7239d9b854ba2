"""Reliability of the command line (issue 14): bad settings, closed pipes, Ctrl-C, stray environment, English errors.

Every case runs the real `python -m assistant` in a subprocess (or the real function for the pure tables)
and checks that the user reads one polite Japanese sentence and never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.os_errors import describe_os_error
from assistant.settings import Settings
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_TRACES = ("Traceback", "Error:", "validation error", "pydantic", "Exception")


def run(args: list[str], stdin: str | None = None, timeout: int = 300, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          env=full, cwd=ROOT, timeout=timeout)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cli_store")
    (base / "corpus").mkdir()
    (base / "corpus" / "demo.md").write_text(
        "---\nprogramme: demo\nofficial_name: デモ補助金\n---\n# デモ補助金の公募要領\n## 審査\n口頭審査はオンラインで行います。\n",
        encoding="utf-8",
    )
    settings = Settings(store_dir=base / "store", corpus_dir=base / "corpus")
    assert run_ingest([], settings).ok
    return settings.store_dir


BAD_SETTINGS = [
    ("HOJO_TOP_K", "abc", "整数"),
    ("HOJO_TOP_K", "0", "1以上50以下"),
    ("HOJO_TOP_K", "1e9", "整数"),
    ("HOJO_RETRIEVAL_MODE", "vector", "hybrid・bm25・dense"),
    ("HOJO_FUSION", "max", "rrf・weighted"),
    ("HOJO_MIN_CONFIDENCE", "1.5", "0以上1以下"),
    ("HOJO_MIN_CONFIDENCE", "nan%", "数値"),
    ("HOJO_TODAY", "2026-13-40", "YYYY-MM-DD"),
    ("HOJO_CHUNK_SIZE", "10", "100以上2000以下"),
    ("HOJO_BM25_WEIGHT", "-1", "0以上"),
    ("HOJO_MAX_FILE_MB", "0", "0より大きい"),
    ("HOJO_FILE_TIMEOUT_S", "soon", "数値"),
]


@pytest.mark.parametrize(("variable", "value", "hint"), BAD_SETTINGS, ids=[f"{v}={x}" for v, x, _ in BAD_SETTINGS])
def test_an_invalid_setting_is_one_japanese_sentence_naming_it(variable: str, value: str, hint: str) -> None:
    done = run(["programmes"], **{variable: value})
    assert done.returncode == 2 and done.stdout == ""
    message = done.stderr.strip()
    assert message.count("\n") == 0 and message.count("。") == 2 and f"環境変数 {variable}" in message
    assert hint in message and not any(word in message for word in ENGLISH_TRACES)


@pytest.mark.parametrize("args", [["ask", "--json", "締切は?"], ["chat", "--jsonl"]], ids=["ask --json", "chat --jsonl"])
def test_json_modes_still_print_json_when_a_setting_is_invalid(args: list[str]) -> None:
    done = run(args, stdin="締切は?\n", HOJO_RETRIEVAL_MODE="vector")
    answer = json.loads(done.stdout)
    assert answer["found"] is False and "HOJO_RETRIEVAL_MODE" in answer["answer"] and done.returncode == 2
    assert "Traceback" not in done.stderr


def test_a_closed_pipe_ends_the_chat_quietly(small_store: Path) -> None:
    """`chat --jsonl | head -1`: the reader goes away after one line, the writer stops without a word."""
    full = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "assistant", "chat", "--jsonl", "--store", str(small_store)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full, cwd=ROOT)
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write("口頭審査はどこで行いますか\n".encode() * 400)
    process.stdin.close()
    first = process.stdout.readline()
    process.stdout.close()
    process.wait(timeout=300)
    err = process.stderr.read().decode("utf-8", "replace")
    assert json.loads(first)["found"] is True
    assert process.returncode == 141 and "Traceback" not in err and "BrokenPipe" not in err, err


def test_ctrl_c_in_the_terminal_chat_exits_quietly(small_store: Path) -> None:
    full = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "assistant", "chat", "--store", str(small_store)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full, cwd=ROOT)
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + 120
    while b"\xe8\xb3\xaa\xe5\x95\x8f> " not in seen and time.monotonic() < deadline:  # 「質問> 」
        seen += process.stdout.read1(100)  # type: ignore[attr-defined]
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    text = err.decode("utf-8", "replace")
    assert process.returncode == 130 and "中断しました" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text


def test_a_stray_database_url_does_not_switch_chainlit_to_postgres() -> None:
    code = "import assistant.app\nfrom chainlit.data import get_data_layer\nprint(repr(get_data_layer()))\n"
    full = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": "postgresql://user:pw@127.0.0.1:1/none"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("None"), done.stderr[-2000:]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "アクセスする権限がありません"),
        (OSError(errno.EPERM, "Operation not permitted"), "アクセスする権限がありません"),
        (OSError(errno.ENOSPC, "No space left on device"), "ディスクの空き容量が足りません"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "ディスクの使用量の上限に達しています"),
        (OSError(errno.EROFS, "Read-only file system"), "読み取り専用の場所です"),
        (OSError(errno.EIO, "Input/output error"), "ディスクの読み書きでエラーが起きました"),
        (OSError(errno.ENAMETOOLONG, "File name too long"), "名前が長すぎます"),
        (OSError(errno.EMFILE, "Too many open files"), "開いているファイルが多すぎます"),
        (FileNotFoundError(errno.ENOENT, "No such file or directory"), "見つかりません"),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory"), "フォルダではありません"),
        (sqlite3.OperationalError("database or disk is full"), "ディスクの空き容量が足りません"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "読み取り専用の場所です"),
        (sqlite3.OperationalError("database is locked"), "ほかの処理が使用中です"),
        (sqlite3.DatabaseError("file is not a database"), "データベースのファイルが壊れています"),
        (sqlite3.DatabaseError("database disk image is malformed"), "データベースのファイルが壊れています"),
        (RuntimeError("error returned from database: (code: 13) database or disk is full"),
         "ディスクの空き容量が足りません"),
        (OSError(errno.EXDEV, "Invalid cross-device link"), "読み書きに失敗しました(エラー番号 18)"),
        (RuntimeError("something else entirely"), "読み書きに失敗しました"),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__ + ":" + str(v)[:30],
)
def test_system_errors_are_told_in_japanese(error: BaseException, expected: str) -> None:
    phrase = describe_os_error(error)
    assert phrase == expected
    assert not any(c.isascii() and c.isalpha() for c in phrase), "no English words reach the user"


def test_ingest_into_a_full_disk_is_told_in_japanese(tmp_path: Path) -> None:
    """/dev/full answers every write with ENOSPC: the store's embedding cache (SQLite) is put there."""
    from ingest.embed_cache import CACHE_FILE

    good = tmp_path / "good.md"
    good.write_text("# 要領\n補助率は2分の1です。\n", encoding="utf-8")
    (tmp_path / "store").mkdir()
    os.symlink("/dev/full", tmp_path / "store" / CACHE_FILE)
    done = run(["ingest", str(good), "--store", str(tmp_path / "store")])
    text = done.stdout + done.stderr
    assert done.returncode == 1 and "取り込みを中止しました" in text, text
    assert not any(word in text for word in ENGLISH_TRACES) and "No space" not in text
