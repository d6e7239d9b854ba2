"""A guideline uploaded in the chat, without the browser: checks, the kept copy, the incremental ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.uploads import ingest_upload, may_upload, outcome_markdown, upload_problem

FIXTURE = Path(__file__).parent / "fixtures" / "guidelines" / "aoba_sogyo" / "boshu_yoko.txt"


@pytest.mark.parametrize("name,size,problem", [
    ("公募要領.pdf", 1000, None),
    ("guideline.MD", 1000, None),            # suffixes case-insensitively
    ("page.html", 1000, None),
    ("notes.txt", 1000, None),
    ("sheet.xlsx", 1000, "対応していない形式です(.xlsx。対応: .md .txt .html .pdf)"),  # the CLI's wording
    ("README", 1000, "対応していない形式です(拡張子なし。対応: .md .txt .html .pdf)"),
    ("big.pdf", 3 * 1024 * 1024, "ファイルが大きすぎます(3.0MB。上限は2MBです)"),
    ("empty.txt", 0, "中身が空のファイルです"),
])
def test_upload_problem(name: str, size: int, problem: str | None) -> None:
    assert upload_problem(name, size, Settings(upload_max_mb=2)) == problem


@pytest.mark.parametrize("allowed,role,may", [
    ("everyone", "member", True), ("everyone", None, True),
    ("admins", "admin", True), ("admins", "member", False), ("admins", None, False),
    ("nobody", "admin", False),
])
def test_who_may_upload(allowed: str, role: str | None, may: bool) -> None:
    assert may_upload(Settings(upload_allowed=allowed), role) is may  # type: ignore[arg-type]


def test_an_uploaded_guideline_becomes_a_programme_and_a_broken_one_changes_nothing(
        built_store: Settings, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store"
    shutil.copytree(built_store.store_dir, store, symlinks=True)  # "current" is a link to a generation
    settings = built_store.model_copy(update={"store_dir": store, "data_dir": tmp_path / "data"})

    outcome = ingest_upload(FIXTURE, "boshu_yoko.txt", settings, role="member")
    assert outcome.ok and [p.official_name for p in outcome.new_programmes] == ["あおば県創業スタートアップ助成事業"]
    assert len(outcome.programmes) == 3  # the shipped two stay
    assert (tmp_path / "data" / "uploads" / "boshu_yoko.txt").read_bytes() == FIXTURE.read_bytes()
    assert "あおば県創業スタートアップ助成事業" in outcome_markdown(outcome)

    again = ingest_upload(FIXTURE, "boshu_yoko.txt", settings)
    assert again.ok and not again.new_programmes and "既に収録" in outcome_markdown(again)

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    refused = ingest_upload(broken, "broken.pdf", settings)
    assert refused.problem == "PDFとして読み込めませんでした(ファイルが壊れている可能性があります)"
    assert "取り込めませんでした" in outcome_markdown(refused)
    assert not (tmp_path / "data" / "uploads" / "broken.pdf").exists()
    assert len(refused.programmes) == 3

    members_only = settings.model_copy(update={"upload_allowed": "admins"})
    assert ingest_upload(FIXTURE, "boshu_yoko.txt", members_only, role="member").problem
