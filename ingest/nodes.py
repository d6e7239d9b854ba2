"""Turn one file into stored node records: load, chunk, give each chunk a stable id and its tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.programmes import ProgrammeInfo, resolve_info
from assistant.retrieval.store import NodeRecord
from assistant.tokenizer import tokenize
from ingest.chunking import chunk_document
from ingest.loaders import Document, load_file


def node_id(source: str, section: str, text: str, occurrence: int = 0) -> str:
    """Stable id from where a chunk is and what it says; identical chunks in one section are numbered."""
    key = "\x1f".join([source, section, text] + ([str(occurrence)] if occurrence else []))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


# Tokenising is the slow part of reading a large file: report progress every this many chunks.
PROGRESS_EVERY = 2000


def document_nodes(
    docs: Sequence[Document], programme: str, chunk_size: int, progress: Callable[[int, int], None] | None = None
) -> list[NodeRecord]:
    """Node records of one file's documents in reading order, all belonging to `programme`.

    progress(done, total) is called every PROGRESS_EVERY chunks while tokenising, when given.
    """
    records: list[NodeRecord] = []
    seen: dict[str, int] = {}
    for doc in docs:
        for chunk in chunk_document(doc, chunk_size):
            base = node_id(doc.source, chunk.section, chunk.text)
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            records.append(NodeRecord(
                id=node_id(doc.source, chunk.section, chunk.text, occurrence),
                text=chunk.text,
                programme=programme,
                doc=doc.title,
                section=chunk.section,
                source=doc.source,
                page=chunk.page,
                tokens=(),
            ))
    tokenised = []
    for done, record in enumerate(records, start=1):
        tokenised.append(_with_tokens(record))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(records)) and len(records) > PROGRESS_EVERY:
            progress(done, len(records))
    return tokenised


def file_nodes(path: Path, source: str, chunk_size: int, known: Sequence[ProgrammeInfo] = ()) -> list[NodeRecord]:
    """Node records of one file on its own (its programme resolved against `known`); raises LoadError."""
    docs = load_file(path, source)
    info = programme_of(docs, known)
    return document_nodes(docs, info.id, chunk_size)


def programme_of(docs: Sequence[Document], known: Sequence[ProgrammeInfo]) -> ProgrammeInfo:
    """The programme one file's documents belong to: declared, matched by name, or new.

    A document that names no programme at all becomes a programme titled as the document, so it is
    still answerable and never silently merged into another programme.
    """
    first = docs[0]
    body = "\n".join(d.text for d in docs)
    info = resolve_info(first.declared, first.title, first.first_heading, body, known)
    return info or ProgrammeInfo(id=first.title, official_name=first.title)


def _with_tokens(record: NodeRecord) -> NodeRecord:
    return NodeRecord(**{**record.__dict__, "tokens": tuple(tokenize(record.index_text()))})
