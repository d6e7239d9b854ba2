"""Ingest: guideline files -> Japanese-aware chunks -> embeddings -> Chroma + BM25 store (incremental)."""
