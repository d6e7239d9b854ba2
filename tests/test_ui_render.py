"""The UI's pure parts: escaping, source elements, answer and trace Markdown, welcome text and config.

Markdown is rendered with markdown-it (CommonMark + tables + strikethrough, as Chainlit's renderer
does) to check what a reader would see, not how our strings happen to look.
"""

from __future__ import annotations

import html
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from assistant import compose
from assistant.calculator import calculate
from assistant.programmes import folder_catalogue
from assistant.settings import PROJECT_ROOT
from assistant.types import Answer, Passage, Source
from assistant.ui_render import (
    APP_NAME,
    AUTO,
    STARTERS,
    answer_markdown,
    as_of_text,
    chosen_programme,
    element_name,
    escape_text,
    programme_items,
    source_views,
    trace_markdown,
    welcome_markdown,
)

CORPUS = PROJECT_ROOT / "corpus"
TODAY = date(2026, 11, 21)
MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")
TAG = re.compile(r"<(/?)(\w+)[^>]*>")
INLINE_TAGS = {"strong", "em", "a", "code", "s", "img"}


def render(markdown: str) -> tuple[set[str], str]:
    """(HTML tag names used, the text a reader sees with whitespace collapsed)."""
    rendered = MARKDOWN.render(markdown)
    tags = {m.group(2) for m in TAG.finditer(rendered)}
    text = TAG.sub(lambda m: "" if m.group(2) in INLINE_TAGS else " ", rendered)
    return tags, " ".join(html.unescape(text).split())


def squashed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>補助率は2分の1です。",
        "<img src=x onerror=alert(1)>",
        "**太字** と _斜体_ と `コード` と *星*",
        "![画像](http://example.com/x.png) と [リンク](https://example.com)",
        "https://example.com と www.example.com を参照",  # GFM would autolink these
        "1. 番号付きに見える行",
        "2) これも",
        "- 箇条書きに見える行",
        "+ プラス",
        "> 引用に見える行",
        "---",
        "見出しに見える段落\n===",
        "&amp; と &#60; と R&D",
        "10~15ページ と ~~取り消し線~~",
        "a | b | c",
        "バックスラッシュ \\ と \\* と \\\\",
        "1,000万円(税抜)以上、1.5億円未満 [注1]",
        "    4つの空白で始まる行(コードブロックにしない)",
    ],
)
def test_escaped_text_renders_as_exactly_that_text(text: str) -> None:
    tags, seen = render(escape_text(text))
    assert tags <= {"p", "br"}, tags  # no link, image, emphasis, list, quote, heading, code or raw HTML
    assert seen == squashed(text)


# remark-directive, which Chainlit's renderer runs, reads ':name', '::name' and ':::name' as directives and
# drops them (「Email:contact@example.jp」 showed as 「Email @example.jp」). markdown-it has no directives, so
# this checks the escaped text itself: every such colon is backslash-escaped.
UNESCAPED_DIRECTIVE = re.compile(r"(?<!\\):+(?=[A-Za-z])")


@pytest.mark.parametrize("text", [
    "Email:contact@example.jp",
    "お問い合わせ(TEL:03-0000-0000、Mail:info@example.jp)",
    "注意::note 二つのコロン",
    ":::warning で始まる行",
    "URL:https://example.jp/koubo",
])
def test_no_chainlit_directive_survives_escaping(text: str) -> None:
    escaped = escape_text(text)
    assert not UNESCAPED_DIRECTIVE.search(escaped), escaped
    assert render(escaped)[1] == squashed(text)  # the backslashes are not seen


def test_zero_width_spaces_are_dropped_because_chainlit_draws_them_as_a_cursor() -> None:
    assert "\u200b" not in escape_text("補助\u200b率")
    assert render(escape_text("補助\u200b率"))[1] == "補助率"


def test_line_breaks_and_paragraphs_are_kept() -> None:
    markdown = escape_text("1行目\n2行目\n\n次の段落")
    assert markdown == "1行目\n2行目\n\n次の段落"  # Chainlit shows single newlines (pre-wrap)
    assert MARKDOWN.render(markdown).count("<p>") == 2


def test_a_guideline_table_stays_a_table_with_escaped_cells() -> None:
    table = "| 常勤従業員数 | 補助上限額 |\n|---|---|\n| 20人以下 | 2,500万円 |\n| **21人**以上 | <b>4,000万円</b> |"
    tags, seen = render(escape_text("表の前の文。\n" + table))
    assert "table" in tags and not tags & {"strong", "b", "em"}
    assert "20人以下 2,500万円" in seen and "**21人**以上 <b>4,000万円</b>" in seen


def test_pipe_rows_without_a_header_rule_are_text() -> None:
    tags, seen = render(escape_text("| 20人以下 | 2,500万円 |\n| 21人以上 | 4,000万円 |"))
    assert "table" not in tags
    assert seen == "| 20人以下 | 2,500万円 | | 21人以上 | 4,000万円 |"


def test_heading_lines_of_a_passage_become_bold_text() -> None:
    tags, seen = render(escape_text("### 補助率(2分の1)\n補助率は2分の1です。"))
    assert "strong" in tags and not tags & {"h1", "h2", "h3"}
    assert seen == "補助率(2分の1) 補助率は2分の1です。"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("出典1: 文書 · 補助率", "出典1: 文書 · 補助率"),
        ("出典2: [注]*_`x`_ <b>&", "出典2: ［注］＊＿｀x｀＿ ＜b＞＆"),  # would break Chainlit's [name](...) link
        ("出典3: 改行\nのある\r見出し", "出典3: 改行 のある 見出し"),
        ("出典4: guide:intro · 連絡先", "出典4: guide：intro · 連絡先"),  # a name cannot hold an escape
    ],
)
def test_element_names_are_one_safe_line(raw: str, expected: str) -> None:
    assert element_name(raw) == expected


# --- sources and the answer message, from the real calculator and corpus ------------------------

def calculation_answer(programme: str, intent: str, slots: dict[str, Any]) -> Answer:
    """An Answer shaped as the engine shapes a calculation answer (compose + the calculator's trace)."""
    calc = calculate(programme, intent, slots, today=TODAY, corpus_dir=CORPUS).to_dict()
    sources = compose.sources_from_trace(calc)
    text = compose.render(calc["conclusion"], [calc["calculation_line"] or ""], sources)
    return Answer(answer=text, found=True, programme=programme, calculation=calc, sources=sources)


def test_each_quoted_passage_becomes_one_named_element_holding_its_whole_section() -> None:
    answer = calculation_answer("shinjigyo", "amount", {"employees": 30, "investment": 40_000_000})
    views = source_views(answer, CORPUS)
    sections = list(dict.fromkeys(s.section for s in answer.sources))
    # Two quotes from the 補助率 section share one entry: one entry per passage, not per quoted line.
    assert len(views) == len(sections) >= 3 and len(answer.sources) > len(views)
    for number, (view, section) in enumerate(zip(views, sections, strict=True), start=1):
        doc = next(s.doc for s in answer.sources if s.section == section)
        assert view.name == f"出典{number}: {doc} · {section.split(' > ')[-1]}"
        _, seen = render(view.content)
        assert doc in seen
        for source in (s for s in answer.sources if s.section == section):
            assert squashed(source.text) in seen and source.text.split()[0] in view.quote
    cap_view = next(v for v in views if "従業員規模別の補助上限額" in v.name)
    _, seen = render(cap_view.content)
    # The whole section: all four bands, not only the quoted 21-50 persons sentence.
    assert all(band in seen for band in ("20人以下", "21人以上50人以下", "51人以上100人以下", "101人以上"))


def test_answer_numbers_make_element_names_unique_across_the_chat() -> None:
    # Chainlit resolves an element link by name within the chat: two answers must never share one.
    first = calculation_answer("shinjigyo", "amount", {"employees": 30, "investment": 40_000_000})
    second = calculation_answer("shinjigyo", "amount", {"employees": 10, "investment": 40_000_000})
    names_1 = [v.name for v in source_views(first, CORPUS, answer_number=1)]
    names_2 = [v.name for v in source_views(second, CORPUS, answer_number=2)]
    assert names_1[0].startswith("出典1-1: ") and names_2[0].startswith("出典2-1: ")
    assert not set(names_1) & set(names_2)


def test_a_retrieved_passage_is_preferred_and_shows_its_page() -> None:
    answer = calculation_answer("shinjigyo", "amount", {"employees": 30, "investment": 40_000_000})
    source = answer.sources[0]
    passage = Passage(node_id="n1", text=f"前の文です。\n{source.text}\n後の文です。", programme="shinjigyo",
                      doc=source.doc, section=source.section, source="x.pdf", page=7, score=1.0)
    answer.passages = [passage]
    _, seen = render(source_views(answer, CORPUS)[0].content)
    assert "前の文です。" in seen and "後の文です。" in seen and "ページ: 7" in seen


def test_a_source_found_nowhere_shows_its_quote() -> None:
    answer = Answer(answer="x", found=True, programme=None,
                    sources=[Source(doc="無い文書", section="無い見出し", text="引用文です。", score=1.0)])
    _, seen = render(source_views(answer, CORPUS)[0].content)
    assert "引用文です。" in seen and "無い文書" in seen


def test_answer_message_links_every_source_once_and_drops_the_plain_source_list() -> None:
    answer = calculation_answer("shinjigyo", "amount", {"employees": 30, "investment": 40_000_000})
    views = source_views(answer, CORPUS)
    markdown = answer_markdown(answer, views)
    assert markdown.startswith("補助額は2,000万円です。")
    for view in views:
        assert markdown.count(view.name) == 1  # Chainlit links each exact name to its element
    assert "出典:\n- " not in markdown
    _, seen = render(markdown)
    assert "投資額4,000万円 × 1/2 = 2,000万円" in seen


def test_follow_up_question_is_shown_once() -> None:
    asked = Answer(answer="補助額を計算するには、投資額が必要です。", found=True, programme="shinjigyo",
                   follow_up="投資額(補助対象経費)を教えてください。")
    assert answer_markdown(asked, []).count("投資額(補助対象経費)を教えてください。") == 1
    assert "確認させてください" in answer_markdown(asked, [])
    already = Answer(answer="どちらの補助金でしょうか。", found=True, programme=None, follow_up="どちらの補助金でしょうか。")
    assert answer_markdown(already, []).count("どちらの補助金でしょうか。") == 1


def test_document_markup_inside_an_answer_is_shown_as_text() -> None:
    answer = Answer(answer="結論です。\n<img src=x onerror=alert(1)> ![x](http://e.x/y.png)", found=True, programme=None)
    tags, seen = render(answer_markdown(answer, []))
    assert tags <= {"p", "br"} and "<img src=x onerror=alert(1)>" in seen


# --- the calculation trace -----------------------------------------------------------------------

TRACE_CASES = [
    ("shinjigyo", "amount", {"employees": 30, "investment": 40_000_000}),
    ("shinjigyo", "amount", {"employees": 120, "investment": 300_000_000, "special_wage": True}),
    ("shinjigyo", "amount", {}),  # missing inputs
    ("shinjigyo", "cap", {"employees": 10}),
    ("shinjigyo", "sme_check", {"industry": "製造業", "capital": 50_000_000, "employees": 80}),
    ("shinjigyo", "min_investment", {"investment": 10_000_000}),
    ("shinjigyo", "wage_requirement", {"wage_growth_rate": 3.0, "min_wage_margin": 40}),
    ("shinjigyo", "repayment", {"subsidy_received": 20_000_000, "wage_target_rate": 3.0, "wage_actual_rate": 2.0,
                                "min_wage_target_met": True, "value_added_increased": True,
                                "operating_loss": False, "natural_disaster": False}),
    ("shinjigyo", "schedule", {}),
    ("export_ecosystem", "consortium_check", {"members": [{"type": "中小企業", "count": 3}, {"type": "大学", "count": 1}],
                                              "same_group_only": False, "roles_in_writing": True,
                                              "outsourcing_only": False, "single_applicant": False}),
    ("export_ecosystem", "amount", {"investment": 30_000_000}),
    ("export_ecosystem", "schedule", {}),
]
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


@pytest.mark.parametrize(("programme", "intent", "slots"), TRACE_CASES)
def test_trace_lists_each_rule_with_readable_inputs_and_cited_parameters(
    programme: str, intent: str, slots: dict[str, Any]
) -> None:
    calc = calculate(programme, intent, slots, today=TODAY, corpus_dir=CORPUS).to_dict()
    markdown = trace_markdown(calc)
    tags, seen = render(markdown)
    assert tags <= {"p", "strong", "ul", "li", "br"}
    for step in calc["trace"]:
        assert squashed(step["label"]) in seen
        for parameter in step["parameters"]:
            assert squashed(parameter["source"]["quote"]) in seen
            assert squashed(parameter["source"]["heading"]) in seen
    # Every calculator key is shown by its Japanese name: a raw key means a missing glossary entry.
    assert not SNAKE_CASE.findall(seen), SNAKE_CASE.findall(seen)


def test_trace_writes_amounts_and_persons_as_guidelines_do() -> None:
    calc = calculate("shinjigyo", "amount", {"employees": 30, "investment": 40_000_000}, today=TODAY,
                     corpus_dir=CORPUS).to_dict()
    _, seen = render(trace_markdown(calc))
    for expected in ("常勤従業員数 30人", "投資額(補助対象経費) 4,000万円", "最低投資額: 1,500万円以上",
                     "補助率: 1/2", "補助上限額(通常)[21人以上50人以下]: 4,000万円", "補助額: 2,000万円"):
        assert expected in seen, expected
    assert "40000000" not in seen


def test_trace_names_the_inputs_still_missing() -> None:
    calc = calculate("shinjigyo", "amount", {}, today=TODAY, corpus_dir=CORPUS).to_dict()
    _, seen = render(trace_markdown(calc))
    assert "まだ伺っていない情報" in seen and "常勤従業員数" in seen


# --- welcome page, starters, settings, config ----------------------------------------------------

def test_welcome_text_lists_each_programme_with_its_as_of_date_and_the_disclaimer() -> None:
    programmes = folder_catalogue(CORPUS)
    _, seen = render(welcome_markdown(programmes))
    assert APP_NAME in seen
    for programme in programmes.values():
        assert f"{programme.official_name} {as_of_text(programme)}" in seen
    assert "法的な助言ではありません" in seen and "公募要領本体" in seen


def test_the_guide_page_names_the_programmes_and_dates_the_corpus_has() -> None:
    guide = (PROJECT_ROOT / "chainlit_ja.md").read_text(encoding="utf-8")
    for programme in folder_catalogue(CORPUS).values():
        assert f"| {programme.official_name} | {as_of_text(programme)} |" in guide
    for _, question in STARTERS:
        assert question in guide  # the guide's examples are the starters, which the tests ask


def test_starters_cover_amount_consortium_sme_and_deadline() -> None:
    assert len(STARTERS) >= 4
    labels = " ".join(label for label, _ in STARTERS)
    for topic in ("補助額", "連携体", "中小企業", "締切"):
        assert topic in labels


def test_programme_setting_offers_auto_then_each_programme() -> None:
    programmes = folder_catalogue(CORPUS)
    items = programme_items(programmes)
    assert list(items.values()) == [AUTO, *programmes]
    assert list(items)[1:] == [p.official_name for p in programmes.values()]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (None, None),
        ({}, None),
        ({"programme": AUTO}, None),
        ({"programme": "shinjigyo"}, "shinjigyo"),
        ({"programme": "export_ecosystem"}, "export_ecosystem"),
        ({"programme": "jizokuka"}, None),  # not a programme we hold: automatic detection
    ],
)
def test_chosen_programme(settings: dict[str, Any] | None, expected: str | None) -> None:
    assert chosen_programme(settings, folder_catalogue(CORPUS)) == expected


def test_chainlit_config_forces_japanese_and_never_renders_html() -> None:
    config = tomllib.loads((PROJECT_ROOT / ".chainlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["UI"]["language"] == "ja"
    assert config["UI"]["name"] == APP_NAME
    assert config["features"]["unsafe_allow_html"] is False
    assert config["features"]["edit_message"] is False  # an edit would replay against a moved-on state
    assert config["features"]["spontaneous_file_upload"]["enabled"] is False


def test_japanese_translation_does_not_claim_a_language_model() -> None:
    import json

    translation = json.loads(Path(PROJECT_ROOT / ".chainlit" / "translations" / "ja.json").read_text(encoding="utf-8"))
    assert "言語モデル" not in translation["chat"]["watermark"]
    assert "公募要領本体" in translation["chat"]["watermark"]
