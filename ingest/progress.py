"""How far an ingest has got, as plain Japanese lines on stderr: readable in a terminal, a log or a pipe.

Bars that redraw themselves vanish when stderr is not a terminal, and then a 20 MB file looked like a hang;
a line every few seconds (and one per large file) works everywhere.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from ingest.files import SourceFile, display_path

# A file at least this large is always announced: reading it takes seconds.
LARGE_FILE_BYTES = 1_000_000


class Progress:
    """Progress lines to a stream, at most one per interval for counts; Progress(None) says nothing."""

    def __init__(self, stream: TextIO | None, interval_s: float = 5.0) -> None:
        self.stream = stream
        self.interval_s = interval_s
        self._last = time.monotonic()

    def _say(self, line: str, force: bool = False) -> None:
        now = time.monotonic()
        if self.stream is None or (not force and now - self._last < self.interval_s):
            return
        self._last = now
        print(line, file=self.stream, flush=True)

    def file(self, number: int, total: int, source_file: SourceFile) -> None:
        """Before reading a file: always for a large one, otherwise when the interval has passed."""
        size = _size(source_file.path)
        large = size >= LARGE_FILE_BYTES
        sized = f"({size / 1_000_000:,.1f} MB)" if large else ""
        self._say(f"読み込み中 {number}/{total}: {display_path(source_file.source)}{sized}", force=large)

    def chunks(self, done: int, total: int) -> None:
        """While a large file's chunks are tokenised."""
        self._say(f"  分かち書き {done:,}/{total:,} チャンク", force=done == total)

    def embedded(self, done: int, total: int) -> None:
        """While new chunks are embedded."""
        self._say(f"埋め込み {done:,}/{total:,} チャンク", force=done == total and total > 0)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
