"""Client/server store: a real `chroma run` on 127.0.0.1 holds the vectors, the store directory the rest.

Ingest and queries go through chromadb.HttpClient exactly as they go through the embedded client;
each generation has its own server collection, so the atomic switch and clean-up still hold.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.components import get_retriever
from assistant.retrieval.store import CHROMA_DIR, CHROMA_SERVER_FILE, current_generation, http_client
from assistant.settings import Settings
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.slow

GUIDE = """---
programme: demo
title: デモ補助金の公募要領
---
# デモ補助金の公募要領
## 補助金額
補助上限額は1,500万円です。補助率は2分の1です。
## 口頭審査
口頭審査はオンラインで行い、申請者本人が出席します。
## 申請手続き
申請はjGrantsで行い、GビズIDプライムのアカウントが必要です。
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma_command() -> str:
    found = Path(sys.executable).with_name("chroma")
    return str(found) if found.is_file() else shutil.which("chroma") or "chroma"


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on a free port, stopped (by its PID) after the test."""
    port = _free_port()
    log = open(tmp_path / "chroma.log", "wb")  # noqa: SIM115 - closed below, after the server stops
    server = subprocess.Popen(
        [_chroma_command(), "run", "--path", str(tmp_path / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text(errors='replace')}")
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def served(tmp_path: Path, chroma_url: str) -> Settings:
    corpus = tmp_path / "corpus"
    (corpus / "demo").mkdir(parents=True)
    (corpus / "demo" / "guide.md").write_text(GUIDE, encoding="utf-8")
    return Settings(store_dir=tmp_path / "shared-store", corpus_dir=corpus, chroma_url=chroma_url)


def _server_collections(url: str) -> list[str]:
    return sorted(c.name for c in http_client(url).list_collections())


def test_ingest_and_queries_go_through_the_server(served: Settings) -> None:
    report = run_ingest([], served)
    assert report.ok and report.switched and report.chunks >= 3
    generation = current_generation(served.store_dir)
    assert generation is not None
    assert not (generation / CHROMA_DIR).exists(), "no embedded Chroma beside a server"
    recorded = json.loads((generation / CHROMA_SERVER_FILE).read_text(encoding="utf-8"))
    assert recorded["url"] == served.chroma_url
    assert _server_collections(served.chroma_url) == [recorded["collection"]]

    retriever = get_retriever(served)
    dense = retriever.search("オンラインの面接には誰が出ますか", mode="dense", top_k=1)
    assert dense and "口頭審査" in dense[0].section
    hybrid = retriever.search("補助上限額はいくらですか", top_k=1)
    assert hybrid and "補助金額" in hybrid[0].section


def test_a_changed_file_makes_a_new_server_collection_and_drops_the_oldest(served: Settings) -> None:
    guide = served.corpus_dir / "demo" / "guide.md"
    run_ingest([], served)
    first = _server_collections(served.chroma_url)
    guide.write_text(GUIDE.replace("オンラインで", "対面で"), encoding="utf-8")
    second = run_ingest([], served)
    assert second.switched and second.embedded == 1, "only the changed chunk is embedded again"
    guide.write_text(GUIDE.replace("オンラインで", "会場で"), encoding="utf-8")
    run_ingest([], served)
    names = _server_collections(served.chroma_url)
    assert len(names) == 2 and first[0] not in names, "the current and the previous generation are kept"
    passages = get_retriever(served).search("口頭審査の方法", mode="dense", top_k=3)
    assert any("会場で" in p.text for p in passages)
    assert not any("対面で" in p.text or "オンラインで" in p.text for p in passages)


def test_moving_an_embedded_store_to_the_server_reuses_its_vectors(served: Settings) -> None:
    embedded = served.model_copy(update={"chroma_url": ""})
    first = run_ingest([], embedded)
    moved = run_ingest([], served)
    assert moved.switched and moved.rebuild_reason and "HOJO_CHROMA_URL" in moved.rebuild_reason
    assert moved.embedded == 0 and moved.chunks == first.chunks, "the vectors come from the embedding cache"
    generation = current_generation(served.store_dir)
    assert generation is not None and (generation / CHROMA_SERVER_FILE).is_file()
    passages = get_retriever(served).search("オンラインの面接には誰が出ますか", mode="dense", top_k=1)
    assert passages and "口頭審査" in passages[0].section


def test_a_server_that_stops_answering_leaves_bm25_answering(served: Settings, tmp_path: Path) -> None:
    run_ingest([], served)
    generation = current_generation(served.store_dir)
    assert generation is not None
    (generation / CHROMA_SERVER_FILE).write_text(
        json.dumps({"url": f"http://127.0.0.1:{_free_port()}", "collection": "gone"}), encoding="utf-8"
    )
    retriever = get_retriever(served)
    assert retriever.search("補助上限額はいくらですか", mode="dense") == []
    hybrid = retriever.search("補助上限額はいくらですか", top_k=1)
    assert hybrid and "補助金額" in hybrid[0].section
