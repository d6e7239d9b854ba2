"""Heading-aware Japanese chunking: heading paths, sentence packing, whole numbers, whole table rows."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.settings import get_settings
from ingest.chunking import HARD_MAX_CHARS, chunk_document
from ingest.loaders import Document, load_file

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+万円|\d+\.\d+%")


def doc(text: str, title: str = "要領") -> Document:
    return Document(text=text, programme="demo", title=title, source="demo/a.md")


def test_heading_path_follows_markdown_levels_and_skips_the_title_heading() -> None:
    text = "# 要領\n## 補助金額\n### 上限\n上限は7,000万円です。\n## 審査\n口頭審査があります。"
    chunks = chunk_document(doc(text), 400)
    assert [(c.section, c.text) for c in chunks] == [
        ("補助金額 > 上限", "上限は7,000万円です。"),
        ("審査", "口頭審査があります。"),
    ]


def test_sentences_are_packed_up_to_the_chunk_size_and_split_between_sentences() -> None:
    sentence = "補助上限額は従業員数に応じて決まります。"  # 20 characters
    chunks = chunk_document(doc("## 上限\n" + sentence * 30), 100)
    assert len(chunks) == 6
    assert all(len(c.text) <= 100 and c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == sentence * 30


def test_a_long_table_is_cut_between_rows_and_repeats_its_header() -> None:
    rows = "\n".join(f"| {i}人以下 | {i * 100:,}万円 |" for i in range(1, 80))
    chunks = chunk_document(doc("## 上限表\n| 従業員数 | 上限 |\n|---|---|\n" + rows), 300)
    assert len(chunks) > 1
    for chunk in chunks:
        lines = chunk.text.split("\n")
        assert lines[:2] == ["| 従業員数 | 上限 |", "|---|---|"]
        assert all(re.fullmatch(r"\| \d+人以下 \| [\d,]+万円 \|", line) for line in lines[2:])
    assert sum(len(c.text.split("\n")) - 2 for c in chunks) == 79


def test_a_sentence_longer_than_the_hard_maximum_is_cut_outside_numbers() -> None:
    # No sentence end for 1,300 characters, with amounts placed across every plausible cut point.
    text = "".join(f"経費{i}は1,000万円、" if i % 3 else f"率{i}は2.5%で" for i in range(150))
    chunks = chunk_document(doc("## 長文\n" + text), 400)
    assert all(len(c.text) <= HARD_MAX_CHARS for c in chunks)
    assert "".join(c.text for c in chunks) == text
    assert sum(len(NUMBER.findall(c.text)) for c in chunks) == len(NUMBER.findall(text))


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["補助上限額は", "1,000万円", "2.5%", "以上で", "、", "。", "\n", "12,345,678円", "あ" * 37]),
        min_size=1,
        max_size=120,
    ),
    size=st.integers(min_value=100, max_value=2000),
)
def test_chunks_never_exceed_the_hard_maximum_nor_split_a_number(words: list[str], size: int) -> None:
    text = "".join(words)
    chunks = chunk_document(doc("## 節\n" + text), size)
    assert all(0 < len(c.text) <= HARD_MAX_CHARS for c in chunks)
    expected = NUMBER.findall(text)
    assert [n for c in chunks for n in NUMBER.findall(c.text)] == expected


def test_shipped_corpus_chunks_stay_within_the_hard_maximum() -> None:
    settings_ = get_settings()
    paths = sorted(settings_.corpus_dir.glob("*/*.md"))
    assert paths, "the shipped corpus is missing"
    chunks = [c for p in paths for d in load_file(p, p.name) for c in chunk_document(d, settings_.chunk_size)]
    assert max(len(c.text) for c in chunks) <= HARD_MAX_CHARS
    assert all(c.section for c in chunks), "every chunk of the guideline corpus sits under a heading"
