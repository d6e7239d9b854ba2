"""The Japanese explanation: conclusion first, one calculation line, notes, then the cited sources."""

from __future__ import annotations

from assistant.calculator.result import Citation


def cite(citation: Citation) -> str:
    """- 『文書名』「見出し」: 「引用」"""
    return f"- 『{citation.doc}』「{citation.heading}」: 「{citation.quote}」"


def compose(conclusion: str, calculation_line: str | None, notes: list[str],
            citations: list[Citation]) -> str:
    lines = [conclusion]
    if calculation_line:  # verbatim, so a caller can recognise it as Result.calculation_line
        lines.append(calculation_line)
    lines += notes
    if citations:
        lines.append("根拠:")
        lines += [cite(c) for c in citations]
    return "\n".join(lines)
