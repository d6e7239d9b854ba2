"""The 連携体 as described in words: members with counts and the facts that make a consortium valid.

「中小企業2社と大学1校」→ [{"type": "中小企業", "count": 2}, {"type": "大学", "count": 1}];
a member named without a count counts once (「NPO法人と一般社団法人」).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.understanding.context import alternation
from assistant.understanding.lexicon import MEMBER_TYPE_SYNONYMS
from assistant.understanding.numbers import NumberMention, find_numbers

_MEMBER_TABLE = {word: kind for kind, words in MEMBER_TYPE_SYNONYMS.items() for word in words}
_MEMBER_RE = alternation(_MEMBER_TABLE)
# 「中小企業に該当」「中小企業庁」「中小企業診断士」 name the category or an office, not a member.
_NOT_MEMBER_AFTER_RE = re.compile(
    r"^(?:庁|診断士|基盤整備機構|団体中央会|向け|の定義|の範囲|の要件|の条件|に該当|に当た|にあた|扱い|かどうか|"
    r"になり|に入|に含|と言え|といえ|ですか|か\?|の子会社|の親会社|の輸出|の海外)"
)
_COUNT_GAP_AFTER_RE = re.compile(r"^(?:\s|が|を|は|も|:|から|もう|さらに|あと|追加で|計)*$")
_COUNT_GAP_BEFORE_RE = re.compile(r"^(?:\s|の)*$")

_GROUP_RE = re.compile(
    r"親会社|子会社|孫会社|グループ会社|グループ企業|同一グループ|同じグループ|関連会社|兄弟会社|親子会社|グループ内|グループ関係"
)
_GROUP_NOT_RE = re.compile(r"(?:ではな|じゃな|以外|ではあり|外の|外部)")
# 「資本関係のない別々の法人」: the members are stated to be independent of each other.
_INDEPENDENT_RE = re.compile(
    r"資本関係(?:の|が|は|も)?(?:ない|無い|なし|無し|ありません|なく)|別々の(?:法人|会社|企業|グループ)|"
    r"独立した(?:法人|会社|企業)|(?:別の|異なる|違う)グループ|別グループ"
)
# A relation word denied in its own clause: 「外注関係でもありません」「グループ会社同士ではなく」
# 「グループ関係も外注関係もありません」.
_DENIED_AFTER_RE = re.compile(
    r"^(?:の)?(?:関係|同士|間柄|つながり)?(?:[^、。??]{0,10}?も)?(?:では|でも|じゃ|も|は|が)?"
    r"(?:な[くいし]|無[くいし]|ありません|ございません)"
)
_RELATION_RE = re.compile(r"外注|下請け?|委託|売買|一時的な(?:取引|売り買い)")
_ONLY_RE = re.compile(r"だけ|のみ|同士|しか|内で|のみで|だけで")
_OUTSOURCING_RE = re.compile(
    r"(?:(?:外注先|外注|下請け?|取引先|仕入先|仕入れ先|発注先|委託先|売買関係|販売先)[^。、,?]{0,12}?(?:だけ|のみ|しか|同士)"
    r"|(?:単なる|ただの|一時的な)(?:外注|下請|売買|取引|発注|委託))(?P<neg>(?:では|じゃ)な)?"
)
_SINGLE_RE = re.compile(
    r"(?:単独|単体|[1一]社だけ|[1一]社のみ|[1一]者だけ|[1一]者のみ|自社だけ|自社のみ|うちだけ|当社だけ|当社のみ|"
    r"弊社だけ|弊社のみ|[1一]社で(?:申請|応募)|自社単独|[1一](?:団体|法人|者|校)(?:だけ|のみ))(?P<neg>(?:では|じゃ)な)?"
)
_WRITING = r"(?:協定書|契約書|覚書|書面|契約|文書|規約)"
_WRITING_NO_RE = re.compile(
    rf"{_WRITING}[^。?]{{0,10}}?(?:ない|なし|無し|ません|まだ|[せさらか]ず)|口頭で(?:の)?(?:約束|合意|決め|取り決め)|口約束"
)
_WRITING_YES_RE = re.compile(
    rf"{_WRITING}[^。?]{{0,12}}?(?:結ん|締結|交わし|作成し|作成済|作って|明記|定めて|決めて|用意し|あります|あり|済み|済|化し|化済|にして|にまとめ)|"
    rf"{_WRITING}で(?:役割|分担|明確|定め|決め)|(?:書面化|文書化|明文化)(?:し|済|され)"
)


def _count_for(text: str, start: int, end: int, mentions: tuple[NumberMention, ...]) -> int | None:
    """The organisation count attached to the member word at text[start:end], if any."""
    for mention in mentions:
        if mention.kind != "organisations":
            continue
        if mention.start >= end and _COUNT_GAP_AFTER_RE.match(text[end : mention.start]):
            return int(mention.value)
        if mention.end <= start and _COUNT_GAP_BEFORE_RE.match(text[mention.end : start]):
            return int(mention.value)
    return None


# What separates two members of a list: 「AとB」「A、B」「AやB」「A及びB」.
_MEMBER_SEPARATOR_RE = re.compile(r"[、,,と]|や|および|及び|並びに|\+|&")
# Kinds that say only what a member does (地域商社, 金融機関): in one phrase with a kind that says its
# size or legal form (「地域商社(中小企業)」「中小企業の地域商社」), the latter decides.
_ROLE_ONLY = "その他"


def _phrases(text: str, matches: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Member words grouped by phrase: words with no separator between them describe one member."""
    groups: list[list[re.Match[str]]] = []
    for match in matches:
        if groups and not _MEMBER_SEPARATOR_RE.search(text[groups[-1][-1].end() : match.start()]):
            groups[-1].append(match)
        else:
            groups.append([match])
    return groups


def _phrase_kind(group: list[re.Match[str]]) -> str:
    kinds = [_MEMBER_TABLE[m.group()] for m in group]
    specific = [k for k in kinds if k != _ROLE_ONLY]
    return specific[-1] if specific else kinds[-1]


def extract_members(text: str) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Members described in words, and the spans of the words used (so they are not read as 業種).

    Each member phrase is read once: 「地域商社(中小企業)」 is one 中小企業, 「中小企業の地域商社2社」 two.
    A lone organisation word with no count describes no consortium: in 「中小企業に該当しますか」 it
    is the category asked about, in 「大学はコア事業者になれますか」 a kind asked about.
    """
    mentions = find_numbers(text)
    matches = [m for m in _MEMBER_RE.finditer(text)
               if not _NOT_MEMBER_AFTER_RE.match(text[m.end() : m.end() + 8])]
    found: list[tuple[str, int, bool]] = []
    spans: list[tuple[int, int]] = []
    for group in _phrases(text, matches):
        count = None
        for match in reversed(group):  # the count follows the phrase (「…地域商社2社」) or precedes it
            count = _count_for(text, match.start(), match.end(), mentions)
            if count is not None:
                break
        found.append((_phrase_kind(group), count if count is not None else 1, count is not None))
        spans.extend((m.start(), m.end()) for m in group)
    explicit = any(has_count for _, _, has_count in found)
    if not found or not (explicit or len(found) >= 2):
        return [], []
    counted = {kind for kind, _, has_count in found if has_count}
    # 「うちはNPO法人なんですが、NPO法人1団体だけで」: the count given is the count; a bare mention of
    # the same kind is the same member again.
    found = [f for f in found if f[2] or f[0] not in counted]
    members: list[dict[str, Any]] = []
    for kind, count, _ in found:
        existing = next((m for m in members if m["type"] == kind), None)
        if existing:
            existing["count"] += count
        else:
            members.append({"type": kind, "count": count})
    return members, spans


_ADD_RE = re.compile(r"加え|加わ|追加|増や|増え|入れ|足し|足す|もう\d|もう[一二三]|さらに|プラス|あと\d")
_REMOVE_RE = re.compile(r"外し|外す|抜け|抜い|除い|除く|減ら|やめ|なくし|無くし|取り除")


def members_change(text: str) -> str:
    """How a follow-up's members relate to those already given: "add", "remove" or "replace"."""
    if _REMOVE_RE.search(text):
        return "remove"
    if _ADD_RE.search(text):
        return "add"
    return "replace"


def apply_members_change(current: list[dict[str, Any]], stated: list[dict[str, Any]], change: str) -> list[dict[str, Any]]:
    """The members after a follow-up adds, removes or replaces some (「大企業をもう1社加えたら?」)."""
    if change == "replace" or not current:
        return [dict(m) for m in stated] if change != "remove" else [dict(m) for m in current]
    counts = {m["type"]: m["count"] for m in current}
    for member in stated:
        delta = member["count"] if change == "add" else -member["count"]
        counts[member["type"]] = max(0, counts.get(member["type"], 0) + delta)
    return [{"type": kind, "count": count} for kind, count in counts.items() if count > 0]


def extract_same_group_only(text: str, other_members: bool, consortium_context: bool) -> bool | None:
    """「親会社と子会社だけ」「グループ会社のみ」→ True; other kinds of members alongside → False.

    A single group word outside a consortium question (「大企業の子会社は中小企業?」) says nothing.
    """
    if _INDEPENDENT_RE.search(text):
        return False
    matches = list(_GROUP_RE.finditer(text))
    if not matches or (len(matches) < 2 and not consortium_context and not _ONLY_RE.search(text)):
        return None
    if any(_GROUP_NOT_RE.match(text[m.end() : m.end() + 6]) or _denied(text, m) for m in matches) or (
            "グループ外" in text):
        return False
    if _ONLY_RE.search(text):
        return True
    return not other_members


def _denied(text: str, match: re.Match[str]) -> bool:
    return bool(_DENIED_AFTER_RE.match(text[match.end() : match.end() + 24]))


def _outsourcing(text: str) -> bool | None:
    """「単なる外注の関係でもありません」→ False; 「外注先とだけ組む」→ True; unstated → None."""
    if any(_denied(text, m) for m in _RELATION_RE.finditer(text)):
        return False
    return _flag(_OUTSOURCING_RE, text)


def _flag(pattern: re.Pattern[str], text: str) -> bool | None:
    match = pattern.search(text)
    if not match:
        return None
    return not match.group("neg")


def extract_consortium_flags(
    text: str, members: list[dict[str, Any]], consortium_context: bool
) -> dict[str, Any]:
    """same_group_only, roles_in_writing, outsourcing_only, single_applicant: only those stated."""
    flags: dict[str, Any] = {
        "same_group_only": extract_same_group_only(text, bool(members), consortium_context),
        "outsourcing_only": _outsourcing(text),
        "single_applicant": _flag(_SINGLE_RE, text),
    }
    if flags["single_applicant"] and sum(m["count"] for m in members) >= 2:
        flags["single_applicant"] = None  # 「中小企業2社と大企業1社で申請」: the 1社で is one member's count
    if _WRITING_NO_RE.search(text):
        flags["roles_in_writing"] = False
    elif _WRITING_YES_RE.search(text):
        flags["roles_in_writing"] = True
    return {name: value for name, value in flags.items() if value is not None}
