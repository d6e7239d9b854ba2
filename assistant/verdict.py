"""はい / いいえ from the passages: a yes/no question decided by what the documents say of its subject.

The subject (「NPO法人は…なれますか」 → NPO法人) is looked for in the retrieved passages. A sentence or
list item that names it decides: negated (対象外、認められません、できません) or listed under a heading that
says "not" → いいえ, otherwise はい. A list introduced as complete (「次のいずれかに限ります」) that does not
name it → いいえ, with the list quoted. Anything else is left open: the answer says the documents do not
settle it and quotes what they do say; a はい is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose import Quote, heading, is_list_like, split_sentences
from assistant.types import Passage
from assistant.understanding.forms import QuestionForm

# A sentence that says "not" of what it names.
_NEGATED = re.compile(
    r"対象外|対象と(?:は)?な(?:りません|らない)|対象にな(?:りません|らない)|対象としない|対象としません|"
    r"認められ(?:ません|ない)|認めません|できません|できない|なれません|なれない|不可|含まれ(?:ません|ない)|"
    r"含みません|禁止|除きます|除外|使えません|該当しません"
)
# A heading or introduction over a list that says "not": 対象外経費、補助対象とならない経費.
_NEGATIVE_LIST = re.compile(r"対象外|とならない|にならない|できない|除く|除外|不可|認められない|ない経費|ないもの")
# An introduction that makes its list complete: 「次のいずれかに該当する者に限ります」.
_COMPLETE = re.compile(r"限り|限る|限ります|限定|のみ|いずれか")
SEARCH_DEPTH = 5


@dataclass(frozen=True)
class Verdict:
    value: bool | None  # None: the documents do not settle it
    evidence: Quote | None  # the sentence that decided, quoted first
    subject: str


def _terms(subject: str) -> list[str]:
    from assistant.tokenizer import content_tokens

    return content_tokens(subject)


def _names(sentence: str, terms: Sequence[str], subject: str) -> bool:
    from assistant.tokenizer import tokenize, with_synonyms

    if subject and subject in sentence:
        return True
    tokens = with_synonyms(tokenize(sentence))
    return bool(terms) and all(t in tokens or t in sentence for t in terms)


def _list_intro(lines: list[str], at: int) -> str:
    """The sentence that introduces the list a line belongs to (the last non-item line before it)."""
    for line in reversed(lines[:at]):
        if not line.startswith("|") and not _is_item(line):
            return line
    return ""


def _is_item(line: str) -> bool:
    return len(line) <= 60 and not line.endswith("。")


def _negative_context(passage: Passage, lines: list[str], at: int) -> bool:
    return bool(_NEGATIVE_LIST.search(heading(passage.section)) or _NEGATIVE_LIST.search(_list_intro(lines, at)))


def decide(form: QuestionForm, passages: Sequence[Passage], quotes: Sequence[Quote]) -> Verdict | None:
    """The verdict on a yes/no question from these passages; None when the form has no subject to judge."""
    subject = (form.subject or "").strip()
    terms = _terms(subject) if subject else []
    if not terms:
        return None
    ordered = list(dict.fromkeys([*(q.passage for q in quotes), *passages[:SEARCH_DEPTH]]))
    for passage in ordered:
        lines = split_sentences(passage.text, short_items=True)
        for at, line in enumerate(lines):
            if not _names(line, terms, subject):
                continue
            in_list = is_list_like(passage) and _is_item(line)
            negated = bool(_NEGATED.search(line)) or (in_list and _negative_context(passage, lines, at))
            value = negated if form.negative else not negated
            return Verdict(value, Quote(line, passage, 1.0), subject)
    top = quotes[0].passage if quotes else None
    if top is not None and is_list_like(top):
        lines = split_sentences(top.text, short_items=True)
        intro = next((line for line in lines if not _is_item(line)), "")
        if _COMPLETE.search(intro) and not _NEGATIVE_LIST.search(intro + heading(top.section)):
            return Verdict(form.negative, None, subject)  # a complete list without it: not among them
    return Verdict(None, None, subject)


def lead(verdict: Verdict, form: QuestionForm) -> str:
    """The first sentence: the verdict in the question's own terms."""
    if verdict.value is True:
        return f"はい、{form.yes}。" if form.yes else "はい。"
    if verdict.value is False:
        return f"いいえ、{form.no}。" if form.no else "いいえ。"
    return f"資料には、「{verdict.subject}」についてはっきり書かれた箇所が見当たりません。関連する記載は次のとおりです。"
