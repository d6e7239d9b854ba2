"""Conversions between stored records and llama-index nodes."""

from __future__ import annotations

from llama_index.core.schema import NodeWithScore, TextNode

from assistant.retrieval.store import NodeRecord


def to_node_with_score(record: NodeRecord, score: float) -> NodeWithScore:
    metadata = {
        "programme": record.programme,
        "doc": record.doc,
        "section": record.section,
        "source": record.source,
        "page": record.page,
    }
    return NodeWithScore(node=TextNode(id_=record.id, text=record.text, metadata=metadata), score=score)
