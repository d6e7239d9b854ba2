"""A guideline uploaded in the chat: checked, kept under data_dir/uploads, ingested into the store.

The store keeps every file it was given that still exists, so an uploaded file is copied to a folder of
its own and stays there; the ingest is the same incremental one the CLI runs, and a file the CLI would
skip is refused with the CLI's own Japanese reason. Nothing here knows Chainlit.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from assistant.programmes import Programme
from assistant.settings import Settings
from assistant.users import Role

_UNSAFE_NAME = re.compile(r"[^\w.\-ぁ-んァ-ヶー一-龯々〆]+")


@dataclass(frozen=True)
class UploadOutcome:
    """What one uploaded file did to the store, for the chat's Japanese reply."""

    file_name: str
    problem: str | None = None  # why it was not ingested (the CLI's reason), or None
    new_programmes: list[Programme] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)  # the whole catalogue after the ingest

    @property
    def ok(self) -> bool:
        return self.problem is None


def may_upload(settings: Settings, role: str | None) -> bool:
    if settings.upload_allowed == "nobody":
        return False
    return settings.upload_allowed == "everyone" or role == "admin"


def upload_problem(file_name: str, size: int, settings: Settings) -> str | None:
    """Why this file cannot be taken before reading it (format or size), in Japanese; None when it can."""
    from ingest.loaders import SUPPORTED_SUFFIXES

    suffix = Path(file_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"対応していない形式です({suffix or '拡張子なし'}。対応: .md .txt .html .pdf)"
    limit = int(settings.upload_max_mb * 1024 * 1024)
    if size > limit:
        return f"ファイルが大きすぎます({size / 1024 / 1024:.1f}MB。上限は{settings.upload_max_mb:g}MBです)"
    if size == 0:
        return "中身が空のファイルです"
    return None


def keep_upload(source: Path, file_name: str, settings: Settings) -> Path:
    """Copy the upload into data_dir/uploads; a different file of the same name gets its own name."""
    folder = Path(settings.data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    name = _UNSAFE_NAME.sub("_", Path(file_name).name).strip("._") or "guideline"
    target = folder / name
    if target.exists() and _sha256(target) != _sha256(source):
        digest = _sha256(source)[:8]
        target = folder / f"{target.stem}-{digest}{target.suffix}"
    shutil.copyfile(source, target)
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest_upload(source: Path, file_name: str, settings: Settings, role: Role | str | None = None) -> UploadOutcome:
    """Check, keep and ingest one uploaded file; the store is unchanged when it is refused."""
    from ingest.pipeline import run_ingest

    if not may_upload(settings, role):
        return UploadOutcome(file_name, problem="この設定では、アップロードは管理者だけができます")
    problem = upload_problem(file_name, source.stat().st_size, settings)
    if problem:
        return UploadOutcome(file_name, problem=problem)
    before = _catalogue_ids(settings)
    kept = keep_upload(source, file_name, settings)
    report = run_ingest([kept], settings)
    refused = [s.reason for s in report.skipped if Path(s.path).resolve() == kept.resolve()]
    if refused:
        kept.unlink(missing_ok=True)  # not in the store: do not keep it for the next ingest either
        return UploadOutcome(file_name, problem=refused[0], programmes=report.programmes)
    new = [p for p in report.programmes if p.id not in before]
    return UploadOutcome(file_name, new_programmes=new, programmes=report.programmes)


def _catalogue_ids(settings: Settings) -> set[str]:
    from assistant.retrieval import StoreError
    from assistant.retrieval.store import current_generation, read_manifest

    generation = current_generation(Path(settings.store_dir))
    if generation is None:
        return set()
    try:
        return set(read_manifest(generation).catalogue())
    except StoreError:
        return set()


def outcome_markdown(outcome: UploadOutcome) -> str:
    """The chat's reply once the ingest is over (plain words; names are escaped by the caller's renderer)."""
    if not outcome.ok:
        return f"「{outcome.file_name}」は取り込めませんでした: {outcome.problem}。ほかの資料はそのまま使えます。"
    if outcome.new_programmes:
        names = "、".join(f"「{p.official_name}」" for p in outcome.new_programmes)
        return f"「{outcome.file_name}」を取り込みました。{names}について質問できます。"
    return f"「{outcome.file_name}」を取り込みました。既に収録している制度の資料として使います。"
