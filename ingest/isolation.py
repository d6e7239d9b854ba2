"""Read each file in a separate worker process, with a time limit and a memory limit.

A hostile or merely unlucky file (a parser's worst case, a table of a million rows) must cost at most
the time limit and never the whole ingest: the worker is killed and restarted, the file is named with
its reason, and the other files go on. The worker is forked once and reused, so ordinary files pay no
start-up; it streams progress back so a large file is visibly moving even when no terminal shows bars.
(pebble's pools give timeouts but no progress from inside a task, hence this small loop.)
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from assistant.retrieval.store import NodeRecord
from ingest.errors import LoadError
from ingest.loaders import Document, load_file
from ingest.nodes import document_nodes

# The worker may use this much address space beyond what it inherited: enough for a 20 MB file's
# chunks and tokens several times over, small enough that a runaway parser cannot take the machine.
MEMORY_HEADROOM_BYTES = 4 << 30

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReadJob:
    path: Path
    source: str
    chunk_size: int
    max_bytes: int


@dataclass(frozen=True)
class FileRead:
    """One file, read and chunked; its records carry no programme yet (ingest resolves it from all files)."""

    docs: list[Document]
    records: list[NodeRecord]


def read_file(job: ReadJob, progress: Progress | None = None) -> FileRead:
    """Load, chunk and tokenise one file (in this process); raises LoadError."""
    docs = load_file(job.path, job.source, job.max_bytes)
    return FileRead(docs, document_nodes(docs, "", job.chunk_size, progress))


def _serve(conn: Connection) -> None:
    """The worker's loop: one job in, progress messages and one result out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it kills us)
    _limit_memory()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result: tuple[str, Any] = ("ok", read_file(job, lambda done, total: conn.send(("progress", done, total))))
        except LoadError as exc:
            result = ("error", str(exc))
        except MemoryError:
            result = ("error", "読み込みに使えるメモリの上限を超えたため、中止しました")
        except RecursionError:
            result = ("error", "文書の構造が深すぎるため、読み込めません")
        except Exception:  # a parser's own bug on this file: name the file, keep the others
            result = ("error", "読み込み中に予期しないエラーが起きました(ファイルが壊れている可能性があります)")
        conn.send(result)


def _limit_memory() -> None:
    try:
        with open("/proc/self/statm") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = used + MEMORY_HEADROOM_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):  # not Linux: the time limit still holds
        pass


class IsolatedReader:
    """Reads files one at a time in a forked worker; use as a context manager (the worker starts lazily)."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._process: Any = None
        self._conn: Connection | None = None

    def __enter__(self) -> IsolatedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, job: ReadJob, progress: Progress | None = None) -> FileRead:
        """The file's documents and records; LoadError (with the reason) when it fails or runs too long."""
        conn = self._start()
        conn.send(job)
        deadline = time.monotonic() + self.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not conn.poll(remaining):
                self._kill()
                raise LoadError(
                    f"読み込みに{self.timeout_s:,.0f}秒以上かかったため中止しました(上限は HOJO_FILE_TIMEOUT_S で変えられます)"
                )
            try:
                message = conn.recv()
            except (EOFError, OSError) as exc:
                self._kill()
                raise LoadError("読み込み中に処理が異常終了しました(メモリ不足などの可能性があります)") from exc
            if message[0] == "progress":
                if progress is not None:
                    progress(message[1], message[2])
                continue
            if message[0] == "error":
                raise LoadError(message[1])
            result: FileRead = message[1]
            return result

    def _start(self) -> Connection:
        if self._conn is None:
            from assistant.tokenizer import tokenize

            tokenize("補助金")  # load the dictionary once, here: every restarted worker inherits it
            context = multiprocessing.get_context("fork")  # inherits the loaded tokenizer: no start-up cost
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child,), daemon=True, name="hojo-ingest-reader")
            process.start()
            child.close()
            self._process, self._conn = process, parent
        return self._conn

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def close(self) -> None:
        """Let the worker finish and exit (it is killed if it does not within a few seconds)."""
        if self._conn is not None and self._process is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
            self._process.join(5)
        self._kill()
