"""The shared slot vocabulary: names, Japanese labels for follow-up questions, and input validation.

Slot names are a contract with the understanding module; keep them exactly as they are.
Validation never raises: a bad value becomes {"slot", "value", "message"} with a Japanese message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.calculator.money import format_yen

INDUSTRIES: tuple[str, ...] = (
    "製造業", "建設業", "運輸業", "卸売業", "サービス業", "小売業", "ゴム製品製造業",
    "タイヤ・チューブ製造業", "工業用ベルト製造業", "ソフトウェア業", "情報処理サービス業", "旅館業", "その他",
)
MEMBER_TYPES: tuple[str, ...] = (
    "中小企業", "中堅企業", "NPO", "一般社団法人", "商工会議所", "商工会", "都道府県商工会連合会",
    "大企業", "大学", "その他",
)

# Beyond these an input is a typo or a unit slip, not a company's figure (1兆円 of investment, say).
MAX_PLAUSIBLE_YEN = 100_000_000_000  # 1,000億円
MAX_PLAUSIBLE_CAPITAL = 100_000_000_000_000  # 100兆円: larger than any company's capital
MAX_PLAUSIBLE_EMPLOYEES = 1_000_000
MAX_PLAUSIBLE_RATE = 1000.0  # percent


class InvalidSlot(ValueError):
    """A slot value that cannot be used; the message is the Japanese text shown to the user."""


def _is_number(value: Any) -> bool:
    """A real, finite int or float (bool, NaN and infinity are not numbers a user meant)."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _plain(value: float) -> str:
    """A number as people write it (1,000,000 or 2.5), never Python's 1e+06 or a repr."""
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _given(value: Any) -> str:
    """What was given, in words a user reads: the number itself, or a plain statement that it is none."""
    return f"(入力値: {_plain(value)})" if _is_number(value) else "(数値として読み取れない値です)"


def _as_int(value: Any, what: str, unit: str) -> int:
    if not _is_number(value) or value != int(value):
        raise InvalidSlot(f"{what}は整数の{unit}で入力してください{_given(value)}。")
    return int(value)


def _employees(value: Any) -> int:
    n = _as_int(value, "常勤従業員数", "人数")
    if n < 0:
        raise InvalidSlot(f"常勤従業員数が{n}人になっています。0人以上の人数を入力してください。")
    if n > MAX_PLAUSIBLE_EMPLOYEES:
        raise InvalidSlot(f"常勤従業員数{n:,}人は大きすぎます。人数をご確認ください。")
    return n


def _positive_yen(what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        n = _as_int(value, what, "円")
        if n <= 0:
            raise InvalidSlot(f"{what}が{format_yen(n)}になっています。1円以上の金額を入力してください。")
        if n > MAX_PLAUSIBLE_YEN:
            raise InvalidSlot(
                f"{what}{format_yen(n)}は想定を超える金額です(1,000億円まで)。桁や単位をご確認ください。"
            )
        return n

    return check


def _capital(value: Any) -> int:
    n = _as_int(value, "資本金", "円")
    if n < 0:
        raise InvalidSlot(f"資本金が{format_yen(n)}になっています。0円以上の金額を入力してください。")
    if n > MAX_PLAUSIBLE_CAPITAL:
        raise InvalidSlot(f"資本金{format_yen(n)}は大きすぎます。桁や単位をご確認ください。")
    return n


def _rate(what: str, positive: bool = False) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if not _is_number(value):
            raise InvalidSlot(f"{what}は数値(%)で入力してください{_given(value)}。")
        rate = float(value)
        if positive and rate <= 0:
            raise InvalidSlot(f"{what}が{_plain(rate)}%になっています。0%より大きい値を入力してください。")
        if not -100.0 <= rate <= MAX_PLAUSIBLE_RATE:
            raise InvalidSlot(f"{what}{_plain(rate)}%はありえない値です。%の値をご確認ください。")
        return rate

    return check


def _min_wage_margin(value: Any) -> int:
    n = _as_int(value, "事業場内最低賃金と地域別最低賃金の差", "円")
    if abs(n) > 10_000:
        raise InvalidSlot(f"最低賃金の差{n:,}円は大きすぎます。時給の差額(円)を入力してください。")
    return n


def _flag(what: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidSlot(f"{what}は「はい」か「いいえ」で答えてください。")
        return value

    return check


def _text(what: str) -> Callable[[Any], str]:
    """A class name such as a 枠; which names exist is the programme's data, checked by the rule kind."""
    def check(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidSlot(f"{what}を文字で入力してください(入力値: {value!r})。")
        return value.strip()

    return check


def _industry(value: Any) -> str:
    if value not in INDUSTRIES:
        raise InvalidSlot(f"業種「{value}」は判定できません。次のいずれかを選んでください: {'、'.join(INDUSTRIES)}。")
    return str(value)


def _members(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not value:
        raise InvalidSlot("連携体の構成員が0者です。種類ごとの数(例: 中小企業3者、大学1者)を入力してください。")
    members = []
    for item in value:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in MEMBER_TYPES:
            raise InvalidSlot(f"構成員の種類「{kind}」は判定できません。次のいずれかです: {'、'.join(MEMBER_TYPES)}。")
        count = item.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise InvalidSlot(f"{kind}の数「{count}」は1以上の整数で入力してください。")
        members.append({"type": kind, "count": count})
    return members


@dataclass(frozen=True)
class SlotSpec:
    name: str
    label: str  # noun phrase that fits 「…を教えてください。」
    parse: Callable[[Any], Any]


SLOTS: dict[str, SlotSpec] = {
    spec.name: spec
    for spec in (
        SlotSpec("employees", "常勤従業員数", _employees),
        SlotSpec("investment", "投資額(補助対象経費)", _positive_yen("投資額(補助対象経費)")),
        SlotSpec("special_wage", "大幅賃上げ特例を使うかどうか", _flag("大幅賃上げ特例を使うかどうか")),
        SlotSpec("industry", "業種", _industry),
        SlotSpec("capital", "資本金", _capital),
        SlotSpec("wage_growth_rate", "給与支給総額の年平均成長率(%)", _rate("給与支給総額の年平均成長率")),
        SlotSpec("min_wage_margin", "事業場内最低賃金が地域別最低賃金を何円上回るか", _min_wage_margin),
        SlotSpec("subsidy_received", "受け取った補助金額", _positive_yen("受け取った補助金額")),
        SlotSpec("wage_target_rate", "事業計画の給与支給総額の目標成長率(%)", _rate("給与支給総額の目標成長率", True)),
        SlotSpec("wage_actual_rate", "給与支給総額の実績の成長率(%)", _rate("給与支給総額の実績の成長率")),
        SlotSpec("min_wage_target_met", "事業場内最低賃金の目標を達成したかどうか",
                 _flag("事業場内最低賃金の目標を達成したかどうか")),
        SlotSpec("value_added_increased", "付加価値額が増加したかどうか", _flag("付加価値額が増加したかどうか")),
        SlotSpec("operating_loss", "企業全体の営業利益が赤字かどうか", _flag("営業利益が赤字かどうか")),
        SlotSpec("natural_disaster", "天災などの事情があったかどうか", _flag("天災などの事情があったかどうか")),
        SlotSpec("members", "連携体の構成員(種類ごとの数。例: 中小企業3者、大学1者)", _members),
        SlotSpec("same_group_only", "構成員が親会社と子会社など同一グループの企業だけかどうか",
                 _flag("同一グループのみかどうか")),
        SlotSpec("roles_in_writing", "役割分担を協定書や契約などの書面で明確にしているかどうか",
                 _flag("役割分担を書面で明確にしているかどうか")),
        SlotSpec("outsourcing_only", "連携が単なる外注や一時的な売買関係だけかどうか",
                 _flag("単なる外注・一時的な売買関係だけかどうか")),
        SlotSpec("single_applicant", "単独での申請かどうか", _flag("単独での申請かどうか")),
        SlotSpec("track", "申請する枠", _text("申請する枠")),
        SlotSpec("invoice_special", "インボイス特例を使うかどうか", _flag("インボイス特例を使うかどうか")),
        SlotSpec("deficit", "赤字事業者かどうか", _flag("赤字事業者かどうか")),
    )
}

def label(slot: str, labels: Mapping[str, str] | None = None) -> str:
    """The slot's label, as the programme's rules file words it when it does (labels)."""
    return (labels or {}).get(slot) or SLOTS[slot].label


def parse_slots(
    slots: dict[str, Any], names: Iterable[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Clean values of the named slots (None = not given) and the invalid ones as {slot, value, message}."""
    clean: dict[str, Any] = {}
    invalid: list[dict[str, Any]] = []
    for name in names:
        raw = slots.get(name)
        if raw is None:
            clean[name] = None
            continue
        try:
            clean[name] = SLOTS[name].parse(raw)
        except InvalidSlot as error:
            clean[name] = None
            invalid.append({"slot": name, "value": raw, "message": str(error)})
    return clean, invalid


def join_japanese(items: list[str]) -> str:
    """['A'] -> 'A'; ['A', 'B'] -> 'AとB'; ['A', 'B', 'C'] -> 'A、BとC'."""
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "と" + items[-1]


def missing_question(missing: list[str], labels: Mapping[str, str] | None = None) -> str | None:
    """「常勤従業員数と投資額(補助対象経費)を教えてください。」 for the slots still needed."""
    if not missing:
        return None
    return join_japanese([label(name, labels) for name in missing]) + "を教えてください。"
