"""On-disk search store: layout, manifest and node records, shared by ingest (writer) and retrieval (reader).

Layout (one generation is complete before anyone can see it):

    store_dir/
      current -> gen-20261121T101500-ab12cd   symlink, replaced atomically by ingest
      gen-.../manifest.json   files (hash, node ids), embedding model, tokenizer version, format version
      gen-.../nodes.jsonl     one record per chunk: text, metadata and its Sudachi tokens (a token cache)
      gen-.../bm25/           bm25s index over the records' tokens, rows in nodes.jsonl order
      gen-.../chroma/         Chroma persistent collection "passages" with the same node ids, or
      gen-.../chroma-server.json  {url, collection}: the collection lives on a `chroma run` server
                              (HOJO_CHROMA_URL), one collection per generation, so the switch stays atomic
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from assistant.os_errors import describe_os_error
from assistant.programmes import Programme, ProgrammeInfo, build_catalogue
from assistant.retrieval.errors import StoreError
from assistant.types import Passage

FORMAT_VERSION = 4
CURRENT_LINK = "current"
GENERATION_PREFIX = "gen-"
MANIFEST_FILE = "manifest.json"
NODES_FILE = "nodes.jsonl"
BM25_DIR = "bm25"
CHROMA_DIR = "chroma"
CHROMA_SERVER_FILE = "chroma-server.json"
CHROMA_SQLITE = "chroma.sqlite3"
COLLECTION_NAME = "passages"


@dataclass(frozen=True)
class NodeRecord:
    """One chunk as stored: what is shown (text, metadata) and what BM25 indexes (tokens)."""

    id: str
    text: str
    programme: str
    doc: str
    section: str
    source: str
    page: int | None
    tokens: tuple[str, ...]

    def index_text(self) -> str:
        """What is embedded and tokenised: document title and heading path name the topic, so they go in too.

        On eval/retrieval.jsonl this lifted BM25 hit@3 from 0.70 (text only) to 0.88 (with headings)
        and 0.96 (with title and headings).
        """
        return "\n".join(part for part in (self.doc, self.section, self.text) if part)

    def to_passage(self, score: float) -> Passage:
        return Passage(
            node_id=self.id,
            text=self.text,
            programme=self.programme,
            doc=self.doc,
            section=self.section,
            source=self.source,
            page=self.page,
            score=float(score),
        )

    def to_json(self) -> str:
        data = asdict(self)
        data["tokens"] = list(self.tokens)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> NodeRecord:
        data = json.loads(line)
        data["tokens"] = tuple(data["tokens"])
        return cls(**data)


@dataclass
class FileEntry:
    """What the store knows of one ingested file; the hash decides whether it must be read again."""

    source: str
    sha256: str
    programme: str
    node_ids: list[str]
    title: str = ""
    # What the file says of its programme (assistant.programmes.ProgrammeInfo as a dict): the catalogue.
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class Manifest:
    format_version: int
    embed_model: str
    embed_document_prefix: str
    tokenizer_version: str
    chunk_size: int
    files: dict[str, FileEntry] = field(default_factory=dict)  # keyed by absolute file path
    # How files were read and chunked (ingest.READER_VERSION): a new reading re-reads every file.
    reader_version: str = ""
    # sha256 of nodes.jsonl and the BM25 files: lets ingest notice a damaged store without loading it
    artifacts: dict[str, str] = field(default_factory=dict)
    # size:mtime of the embedded Chroma files as ingest left them (chroma_fingerprint)
    chroma_files: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    def catalogue(self) -> dict[str, Programme]:
        """The programmes of the store, merged from what each of its files says."""
        return build_catalogue(
            (ProgrammeInfo.from_dict(e.info) if e.info else ProgrammeInfo(id=e.programme, official_name=e.programme),
             Path(key).parent, e.title)
            for key, e in self.files.items()
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        files = {key: FileEntry(**value) for key, value in data.pop("files").items()}
        return cls(files=files, **data)


def artifact_hashes(generation: Path) -> dict[str, str]:
    """sha256 of the files this package writes (Chroma's own files change when opened, so not those)."""
    paths = [generation / NODES_FILE, generation / CHROMA_SERVER_FILE, *sorted((generation / BM25_DIR).glob("*"))]
    return {
        path.relative_to(generation).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in paths
        if path.is_file()
    }


def current_generation(store_dir: Path) -> Path | None:
    """The generation directory the 'current' link points at, or None when there is none yet."""
    link = Path(store_dir) / CURRENT_LINK
    if not link.is_symlink() and not link.exists():
        return None
    target = Path(os.path.realpath(link))
    return target if target.is_dir() else None


def read_manifest(generation: Path) -> Manifest:
    """The manifest of a generation; StoreError.corrupt when it is missing or unreadable."""
    try:
        return Manifest.from_json((generation / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise StoreError.corrupt(generation.parent, "manifest.json を読めません") from exc


def read_nodes(generation: Path) -> list[NodeRecord]:
    """All node records of a generation, in index order; StoreError.corrupt when unreadable."""
    try:
        with open(generation / NODES_FILE, encoding="utf-8") as handle:
            return [NodeRecord.from_json(line) for line in handle if line.strip()]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise StoreError.corrupt(generation.parent, "nodes.jsonl を読めません") from exc


def write_nodes(generation: Path, nodes: list[NodeRecord]) -> None:
    with open(generation / NODES_FILE, "w", encoding="utf-8") as handle:
        for node in nodes:
            handle.write(node.to_json() + "\n")


def check_compatible(manifest: Manifest, store_dir: Path, embed_model: str, tokenizer_version: str) -> None:
    """Raise StoreError.stale when the store was made by another format, model or tokenizer."""
    if manifest.format_version != FORMAT_VERSION:
        raise StoreError.stale(store_dir, f"別の形式(バージョン {manifest.format_version})")
    if manifest.embed_model != embed_model:
        raise StoreError.stale(store_dir, f"別の埋め込みモデル({manifest.embed_model})")
    if manifest.tokenizer_version != tokenizer_version:
        raise StoreError.stale(store_dir, f"別のトークナイザ({manifest.tokenizer_version})")


class ChromaUnavailable(StoreError):
    """The Chroma server of a generation cannot be reached (the BM25 side may still answer)."""


def chroma_server(generation: Path) -> dict[str, str] | None:
    """{url, collection} when the generation's vectors live on a Chroma server, else None (embedded)."""
    path = generation / CHROMA_SERVER_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {"url": str(data["url"]), "collection": str(data["collection"])}
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise StoreError.corrupt(generation.parent, f"{CHROMA_SERVER_FILE} を読めません") from exc


def server_collection_name(generation: Path) -> str:
    """One collection per generation on the server: ingest fills a new one, then the link switch shows it."""
    return f"{COLLECTION_NAME}-{generation.name}"


def chroma_present(generation: Path) -> bool:
    """Whether the generation has its vectors (cheap: a server is not asked)."""
    return (generation / CHROMA_SERVER_FILE).is_file() or (generation / CHROMA_DIR / CHROMA_SQLITE).is_file()


def http_client(url: str) -> Any:
    """chromadb.HttpClient for 'http://host:port' (https too); ChromaUnavailable when nobody answers there."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"HOJO_CHROMA_URL「{url}」は http://ホスト:ポート の形で指定してください。")
    ssl = parts.scheme == "https"
    try:
        return chromadb.HttpClient(
            host=parts.hostname, port=parts.port or (443 if ssl else 8000), ssl=ssl,
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except Exception as exc:  # connection refused, DNS, TLS: the same advice for each
        raise ChromaUnavailable(
            f"Chroma サーバー({url})に接続できません。`chroma run` が動いているか、URL が正しいか確認してください。"
        ) from exc


@dataclass
class ChromaHandle:
    """An open Chroma client and collection; close() releases both (and the private copy, if any)."""

    client: Any
    collection: Any
    copy: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        getattr(self.client, "close", lambda: None)()  # close() exists at runtime; the stubs lack it
        if self.copy is not None:
            self.copy.cleanup()
            self.copy = None


def open_chroma(generation: Path, create: bool = False) -> ChromaHandle:
    """The collection of a generation: cosine space, no embedding function (we embed ourselves).

    create=True is ingest writing a new generation. Otherwise the generation is complete and must not
    change: embedded Chroma writes into its files whenever it opens them (its SQLite and HNSW files
    changed on every open, and a read-only store failed), so a reader opens a private copy instead.
    A generation that names a server (chroma-server.json, from HOJO_CHROMA_URL) is opened there.
    Close the handle when done: Chroma shares one system per path within a process.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    server = chroma_server(generation)
    copy = None
    if server is not None:
        client = http_client(server["url"])
        name = server["collection"]
    else:
        path = generation / CHROMA_DIR
        if not create:
            copy = _private_copy(generation)
            path = Path(copy.name) / CHROMA_DIR
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        name = COLLECTION_NAME
    handle = ChromaHandle(client, None, copy)
    try:
        if create:
            handle.collection = client.get_or_create_collection(
                name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        else:
            handle.collection = client.get_collection(name, embedding_function=None)
    except Exception:
        handle.close()
        raise
    return handle


def _private_copy(generation: Path) -> tempfile.TemporaryDirectory[str]:
    """A temporary copy of the generation's Chroma files, for this process alone (removed on close)."""
    source = generation / CHROMA_DIR
    if not (source / CHROMA_SQLITE).is_file():
        raise StoreError.corrupt(generation.parent, "ベクトルの索引(chroma)がありません")
    copy = tempfile.TemporaryDirectory(prefix="hojo-chroma-")
    try:
        shutil.copytree(source, Path(copy.name) / CHROMA_DIR)
    except OSError as exc:
        copy.cleanup()
        raise StoreError(
            f"ベクトルの索引を開けません({describe_os_error(exc)}: {display(Path(tempfile.gettempdir()))})。"
            "一時フォルダ(TMPDIR)の空き容量と権限を確認してください。"
        ) from exc
    return copy


def chroma_fingerprint(generation: Path) -> dict[str, str]:
    """Size and modification time of each embedded Chroma file: cheap, and since readers never write
    there (they open a copy), any difference after ingest means the files were damaged or replaced."""
    root = generation / CHROMA_DIR
    if not root.is_dir():
        return {}
    prints = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            prints[path.relative_to(generation).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return prints


def chroma_intact(generation: Path, recorded: dict[str, str]) -> bool:
    """Whether the embedded Chroma files are those ingest wrote (a server's collection is not checked here)."""
    if (generation / CHROMA_SERVER_FILE).is_file():
        return True
    sqlite = generation / CHROMA_DIR / CHROMA_SQLITE
    try:
        with open(sqlite, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
    except OSError:
        return False
    return bool(recorded) and chroma_fingerprint(generation) == recorded


def display(path: Path) -> str:
    return os.fsencode(str(path)).decode("utf-8", errors="replace")
