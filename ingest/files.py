"""Find the files to ingest under the given paths and fingerprint them (the incremental ingest's only cost)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest: absolute path (manifest key) and the path shown in citations."""

    path: Path
    source: str


@dataclass(frozen=True)
class Skipped:
    """A file left out, with the Japanese reason shown to the user."""

    path: Path
    reason: str


def discover(roots: list[Path]) -> tuple[list[SourceFile], list[Skipped]]:
    """Supported files under folders (recursively, hidden ones excluded) plus files named directly."""
    found: dict[Path, SourceFile] = {}
    skipped: list[Skipped] = []
    for root in roots:
        root = Path(root).expanduser()
        if root.is_dir():
            base = root.resolve()
            for path in sorted(base.rglob("*")):
                relative = path.relative_to(base)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.setdefault(path, SourceFile(path, relative.as_posix()))
        elif root.is_file():
            path = root.resolve()
            found.setdefault(path, SourceFile(path, f"{path.parent.name}/{path.name}"))
        else:
            skipped.append(Skipped(root, "ファイルまたはフォルダが見つかりません"))
    return list(found.values()), skipped


def file_sha256(path: Path) -> str:
    """Content hash; raises OSError when the file cannot be read."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
