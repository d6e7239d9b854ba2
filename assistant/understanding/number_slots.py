"""Which slot each number fills, decided by the words around it (資本金 → capital, 投資 → investment …).

The rule: a cue word the number directly modifies (「1億円の資本金」「4,000万円を投資」) wins, else
the nearest cue word before it in the same clause (「資本金は1億円」), else the nearest after it;
a number with no cue at all falls back on the question's intent (a bare amount in an amount
question is the investment). When a slot is stated twice with different values, a correction word between
them makes the last one count (「30人ではなく50人」); without one, the user is asked which is meant.
A value the grammar cannot read exactly, or one the calculator's slot vocabulary rejects (従業員-5人), is
never returned as a slot: it comes back as a question, so no invalid value reaches the dialog state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.calculator.money import format_percent, format_yen
from assistant.calculator.slots import SLOTS, InvalidSlot, label
from assistant.understanding.context import alternation, clause_bounds
from assistant.understanding.number_questions import conflict_question, problem_question
from assistant.understanding.numbers import MAX_DIGITS, NumberMention, NumberProblem, scan_numbers

SKIP = "skip"

# Cue words per slot for amounts of money; SKIP marks money that is none of our slots (売上, 上限 …).
_YEN_CUES: dict[str, tuple[str, ...]] = {
    "capital": ("資本金", "出資金", "資本の額", "資本"),
    "subsidy_received": (
        "受け取", "受取", "受給", "もらっ", "貰っ", "交付され", "交付を受け", "支給され", "入金", "受領",
    ),
    "investment": (
        "投資", "経費", "事業費", "設備", "費用", "支出", "購入", "導入", "建物", "機械", "かけ", "使う", "使い",
        "つぎ込", "予算", "コスト",
    ),
    "subsidy_word": ("補助金", "補助額", "補助"),
    SKIP: (
        "上限", "最大", "売上", "年商", "利益", "付加価値", "給与", "賃金", "人件費", "借入", "融資", "時給",
        "月給", "年収", "最低賃金",
    ),
}
_PERCENT_CUES: dict[str, tuple[str, ...]] = {
    # 「3%増やす予定」 is the planned growth (wage_growth_rate); 目標/計画 name the business-plan target.
    "wage_target_rate": ("目標", "計画", "掲げ", "目指", "コミット", "約束"),
    "wage_actual_rate": ("実績", "実際", "結果", "とどま", "留ま", "止ま", "しか", "終わ", "届かず", "届かな"),
    "wage_growth_rate": ("給与支給総額", "賃上げ", "給与", "賃金", "給料", "引き上げ", "増", "アップ", "上げ"),
    SKIP: ("採択率", "補助率", "付加価値", "利益率", "売上", "金利", "税率"),
}
_PERSON_SKIP_RE = re.compile(r"^(?:あたり|当たり|当り|につき)")
_PERSON_SKIP_WORDS = ("役員", "出席", "面接", "口頭審査", "参加者", "審査員")
_RECEIVE_WORDS = _YEN_CUES["subsidy_received"]
# 「地域別+60円」 names the regional minimum wage by its first word alone.
_MIN_WAGE_RE = re.compile(r"最低賃金|地域別")
_MARGIN_STRONG_LINK_RE = re.compile(r"^(?:額)?\s?(?:より|から|\+|プラス)\s?(?:\(|:)?$")
_MARGIN_WEAK_LINK_RE = re.compile(r"^(?:額)?\s?(?:を|に|は|が|の)?\s?$")
_MARGIN_UP_RE = re.compile(r"^(?:以上)?(?:高|上回|アップ|上乗せ|増|引き上げ|上げ|プラス)")
_MARGIN_DOWN_RE = re.compile(r"^(?:以上)?(?:低|下回|マイナス|少な)")
# Particles between a number and the word it modifies: 「4,000万円|を|投資」「1億円|の|資本金」.
_ADJACENT_RE = re.compile(
    r"^(?:\s|の|を|が|は|で|も|:|額|金額|総額|ほど|程度|くらい|ぐらい|位|分|相当|規模|前後|約|およそ)*$"
)
# 従業員30 with no unit: a count of people all the same.
_BARE_EMPLOYEES_RE = re.compile(
    r"(?:従業員|社員|常勤従業員|常勤|従業者|スタッフ|職員)(?:数)?(?:は|が|:)?\s*(-?\d+)(?![\d,.、万億円%人名者])"
)
# Between two values of one slot, a word that says the later one replaces the earlier: 30人ではなく50人.
_CHANGE_TO_RE = re.compile(r"\s?(?:に|へ)")
_CORRECTION_RE = re.compile(r"ではなく|じゃなく|でなく|ではなしに|いや|訂正|間違|→|に変更|変更して|改め|正しくは")


def _compiled(cues: dict[str, tuple[str, ...]]) -> tuple[re.Pattern[str], dict[str, str]]:
    table = {word: slot for slot, words in cues.items() for word in words}
    return alternation(table), table


_YEN_RE, _YEN_TABLE = _compiled(_YEN_CUES)
_PERCENT_RE, _PERCENT_TABLE = _compiled(_PERCENT_CUES)


def _cue_slot(
    text: str, mention: NumberMention, bounds: tuple[int, int], pattern: re.Pattern[str], table: dict[str, str]
) -> tuple[str | None, list[str], bool]:
    """(slot named by the cue governing this number, cue slots seen before it, whether the cue is weak).

    Order: a cue word right before the number, one right after it, the nearest before, the nearest after.
    A weak cue is one found only after the number and not attached to it (「1億円なら|補助額は?」).
    """
    left_start, right_end = bounds
    before = [(m.end(), table[m.group()]) for m in pattern.finditer(text, left_start, mention.start)]
    after = [(m.start(), table[m.group()]) for m in pattern.finditer(text, mention.end, right_end)]
    seen = [slot for _, slot in before]
    # 「投資額2億円の補助額」: the word right before names the number even when another follows.
    if before and _ADJACENT_RE.match(text[before[-1][0] : mention.start]):
        return before[-1][1], seen, False
    if after and _ADJACENT_RE.match(text[mention.end : after[0][0]]) and not _opens_next_clause(text, after[0][0]):
        return after[0][1], seen, False
    if before:
        return before[-1][1], seen, False
    if after:
        return after[0][1], [], True
    return None, [], False


# 「目標成長率が2.5%で|実績が1.5%」: a cue after a joining で that is itself a subject (が/は) starts the next
# clause; it names the next number, not this one.
_NEXT_CLAUSE_RE = re.compile(r"(?:\s|の)*(?:で|、|,)\s*$")
_SUBJECT_AFTER_RE = re.compile(r"[^\s]{0,6}?(?:が|は)")


def _opens_next_clause(text: str, cue_start: int) -> bool:
    head = text[:cue_start]
    return bool(_NEXT_CLAUSE_RE.search(head)) and bool(_SUBJECT_AFTER_RE.match(text, cue_start))


def _neighbour_bounds(text: str, mentions: tuple[NumberMention, ...], index: int) -> tuple[int, int]:
    """The clause around a mention, cut at the neighbouring numbers so each number keeps its own words."""
    mention = mentions[index]
    left, right = clause_bounds(text, mention.start, mention.end)
    if index > 0:
        left = max(left, mentions[index - 1].end)
    if index + 1 < len(mentions):
        right = min(right, mentions[index + 1].start)
    return left, right


def _min_wage_margin(text: str, mention: NumberMention) -> int | None:
    """「最低賃金+30円」「地域別最低賃金より40円高い」→ 30 / 40; 「…より10円低い」→ -10.

    「最低賃金は1,000円」 states the wage itself, not a margin, and fills nothing.
    """
    clause_start, clause_end = clause_bounds(text, mention.start, mention.end)
    wage_words = list(_MIN_WAGE_RE.finditer(text, clause_start, mention.start))
    if not wage_words or abs(int(mention.value)) >= 10_000:
        return None
    link = text[wage_words[-1].end() : mention.start]
    after = text[mention.end : clause_end]
    if _MARGIN_DOWN_RE.match(after):
        return -abs(int(mention.value))
    if _MARGIN_STRONG_LINK_RE.match(link) or (_MARGIN_WEAK_LINK_RE.match(link) and _MARGIN_UP_RE.match(after)):
        return int(mention.value)
    return None


_DEFAULT_YEN_SLOT = {
    None: "investment", "amount": "investment", "min_investment": "investment", "cap": "investment",
    "repayment": "subsidy_received", "sme_check": "capital",
}


def _yen_slot(text: str, mention: NumberMention, bounds: tuple[int, int], intent: str | None) -> str | None:
    slot, _, weak = _cue_slot(text, mention, bounds, _YEN_RE, _YEN_TABLE)
    if weak and slot in ("subsidy_word", SKIP):
        slot = None
    if slot == "subsidy_word":
        clause = text[slice(*clause_bounds(text, mention.start, mention.end))]
        received = intent == "repayment" or any(word in clause for word in _RECEIVE_WORDS)
        return "subsidy_received" if received else None
    if slot == SKIP:
        return None
    return slot if slot is not None else _DEFAULT_YEN_SLOT.get(intent)


def _percent_slot(text: str, mention: NumberMention, bounds: tuple[int, int], intent: str | None) -> str | None:
    slot, seen, weak = _cue_slot(text, mention, bounds, _PERCENT_RE, _PERCENT_TABLE)
    if weak and slot == SKIP:
        slot = None
    subjects = [s for s in seen if s in (SKIP, "wage_growth_rate")]
    if subjects and subjects[-1] == SKIP:
        return None  # 「付加価値額の年平均成長率4%が目標」: the rate is about something other than wages
    if slot == "wage_growth_rate":
        # 「目標は給与支給総額3%増」: a target/actual word earlier in the clause says more than 給与.
        specific = [s for s in seen if s in ("wage_target_rate", "wage_actual_rate")]
        return specific[-1] if specific else slot
    if slot == SKIP:
        return None
    if slot is not None:
        return slot
    return "wage_growth_rate" if intent in (None, "wage_requirement") else None


def _person_slot(text: str, mention: NumberMention) -> str | None:
    if _PERSON_SKIP_RE.match(text[mention.end : mention.end + 4]):
        return None  # 1人あたり給与支給総額
    clause = text[slice(*clause_bounds(text, mention.start, mention.end))]
    if any(word in clause for word in _PERSON_SKIP_WORDS):
        return None
    return "employees"


@dataclass(frozen=True)
class NumberSlots:
    """The slots a message states with numbers, and the questions about figures that could not be used."""

    values: dict[str, Any] = field(default_factory=dict)
    questions: tuple[str, ...] = ()
    # Slots a figure asked about was meant for: a value for them from elsewhere would be a guess.
    blocked: frozenset[str] = frozenset()
    # Changes to values given before: 「従業員が5人増えたら」 → {"employees": ("add", 5)},
    # 「投資額を倍にしたら」 → {"investment": ("mul", 2)}. The dialog applies them to its state.
    changes: dict[str, tuple[str, int | float]] = field(default_factory=dict)
    # A slot given as a range (「従業員51〜100人」): its ends, so a result that is the same at both can be given.
    ranges: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def _slot_of(text: str, mentions: tuple[NumberMention, ...], index: int, intent: str | None
             ) -> tuple[str | None, int | float]:
    mention = mentions[index]
    bounds = _neighbour_bounds(text, mentions, index)
    if mention.kind == "yen":
        margin = _min_wage_margin(text, mention)
        if margin is not None:
            return "min_wage_margin", margin
        return _yen_slot(text, mention, bounds, intent), mention.value
    if mention.kind == "percent":
        return _percent_slot(text, mention, bounds, intent), mention.value
    if mention.kind == "persons":
        return _person_slot(text, mention), mention.value
    return None, mention.value


def shown_value(slot: str, value: int | float) -> str:
    """「常勤従業員数23人」「投資額1億2,000万円」: a slot's label with its value."""
    return f"{label(slot)}{_shown(slot, value)}"


def _shown(slot: str, value: int | float) -> str:
    """A slot value as the question quotes it back: 4,000万円, 30人, 30円, 2.5%."""
    if slot in ("investment", "capital", "subsidy_received"):
        return format_yen(int(value))
    if slot == "employees":
        return f"{int(value):,}人"
    if slot == "min_wage_margin":
        return f"{int(value):,}円"
    return format_percent(float(value))


# 「従業員が1人増えて100人に」: a figure followed by a verb of change is the change, not the value.
_DELTA_RE = re.compile(r"(?:ほど|ぐらい|くらい)?(?:増え|減っ|増や|減ら|増し|減り|追加|足し|プラス|マイナス)")


def _is_change(text: str, between: str, last: NumberMention, first: NumberMention | None = None) -> bool:
    """「30人から50人に増やしたら」「4,000万円から6,000万円へ」「1人増えて100人に」: a change whose
    result is the last value."""
    if first is not None and _DELTA_RE.match(text, first.end):
        return True
    return "から" in between and bool(_CHANGE_TO_RE.match(text, last.end))


def _settled(text: str, slot: str, stated: list[tuple[int | float, NumberMention]]) -> tuple[Any, str | None]:
    """(value, None) when the mentions agree or a correction word picks the last; else (None, question)."""
    distinct = list(dict.fromkeys(value for value, _ in stated))
    if len(distinct) == 1:
        return distinct[0], None
    between = text[stated[0][1].end : stated[-1][1].start]
    if _CORRECTION_RE.search(between) or _is_change(text, between, stated[-1][1], stated[0][1]):
        return stated[-1][0], None
    return None, conflict_question(label(slot), [_shown(slot, value) for value in distinct])


def _validated(slot: str, value: Any) -> str | None:
    """The calculator's own Japanese message when the slot vocabulary rejects the value, else None."""
    spec = SLOTS.get(slot)
    if spec is None:
        return None
    try:
        spec.parse(value)
    except InvalidSlot as error:
        return str(error)
    return None


def _bare_employees(text: str) -> tuple[int | None, str | None]:
    """従業員30 with no unit: a count of people all the same (bounded like every other figure)."""
    bare = _BARE_EMPLOYEES_RE.search(text)
    if not bare:
        return None, None
    if len(bare.group(1).lstrip("-")) > MAX_DIGITS:
        problem = NumberProblem("too_long", "persons", bare.group(1), bare.start(1), bare.end(1))
        return None, problem_question(problem)
    return int(bare.group(1)), None


def _placeholder(problem: NumberProblem) -> NumberMention:
    """A problem figure stands in the text like a number, so the same cue words tell which slot it was for."""
    return NumberMention(0, problem.kind, problem.start, problem.end, problem.raw)


def extract_number_slots(text: str, intent: str | None) -> NumberSlots:
    """Slots stated with numbers (employees, capital, investment, subsidy_received, rates, min_wage_margin).

    A figure that cannot be read exactly is asked about only when it would have filled a slot: an odd
    turnover (売上) or a range of caps quoted back (上限は1,500万~7,000万円?) is none of the user's inputs.
    """
    scan = scan_numbers(text)
    problems = {(p.start, p.end): p for p in scan.problems}
    items = tuple(sorted([*scan.mentions, *(_placeholder(p) for p in scan.problems)], key=lambda m: m.start))
    questions: list[str] = []
    blocked: set[str] = set()
    stated: dict[str, list[tuple[int | float, NumberMention]]] = {}
    ranges: dict[str, tuple[int, int, str]] = {}
    for index, item in enumerate(items):
        slot, value = _slot_of(text, items, index, intent)
        problem = problems.get((item.start, item.end))
        if problem is not None and problem.kind == "organisations":
            slot = "members"  # 中小企業2.5社, 大学1~2校: counts of members, read by members.py
        if slot is None:
            continue
        if problem is not None:
            questions.append(problem_question(problem))
            blocked.add(slot)
            if problem.bounds is not None:
                ranges[slot] = (*problem.bounds, problem.raw)
        else:
            stated.setdefault(slot, []).append((value, item))
    values: dict[str, Any] = {}
    changes: dict[str, tuple[str, int | float]] = {}
    for slot, mentions in stated.items():
        if slot in blocked:
            continue
        change = _change_of(text, mentions)
        if change is not None:
            changes[slot] = change
            continue
        settled, question = _settled(text, slot, mentions)
        question = question or _validated(slot, settled)
        if question:
            questions.append(question)
        else:
            values[slot] = settled
    if "employees" not in stated and "employees" not in blocked:
        bare, question = _bare_employees(text)
        question = question or (None if bare is None else _validated("employees", bare))
        if question:
            questions.append(question)
        elif bare is not None:
            values["employees"] = bare
    changes.update(_doubling(text, values))
    return NumberSlots(values, tuple(dict.fromkeys(questions)), frozenset(blocked), changes, ranges)


_INCREASE_RE = re.compile(r"(?:ほど|ぐらい|くらい)?(?:増え|増や|増し|追加|足し|足す|プラス|多く)")
_DECREASE_RE = re.compile(r"(?:ほど|ぐらい|くらい)?(?:減っ|減ら|減り|少なく|マイナス|引い)")
# 「投資額を倍にしたら」「経費が2倍になったら」「事業費を1.5倍に」: a scale of a value given before.
_TIMES_RE = re.compile(r"(?P<what>投資額|投資|経費|事業費|補助対象経費|従業員数|従業員|資本金)[をがは]?"
                       r"(?P<n>\d+(?:\.\d+)?|[二三四五]|)(?<!何)倍(?:に|へ)")
_TIMES_SLOT = {"投資額": "investment", "投資": "investment", "経費": "investment", "事業費": "investment",
               "補助対象経費": "investment", "従業員数": "employees", "従業員": "employees", "資本金": "capital"}
_KANJI_TIMES = {"": 2, "二": 2, "三": 3, "四": 4, "五": 5}


def _change_of(text: str, mentions: list[tuple[int | float, NumberMention]]) -> tuple[str, int | float] | None:
    """A single figure followed by a verb of change and no resulting value: the change itself."""
    if len(mentions) != 1 or mentions[0][1].kind == "percent":
        return None  # 「給与支給総額を3%増やす」 states the growth rate itself
    value, mention = mentions[0]
    if _INCREASE_RE.match(text, mention.end):
        return ("add", value)
    if _DECREASE_RE.match(text, mention.end):
        return ("add", -value)
    return None


def _doubling(text: str, values: dict[str, Any]) -> dict[str, tuple[str, int | float]]:
    match = _TIMES_RE.search(text)
    if match is None:
        return {}
    slot = _TIMES_SLOT[match.group("what")]
    if slot in values:
        return {}  # 「4,000万円の2倍」 states the value itself
    n = match.group("n")
    factor = float(n) if n and n[0].isdigit() else _KANJI_TIMES[n]
    return {slot: ("mul", factor)}
