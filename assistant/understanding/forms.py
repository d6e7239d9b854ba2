"""The form of a question: what kind of first sentence answers it (はい/いいえ, a figure, a date, a list ...).

Read deterministically from the question's wording, for any programme: the form decides how the answer
leads, never what it says (that comes from the passages or the calculator). A yes/no question also
yields what it asks about (its subject: 「NPO法人は…なれますか」 → NPO法人) and the predicate to repeat
back (なれます / なれません), so the lead can answer in the question's own terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Form(StrEnum):
    YES_NO = "yes_no"
    AMOUNT = "amount"
    COUNT = "count"
    WHEN = "when"
    DURATION = "duration"
    WHO = "who"
    WHICH = "which"
    LIST = "list"
    WHY = "why"
    COMPARE = "compare"
    OTHER = "other"


@dataclass(frozen=True)
class QuestionForm:
    """How a question asks; `parts` holds each asked thing of a multi-part question (else empty)."""

    form: Form
    subject: str | None = None  # yes/no: what the question asks about
    yes: str | None = None  # yes/no: the predicate affirmed (なれます)
    no: str | None = None  # yes/no: the predicate denied (なれません)
    negative: bool = False  # yes/no asked in the negative (対象外ですか, できないのですか)
    parts: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()  # yes/no: figures the question states (「上限は5,000万円ですか」)


# Words of asking: a message with one of them is not a yes/no question, whatever its ending.
_WH = re.compile(
    r"いくら|幾ら|なんぼ|いくつ|幾つ|何|なに|なん(?!です|だ|でしょう)|どの|どこ|誰|だれ|どう|どれ|なぜ|なんで(?!す)|どんな|どちら|どっち|いつ|どういう|どのよう"
)
_ORDERED_FORMS: tuple[tuple[Form, re.Pattern[str]], ...] = (
    (Form.COMPARE, re.compile(r"違い|ちがい|異なる|比較|比べ|差は")),
    (Form.WHY, re.compile(r"なぜ|なんで(?!す)|どうして|理由|どのように|どうやって|どうすれば|方法|手順|やり方")),
    (Form.DURATION, re.compile(r"どのくらいの期間|何か月|何ヶ月|何カ月|何年間|何日間|期間は|どれくらいかか|どのくらいかか")),
    (Form.WHEN, re.compile(r"いつ|何月|何日|何時|締切|締め切|期限|期日|スケジュール|日程")),
    (Form.AMOUNT, re.compile(r"いくら|幾ら|なんぼ|何円|何万|金額|補助額|上限|下限|限度|補助率|助成率|何%|何割|何分の")),
    (Form.COUNT, re.compile(r"何人|何社|何者|何件|何者|何団体|何個|何名|いくつ|件数|社数")),
    (Form.WHO, re.compile(r"誰|だれ|どなた|どこ|どんな(?:人|者|事業者|組織|会社|企業)")),
    (Form.LIST, re.compile(r"どんな|どのような|何があり|なにがあり|何が対象|一覧|全部|すべて|全て|種類|項目|とは何")),
    (Form.WHICH, re.compile(r"どれ|どの|どちら|どっち")),
)
# A figure stated in a question: a yes/no about it is only はい where the evidence states the same.
_FIGURE = re.compile(r"\d[\d,.]*\s*(?:円|万円|億円|万|億|%|人|名|社|者|件|倍|割|年|か月|ヶ月|カ月|日)|\d+/\d+|\d+分の\d+")
# Endings of a yes/no question; group 1 is the predicate to repeat (できます, 対象です).
_TRAILER = re.compile(r"[\s??!!。、…]+$|(?:よろしく)?お願い(?:します|いたします)?$|教えてください$|教えて$")
_MASU_Q = re.compile(r"(\S*?)ま(?:す|せん)(?:でしょう)?か$|(\S*?)ま(?:す|せん)$")
_DESU_Q = re.compile(r"(\S*?)(?:なの)?(?:です|でしょう)か$|(\S*?)(?:なん)?ですか$")
_PLAIN_Q = re.compile(
    r"(対象|対象外|可能|必要|不要|OK|大丈夫|いい|よい|良い|可|不可|該当|アリ|ダメ|だめ|NG)(?:なの|の)?(?:か)?$"
    r"|(でき|なれ|使え|もらえ|受け(?:られ)?|含まれ|認められ|なる|できる|なれる|使える|もらえる|含まれる|認められる)(?:の)?(?:か)?$"
)
_NEG_ASK = re.compile(r"対象外|できない|なれない|ならない|いけない|ダメ|だめ|不可")
# The topic of a yes/no question: what comes before its first は/も/って, or before が/を when there is none.
_TOPIC_SPLIT = re.compile(r"(?:でも|では|には|とは|は|も|って)(?=\S)")
# What a removed programme name leaves at the start: 「(新事業進出補助金)でNPO法人は…」.
_LEADING = re.compile(r"^[\s、。]*(?:について|では|で|の|は|って|に|、)+")
# A clause that only says which programme: 「輸出支援の補助金で、」「この助成金では」.
_PROGRAMME_CLAUSE = re.compile(r"^.*?(?:補助金|助成金|助成事業|補助事業|給付金|支援事業|制度)(?:について|では|で|の場合|は)[、,]?")
_PROGRAMME_NAME = re.compile(r"(?:補助金|助成金|助成事業|補助事業|給付金|支援事業|制度)$")
_OBJECT_SPLIT = re.compile(r"(?:が|を)(?=\S)")
# Joiners of a multi-part question: 「予算の総額と、採択される社数は?」「通常と特例の両方で」.
_MULTI_MARK = re.compile(r"それぞれ|両方|ともに|および|及び|並びに|と、|や、")
_PART_SPLIT = re.compile(r"と、|や、|および|及び|並びに|、")


def _strip(text: str) -> str:
    previous = None
    text = text.strip()
    while previous != text:
        previous, text = text, _TRAILER.sub("", text).strip()
    return text


def _predicates(stem: str, polite: str) -> tuple[str, str]:
    """(affirmed, denied) forms of the predicate a question ends with."""
    if polite == "masu":
        return f"{stem}ます", f"{stem}ません"
    return f"{stem}です", f"{stem}ではありません"


# Nouns a yes/no answer repeats with its verb (「対象になりますか」→「対象になります」).
_PREDICATE_NOUNS = frozenset({"対象", "補助対象", "助成対象", "対象外", "必須", "要件", "中心", "代表", "申請者", "条件"})


def _predicate_word(head: str) -> str:
    """The last word of what precedes the ending: 「中心になれ」→ なれ, 「補助の対象」→ 対象."""
    from assistant.tokenizer import morphemes

    words = morphemes(head)
    if not words:
        return head
    last_noun = max((i for i, w in enumerate(words) if w[1] == "名詞"), default=-1)
    if last_noun == len(words) - 1:  # 「…対象」「…必要」: the noun is the predicate
        return words[-1][0]
    tail = words[last_noun + 1:]
    if len(tail) >= 2 and tail[0][0] in ("に", "と") and words[last_noun][0] in _PREDICATE_NOUNS:
        return words[last_noun][0] + "".join(w[0] for w in tail)  # 対象になり: 「はい、対象になります。」
    while tail and tail[0][1] == "助詞":
        tail = tail[1:]
    return "".join(w[0] for w in tail)


# The vowel row of the kana before a verb's る: i/e rows are ichidan (できる → でき), the rest godan
# (なる → なり, 入る → 入り).
_ICHIDAN_KANA = set("いきしちにひみりぎじびぴえけせてねへめれげぜべぺ")


def _masu_stem(verb: str) -> str:
    """The stem a polite ending attaches to: できる → でき, もらえる → もらえ, なる → なり."""
    return verb[:-1] if verb[-2:-1] in _ICHIDAN_KANA else verb[:-1] + "り"


def _yes_no(text: str) -> QuestionForm | None:
    body = _strip(text)
    if not body or _WH.search(body):
        return None
    negative = bool(_NEG_ASK.search(body))
    for pattern, polite in ((_MASU_Q, "masu"), (_DESU_Q, "desu")):
        match = pattern.search(body)
        if match:
            head = match.group(1) if match.group(1) is not None else match.group(2) or ""
            word = _predicate_word(head) if head else ""
            if not word:
                return None
            yes, no = _predicates(word, polite)  # 「できませんか」 asks whether it can: answered as you can
            if _PERMISSION.search(head):
                yes, no = PERMITTED
            figures = tuple(m.group(0) for m in _FIGURE.finditer(body))
            if figures and polite == "desu" and _FIGURE.search(head[-12:]):
                yes, no = "そのとおりです", "そうではありません"  # 「上限は5,000万円ですか」
            subject = _subject(body) or (_noun_predicate(word) if polite == "desu" else None) or _action(body)
            return QuestionForm(Form.YES_NO, subject, yes, no, negative, figures=figures)
    match = _PLAIN_Q.search(body)
    if match:
        word = match.group(1) or match.group(2)
        if word.endswith("る"):
            stem = _masu_stem(word)
            return QuestionForm(Form.YES_NO, _subject(body) or _action(body), f"{stem}ます", f"{stem}ません", negative)
        yes, no = PERMITTED if _PERMISSION.search(match.group(0)) else _predicates(word, "desu")
        return QuestionForm(Form.YES_NO, _subject(body) or _action(body), yes, no, negative)
    return None


# Particles that mark what a yes/no question asks about, strongest first: も singles out the asked item
# (「口頭審査って、コンサルタントも同席できますか」), が names the doer (「大学がコア事業者になることは…」),
# を the object (「くるみん認定を持ってると…」), は/って only the topic.
_SUBJECT_PARTICLES = {"も": 0, "ですが": 0, "が": 1, "を": 2, "は": 3, "って": 3, "で": 4}
_PHRASE_POS = frozenset({"名詞", "接頭辞", "接尾辞", "記号", "形状詞"})
# Heads too general to stand for what is asked (「本社が海外にある会社」): their clause is the subject.
GENERIC_HEADS = frozenset({"会社", "企業", "事業", "事業者", "者", "場合", "こと", "もの", "方", "人", "ところ", "点"})
# Words that are not subjects: the asker, the programme, a predicate noun.
_NOT_SUBJECT = frozenset({"うち", "当社", "弊社", "私", "わたし", "僕", "自分", "補助金", "助成金", "こと", "もの",
                          "の", "それ", "これ", "どちら",
                          # the act asked about, not who or what is judged: 「申請は可能ですか」
                          "申請", "応募", "申し込み", "申込", "利用", "活用", "可能", "必要", "大丈夫", "OK"})


def _phrases(body: str) -> list[tuple[int, int, str, int]]:
    """Noun phrases (start, end, particle, clause start) of a question: nouns joined by の, each with the
    particle after it; 「で+も」「に+は」 count as も and は."""
    from assistant.tokenizer import morphemes

    words = morphemes(body)
    found: list[tuple[int, int, str, int]] = []
    clause = 0
    i = 0
    while i < len(words):
        if words[i][1] not in _PHRASE_POS or words[i][1] == "記号" and not words[i][0].strip("、。,"):
            if words[i][0] in ("、", ",", "。"):
                clause = words[i][3]
            i += 1
            continue
        start = j = i
        while j + 1 < len(words) and (words[j + 1][1] in _PHRASE_POS and words[j + 1][0] not in "、。,"
                                      or words[j + 1][0] == "の" and j + 2 < len(words)
                                      and words[j + 2][1] in ("名詞", "接頭辞")):
            j += 1
        after = [w[0] for w in words[j + 1:j + 5]]
        if after[:2] in (["な", "の"], ["な", "ん"]):
            after = after[2:]  # 「半年なのですが」 as 「半年ですが」
        particle = after[0] if after else ""
        if particle in ("で", "に") and after[1:2] in (["も"], ["は"]):
            particle = after[1]
        elif after[:2] in (["です", "が"], ["です", "けど"], ["だ", "けど"], ["だ", "が"]):
            particle = "ですが"  # 「うちは個人事業主ですが申請できますか」: the asker's own situation
        found.append((words[start][2], words[j][3], particle, clause))
        if particle in ("は", "って"):
            clause = words[min(j + 1, len(words) - 1)][3]
        i = j + 1
    return found


def _noun_predicate(word: str) -> str | None:
    """「実施しているのはジェトロですか」: with no marked subject, the noun asserted is what is checked."""
    from assistant.tokenizer import morphemes

    words = morphemes(word)
    if words and all(w[1] in _PHRASE_POS for w in words) and word not in _PREDICATE_NOUNS | _NOT_SUBJECT:
        return word
    return None


# 「…しても大丈夫ですか」「…ってアリ?」 ask whether something is allowed: answered in those terms.
_PERMISSION = re.compile(r"(?:大丈夫|いい|よい|良い|OK|アリ|構わない|問題(?:は)?ない)(?:の|なの|ん)?(?:か)?$")
PERMITTED = ("問題ありません", "認められていません")


# What an action question asks about, up to its nominalised verb: 「コンサルに全部書いてもらうのってアリ?」.
_ACTION = re.compile(r"^(?P<act>.+?)(?:の|こと)(?:って|は|も)")


def _action(body: str) -> str | None:
    """The act a yes/no question asks about when no noun phrase is marked: the clause before 「のって」."""
    match = _ACTION.search(_PROGRAMME_CLAUSE.sub("", body))
    if not match:
        return None
    act = _LEADING.sub("", match.group("act")).strip("、 ")
    return act if len(act) >= 4 else None


_COPULA_BUT = re.compile(r"な(?:ん|の)(です|だ)(が|けど)")


def _subject(body: str) -> str | None:
    """What a yes/no question asks about: the noun phrase its strongest particle marks (も > が > を > は).

    A phrase that only names a programme or the asker is skipped; one whose head is general (会社, 事業)
    brings its clause along (「本社が海外にある会社」), so the verdict needs the clause's words too.
    """
    body = _COPULA_BUT.sub(r"\1\2", body)  # 「個人事業主なんですが」 as 「個人事業主ですが」
    best: tuple[int, int, str] | None = None
    for start, end, particle, clause in _phrases(body):
        rank = _SUBJECT_PARTICLES.get(particle)
        phrase = _LEADING.sub("", _PROGRAMME_CLAUSE.sub("", body[start:end])).strip("「」『』 、")
        if rank is None or not phrase or phrase in _NOT_SUBJECT or _PROGRAMME_NAME.search(phrase):
            continue
        if phrase in GENERIC_HEADS and clause < start:
            phrase = body[clause:end].strip("「」『』 、")
        if best is None or rank < best[0]:
            best = (rank, start, phrase)
    return best[2] if best else None


# 「通常と特例の両方で上限は?」: two values of one attribute, asked together.
_BOTH = re.compile(r"([^\s、。はをがの]+)と([^\s、。はをがの]+?)(?:の)?(?:両方|それぞれ|どちらも|ともに)")
_PART_END = re.compile(r"(?:について|は|も|を)$|(?:を|は)(?:教えて(?:ください)?|知りたい(?:です)?)$")
# と after a noun joins two asked things; after a verb (「特例を使うと」) it is a condition.
_AND_SPLIT = re.compile(r"(?<=[\u4e00-\u9fff\u30a0-\u30ffA-Za-z0-9%)」])と(?=[^\s、。])")
# Words that name an asked attribute (what a part of a question asks for).
_ATTRIBUTE = re.compile(
    r"上限|下限|補助率|助成率|件数|社数|期間|期限|締切|締め切|予算|金額|額|率|要件|条件|方法|書類|時期|日程|"
    r"スケジュール|対象|経費|審査|加点|いつ|いくら|何|数"
)


# Words that join or hedge the asked things (それぞれ, 目安, 見込み): searched for, they pull in any
# sentence with 目安 in it instead of the one with the value.
# What is left of a part that only asks (「いくらですか」「教えて」): no part of its own.
_ASKING_ONLY = re.compile(r"いくら|幾ら|どれくらい|どのくらい|ですか|でしょうか|ますか|教えて|ください|[??、。\s]")
_MARKER_WORDS = re.compile(r"それぞれ|両方とも|両方|ともに|の?目安|の?見込み|おおよそ|だいたい|大体|について")


def _parts(text: str) -> tuple[str, ...]:
    """The asked things of a multi-part question, each with an attribute of its own; () when one."""
    if not _MULTI_MARK.search(text):
        return _attribute_parts(text)
    body = _strip(text)
    both = _BOTH.search(body)
    if both:
        rest = (body[: both.start()] + body[both.end():]).strip("でにのはを、 ")
        return (f"{both.group(1)}の{rest}", f"{both.group(2)}の{rest}")
    pieces: list[str] = []
    for piece in _PART_SPLIT.split(body):
        piece = _LEADING.sub("", _PART_END.sub("", _MARKER_WORDS.sub("", piece).strip(" 、を"))).strip()
        pieces.extend(_attribute_parts(piece) or ([piece] if len(_ASKING_ONLY.sub("", piece)) >= 2 else []))
    return tuple(pieces) if len(pieces) >= 2 else ()


def _attribute_parts(text: str) -> tuple[str, ...]:
    """「補助上限額と採択予定件数を教えて」: two asked attributes joined by と (each names one)."""
    body = _strip(text)
    pieces = [_LEADING.sub("", _PART_END.sub("", _MARKER_WORDS.sub("", p))) for p in _AND_SPLIT.split(body)]
    if len(pieces) >= 2 and all(_ATTRIBUTE.search(p) for p in pieces):
        return tuple(p for p in pieces if p)
    return ()


# Spaces beside Japanese text: what a removed programme name leaves (「商工会議所って   のコア事業者」).
_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def question_form(text: str) -> QuestionForm:
    """The form of a question and, for a multi-part one, its parts."""
    text = _GAP.sub("", text)
    yes_no = _yes_no(text)
    parts = _parts(text) if yes_no is None and not _ORDERED_FORMS[0][1].search(text) else ()
    if yes_no is not None:
        return QuestionForm(yes_no.form, yes_no.subject, yes_no.yes, yes_no.no, yes_no.negative, parts,
                            yes_no.figures)
    for form, pattern in _ORDERED_FORMS:
        if pattern.search(text):
            return QuestionForm(form, parts=parts)
    return QuestionForm(Form.OTHER, parts=parts)
