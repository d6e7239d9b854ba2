"""The naive llama-index baseline over a small corpus with the real packaged embedding model."""

from __future__ import annotations

import pytest

from eval.baseline import NaiveRag

pytestmark = pytest.mark.slow

GUIDE_A = """---
programme: alpha
title: A
---

# 制度A

## 概要

### 予算規模(100億円)

Alpha programme budget is ten billion yen. The budget funds factories.

### 申請方法

Apply online with the electronic system and an account.
"""

GUIDE_B = """# 制度B

## 締切

### 公募締切(2025年5月30日)

The deadline for applications is the thirtieth of May.
"""


@pytest.fixture(scope="module")
def rag(tmp_path_factory) -> NaiveRag:
    from assistant.components import get_embedder
    from assistant.settings import Settings

    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "alpha").mkdir()
    (corpus / "beta").mkdir()
    (corpus / "alpha" / "guide.md").write_text(GUIDE_A, encoding="utf-8")
    (corpus / "beta" / "guide.md").write_text(GUIDE_B, encoding="utf-8")
    return NaiveRag(corpus, get_embedder(Settings()), top_k=2).build()


def test_chunks_map_back_to_their_headings_and_programme(rag):
    hits = rag.search("When is the deadline for applications?")
    assert len(hits) == 2
    assert hits[0].programme == "beta"
    assert "制度B > 締切 > 公募締切(2025年5月30日)" in hits[0].sections


def test_rank_counts_only_the_expected_programme(rag):
    assert rag.rank("When is the deadline for applications?", "公募締切", "beta") == 1
    # The same section asked for another programme is not a hit.
    assert rag.rank("When is the deadline for applications?", "公募締切", "alpha") is None


def test_ranks_over_rows(rag):
    ranks = rag.ranks([("r1", "What is the budget of the alpha programme?", "予算規模(100億円)", "alpha"),
                       ("r2", "What is the budget of the alpha programme?", "存在しない見出し", None)])
    assert ranks == {"r1": 1, "r2": None}
