"""Ingest into a real store in tmp_path: incremental updates, stable ids, atomic switch, bad input, stale store.

Uses the real Sudachi tokenizer, the real packaged embedding model (through a counting wrapper, to
see which chunks get embedded) and a real Chroma collection.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.components import get_embedder
from assistant.retrieval.errors import StoreError
from assistant.retrieval.snapshot import StoreSnapshot
from assistant.retrieval.store import CURRENT_LINK, MANIFEST_FILE, NODES_FILE, current_generation, open_chroma
from assistant.settings import MINILM_MODEL, Settings
from ingest.cli import ingest_with_settings
from ingest.pipeline import IngestReport, run_ingest

pytestmark = pytest.mark.slow

A_MD = """---
programme: demo
title: デモ補助金の要領
---
# デモ補助金の要領
## 補助金額
補助上限額は1,500万円です。補助率は2分の1です。
## 審査
口頭審査はオンラインで行います。
"""
B_MD = "# 申請手続き\n## 電子申請\n申請はjGrantsで行い、GビズIDプライムが必要です。\n"
C_TXT = "# 加点項目\nパートナーシップ構築宣言をしていると加点されます。\n"


class CountingEmbed:
    """The real embedder, remembering every text it was asked to embed."""

    def __init__(self, settings: Settings):
        self.embedder = get_embedder(settings)
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return self.embedder.get_text_embedding_batch(texts)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "a.md").write_text(A_MD, encoding="utf-8")
    (root / "demo" / "b.md").write_text(B_MD, encoding="utf-8")
    (root / "demo" / "c.txt").write_bytes(C_TXT.encode("shift_jis"))
    return root


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(store_dir=tmp_path / "store", corpus_dir=corpus)


@pytest.fixture
def ingest(settings: Settings) -> Callable[..., tuple[IngestReport, CountingEmbed]]:
    def run(paths: list[Path] | None = None, **overrides: object) -> tuple[IngestReport, CountingEmbed]:
        configured = settings.model_copy(update=overrides)
        counter = CountingEmbed(configured)
        return run_ingest(paths or [], configured, embed=counter), counter

    return run


def store_ids(settings: Settings) -> dict[str, list[str]]:
    """Node ids per source file, read back from nodes.jsonl and cross-checked with Chroma."""
    snapshot = StoreSnapshot.open(settings.store_dir, settings.embed_model)
    handle = open_chroma(snapshot.generation)
    try:
        assert sorted(handle.collection.get()["ids"]) == sorted(n.id for n in snapshot.nodes)
    finally:
        handle.close()
    by_source: dict[str, list[str]] = {}
    for node in snapshot.nodes:
        by_source.setdefault(node.source, []).append(node.id)
    return by_source


def test_cold_ingest_then_unchanged_rerun_does_no_embedding(ingest, settings: Settings) -> None:
    first, counter = ingest()
    assert (first.files, first.updated, first.skipped) == (3, 3, [])
    assert first.embedded == first.chunks == len(counter.texts) >= 4
    assert any("デモ補助金の要領" in t and "補助金額" in t for t in counter.texts), "title and headings are indexed"
    generation = current_generation(settings.store_dir)

    again, counter = ingest()
    assert counter.texts == [] and again.embedded == 0 and not again.switched
    assert (again.unchanged, again.chunks) == (3, first.chunks)
    assert current_generation(settings.store_dir) == generation, "nothing changed, so no new generation"


def test_node_ids_are_stable_across_fresh_stores(ingest, settings: Settings, tmp_path: Path) -> None:
    ingest()
    first = store_ids(settings)
    other = settings.model_copy(update={"store_dir": tmp_path / "other_store"})
    run_ingest([], other, embed=CountingEmbed(other))
    assert store_ids(other) == first


def test_changed_file_replaces_only_its_own_nodes(ingest, settings: Settings, corpus: Path) -> None:
    ingest()
    before = store_ids(settings)
    (corpus / "demo" / "a.md").write_text(A_MD.replace("口頭審査はオンラインで", "口頭審査は対面で"), encoding="utf-8")

    report, counter = ingest()
    after = store_ids(settings)
    assert (report.updated, report.unchanged) == (1, 2)
    assert counter.texts and all("対面" in t for t in counter.texts), "only the changed chunk is embedded"
    assert after["demo/b.md"] == before["demo/b.md"] and after["demo/c.txt"] == before["demo/c.txt"]
    changed = set(after["demo/a.md"]) ^ set(before["demo/a.md"])
    assert len(changed) == 2, "one old chunk left, one new chunk came"


def test_removed_file_loses_its_nodes(ingest, settings: Settings, corpus: Path) -> None:
    ingest()
    (corpus / "demo" / "b.md").unlink()
    report, counter = ingest()
    assert report.removed == 1 and counter.texts == []
    assert "demo/b.md" not in store_ids(settings)
    assert StoreSnapshot.open(settings.store_dir, settings.embed_model).manifest.files.keys() == {
        str((corpus / "demo" / name).resolve()) for name in ("a.md", "c.txt")
    }


def test_paths_named_later_are_added_to_the_store(ingest, settings: Settings, tmp_path: Path) -> None:
    ingest()
    extra = tmp_path / "extra" / "guide.md"
    extra.parent.mkdir()
    extra.write_text("# 事業計画\n事業計画は3〜5年で作ります。\n", encoding="utf-8")
    report, _ = ingest([extra])
    assert (report.files, report.updated, report.unchanged) == (4, 1, 3)
    assert "extra/guide.md" in store_ids(settings)


def test_a_new_tokenizer_or_chunk_size_rebuilds_everything(
    ingest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every chunk is rewritten; only text the embedding cache has never seen is embedded again."""
    first, _ = ingest()
    generation = current_generation(settings.store_dir)
    report, counter = ingest(chunk_size=200)
    assert report.rebuild_reason and "チャンクサイズ" in report.rebuild_reason
    assert report.switched and current_generation(settings.store_dir) != generation
    assert report.chunks == first.chunks and report.embedded == len(counter.texts) == 0  # same chunks at 200

    monkeypatch.setattr("ingest.pipeline.TOKENIZER_VERSION", "sudachipy-0+other-rules")
    report, counter = ingest(chunk_size=200, embed_model=MINILM_MODEL)
    assert report.rebuild_reason and "埋め込みモデル" in report.rebuild_reason
    assert report.embedded == len(counter.texts) == report.chunks, "another model's vectors are not reused"
    report, counter = ingest(chunk_size=200)
    assert report.rebuild_reason and "トークナイザ" not in report.rebuild_reason
    assert report.embedded == len(counter.texts) == 0, "switching back finds e5's vectors in the cache"
    monkeypatch.setattr("ingest.pipeline.TOKENIZER_VERSION", "sudachipy-0+newer-rules")
    report, counter = ingest(chunk_size=200)
    assert report.rebuild_reason and "トークナイザ" in report.rebuild_reason and report.chunks == first.chunks


def test_switch_is_atomic_and_keeps_one_previous_generation(ingest, settings: Settings, corpus: Path) -> None:
    ingest()
    first = current_generation(settings.store_dir)
    (corpus / "demo" / "c.txt").write_bytes((C_TXT + "くるみん認定でも加点されます。\n").encode("shift_jis"))
    ingest()
    second = current_generation(settings.store_dir)
    (corpus / "demo" / "c.txt").write_bytes(C_TXT.encode("shift_jis"))
    ingest()
    third = current_generation(settings.store_dir)
    assert len({first, second, third}) == 3
    assert os.path.islink(settings.store_dir / CURRENT_LINK)
    generations = sorted(p.name for p in settings.store_dir.glob("gen-*"))
    assert generations == sorted([second.name, third.name]), "older generations are removed"


def test_failed_embedding_leaves_the_current_store_untouched(ingest, settings: Settings, corpus: Path) -> None:
    ingest()
    before = current_generation(settings.store_dir)

    def failing(texts: list[str]) -> list[list[float]]:
        raise RuntimeError("model crashed")

    (corpus / "demo" / "b.md").write_text(B_MD + "追加の文です。\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        run_ingest([], settings, embed=failing)
    assert current_generation(settings.store_dir) == before
    assert [p for p in settings.store_dir.glob("gen-*")] == [before]


def run_cli(paths: list[Path], settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = ingest_with_settings(paths, settings, out)
    return code, out.getvalue()


def test_broken_and_empty_files_are_named_and_skipped(settings: Settings, corpus: Path) -> None:
    (corpus / "demo" / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (corpus / "demo" / "empty.md").write_bytes(b"")
    code, output = run_cli([], settings)
    assert code == 0
    assert "broken.pdf" in output and "PDF" in output
    assert "empty.md" in output and "空" in output
    assert "ファイル 3件" in output and "スキップ 2件" in output


def test_exit_code_is_non_zero_only_when_nothing_could_be_ingested(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.md").write_bytes(b"")
    code, output = run_cli([bad], settings)
    assert code == 1 and "1件もありません" in output
    assert current_generation(settings.store_dir) is None

    code, output = run_cli([tmp_path / "does_not_exist"], settings)
    assert code == 1 and "見つかりません" in output


def test_missing_store_says_to_run_ingest(settings: Settings) -> None:
    with pytest.raises(StoreError, match="まだない.*python -m assistant ingest") as error:
        StoreSnapshot.open(settings.store_dir, settings.embed_model)
    assert str(error.value).count("。") == 1, "one sentence"


def test_store_from_another_model_or_format_asks_to_reingest(ingest, settings: Settings) -> None:
    ingest()
    with pytest.raises(StoreError, match="別の埋め込みモデル.*取り込み直して"):
        StoreSnapshot.open(settings.store_dir, "cl-nagoya/ruri-v3-30m")

    manifest_path = current_generation(settings.store_dir) / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["format_version"] = 999
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StoreError, match="別の形式.*取り込み直して") as error:
        StoreSnapshot.open(settings.store_dir, settings.embed_model)
    assert str(error.value).count("。") == 1, "one sentence"


@pytest.mark.parametrize("damage", [MANIFEST_FILE, NODES_FILE, "bm25"])
def test_corrupt_store_asks_to_reingest_and_ingest_repairs_it(ingest, settings: Settings, damage: str) -> None:
    ingest()
    target = current_generation(settings.store_dir) / damage
    if target.is_dir():
        for f in target.iterdir():
            f.write_bytes(b"\x00garbage")
    else:
        target.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="壊れている.*取り込み直して"):
        StoreSnapshot.open(settings.store_dir, settings.embed_model)

    report, _ = ingest()
    assert report.switched and report.rebuild_reason
    assert StoreSnapshot.open(settings.store_dir, settings.embed_model).nodes


def test_pdf_and_html_pages_reach_the_store_with_page_numbers(settings: Settings, tmp_path: Path) -> None:
    from test_ingest_loaders import make_japanese_pdf

    folder = tmp_path / "mixed" / "demo"
    folder.mkdir(parents=True)
    make_japanese_pdf(folder / "yoryo.pdf", ["補助上限額は1,500万円です。", "口頭審査はオンラインで行います。"])
    (folder / "page.html").write_text(
        "<html><body><nav>メニュー</nav><main><h2>加点</h2><p>くるみん認定で加点されます。</p></main></body></html>",
        encoding="utf-8",
    )
    report = run_ingest([tmp_path / "mixed"], settings, embed=CountingEmbed(settings))
    assert (report.files, report.skipped) == (2, [])
    nodes = StoreSnapshot.open(settings.store_dir, settings.embed_model).nodes
    pages = {n.page: n.text for n in nodes if n.source == "demo/yoryo.pdf"}
    assert set(pages) == {1, 2} and "口頭審査" in pages[2]
    html = [n for n in nodes if n.source == "demo/page.html"]
    assert [(n.section, n.page) for n in html] == [("加点", None)]
    assert all("メニュー" not in n.text for n in nodes)


def test_an_article_without_front_matter_joins_the_programme_it_names(tmp_path: Path) -> None:
    """Articles not written for us: the programme they name (matched to a known one), else their title."""
    from assistant.programmes import ProgrammeInfo, folder_catalogue
    from ingest.nodes import file_nodes

    folder = tmp_path / "articles"
    folder.mkdir()
    named = folder / "kiji.txt"
    named.write_text("新事業進出補助金の解説です。新事業進出補助金は設備投資を支援します。輸出支援エコシステム補助金にも触れます。",
                     encoding="utf-8")
    other = folder / "other.txt"
    other.write_text("どの制度にも触れない一般的な記事です。", encoding="utf-8")
    known = [ProgrammeInfo(p.id, p.official_name, p.aliases, declared=True)
             for p in folder_catalogue(Settings().corpus_dir).values()]
    assert {n.programme for n in file_nodes(named, "articles/kiji.txt", 250, known)} == {"shinjigyo"}
    # Names no programme: a programme of its own, titled as the document, never the folder's name.
    assert {n.programme for n in file_nodes(other, "articles/other.txt", 250, known)} == {
        "どの制度にも触れない一般的な記事です。"}
