"""The Japanese question asked back for a figure that cannot be read exactly or that conflicts.

One sentence names what was written (quoted back, shortened when very long) and why it cannot be used;
the next asks for the figure in a form the grammar reads. Never an English term or a Python repr.
"""

from __future__ import annotations

import re

from assistant.understanding.numbers import MAX_DIGITS, Kind, NumberProblem

_WHAT: dict[Kind, str] = {"yen": "金額", "persons": "人数", "organisations": "構成員の数", "percent": "割合"}
_EXAMPLE: dict[Kind, str] = {"yen": "「4,500万円」", "persons": "「30人」", "organisations": "「2社」",
                             "percent": "「2.5%」"}
_QUOTE_LIMIT = 24


def _quoted(raw: str) -> str:
    """「…」 around what the user wrote; a very long figure is cut so the question stays readable."""
    shown = raw if len(raw) <= _QUOTE_LIMIT else raw[: _QUOTE_LIMIT - 4] + "…" + raw[-3:]
    return f"「{shown}」"


def _ask(kind: Kind) -> str:
    return f"{_EXAMPLE[kind]}のように書いて、{_WHAT[kind]}をもう一度お知らせいただけますか。"


def _with_comma(raw: str, separator: str) -> str:
    return re.sub(rf"(?<=\d){re.escape(separator)}(?=\d{{3}})", ",", raw)


def problem_question(problem: NumberProblem) -> str:
    """「4.000万円」 → 小数点か桁区切りかを尋ねる文; every Problem kind has its own reason."""
    quoted, kind, what = _quoted(problem.raw), problem.kind, _WHAT[problem.kind]
    if problem.problem == "exponent":
        return f"{quoted}は指数を使った書き方のため、{what}を正確に読み取れませんでした。{_ask(kind)}"
    if problem.problem == "ambiguous_point":
        comma = _with_comma(problem.raw, ".")
        return (f"{quoted}の「.」が小数点なのか桁の区切りなのか判断できませんでした。"
                f"「{comma}」のことでしたら、桁の区切りにはカンマ(,)を使ってもう一度お知らせいただけますか。")
    if problem.problem == "ideographic_comma":
        comma = _with_comma(problem.raw, "、")
        return (f"{quoted}の「、」が桁の区切りなのか読点なのか判断できませんでした。"
                f"「{comma}」のことでしたら、カンマ(,)を使ってもう一度お知らせいただけますか。")
    if problem.problem == "grouping":
        return f"{quoted}は桁の区切り(,)の位置が3桁ごとになっていないため、{what}を読み取れませんでした。{_ask(kind)}"
    if problem.problem == "too_long":
        return f"{quoted}は桁数が多すぎるため({MAX_DIGITS}桁まで)、{what}として読み取れませんでした。{_ask(kind)}"
    if problem.problem == "fraction":
        unit = "人数" if kind == "persons" else ("構成員の数" if kind == "organisations" else "金額(円)")
        return f"{quoted}は小数を含むため、{unit}を正確に決められませんでした。整数でお知らせいただけますか。"
    if problem.problem == "range":
        return f"{quoted}は範囲のため、計算に使う{what}を1つに決められませんでした。{what}を1つだけお知らせいただけますか。"
    return f"{quoted}を{what}として読み取れませんでした。{_ask(kind)}"


def conflict_question(label: str, shown: list[str]) -> str:
    """Two or more different figures for one slot, with no correction word between them."""
    values = "と".join(f"「{value}」" for value in shown)
    which = "どちら" if len(shown) == 2 else "どれ"
    return f"{label}として{values}が書かれています。{which}で考えればよいか、1つだけお知らせいただけますか。"
