"""Find the files to ingest under the given paths, never outside them, and read them safely.

A folder a user hands us may hold links to anywhere (/etc/passwd, a home directory), names in a
foreign encoding, folders we may not enter, pipes that block a reader for ever and files of any size.
Each of these is left out with a Japanese reason, and the rest is ingested.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.os_errors import describe_os_error
from ingest.errors import LoadError
from ingest.formats import SUPPORTED_SUFFIXES

OUTSIDE_LINK = "取り込むフォルダの外を指すリンクのため、読み込みません"
BROKEN_LINK = "リンク先が見つかりません"
UNDECODABLE_NAME = "ファイル名の文字コードを読めないため、読み込みません(UTF-8の名前に変えてください)"
NOT_REGULAR = "通常のファイルではない(パイプや装置などの)ため、読み込みません"


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

    @property
    def shown(self) -> str:
        """The path as it can be printed: undecodable bytes of a name become U+FFFD."""
        return display_path(self.path)


def display_path(path: Path | str) -> str:
    """A path safe to print on any UTF-8 stream (names with foreign bytes carry surrogates otherwise)."""
    return os.fsencode(str(path)).decode("utf-8", errors="replace")


def decodable(name: str) -> bool:
    """Whether a file name read from the disk is valid UTF-8 (else it holds surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def inside(path: Path, root: Path) -> bool:
    """Whether path (resolved) lies in root (resolved) or is root itself."""
    return path == root or root in path.parents


def discover(roots: list[Path]) -> tuple[list[SourceFile], list[Skipped]]:
    """Supported files under folders (recursively, hidden ones excluded) plus files named directly."""
    found: dict[Path, SourceFile] = {}
    skipped: list[Skipped] = []
    for root in roots:
        root = Path(root).expanduser()
        try:
            if root.is_dir():
                _walk(root.resolve(), found, skipped)
            elif root.is_file():
                path = root.resolve()  # a file named on the command line is itself the root
                found.setdefault(path, SourceFile(path, f"{path.parent.name}/{path.name}"))
            elif root.is_symlink():
                skipped.append(Skipped(root, BROKEN_LINK))
            elif root.exists():
                skipped.append(Skipped(root, NOT_REGULAR))
            else:
                skipped.append(Skipped(root, "ファイルまたはフォルダが見つかりません"))
        except OSError as exc:  # a root inside a folder we may not enter
            skipped.append(Skipped(root, f"開けません({describe_os_error(exc)})"))
    return list(found.values()), skipped


def _walk(base: Path, found: dict[Path, SourceFile], skipped: list[Skipped]) -> None:
    """Every supported file under base; links are followed only when they stay inside base."""

    def unreadable(exc: OSError) -> None:
        skipped.append(Skipped(Path(exc.filename or base), f"フォルダを開けません({describe_os_error(exc)})"))

    for folder, dirs, files in os.walk(base, onerror=unreadable):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            if not name.startswith(".") and _entry(here / name, "フォルダ", skipped,
                                                   lambda p: _folder(p, base, skipped)):
                kept.append(name)
        dirs[:] = kept  # os.walk descends only into these, in this order
        for name in sorted(files):
            if not name.startswith("."):
                _entry(here / name, "ファイル", skipped, lambda p: _add_file(p, base, found, skipped))


def _entry(path: Path, kind: str, skipped: list[Skipped], check: Callable[[Path], bool | None]) -> bool:
    """Run one entry's check; an entry the system cannot even look at (a name too long) is named, not fatal."""
    try:
        return bool(check(path))
    except OSError as exc:
        skipped.append(Skipped(path, f"{kind}を開けません({describe_os_error(exc)})"))
        return False


def _folder(path: Path, base: Path, skipped: list[Skipped]) -> bool:
    """Whether to walk into a sub-folder: not when its name cannot be decoded or it is a link."""
    if not decodable(path.name):
        skipped.append(Skipped(path, UNDECODABLE_NAME))
        return False
    if path.is_symlink():
        _linked_folder(path, base, skipped)
        return False
    return True


def _linked_folder(path: Path, base: Path, skipped: list[Skipped]) -> None:
    """A link to a folder inside base adds nothing (its files are found at their real place); others are named."""
    target = Path(os.path.realpath(path))
    if not target.exists():
        skipped.append(Skipped(path, BROKEN_LINK))
    elif not inside(target, base):
        skipped.append(Skipped(path, OUTSIDE_LINK))


def _add_file(path: Path, base: Path, found: dict[Path, SourceFile], skipped: list[Skipped]) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return
    if not decodable(path.name):
        skipped.append(Skipped(path, UNDECODABLE_NAME))
        return
    real = Path(os.path.realpath(path))
    if path.is_symlink():
        if not real.exists():
            skipped.append(Skipped(path, BROKEN_LINK))
            return
        if not inside(real, base):
            skipped.append(Skipped(path, OUTSIDE_LINK))
            return
        if real.suffix.lower() not in SUPPORTED_SUFFIXES:
            return
    try:
        regular = stat.S_ISREG(real.stat().st_mode)
    except OSError as exc:
        skipped.append(Skipped(path, f"ファイルを開けませんでした({describe_os_error(exc)})"))
        return
    if not regular:
        skipped.append(Skipped(path, NOT_REGULAR))
        return
    found.setdefault(real, SourceFile(real, real.relative_to(base).as_posix()))


def open_regular(path: Path) -> int:
    """A file descriptor for reading path, refusing a link put in its place and anything but a regular file.

    Discovery checked the file, but it may have been swapped for a link since: O_NOFOLLOW closes that gap,
    and O_NONBLOCK keeps a pipe from blocking the open itself.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError("リンクに置き換えられたため、読み込みません") from exc
        raise LoadError(f"ファイルを開けませんでした({describe_os_error(exc)})") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LoadError(NOT_REGULAR)
    return fd


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file no larger than max_bytes; LoadError with the reason otherwise."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise LoadError(too_large(size, max_bytes))
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while we read it
        raise LoadError(too_large(len(data), max_bytes))
    return data


def too_large(size: int, max_bytes: int) -> str:
    return (f"ファイルが大きすぎます({size / 1_000_000:,.1f} MB。上限は {max_bytes / 1_000_000:,.0f} MB で、"
            "HOJO_MAX_FILE_MB で変えられます)")


def file_sha256(path: Path) -> str:
    """Content hash; raises LoadError when the file cannot be read (or is no longer a regular file)."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
