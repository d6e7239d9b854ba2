"""The CLI contract other tools rely on, run as real subprocesses against the built store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import Settings

pytestmark = pytest.mark.slow

CONTRACT_KEYS = {"answer", "found", "programme", "calculation", "sources", "follow_up", "programme_name"}
ROOT = Path(__file__).resolve().parents[1]


def run_cli(args: list[str], store: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HOJO_TODAY": "2026-11-21"}
    env.pop("HOJO_STORE_DIR", None)
    return subprocess.run([sys.executable, "-m", "assistant", *args, "--store", str(store)], input=stdin,
                          capture_output=True, env=env, cwd=ROOT, timeout=300)


def test_ask_json_prints_one_contract_object(built_store: Settings) -> None:
    done = run_cli(["ask", "--json", "従業員30人で4,000万円を投資したら補助額は?"], built_store.store_dir)
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert set(answer) == CONTRACT_KEYS
    assert answer["calculation"]["amount"] == 20_000_000
    assert answer["answer"].startswith("【中小企業新事業進出補助金】補助額は2,000万円")
    assert answer["programme_name"] == "中小企業新事業進出補助金"
    assert {"doc", "section", "text", "score"} == set(answer["sources"][0])


def test_ask_without_json_prints_the_answer_for_a_person(built_store: Settings) -> None:
    done = run_cli(["ask", "輸出支援エコシステム補助金の締切はいつですか"], built_store.store_dir)
    assert done.returncode == 0
    out = done.stdout.decode()
    assert "2025年5月30日" in out and not out.lstrip().startswith("{")


def test_chat_jsonl_answers_every_line_and_keeps_the_conversation(built_store: Settings) -> None:
    lines = [
        "新事業進出補助金の補助額を知りたいです".encode(),
        "従業員は30人です".encode(),
        "投資額は4,000万円".encode(),
        b"",  # empty line
        b"\xff\xfe broken bytes",  # not UTF-8
        ("長" * 10_001).encode(),
        "<b>では投資額が1億円なら?</b>".encode(),
        b"/reset",
        "投資額は1億円".encode(),
    ]
    done = run_cli(["chat", "--jsonl"], built_store.store_dir, stdin=b"\n".join(lines) + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    replies = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(replies) == len(lines)
    assert all(set(r) == CONTRACT_KEYS for r in replies)
    assert replies[0]["follow_up"]
    assert replies[2]["calculation"]["amount"] == 20_000_000
    assert replies[6]["calculation"]["amount"] == 40_000_000  # the conversation survived the bad lines
    assert "リセット" in replies[7]["answer"]
    assert replies[8]["calculation"] is None or replies[8]["calculation"]["amount"] is None
    assert "Traceback" not in done.stderr.decode()


def test_missing_store_gives_one_clear_sentence(tmp_path: Path) -> None:
    done = run_cli(["ask", "--json", "補助率は?"], tmp_path / "nothing-here")
    answer = json.loads(done.stdout.decode())
    assert answer["found"] is False
    assert "ingest" in answer["answer"]
    assert "Traceback" not in done.stderr.decode()
