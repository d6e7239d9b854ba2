"""Reliability: a damaged store is detected, the message says to re-ingest, and one ingest repairs it (issue 14).

For each kind of damage: a copy of a real store (real Chroma, BM25, Sudachi, the packaged e5 model) is
damaged, a question gets the true Japanese message, the doctor names the broken part, `ingest` rebuilds
it, and the same question is answered again. Queries never write into the store: a read-only one works.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.components import clear_caches
from assistant.retrieval.health import check_store
from assistant.retrieval.store import (
    BM25_DIR,
    CHROMA_DIR,
    CHROMA_SQLITE,
    COLLECTION_NAME,
    CURRENT_LINK,
    MANIFEST_FILE,
    NODES_FILE,
    current_generation,
)
from assistant.settings import Settings
from ingest.pipeline import run_ingest

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "デモ補助金の口頭審査はどこで行いますか"
DOC = """---
programme: demo
official_name: デモ補助金
---
# デモ補助金の公募要領
## 補助金額
補助上限額は1,500万円です。補助率は2分の1です。
## 審査
口頭審査はオンラインで行います。審査員が事業計画を確認します。
"""


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("pristine")
    (base / "corpus").mkdir()
    (base / "corpus" / "demo.md").write_text(DOC, encoding="utf-8")
    settings = Settings(store_dir=base / "store", corpus_dir=base / "corpus")
    assert run_ingest([], settings).ok
    return settings


@pytest.fixture
def store(pristine: Settings, tmp_path: Path) -> Settings:
    """A private copy of the pristine store (times kept, so its Chroma files still count as untouched)."""
    shutil.copytree(pristine.store_dir, tmp_path / "store", symlinks=True)
    return pristine.model_copy(update={"store_dir": tmp_path / "store"})


def ask(settings: Settings, question: str = QUESTION) -> str:
    from assistant.engine import Engine

    clear_caches()
    return Engine.from_settings(settings).answer(question, Engine.from_settings(settings).new_state()).answer


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[: min(len(data), 4096)] = os.urandom(min(len(data), 4096))
    path.write_bytes(bytes(data))


def _chroma_client(generation: Path):  # noqa: ANN202 - chromadb client on the generation itself
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(generation / CHROMA_DIR), settings=ChromaSettings(anonymized_telemetry=False))


def _delete_collection(generation: Path) -> None:
    client = _chroma_client(generation)
    client.delete_collection(COLLECTION_NAME)
    client.close()


def _drop_records(generation: Path) -> None:
    client = _chroma_client(generation)
    collection = client.get_collection(COLLECTION_NAME, embedding_function=None)
    collection.delete(ids=collection.get()["ids"][:1])
    client.close()


def _drop_node_line(generation: Path) -> None:
    lines = (generation / NODES_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    (generation / NODES_FILE).write_text("".join(lines[1:]), encoding="utf-8")


def _stale_format(generation: Path) -> None:
    manifest = json.loads((generation / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["format_version"] = 999
    (generation / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "chroma folder deleted": lambda g: shutil.rmtree(g / CHROMA_DIR),
    "chroma.sqlite3 garbled": lambda g: _garble(g / CHROMA_DIR / CHROMA_SQLITE),
    "chroma.sqlite3 emptied": lambda g: (g / CHROMA_DIR / CHROMA_SQLITE).write_bytes(b""),
    "chroma.sqlite3 deleted": lambda g: (g / CHROMA_DIR / CHROMA_SQLITE).unlink(),
    "collection deleted": _delete_collection,
    "records missing from the collection": _drop_records,
    "nodes.jsonl deleted": lambda g: (g / NODES_FILE).unlink(),
    "nodes.jsonl garbled": lambda g: (g / NODES_FILE).write_text("{not json", encoding="utf-8"),
    "a node line missing": _drop_node_line,
    "bm25 folder deleted": lambda g: shutil.rmtree(g / BM25_DIR),
    "bm25 files garbled": lambda g: [f.write_bytes(b"\x00garbage") for f in (g / BM25_DIR).iterdir()] and None,
    "manifest deleted": lambda g: (g / MANIFEST_FILE).unlink(),
    "manifest garbled": lambda g: (g / MANIFEST_FILE).write_text("{not json", encoding="utf-8"),
    "manifest of another format": _stale_format,
    "generation folder deleted": lambda g: shutil.rmtree(g),
    "current link replaced by a file": lambda g: ((g.parent / CURRENT_LINK).unlink(),
                                                   (g.parent / CURRENT_LINK).write_text("x")) and None,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damage_is_reported_truthfully_and_one_ingest_repairs_it(store: Settings, damage: str) -> None:
    before = ask(store)
    assert "オンライン" in before and "取り込" not in before

    DAMAGE[damage](current_generation(store.store_dir) or store.store_dir / CURRENT_LINK)
    message = ask(store)
    assert "`python -m assistant ingest`" in message and "オンライン" not in message, message
    health = check_store(store)
    assert not health.ok and "python -m assistant ingest" in health.lines()[-1]

    report = run_ingest([], store)
    assert report.switched, f"ingest must rebuild after: {damage}"
    assert check_store(store).ok, "\n".join(check_store(store).lines())
    assert ask(store) == before
    assert run_ingest([], store).switched is False, "after the repair the store is up to date"


def _fingerprint(store_dir: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(store_dir)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(store_dir.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_questions_never_write_into_the_store(store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    before = _fingerprint(store.store_dir)
    for question in (QUESTION, "補助上限額はいくらですか", "締切はいつですか"):
        ask(store, question)
    assert list(private.glob("hojo-chroma-*")), "an open store reads its own copy of Chroma"
    assert check_store(store).ok
    clear_caches()
    assert _fingerprint(store.store_dir) == before
    assert not list(private.glob("hojo-chroma-*")), "the private copy is removed on close"


def test_a_read_only_store_answers(store: Settings) -> None:
    """The store mounted read-only (a bind mount in a private mount namespace: root ignores file modes)."""
    path = str(store.store_dir)
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("mount namespaces are not available here; file modes do not stop root")
    script = (f"mount --bind {path} {path} && mount -o remount,bind,ro {path} && "
              f"{sys.executable} -m assistant ask --json '{QUESTION}' --store {path}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)
    answer = json.loads(done.stdout)
    assert answer["found"] and "オンライン" in answer["answer"], done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_reports_a_healthy_and_a_missing_store(store: Settings, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    healthy = subprocess.run([sys.executable, "-m", "assistant", "doctor", "--store", str(store.store_dir)],
                             capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert healthy.returncode == 0 and healthy.stdout.strip().endswith("結論: ストアは正常です。"), healthy.stdout
    assert healthy.stdout.count("✓") == 5
    missing = subprocess.run([sys.executable, "-m", "assistant", "doctor", "--store", str(tmp_path / "none")],
                             capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert missing.returncode == 1 and "まだありません" in missing.stdout and "python -m assistant ingest" in missing.stdout


def test_a_damaged_query_encoder_is_reported_and_rebuilt(tmp_path: Path) -> None:
    """The torch-free export of a hub-style model: garbled or deleted, questions still get answers (BM25
    and the model itself), the doctor says so, and ingest writes it again."""
    from assistant import components
    from assistant.query_encoder import encoder_dir
    from assistant.settings import MINILM_MODEL

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "demo.md").write_text(DOC, encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store", corpus_dir=tmp_path / "corpus", embed_model=MINILM_MODEL)
    assert run_ingest([], settings).ok
    export = encoder_dir(settings.store_dir, components.resolve_model_path(MINILM_MODEL), components.max_tokens(MINILM_MODEL))
    for damage in (lambda: _garble(export / "model.onnx"), lambda: shutil.rmtree(export)):
        damage()
        answer = ask(settings)
        assert "オンライン" in answer and "申し訳ありません" not in answer
        assert not check_store(settings).ok and "query-encoder" in "\n".join(check_store(settings).lines())
        run_ingest([], settings)
        assert check_store(settings).ok
        clear_caches()
        encoder = components._query_encoder(MINILM_MODEL, "", str(settings.store_dir))
        assert encoder is not None and len(encoder.embed("補助金")) == 384
