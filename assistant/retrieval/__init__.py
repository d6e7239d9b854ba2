"""Hybrid retrieval over the search store: BM25 (Sudachi tokens) + dense (Chroma), fused, with a programme filter.

Use assistant.components.get_retriever(settings) to get the shared HybridRetriever.
"""

from assistant.retrieval.errors import StoreError

__all__ = ["StoreError"]
