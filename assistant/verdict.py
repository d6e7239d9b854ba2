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

# A sentence that says "not" of what it names: a negative ending or a word of exclusion. Double
# negatives that oblige (「しなければなりません」) and hedges (「とは限りません」) are removed first.
_NEGATED = re.compile(
    r"ません|ない(?:こと|もの|場合|ため|。|$)|なく|対象外|不可|禁止|除外|除き|除く|不要|なし|無し|認めない|除かれ|わけではありません|わけではない"
)
_NOT_NEGATION = re.compile(
    r"(?:なけれ|なくて|ねば|なくちゃ)(?:は|ば)?(?:なりません|ならない|いけません|いけない)|ざるを得(?:ません|ない)|"
    r"かもしれません|とは限りません|に限らず|だけでなく|のみならず|少なくない|欠かせません|欠かせない|"
    r"問いません|問わず|構いません|差し支えありません|問題(?:は)?(?:ありません|ない)|少な[いく]|危な[いく]|間違いな[いく]"
)
# A sentence saying the documents do not tell: no evidence either way.
_UNSTATED = re.compile(r"記載が(?:あり|され)ていません|記載(?:が|は)ありません|明記されていません|書かれていません|不明です")
# A heading that forbids or excludes what its section lists.
_NEGATIVE_HEADING = re.compile(r"禁止|対象外|不可|認められない|できない|除外|ならない")


def negated(sentence: str) -> bool:
    """Does the sentence say "not"? (「要件になっていません」「求められません」 yes; 「しなければなりません」 no)."""
    return bool(_NEGATED.search(_NOT_NEGATION.sub("", sentence)))


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
    """The subject's words in short units (広告宣伝費 → 広告, 宣伝, 費), so 「広告宣伝・販売促進費」 names it."""
    from assistant.tokenizer import content_tokens, tokenize

    terms: list[str] = []
    for word in content_tokens(subject):
        parts = tokenize(word)
        terms.extend(parts[1:] if len(parts) > 1 else parts)
    return list(dict.fromkeys(terms))


def _head(terms: Sequence[str]) -> str | None:
    """The word a sentence must contain to name the subject: its last, unless that is a one-character
    suffix (利用料 → 利用: 「利用費」 names it) or a general head (事業, 会社: the other words decide)."""
    from assistant.understanding.forms import GENERIC_HEADS

    content = [t for t in terms if t not in GENERIC_HEADS]
    if not content or content[-1] != terms[-1]:
        return None
    if len(content) > 1 and len(content[-1]) == 1:
        return content[-2]
    return content[-1]


def _naming(sentence: str, terms: Sequence[str], subject: str) -> float:
    """How fully a sentence names the subject: 1.0 for all its words; the head noun (the last) must be there.

    「口頭審査に、計画を手伝ったコンサルタント」 is named by a sentence on コンサルタント and 計画 without
    the 口頭審査 of its heading; 0 when the head noun is missing or under half the words are there.
    """
    from assistant.tokenizer import tokenize, with_synonyms

    if subject and subject in sentence:
        return 1.0
    tokens = with_synonyms(tokenize(sentence))

    def has(term: str) -> bool:
        return term in tokens or term in sentence

    from assistant.understanding.forms import GENERIC_HEADS

    content = [t for t in terms if t not in GENERIC_HEADS]
    head = _head(terms)
    if not content or (head is not None and not has(head)):
        return 0.0
    share = sum(1 for t in content if has(t)) / len(content)
    # One word of two is never enough (「中古の機械」 is not named by 「機械装置」); of four, two may do
    # (「口頭審査に、計画を手伝ったコンサルタント」).
    return share if share >= (0.5 if head is not None and len(content) >= 4 else 2 / 3) else 0.0


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


def decide(form: QuestionForm, passages: Sequence[Passage], quotes: Sequence[Quote],
           question_terms: Sequence[str] = ()) -> Verdict | None:
    """The verdict on a yes/no question from these passages; None when the form has no subject to judge.

    Among the sentences naming the subject, the one naming it most fully and sharing most of the
    question's other words decides (「関与は要件になっていません」 over 「関与が必須でした」 of a predecessor
    only when it shares more); ties go to the better-ranked passage.
    """
    subject = (form.subject or "").strip()
    terms = _terms(subject) if subject else []
    if not terms:
        return None
    from assistant.tokenizer import tokenize, with_synonyms

    ordered = list(dict.fromkeys([*(q.passage for q in quotes), *passages[:SEARCH_DEPTH]]))
    best: tuple[float, Verdict] | None = None
    for rank, passage in enumerate(ordered):
        lines = split_sentences(passage.text, short_items=True)
        for at, line in enumerate(lines):
            naming = _naming(line, terms, subject)
            if not naming or _UNSTATED.search(line):
                continue
            shared = with_synonyms(tokenize(line + " " + heading(passage.section)))
            overlap = sum(1 for t in question_terms if t in shared) / max(len(question_terms), 1)
            score = naming + overlap - 0.01 * rank
            in_list = is_list_like(passage) and _is_item(line)
            no = negated(line) or bool(_NEGATIVE_HEADING.search(heading(passage.section))) or (
                in_list and _negative_context(passage, lines, at))
            value: bool | None = no if form.negative else not no
            if value is not None and not all(_states(line, figure) for figure in form.figures):
                value = None  # it names the subject with another figure (or none): neither はい nor いいえ
            verdict = Verdict(value, Quote(line, passage, 1.0), subject)
            if best is None or score > best[0]:
                best = (score, verdict)
    if best is not None:
        return best[1]
    top = quotes[0].passage if quotes else None
    if top is not None and is_list_like(top):
        lines = split_sentences(top.text, short_items=True)
        intro = next((line for line in lines if not _is_item(line)), "")
        if _COMPLETE.search(intro) and not _NEGATIVE_LIST.search(intro + heading(top.section)):
            return Verdict(form.negative, None, subject)  # a complete list without it: not among them
    return Verdict(None, None, subject)


def _states(sentence: str, figure: str) -> bool:
    """Does the sentence state this figure (「5,000万円」 in 「最大5,000万円」, 1/2 as 2分の1)?"""
    from assistant.names import normalise

    text, wanted = normalise(sentence).replace(" ", ""), normalise(figure).replace(" ", "")
    if re.search(r"(?<![\d,.])" + re.escape(wanted), text):  # 5人 is not in 15人, 500万円 not in 1,500万円
        return True
    fraction = re.fullmatch(r"(\d+)/(\d+)", wanted) or re.fullmatch(r"(\d+)分の(\d+)", wanted)
    if fraction:
        a, b = fraction.groups()
        pairs = (f"{a}/{b}", f"{b}分の{a}") if "/" in wanted else (f"{b}/{a}", f"{a}分の{b}")
        return any(p in text for p in pairs)
    return False


def lead(verdict: Verdict, form: QuestionForm) -> str:
    """The first sentence: the verdict in the question's own terms."""
    if verdict.value is True:
        return f"はい、{form.yes}。" if form.yes else "はい。"
    if verdict.value is False:
        return f"いいえ、{form.no}。" if form.no else "いいえ。"
    if verdict.evidence is not None:  # it names the subject, but not with the figure asked about
        return "資料の記載は次のとおりです。ご質問の数値とあわせてご確認ください。"
    return f"資料には、「{verdict.subject}」についてはっきり書かれた箇所が見当たりません。関連する記載は次のとおりです。"
