"""The Sudachi tokenizer behind BM25 and coverage: real dictionary, normalized forms."""

from __future__ import annotations

import pytest

from assistant.tokenizer import TOKENIZER_VERSION, content_tokens, tokenize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("補助上限額は1,500万円です", "補助上限額は1500万円です"),  # thousands separator
        ("補助上限額は１，５００万円", "補助上限額は1500万円"),  # full-width digits
        ("締め切りはいつ", "締切はいつ"),  # spelling variants fold to one normalized form
        ("ＧビズＩＤ", "GビズID"),  # full-width Latin
    ],
)
def test_spelling_variants_give_the_same_tokens(a: str, b: str) -> None:
    assert tokenize(a) == tokenize(b)


def test_particles_punctuation_and_whitespace_are_dropped() -> None:
    tokens = tokenize("補助率は、 2分の1です。")
    assert "は" not in tokens and "、" not in tokens and "。" not in tokens and "です" not in tokens
    assert " " not in tokens and "補助" in tokens


def test_long_units_come_with_their_short_parts() -> None:
    # 上限額 should still meet a query for 上限
    assert {"上限額", "上限", "額"} <= set(tokenize("補助上限額"))


def test_input_beyond_sudachis_limit_is_tokenised_in_pieces() -> None:
    text = "補助上限額は7,000万円です。\n" * 5000  # ~90 KB of UTF-8, above Sudachi's ~49 KB limit
    tokens = tokenize(text)
    assert tokens.count("70000000") == 5000


def test_version_names_sudachi_its_dictionary_and_our_rules() -> None:
    assert TOKENIZER_VERSION.startswith("sudachipy-")
    assert "sudachidict_core-" in TOKENIZER_VERSION and "+rules-" in TOKENIZER_VERSION


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("東京都の最低賃金はいくらですか?", ["東京都", "最低賃金"]),
        ("従業員30人で4,000万円投資したら補助額は?", ["従業員", "投資", "補助額"]),  # numbers are inputs
        ("連携体は最低何者で組めばいいですか?", ["連携", "体", "最低"]),  # 何者 asks, it names nothing
    ],
)
def test_content_tokens_keep_the_topic_nouns(question: str, expected: list[str]) -> None:
    assert content_tokens(question) == expected


def test_casual_words_of_applying_and_conversation_links_are_no_topic() -> None:
    from assistant.tokenizer import content_tokens

    assert content_tokens("ちなみに申込みっていつまで?") == []  # searched for what the intent asks (締切)
    assert content_tokens("ところで補助率は?") == ["補助", "率"]
