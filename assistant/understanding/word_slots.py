"""Slots stated in words rather than numbers: 業種, 大幅賃上げ特例, and the facts that decide repayment.

Each extractor returns only what the message states; silence leaves the slot out, so a follow-up
never overwrites an earlier answer with a guess.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.understanding.context import alternation, clause_bounds, is_negated_after
from assistant.understanding.lexicon import INDUSTRY_SYNONYMS, NOT_INDUSTRY_WORDS

_INDUSTRY_TABLE = {word: industry for industry, words in INDUSTRY_SYNONYMS.items() for word in words}
_INDUSTRY_RE = alternation(_INDUSTRY_TABLE)
_NOT_INDUSTRY_RE = alternation(NOT_INDUSTRY_WORDS)
# After an industry word, another content word means a compound about something else (物流効率化,
# 工場長), unless it is one of these: 物流会社, 卸売業者, 飲食店舗.
_COMPOUND_CHAR_RE = re.compile(r"^[一-龥ァ-ヶ]")
_INDUSTRY_SUFFIX_RE = re.compile(
    r"^(?:会社|企業|業|店|事業|メーカー|屋|関連|系|法人|部門|工場|関係|運営|経営|を営|をして|をやって)"
)
# Words that name the applicant's trade only when the sentence says so (「コンサルも同席」 is a person).
_INDUSTRY_NEEDS_SUFFIX = {"コンサル"}
_SELF_DESCRIPTION_RE = re.compile(r"^(?:です|で、|を(?:営|して|やって))")
# 「店舗の改装」「工場を新設」「システム開発費」 describe what is bought, not the applicant's 業種.
_EXPENSE_AFTER_RE = re.compile(
    r"^(?:費|代|の(?:改装|改修|リフォーム|建築|建設|新設|購入|導入|設備|工事|取得|増設|費用)|"
    r"を(?:新設|建て|購入|改装|改修|建設|増設|取得|導入)|に(?:投資|導入))"
)

_SPECIAL_RE = re.compile(r"(?:大幅)?賃上げ特例|特例")
_SPECIAL_OFF_AFTER_RE = re.compile(
    r"^(?:\s|は|を|の|が)*(?:なし|無し|無|使わ|使いませ|使えな|適用しな|適用なし|適用外|適用されな|適用を受けな|"
    r"利用しな|利用せ|活用しな|受けな|受けず|対象外|を除|除)"
)
# 「特例とは?」「特例の要件は?」 ask about the special case without choosing it.
_SPECIAL_TOPIC_AFTER_RE = re.compile(r"^(?:\s)*(?:とは|って|について|の要件|の条件|の内容|の概要|の中身|の説明|に関して)")
_NORMAL_CASE_RE = re.compile(r"通常(?:の|枠|時|どおり|通り|だと|なら|で|要件|ケース|パターン)|特例なし|特例無し")

_VALUE_ADDED_RE = re.compile(r"付加価値")
_INCREASE_STEM = r"(?:増え|増加|伸び|上が|向上|増)"
_VALUE_ADDED_NO_RE = re.compile(
    rf"{_INCREASE_STEM}(?:し)?(?:て)?(?:い)?(?:ない|なかった|ず|ません|ておらず|ていない)|減|横ばい|マイナス|下が|落ち|"
    r"変わらな|変化な|変わって(?:い)?な"
)
# 「付加価値額の目標を達成できなかったら」 is about the target, not whether it grew: no slot.
_VALUE_ADDED_YES_RE = re.compile(rf"{_INCREASE_STEM}|プラス")

_LOSS_DENIED_RE = re.compile(r"赤字(?:では|じゃ)(?:な|あり)")
_LOSS_YES_RE = re.compile(r"営業赤字|営業損失|赤字|営業利益(?:が|は)?(?:マイナス|出ていな|出てな|出なかった|出ませ)")
_PROFIT_RE = re.compile(r"黒字|営業利益(?:が|は)?(?:出て|出まし|あ)")

_DISASTER_RE = re.compile(r"天災|地震|台風|災害|豪雨|水害|洪水|震災|噴火|津波|大雨|土砂崩|被災|大雪|落雷|竜巻|火山")

_MIN_WAGE_RE = re.compile(r"最低賃金")
_MET_NO_RE = re.compile(
    r"未達|達成(?:でき)?(?:な|ず|ませ)|達成しな|満たせ(?:な|ず|ませ)|満たさ(?:な|ず)|満たしていな|満たしてな|"
    r"届か(?:な|ず)|下回|クリアでき(?:な|ず|ませ)|守れ(?:な|ず|ませ)"
)
_MET_YES_RE = re.compile(
    r"達成し(?:た|て|ま)|達成済|達成でき(?:た|て|ま(?!せ))|満たし(?:た|て|ま)|満たせ(?:た|ま(?!せ))|"
    r"クリアし|クリアでき(?:た|ま(?!せ))|守れ(?:た|て|ま(?!せ))|守っ|達成$|クリア$"
)


def _names_trade(word: str, after: str) -> bool:
    """Whether an industry word, followed by `after`, describes the applicant's trade."""
    if _EXPENSE_AFTER_RE.match(after):
        return False
    if _INDUSTRY_SUFFIX_RE.match(after):
        return True
    if word in _INDUSTRY_NEEDS_SUFFIX:
        return bool(_SELF_DESCRIPTION_RE.match(after))
    return word.endswith("業") or not _COMPOUND_CHAR_RE.match(after)


def extract_industry(text: str) -> str | None:
    """The first industry named, in the canonical 業種 (「工務店」→ 建設業, 「IT企業」→ ソフトウェア業)."""
    text = _NOT_INDUSTRY_RE.sub(lambda m: "■" * len(m.group()), text)
    for match in _INDUSTRY_RE.finditer(text):
        if _names_trade(match.group(), text[match.end() : match.end() + 6]):
            return _INDUSTRY_TABLE[match.group()]
    return None


def extract_special_wage(text: str) -> bool | None:
    """True when the message chooses 大幅賃上げ特例, False when it chooses the normal case, else None."""
    for match in _SPECIAL_RE.finditer(text):
        after = text[match.end() : match.end() + 12]
        if _SPECIAL_OFF_AFTER_RE.match(after):
            return False
        if not _SPECIAL_TOPIC_AFTER_RE.match(after):
            return True
    if _NORMAL_CASE_RE.search(text):
        return False
    return None


def _state_after(text: str, word_re: re.Pattern[str], no_re: re.Pattern[str], yes_re: re.Pattern[str]) -> bool | None:
    """What the clause says about a word: False if it states the negative, True the positive, else None."""
    for match in word_re.finditer(text):
        _, clause_end = clause_bounds(text, match.start(), match.end())
        rest = text[match.end() : clause_end]
        if no_re.search(rest):
            return False
        if yes_re.search(rest):
            return True
    return None


def extract_value_added_increased(text: str) -> bool | None:
    """「付加価値額が増えていない」→ False, 「付加価値額は増加した」→ True."""
    return _state_after(text, _VALUE_ADDED_RE, _VALUE_ADDED_NO_RE, _VALUE_ADDED_YES_RE)


def extract_operating_loss(text: str) -> bool | None:
    """「営業赤字」「営業利益がマイナス」→ True; 「黒字」「赤字ではない」→ False."""
    if _LOSS_DENIED_RE.search(text):
        return False
    if _LOSS_YES_RE.search(text):
        return True
    if _PROFIT_RE.search(text):
        return False
    return None


def extract_natural_disaster(text: str) -> bool | None:
    """「天災」「地震」「台風」… → True, unless negated right after (「災害はなかった」)."""
    for match in _DISASTER_RE.finditer(text):
        return not is_negated_after(text, match.end())
    return None


def extract_min_wage_target_met(text: str) -> bool | None:
    """Whether the 最低賃金 target was reached, as stated: 「最低賃金の目標は未達」→ False."""
    return _state_after(text, _MIN_WAGE_RE, _MET_NO_RE, _MET_YES_RE)


def extract_word_slots(text: str) -> dict[str, Any]:
    """Every slot stated in words, only those the message states."""
    extracted = {
        "industry": extract_industry(text),
        "special_wage": extract_special_wage(text),
        "value_added_increased": extract_value_added_increased(text),
        "operating_loss": extract_operating_loss(text),
        "natural_disaster": extract_natural_disaster(text),
        "min_wage_target_met": extract_min_wage_target_met(text),
    }
    return {slot: value for slot, value in extracted.items() if value is not None}
