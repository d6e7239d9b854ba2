"""Turns calculator results and retrieved passages into the Japanese answer: conclusion first, then the
reason (a calculation line, or the sentences that answer the question), then the sources.

Nothing here invents text about the programmes: facts are sentences quoted from passages, numbers come
from the calculator's explanation. The fixed phrases below only frame them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.types import Passage, Source

# Sentence ends in Japanese guideline text; a line break also ends a sentence (lists, table rows).
_SENTENCE_END = re.compile(r"(?<=[。!?!?])|\n+")
_MARKUP = re.compile(r"^\s*(?:[-*・]\s*|\d+[.)]\s+|#+\s*)")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_MIN_SENTENCE_CHARS = 6
_BULLET = re.compile(r"^\s*(?:[-*・]\s|\d+[.)]\s)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*・]\s|\d+[.)]\s|\|)")
# Bonus for the retriever's top ranks when choosing sentences (scores are shares of the question, 0..1);
# tuned on the Q&A set: (0.3, 0.15, 0.05) 0.933, (0.5, 0.25, 0.1) 0.937, (0.15, 0.05, 0) 0.942 accuracy.
RANK_BONUS = (0.15, 0.05, 0.0)
MAX_LIST_LINES = 12
# Questions that ask for a value (an amount, a share, a date, a count): the sentence that answers carries
# one, so among sentences that cover the question equally, one with a figure wins over an introduction.
_ASKS_VALUE = re.compile(
    r"いくら|幾ら|何円|何万|何%|何パーセント|何割|何分の|何人|何社|何件|何日|何年|何か月|何ヶ月|何カ月|いつ|何時|"
    r"どのくらい|どれくらい|どれだけ|上限|下限|限度|補助率|助成率|金額|締切|締め切|期限|期間|最大|最低|率は|額は|"
    r"件数|社数|人数|予定数|数は"
)
_FIGURE = re.compile(r"\d[\d,.]*\s*(?:円|万|億|%|％|人|名|社|者|件|倍|割|年|月|日|時|週|か月|ヶ月|カ月|ヵ月|分の)|\d+/\d+|[一二三四]分の[一二三]")
VALUE_BONUS = 0.1
# A date: what a "when" question wants (a time of day alone, 17時, is not one).
_DATE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}/\d{1,2}|\d{1,2}\s*月(?:上旬|中旬|下旬|頃|末)")
_WHEN_ANSWER = re.compile(_DATE.pattern + r"|\d+\s*(?:か月|ヶ月|カ月|ヵ月|週間|日)\s*(?:以内|前|後|まで)")
_ASKS_DATE = re.compile(r"いつ|何月|何日|締切|締め切|日程|スケジュール|発表|開始")  # 期限 may be a span (2ヵ月以内)
VALUE_MARGIN = 0.2
# A table row this close to the winning sentence of its passage lets the table answer instead.
TABLE_MARGIN = 0.1
# A word found only in a parent heading counts this much of one in the sentence or its own heading.
PARENT_WEIGHT = 0.5
OWN_WORDS_BONUS = 0.05
HEADING_BONUS = 0.1  # 0.05 and 0.1 score the same on qa.jsonl and the forms dev set
# A heading that says "not": 対象外の経費, 補助の対象とならない経費. A question that asks what *is* covered
# must not be answered with the list of what is not (both share 対象 and 経費).
_NEGATIVE = re.compile(r"対象外|外の経費|とならない|にならない|できない|除く|除外|不可|認められない|減点|ない経費|ないもの")
NEGATIVE_HEADING_PENALTY = 0.3
# Words of asking that every sentence may contain (「どんなものがありますか」): no evidence of an answer.
_LIGHT_WORDS = frozenset({"物", "もの", "事", "こと", "有る", "ある", "為る", "する", "居る", "いる", "いつ",
                          "どんな", "何", "なに", "全部", "教える", "下さる", "ください", "欲しい",
                          "其々", "それぞれ", "両方",
                          # verbs of asking: 「対象になりますか」「全部挙げてください」「もらえますか」
                          "成る", "上げる", "挙げる", "出来る", "貰う", "頂く", "知る", "思う"})
# 「…を全部教えて」「どんな経費がありますか」: a passage that enumerates is the answer.
LIST_BONUS = 0.15
# A sentence that names what the question names word for word (第12回) beats one that shares tokens.
LITERAL_BONUS = 0.2

NOT_COVERED = (
    "申し訳ありません。ご質問の内容は、収録している公募要領の資料({names})には記載が見当たらないため、"
    "お答えできません。"
)
NOT_COVERED_HINT = "金額や要件を推測でお伝えすることは控えます。各制度の公式の公募要領や窓口でご確認ください。"
OTHER_PROGRAMME = "「{name}」についての資料は、取り込まれている公募要領の中に見当たりません。"
SOURCES_HEADING = "出典:\n"
MENTIONED_ONLY = (
    "資料は「{name}」に触れていますが、ご質問の点について「{name}」のこととして書かれた箇所は見当たりません。"
    "ほかの制度の金額や条件を当てはめることはしません。"
)
PART_NOT_COVERED = "「{part}」については、資料に記載が見当たりません。"
SAME_OVER_RANGE = "「{range}」の範囲では、どの値でも同じ結果です(範囲の下端で計算しています)。"
ASK_PROGRAMME = "どの補助金についてのご質問でしょうか。{names}のいずれかをお知らせください。"


@dataclass(frozen=True)
class Quote:
    """A sentence chosen to answer the question, with the passage it comes from."""

    sentence: str  # verbatim from the passage: what the sources cite
    passage: Passage
    score: float
    display: str | None = None  # how the answer text shows it, when a raw table row would read badly

    @property
    def text(self) -> str:
        return self.display or self.sentence


def split_sentences(text: str, short_items: bool = False) -> list[str]:
    """Sentences of a passage, without Markdown list marks or table rules.

    With `short_items`, bullets shorter than a sentence are kept too (「運搬費」 is one of the eligible
    expenses): a list is shown and searched whole, but a short bullet never wins a sentence contest.
    """
    sentences = []
    for raw in _SENTENCE_END.split(text):
        line = _MARKUP.sub("", raw or "").strip()
        # A bullet is kept however short: 「運搬費」 is one of the eligible expenses, not noise.
        short_ok = short_items and bool(_BULLET.match(raw or "")) and len(line) >= 2
        if (len(line) >= _MIN_SENTENCE_CHARS or short_ok) and not _TABLE_RULE.match(line):
            sentences.append(line)
    return sentences


@lru_cache(maxsize=8192)
def _token_set(text: str) -> frozenset[str]:
    """Tokens of a passage sentence or heading; passages repeat across questions, so tokenize each once."""
    from assistant.tokenizer import tokenize, with_synonyms

    return frozenset(with_synonyms(tokenize(text)))


def is_list_like(passage: Passage) -> bool:
    """A passage that enumerates (bullets or table rows): its answer is the list, not one sentence."""
    items = [line for line in passage.text.splitlines() if _LIST_ITEM.match(line)]
    return len(items) >= 2


def asks_for_value(question: str) -> bool:
    return bool(_ASKS_VALUE.search(question))


def asks_for_date(question: str) -> bool:
    return bool(_ASKS_DATE.search(question))


def asks_negative(question: str) -> bool:
    """「対象外の経費は?」「申請できないのは?」: the question asks for what is excluded."""
    return bool(_NEGATIVE.search(question)) or "ないの" in question


def best_quotes(
    query_tokens: Sequence[str],
    passages: Sequence[Passage],
    weight: Callable[[str], float] = lambda _t: 1.0,
    limit: int = 2,
    wants_value: bool = False,
    wants_negative: bool = True,
    literals: Sequence[str] = (),
    wants_list: bool = False,
    wants_date: bool = False,
) -> list[Quote]:
    """The sentences that share the most (weighted) query tokens, best first.

    A sentence's score is the weighted share of the question it covers, counting its heading too, plus
    a bonus for the retriever's rank: the retriever judged the whole passage and is usually right.
    When the best sentence sits in a list-like passage, the whole list is the answer.
    """
    # A named round (第1回) counts once, as a literal: its pieces 第, 1, 回 would otherwise outweigh the
    # asked attribute (「第1回の公募開始は」 answered by 「第1回公募の締切は…」).
    pieces = {p for lit in literals for p in re.findall(r"第|回|\d+", lit)}
    wanted = {t: weight(t) for t in set(query_tokens) if t not in _LIGHT_WORDS and t not in pieces}
    total = sum(wanted.values())
    if not total:
        return []
    scored: list[Quote] = []
    for rank, passage in enumerate(passages):
        # The innermost heading says what the section is about; its parents only where it sits (every
        # section under 「補助金額と補助率」 is not about 補助率).
        heading_tokens = _token_set(heading(passage.section))
        parent_tokens = _token_set(passage.section) - heading_tokens
        bonus = RANK_BONUS[rank] if rank < len(RANK_BONUS) else 0.0
        if not wants_negative and _NEGATIVE.search(heading(passage.section)):
            bonus -= NEGATIVE_HEADING_PENALTY
        for sentence in split_sentences(passage.text):
            own = _token_set(sentence)
            tokens = own | heading_tokens
            covered = sum(w if t in tokens else PARENT_WEIGHT * w for t, w in wanted.items()
                          if t in tokens or t in parent_tokens) / total
            # Among sentences under one heading, the one that itself names the asked words answers; among
            # headings, the one that names them (「補助対象となる経費の種類」 for 「補助対象経費を教えて」).
            covered += OWN_WORDS_BONUS * sum(w for t, w in wanted.items() if t in own) / total
            covered += HEADING_BONUS * sum(w for t, w in wanted.items() if t in heading_tokens) / total
            if covered > 0:
                value = VALUE_BONUS if wants_value and _FIGURE.search(sentence) else 0.0
                value += VALUE_BONUS if wants_date and _DATE.search(sentence) else 0.0
                literal = LITERAL_BONUS if any(lit in sentence or lit in passage.section for lit in literals) else 0.0
                listed = LIST_BONUS if wants_list and is_list_like(passage) else 0.0
                scored.append(Quote(sentence, passage, covered + bonus + value + literal + listed))
    if not scored:
        return []
    scored.sort(key=lambda q: q.score, reverse=True)
    value_re = _DATE if wants_date else _FIGURE
    answers_it = _WHEN_ANSWER if wants_date else _FIGURE  # 「2ヵ月以内に」 answers 「いつまで」 too
    if (wants_value or wants_date) and not wants_list and not answers_it.search(scored[0].sentence):
        # A value is asked for and the winner states none (a list item 「専門家経費」, 「締切の17時直前ではなく」
        # for a date): a close runner-up that states one answers instead.
        valued = next((q for q in scored if value_re.search(q.sentence)), None)
        if valued is not None and valued.score >= scored[0].score - VALUE_MARGIN:
            scored = [valued, *(q for q in scored if q is not valued)]
    top = scored[0]
    if is_list_like(top.passage):
        lines = split_sentences(top.passage.text, short_items=True)
        # A table in the winning passage whose rows or one column the question singles out answers, even
        # when a sentence beside it won (「助成率は?」 → each row's 助成率).
        row = top if top.sentence.startswith("|") else next(
            (q for q in scored if q.passage is top.passage and q.sentence.startswith("|")
             and q.score >= top.score - TABLE_MARGIN), None)
        table = _table_around(lines, row.sentence) if row else []
        if table and row:
            rows = _matching_table_rows(table, wanted, literals)
            if rows:
                return rows_as_quotes(table[0] if has_header(table) else None, rows, row, table)
            column = _matching_column(table[0], wanted) if has_header(table) else 0
            if column:
                return column_as_quotes(table, column, row)
        # Otherwise the list answers, except when a value is asked for and a prose sentence that does not
        # introduce the list won (「第1回公募の締切は…です」 under a schedule table): that sentence answers.
        if wants_list or not wants_value or _in_or_before_list(top):
            if table and top is row:
                lines = lines[: lines.index(table[0])][-1:] + table  # the sentence introducing the table
            else:
                lines = _intro_first(top.passage, lines)
            return [Quote(line, top.passage, top.score) for line in lines][:MAX_LIST_LINES]
    chosen: list[Quote] = []
    for quote in scored:
        if all(quote.sentence != c.sentence for c in chosen):
            chosen.append(quote)
        if len(chosen) == limit:
            break
    return chosen


def _intro_first(passage: Passage, lines: list[str]) -> list[str]:
    """The list's introduction and items first (「主な加点項目は次の8つです。」), the prose before them after:
    the conclusion of a list answer is the list."""
    raw = [line for line in passage.text.splitlines() if line.strip()]
    first_item = next((i for i, line in enumerate(raw) if _LIST_ITEM.match(line)), None)
    if not first_item:
        return lines
    intro = _MARKUP.sub("", raw[first_item - 1]).strip()
    intro_sentences = split_sentences(intro)
    if not intro_sentences or intro_sentences[-1] not in lines:
        return lines
    start = lines.index(intro_sentences[-1])
    return lines[start:] + lines[:start]


def _in_or_before_list(quote: Quote) -> bool:
    """Is the quoted sentence a list item or table row, or the line that introduces one?"""
    lines = [line for line in quote.passage.text.splitlines() if line.strip()]
    at = next((i for i, line in enumerate(lines) if quote.sentence in line), None)
    if at is None:
        return False
    return any(_LIST_ITEM.match(line) for line in lines[at:at + 2])


# A sentence that leans on the one before it: it cannot open an answer alone.
_CONNECTIVE = re.compile(r"^(?:しかし|ただし|但し|また|なお|さらに|一方|そのため|このため|その際|ただ)[、,]?")


def standalone(quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes with a first one that can stand alone: 「ただし、…」 gets the sentence it qualifies first.

    When the passage has no sentence before it, the connective is dropped from what is shown (the source
    still cites the sentence verbatim).
    """
    if not quotes or not _CONNECTIVE.match(quotes[0].text):
        return list(quotes)
    first = quotes[0]
    sentences = split_sentences(first.passage.text)
    at = sentences.index(first.sentence) if first.sentence in sentences else -1
    if at > 0 and all(q.sentence != sentences[at - 1] for q in quotes):
        return [Quote(sentences[at - 1], first.passage, first.score), *quotes]
    shown = _CONNECTIVE.sub("", first.text).lstrip()
    return [Quote(first.sentence, first.passage, first.score, display=shown), *quotes[1:]]


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _table_around(lines: list[str], sentence: str) -> list[str]:
    """The table (header first) that a chosen line belongs to, or [] when it is no table row."""
    if sentence not in lines or not sentence.startswith("|"):
        return []
    at = lines.index(sentence)
    start = at
    while start > 0 and lines[start - 1].startswith("|"):
        start -= 1
    end = at
    while end + 1 < len(lines) and lines[end + 1].startswith("|"):
        end += 1
    return lines[start : end + 1]


_PLACEHOLDER = re.compile(r"^[-–—ー―]?$")
_DIGIT = re.compile(r"\d")


def has_header(table: list[str]) -> bool:
    """Is the first row a header? A first row shaped like the rows under it (「| 2025年1月 | – |」 over
    「| 2月 | – |」) or with an empty or dash cell is data: the page's table had no header row."""
    first = _cells(table[0])
    if any(_PLACEHOLDER.match(cell) for cell in first[1:]):  # an empty corner cell is a header's
        return False
    others = [_cells(row)[0] for row in table[1:]]
    return not (_DIGIT.search(first[0]) and sum(1 for cell in others if _DIGIT.search(cell)) * 2 >= len(others))


def _matching_table_rows(lines: list[str], wanted: dict[str, float], literals: Sequence[str] = ()) -> list[str]:
    """The rows of a table that the question singles out (第5回, 旅館業...); [] when it asks for all.

    A row naming what the question names word for word (第12回) is the one, before any token count
    (the 12 of 2022年12月15日 must not make 第7回's row an answer to 第12回).
    """
    if len(lines) < 3:
        return []
    rows = lines[1:] if has_header(lines) else lines
    exact = [row for row in rows if literals and any(f"| {lit} |" in f"| {' | '.join(_cells(row))} |" for lit in literals)]
    if exact:
        return exact
    scores = [sum(w for t, w in wanted.items() if t in _token_set(row)) for row in rows]
    best = max(scores)
    if best <= 0 or scores.count(best) == len(rows):
        return []
    return [row for row, score in zip(rows, scores, strict=True) if score == best]


def _matching_column(header: str, wanted: dict[str, float]) -> int:
    """The one column (not the first, which names the rows) whose heading the question asks for, else 0."""
    names = _cells(header)
    scores = [sum(w for t, w in wanted.items() if t in _token_set(name)) for name in names]
    best = max(scores[1:], default=0)
    if best <= 0 or scores[1:].count(best) > 1:
        return 0
    return scores.index(best, 1)


def column_as_quotes(table: list[str], column: int, top: Quote) -> list[Quote]:
    """「補助率は?」 over a table: each row's name with the asked column, the rows cited verbatim."""
    name = _cells(table[0])[column]
    quotes = []
    for row in table[1:]:
        cells = _cells(row)
        if len(cells) > column and cells[column]:
            quotes.append(Quote(row, top.passage, top.score, display=f"{cells[0]}: {name} {cells[column]}"))
    return quotes[:MAX_LIST_LINES]


_YEAR = re.compile(r"(\d{4})\s*年(?!度)(?:\s*(\d{1,2})\s*月)?")
_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月")


def _dated_cells(table: list[str], row: str) -> list[str]:
    """A row's cells with the year a schedule table gives only once carried down (「10月」 under
    「2025年1月」 is 2025年10月), so a month is never shown without its year."""
    year: int | None = None
    month = 0
    for line in table:
        first = _cells(line)[0]
        if found := _YEAR.search(first):
            year, month = int(found.group(1)), int(found.group(2) or 0)
        elif year and (bare := _MONTH_ONLY.match(first)):
            if int(bare.group(1)) < month:
                year += 1  # 「12月」 then 「2月」: the next year
            month = int(bare.group(1))
        if line == row:
            cells = _cells(row)
            if year and _MONTH_ONLY.match(cells[0]):
                cells[0] = f"{year}年{cells[0]}"
            return cells
    return _cells(row)


def rows_as_quotes(header: str | None, rows: list[str], top: Quote, table: list[str] | None = None) -> list[Quote]:
    """Each chosen row cited verbatim, shown as 「見出し: 値、…」 so it reads as a sentence (without a
    header row, as 「2025年10月: 採択発表…」)."""
    quotes = []
    for row in rows:
        cells = [cell for cell in _dated_cells(table or [row], row) if not _PLACEHOLDER.match(cell)]
        if header is None:
            quotes.append(Quote(row, top.passage, top.score, display=": ".join(cells[:2]) + "、".join(
                [""] + cells[2:]) + "。"))
            continue
        pairs = [f"{name}: {value}" for name, value in zip(_cells(header), _dated_cells(table or [row], row),
                                                             strict=False) if value]
        quotes.append(Quote(row, top.passage, top.score, display="、".join(pairs) + "。"))
    return quotes


def sources_from_quotes(quotes: Sequence[Quote]) -> list[Source]:
    return [Source(doc=q.passage.doc, section=heading(q.passage.section), text=q.sentence,
                   score=round(q.passage.score, 4)) for q in quotes]


def heading(section_path: str) -> str:
    """The innermost heading of a " > " heading path: what the calculator's citations name too."""
    return section_path.rsplit(" > ", 1)[-1].strip()


def sources_from_trace(calculation: dict[str, Any]) -> list[Source]:
    """One source per distinct cited phrase in the calculator's trace, in the order the rules used them."""
    seen: set[tuple[str, str, str]] = set()
    sources = []
    for step in calculation.get("trace", []):
        for param in step.get("parameters", []):
            src = param.get("source") or {}
            key = (src.get("doc", ""), src.get("heading", ""), src.get("quote", ""))
            if key[2] and key not in seen:
                seen.add(key)
                sources.append(Source(doc=key[0], section=key[1], text=key[2], score=1.0))
    return sources


def render(conclusion: str, reasons: Sequence[str], sources: Sequence[Source], follow_up: str | None = None) -> str:
    """The answer as people read it: conclusion, reasons, then where it is written."""
    parts = [conclusion.strip()]
    body = [r.strip() for r in reasons if r and r.strip() and r.strip().rstrip("。") not in conclusion]
    if body:
        parts.append("\n".join(body))
    if follow_up and follow_up not in conclusion:
        parts.append(follow_up)
    if sources:
        lines = [f"- {s.doc}「{s.section}」:「{s.text}」" for s in sources]
        parts.append(SOURCES_HEADING + "\n".join(lines))
    return "\n\n".join(parts)


def with_note(answer_text: str, note: str) -> str:
    """The answer with a note right after its conclusion (the first paragraph)."""
    if not note:
        return answer_text
    conclusion, _, rest = answer_text.partition("\n\n")
    return f"{conclusion}\n\n{note}" + (f"\n{rest}" if rest else "")


def labelled(programme_name: str, text: str) -> str:
    """A conclusion that names its programme, so a figure is never read as another programme's."""
    return f"【{programme_name}】{text}"


def stated_figures(answer_text: str) -> list[str]:
    """The figures (amounts, rates, counts, dates) an answer states, its list of sources left out."""
    stated = answer_text.split("\n\n" + SOURCES_HEADING)[0]
    return [m.group(0).replace(" ", "") for m in _FIGURE.finditer(stated)]


_UNSTATED = re.compile(r"記載が(?:あり|され)ていません|記載(?:が|は)ありません|明記されていません|書かれていません|示されていません")


def says_unstated(block: str) -> bool:
    """Does a block's first sentence say the documents do not state what was asked?"""
    first = re.sub(r"^【[^】]*】", "", block.strip()).split("\n")[0]
    first = split_sentences(first)[0] if split_sentences(first) else first
    return bool(_UNSTATED.search(first))


def mentioned_only(name: str) -> str:
    """The reply when the documents name a subsidy but say nothing about it on the point asked."""
    return MENTIONED_ONLY.format(name=name) + NOT_COVERED_HINT


def not_covered(programme_names: Sequence[str], other_programme: str | None = None) -> str:
    names = "、".join(programme_names)
    lead = OTHER_PROGRAMME.format(name=other_programme) + "\n" if other_programme else ""
    return lead + NOT_COVERED.format(names=names) + NOT_COVERED_HINT
