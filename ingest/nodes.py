"""Turn one file into stored node records: load, chunk, give each chunk a stable id and its tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from assistant.programmes import Programme, infer_programme
from assistant.retrieval.store import NodeRecord
from assistant.tokenizer import tokenize
from ingest.chunking import chunk_document
from ingest.loaders import load_file


def node_id(source: str, section: str, text: str, occurrence: int = 0) -> str:
    """Stable id from where a chunk is and what it says; identical chunks in one section are numbered."""
    key = "\x1f".join([source, section, text] + ([str(occurrence)] if occurrence else []))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def file_nodes(
    path: Path, source: str, chunk_size: int, known: Mapping[str, Programme] | None = None
) -> list[NodeRecord]:
    """Node records of one file in reading order; raises LoadError when the file cannot be read.

    A file without a front-matter programme (an article not written for us) belongs to the known
    programme it names most, so the programme filter and per-programme answers can use it.
    """
    records: list[NodeRecord] = []
    seen: dict[str, int] = {}
    docs = load_file(path, source)
    if known and docs[0].programme not in known:
        programme = infer_programme("\n".join(d.text for d in docs), known, docs[0].programme)
        docs = [replace(d, programme=programme) for d in docs]
    for doc in docs:
        for chunk in chunk_document(doc, chunk_size):
            base = node_id(doc.source, chunk.section, chunk.text)
            occurrence = seen.get(base, 0)
            seen[base] = occurrence + 1
            record = NodeRecord(
                id=node_id(doc.source, chunk.section, chunk.text, occurrence),
                text=chunk.text,
                programme=doc.programme,
                doc=doc.title,
                section=chunk.section,
                source=doc.source,
                page=chunk.page,
                tokens=(),
            )
            records.append(_with_tokens(record))
    return records


def _with_tokens(record: NodeRecord) -> NodeRecord:
    return NodeRecord(**{**record.__dict__, "tokens": tuple(tokenize(record.index_text()))})
