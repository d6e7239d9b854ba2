"""The chat UI's rendering: answers, sources, calculation traces and the welcome text as Markdown.

Pure functions with no Chainlit in them, so they can be tested without a server; assistant/app.py
is the Chainlit layer that sends what they return.

Everything that comes from documents or from the user is escaped before Chainlit renders it as
Markdown, so a guideline containing `<script>`, `![](http://...)` or `**` shows those characters as
they are: nothing from a document can become HTML, an image fetch or formatting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from assistant.programmes import Programme
from assistant.types import Answer, Passage, Source

APP_NAME = "補助金公募要領アシスタント"
AUTO = "auto"  # chat setting value: let the engine tell the programme from the question
SOURCES_HEADING = "**出典**(名前を押すと、該当箇所の全文を表示します)"
FOLLOW_UP_LABEL = "**確認させてください**"


# --- escaping: documents and user text are text, never markup -------------------------------------

# Characters that start Markdown or HTML anywhere in a line. Only these are escaped (with a backslash, which
# CommonMark removes when rendering), so the text people copy out of an answer stays clean. A colon before a
# letter or another colon starts a Chainlit directive (remark-directive: 「Email:contact@example.jp」 showed
# as 「Email @example.jp」), and after http/https an autolink.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<~|])|&(?=#?\w+;)|:(?=[A-Za-z:])|(?<=https):|(?<=http):|(?<=www)\.")
# Markup that only counts at the start of a line: headings, quotes, lists, rules, setext underlines.
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
# Characters that would break or restyle an element name inside Chainlit's `[name](...)` link.
_NAME_UNSAFE = str.maketrans({
    "[": "［", "]": "］", "*": "＊", "_": "＿", "`": "｀", "\\": "＼", "<": "＜", ">": "＞", "&": "＆",
    "~": "～", "|": "｜", "\n": " ", "\r": " ",
})
# Chainlit turns a zero-width space into a blinking cursor.
_INVISIBLE = str.maketrans({"\u200b": None})


def escape_inline(text: str) -> str:
    """Text placed inside a line of Markdown, as literal characters: no emphasis, links, HTML or autolinks."""
    return _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), text.translate(_INVISIBLE))


def escape_line(text: str) -> str:
    """A whole line of text as literal Markdown (also no heading, quote or list at its start)."""
    escaped = escape_inline(text)
    match = _LINE_START.match(escaped)
    if not match:
        return escaped
    if match.group(1).isdigit():  # 「1. 」 would start a numbered list: escape the dot or parenthesis
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


def escape_text(text: str) -> str:
    """Plain text (a guideline passage, an engine answer) as Markdown that renders exactly that text.

    Line breaks stay single newlines (Chainlit renders paragraphs with white-space: pre-wrap, so a hard
    break would show as an empty line), headings become bold lines, and a well-formed pipe table stays a
    table whose cells are escaped: guideline tables (従業員規模別の補助上限額) read better as tables.
    """
    blocks: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        if _TABLE_ROW.match(lines[i]):
            j = i
            while j < len(lines) and _TABLE_ROW.match(lines[j]):
                j += 1
            blocks.append(_table_block(lines[i:j]))
            i = j
            continue
        j = i
        while j < len(lines) and not _TABLE_ROW.match(lines[j]):
            j += 1
        blocks.append(_text_block(lines[i:j]))
        i = j
    return "\n\n".join(b for b in blocks if b)


def _text_block(lines: Sequence[str]) -> str:
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            paragraphs.append([])
            continue
        heading = _HEADING_LINE.match(line)
        paragraphs[-1].append(f"**{escape_inline(heading.group(1))}**" if heading else escape_line(line.strip()))
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def _table_block(rows: Sequence[str]) -> str:
    if len(rows) < 2 or not _TABLE_RULE.match(rows[1]):
        return _text_block(rows)  # not a real table (a chunk cut it): show the pipes as text
    cells = [[escape_inline(c.strip()) for c in row.strip().strip("|").split("|")] for row in rows]
    width = len(cells[0])
    out = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join((r + [""] * width)[:width]) + " |" for r in cells[2:]]
    return "\n".join(out)


_DIRECTIVE_COLON = re.compile(r":(?=[A-Za-z:])")


def element_name(text: str) -> str:
    """A side element's name as Chainlit links it: one line, no characters that break its link.

    The name is matched as written, so it cannot carry a backslash escape: a colon that would start a
    directive becomes a full-width colon instead.
    """
    return " ".join(_DIRECTIVE_COLON.sub("：", text.translate(_NAME_UNSAFE)).split())


# --- sources: the side elements -------------------------------------------------------------------

class SourceView(NamedTuple):
    """One passage an answer cites, as shown: its element name, the quoted words and the side panel text."""

    name: str
    quote: str  # the quoted words, 「…」「…」 when several quotes come from the same passage
    content: str


def source_views(answer: Answer, corpus_dir: Path, answer_number: int | None = None) -> list[SourceView]:
    """The answer's sources, one per passage quoted (several quotes of one passage share it).

    With answer_number the names are 出典{answer}-{n}: Chainlit links element names within the whole
    chat, so two answers both citing 「出典1: …」 would open each other's passages.
    """
    groups: dict[tuple[str, str], list[tuple[Source, str, int | None]]] = {}
    for source in answer.sources:
        passage_text, page = whole_passage(source, answer.passages, corpus_dir)
        groups.setdefault((source.doc, _squash(passage_text)), []).append((source, passage_text, page))
    views = []
    for number, members in enumerate(groups.values(), start=1):
        source, passage_text, page = members[0]
        heading = source.section.split(" > ")[-1].strip()
        label = f"出典{answer_number}-{number}" if answer_number is not None else f"出典{number}"
        name = element_name(f"{label}: {source.doc} · {heading}" if heading else f"{label}: {source.doc}")
        quotes = [m[0].text for m in members]
        views.append(SourceView(name=name, quote="」「".join(" ".join(q.split()) for q in quotes),
                                content=_side_content(source, passage_text, page, quotes)))
    return views


def whole_passage(source: Source, passages: Sequence[Passage], corpus_dir: Path) -> tuple[str, int | None]:
    """The text a source was quoted from: a retrieved passage, else its corpus section, else the quote.

    Calculator citations name a document, heading and phrase rather than a retrieved chunk, so the
    corpus section under that heading is the whole passage for them.
    """
    needle = _squash(source.text)
    same_doc = [p for p in passages if p.doc == source.doc]
    for passage in same_doc:
        if needle and needle in _squash(passage.text):
            return passage.text, passage.page
    section_text = _corpus_section(corpus_dir, source.doc, source.section, needle)
    if section_text:
        return section_text, None
    for passage in same_doc:
        if passage.section == source.section:
            return passage.text, passage.page
    return source.text, None


def _squash(text: str) -> str:
    return "".join(text.split())


def _corpus_section(corpus_dir: Path, doc: str, heading: str, needle: str) -> str | None:
    for documents in _corpus_documents(Path(corpus_dir)):
        document = documents.get(doc)
        if document is None:
            continue
        for section in document.sections_named(heading):
            if not needle or needle in _squash(section.text):
                return section.text.strip()
    return None


@lru_cache(maxsize=4)
def _corpus_documents(corpus_dir: Path) -> tuple[dict[str, Any], ...]:
    from assistant.calculator.corpus_text import read_documents

    return tuple(read_documents(folder) for folder in sorted(corpus_dir.iterdir()) if folder.is_dir())


def _side_content(source: Source, passage_text: str, page: int | None, quotes: Sequence[str] = ()) -> str:
    lines = [f"**文書**: {escape_inline(source.doc)}"]
    if source.section:
        lines.append(f"**見出し**: {escape_inline(source.section)}")
    if page is not None:
        lines.append(f"**ページ**: {page}")
    parts = ["\n".join(lines)]
    shown = [q for q in (quotes or [source.text]) if q and _squash(q) != _squash(passage_text)]
    if shown:
        parts += ["**引用箇所**", "\n".join("> " + escape_inline(" ".join(q.split())) for q in shown)]
    parts += ["**該当箇所の全文**", escape_text(passage_text)]
    return "\n\n".join(parts)


# --- the answer message ---------------------------------------------------------------------------

def answer_body(answer: Answer) -> str:
    """The engine's text without its own plain 出典 list (the UI lists the sources as linked elements)."""
    text = answer.answer.rstrip()
    if answer.sources:
        from assistant import compose

        listed = compose.render("", [], answer.sources).rstrip()
        if listed.strip() and text.endswith(listed):
            text = text[: -len(listed)].rstrip()
    return text


def answer_markdown(answer: Answer, views: Sequence[SourceView]) -> str:
    """The message: the answer as text, the follow-up question, then each source by its element name."""
    body = answer_body(answer)
    if answer.follow_up:
        # The question the user must answer stands out under its own label, not inside the body.
        body = "\n".join(line for line in body.split("\n") if line.strip() != answer.follow_up.strip()).strip()
    parts = [escape_text(body)] if body else []
    if answer.follow_up:
        parts.append(f"{FOLLOW_UP_LABEL}: {escape_inline(answer.follow_up)}")
    if views:
        # The element names stay unescaped: Chainlit turns each exact name into a link to its element.
        items = [f"- {v.name}:「{escape_inline(v.quote)}」" for v in views]
        parts.append(SOURCES_HEADING + "\n\n" + "\n".join(items))
    return "\n\n".join(p for p in parts if p)


# --- the calculation trace ------------------------------------------------------------------------

# Japanese names of the calculator's keys: rules-YAML parameters, derived inputs and step results.
# Slots (employees, investment...) take their labels from assistant.calculator.slots. A key missing
# here is shown as it is, so a new rule still shows its trace, only less readably.
_KEY_LABELS: dict[str, str] = {
    "subsidy_rate": "補助率", "rounding": "端数の扱い", "min_investment": "最低投資額",
    "wage_growth_normal": "給与支給総額の年平均成長率の基準(通常)",
    "wage_growth_special": "給与支給総額の年平均成長率の基準(大幅賃上げ特例)",
    "min_wage_margin_normal": "事業場内最低賃金の上乗せ額(通常)",
    "min_wage_margin_special": "事業場内最低賃金の上乗せ額(大幅賃上げ特例)",
    "repayment_in_proportion": "未達の割合に応じた返還", "repayment_exemption_loss": "返還免除(営業利益が赤字)",
    "repayment_exemption_disaster": "返還免除(天災など)", "value_added_no_repayment": "付加価値額の目標未達の扱い",
    "cap_normal": "補助上限額(通常)", "cap_special": "補助上限額(大幅賃上げ特例)",
    "sme_capital": "中小企業の資本金基準", "sme_employees": "中小企業の常勤従業員数基準",
    "subsidy_cap": "補助上限額", "core_types": "コア事業者になれる組織",
    "non_core_allowed": "コア事業者以外で参加できる組織", "min_core_members": "コア事業者の要件を満たす組織の数",
    "core_majority": "コア事業者の割合", "no_single_applicant": "単独申請", "no_same_group_only": "同一グループのみの連携体",
    "roles_in_writing": "役割分担の書面化", "no_outsourcing_only": "単なる外注・一時的な売買関係",
    "deadline": "公募締切", "start": "公募開始", "implementation_period": "補助事業期間", "round": "公募回",
    "today": "今日の日付", "cap": "補助上限額", "band": "従業員数の区分", "amount": "補助額",
    "investment_times_rate": "補助対象経費 × 補助率", "capped": "補助上限額で頭打ち", "self_burden": "自己負担額",
    "least_self_burden": "最低限の自己負担額", "meets": "基準を満たす", "met": "達成",
    "capital_within": "資本金が基準内", "employees_within": "常勤従業員数が基準内", "note": "備考",
    "exempt": "返還免除", "reason": "理由", "shortfall_rate": "未達の割合", "repayment": "返還額",
    "triggers_repayment": "返還の対象", "single": "単独申請", "core": "コア事業者の要件を満たす組織",
    "total": "構成員の合計", "rounds": "公募回", "state": "受付状況", "value": "値",
}
# How a value of that key is written (yen amounts, persons, percentages, dates).
_KEY_KINDS: dict[str, str] = {
    **dict.fromkeys(("investment", "capital", "subsidy_received", "cap", "amount", "investment_times_rate",
                     "self_burden", "least_self_burden", "repayment", "min_wage_margin"), "yen"),
    **dict.fromkeys(("wage_growth_rate", "wage_target_rate", "wage_actual_rate", "shortfall_rate"), "percent"),
    "employees": "persons", "core": "organisations", "total": "organisations",
    **dict.fromkeys(("today", "start", "deadline"), "date"),
}
_STATE_LABELS = {"open": "受付中", "closed": "締切済み", "upcoming": "受付開始前"}
_BOUND_WORDS = {"以上", "以下", "超", "未満"}
_PASSED_LABELS = {True: "満たしています", False: "満たしていません"}
_PARAMETER_NAME = re.compile(r"^(?:(?P<prefix>[^.\[]+)\.)?(?P<base>[^.\[]+)(?:\[(?P<qualifier>.*)\])?$")


def key_label(key: str, labels: Mapping[str, str] | str | None = None) -> str:
    """The Japanese name of a calculator key (slot, parameter or result); the key itself when unknown.

    labels: how the programme's rules file words its inputs (the calculation's `labels`).
    """
    from assistant.calculator.slots import SLOTS, label

    if key in SLOTS:
        return label(key, labels if isinstance(labels, Mapping) else None)
    return _KEY_LABELS.get(key, key)


def format_value(value: Any, kind: str = "") -> str:
    """A calculator value as guidelines write it: 2,500万円, 30人, 2.5%, 2025年7月10日18時, はい."""
    from assistant.calculator.money import format_date, format_yen

    if value is None:
        return "(未入力)"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if kind == "yen" and isinstance(value, int):
        return format_yen(value)
    if kind == "persons" and isinstance(value, int):
        return f"{value:,}人"
    if kind == "organisations" and isinstance(value, int):
        return f"{value:,}者"
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:g}%"
    if kind in {"date", "datetime"} and isinstance(value, str):
        try:
            return format_date(datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return "、".join(_format_item(v) for v in value)
    if isinstance(value, Mapping):
        return "、".join(f"{key_label(str(k))}: {format_value(v, _KEY_KINDS.get(str(k), ''))}"
                        for k, v in value.items() if v is not None)
    if isinstance(value, int):
        return f"{value:,}"
    return _STATE_LABELS.get(str(value), str(value))


def _format_item(item: Any) -> str:
    if isinstance(item, Mapping) and {"type", "count"} <= item.keys():  # a consortium member group
        return f"{item['type']}{item['count']}者"
    if isinstance(item, Mapping) and "round" in item:  # a call round of the schedule
        details = {k: v for k, v in item.items() if k != "round"}
        return f"{item['round']}({format_value(details)})"
    return format_value(item)


def parameter_line(parameter: Mapping[str, Any]) -> str:
    """「補助上限額(通常)[21人以上50人以下]: 4,000万円(根拠: 文書「見出し」「引用」)」 as Markdown."""
    raw_name = str(parameter.get("name") or "")
    match = _PARAMETER_NAME.match(raw_name)
    name = raw_name
    qualifier = None
    if match:
        qualifier = match.group("qualifier")
        base = match.group("base")  # a parameter's own name first: roles_in_writing is also a slot
        name = " ".join(filter(None, [match.group("prefix"), _KEY_LABELS.get(base) or key_label(base)]))
        name += f"[{qualifier}]" if qualifier else ""
    value = format_value(parameter.get("value"), str(parameter.get("unit") or ""))
    bound = parameter.get("bound")
    if bound in _BOUND_WORDS:
        value += str(bound)
    elif bound and bound != qualifier:
        value += f"({bound})"
    line = f"{escape_inline(name)}: {escape_inline(value)}"
    source = parameter.get("source") or {}
    if source:
        line += (f"(根拠: {escape_inline(str(source.get('doc', '')))}「{escape_inline(str(source.get('heading', '')))}」"
                 f"「{escape_inline(str(source.get('quote', '')))}」)")
    return line


def _step_markdown(number: int, step: Mapping[str, Any], programme: Mapping[str, str]) -> str:
    title = step.get("label") or step.get("rule") or "ルール"
    lines = [f"**{number}. {escape_inline(str(title))}**"]
    inputs = step.get("inputs") or {}
    if isinstance(inputs, Mapping) and inputs:
        given = [f"{key_label(str(k), programme)} {format_value(v, _KEY_KINDS.get(str(k), ''))}"
                 for k, v in inputs.items()]
        lines.append("- 入力: " + escape_inline("、".join(given)))
    for parameter in step.get("parameters") or []:
        lines.append("- " + parameter_line(parameter))
    lines.append("- 結果: " + escape_inline(_step_result(step)))
    return "\n".join(lines)


def _step_result(step: Mapping[str, Any]) -> str:
    result, passed = step.get("result"), step.get("passed")
    verdict = _PASSED_LABELS.get(passed) if isinstance(passed, bool) else None
    if result is None or isinstance(result, bool):
        return verdict or ("判定に必要な情報がまだありません" if result is None else format_value(result))
    if verdict and isinstance(result, Mapping) and all(isinstance(v, bool | None) for v in result.values()):
        return verdict  # {"meets": true} says no more than the verdict
    shown = format_value(result, "yen" if isinstance(result, int) else "")
    return f"{shown}({verdict})" if verdict else shown


def provenance_line(calculation: Mapping[str, Any]) -> str | None:
    """「適用した公募回: 第1回(ルールの版 …、適用期間 …、判定ID …)」: which rules produced the figure."""
    round_name = calculation.get("round")
    if not round_name:
        return None
    version = str(calculation.get("ruleset_version") or "").rsplit("/", 1)[-1]  # the file hash, not the id
    details = [f"ルールの版 {version}"] if version else []
    start, until = calculation.get("effective_from"), calculation.get("effective_until")
    if until:
        span = f"{format_value(start, 'date')}〜{format_value(until, 'date')}" if start else f"〜{format_value(until, 'date')}"
        details.append(f"適用期間 {span}")
    if calculation.get("determination_id"):
        details.append(f"判定ID {calculation['determination_id']}")
    return f"**適用した公募回**: {escape_inline(str(round_name))}(" + escape_inline("、".join(details)) + ")"


def trace_markdown(calculation: Mapping[str, Any]) -> str:
    """The calculator's trace for the 「計算の根拠」 step: each rule, its inputs, cited parameters, result."""
    programme = calculation.get("labels") or {}
    parts: list[str] = []
    summary = calculation.get("calculation_line") or calculation.get("conclusion")
    if summary:
        parts.append(f"**結果**: {escape_inline(str(summary))}")
    provenance = provenance_line(calculation)
    if provenance:
        parts.append(provenance)
    for number, step in enumerate(calculation.get("trace") or [], start=1):
        parts.append(_step_markdown(number, step, programme))
    failed = calculation.get("failed_conditions") or []
    if failed:
        parts.append("**満たしていない条件**: " + escape_inline("、".join(str(f) for f in failed)))
    missing = calculation.get("missing_inputs") or []
    if missing:
        parts.append("**まだ伺っていない情報**: " + escape_inline("、".join(key_label(str(m), programme) for m in missing)))
    return "\n\n".join(parts)


# --- welcome page, starters, programme setting ----------------------------------------------------

STARTERS: tuple[tuple[str, str], ...] = (
    ("補助額を計算する", "従業員30人で4,000万円を投資したら補助額はいくらですか?"),
    ("連携体のルール", "親会社と子会社だけで連携体を組めますか?"),
    ("中小企業に当たるか", "資本金5,000万円、従業員80人の製造業は中小企業に当たりますか?"),
    ("申請の締切", "新事業進出補助金の申請締切はいつですか?"),
    ("補助上限額と補助率", "輸出支援エコシステム形成事業の補助上限額と補助率を教えてください"),
)

# A plain mark for the welcome screen (Chainlit shows a chat profile's icon above its description).
WELCOME_ICON = (
    "data:image/svg+xml;utf8,"
    "%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'%3E"
    "%3Crect width='64' height='64' rx='32' fill='%231f4e8c'/%3E"
    "%3Cpath d='M20 16h18l8 8v24H20z' fill='white'/%3E%3Cpath d='M38 16v8h8' fill='%23c9d6ea'/%3E"
    "%3Cpath d='M25 31h16M25 37h16M25 43h10' stroke='%231f4e8c' stroke-width='2.5'/%3E%3C/svg%3E"
)


def as_of_text(programme: Programme) -> str:
    day = programme.as_of
    return f"{day.year}年{day.month}月{day.day}日時点" if day else "時点不明"


def welcome_markdown(registry: Mapping[str, Programme]) -> str:
    """The welcome screen's short text; the full guide is chainlit_ja.md (the 説明書 button)."""
    rows = [f"| {escape_inline(p.official_name)} | {as_of_text(p)} |" for p in registry.values()]
    return "\n".join([
        f"### {APP_NAME}",
        "",
        "収録している補助金の公募要領について、**出典を添えて**お答えします。",
        "",
        "| 補助金 | 資料の時点 |",
        "|---|---|",
        *rows,
        "",
        "- 補助額・補助上限額、中小企業かどうか、連携体の要件、締切などを質問できます。",
        "- 金額は出典付きの計算ルールで算出し、「計算の根拠」で確かめられます。",
        "- 資料に書かれていないことは、推測せず「記載がない」とお答えします。",
        "- 回答は法的な助言ではありません。申請の前に、必ず公募要領本体をご確認ください。",
    ])


def programme_items(registry: Mapping[str, Programme]) -> dict[str, str]:
    """Select items label -> value: 自動判定 first, then each programme by its official name."""
    return {"自動判定(質問から判断)": AUTO, **{p.official_name: pid for pid, p in registry.items()}}


def pinned_note(pinned: str | None, programme: str | None, registry: Mapping[str, Programme]) -> str:
    """The line that shows which programme the settings fix, or that the question named another one."""
    if pinned is None or pinned not in registry:
        return ""
    fixed = escape_inline(registry[pinned].official_name)
    if programme and programme != pinned and programme in registry:
        named = escape_inline(registry[programme].official_name)
        return f"*設定では「{fixed}」に絞っていますが、ご質問にある「{named}」についてお答えします。*"
    return f"*対象: 「{fixed}」(設定で固定しています。変えるには設定を開いてください)*"


def chosen_programme(settings: Mapping[str, Any] | None, registry: Iterable[str]) -> str | None:
    """The programme the settings pin, or None for automatic detection (unknown values count as auto)."""
    value = (settings or {}).get("programme")
    return value if value in set(registry) else None
