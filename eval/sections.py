"""Markdown heading spans: which heading path covers each character of a guideline file.

The naive baseline's chunks carry no heading metadata, only character offsets into the file; to
score them on the same "expected section" items we map each chunk back to the sections it overlaps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class SectionSpan:
    start: int
    end: int
    path: str  # "H1 > H2 > H3", the same shape as Passage.section


def heading_spans(text: str) -> list[SectionSpan]:
    """One span per heading, from the heading line to the next heading of any level."""
    matches = list(_HEADING.finditer(text))
    spans: list[SectionSpan] = []
    stack: list[tuple[int, str]] = []
    for index, match in enumerate(matches):
        level, title = len(match.group(1)), match.group(2).strip()
        stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, title)]
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        spans.append(SectionSpan(match.start(), end, PATH_SEPARATOR.join(t for _, t in stack)))
    return spans


def sections_overlapping(spans: list[SectionSpan], start: int, end: int) -> list[str]:
    """Heading paths of every section the character range [start, end) touches, in file order."""
    return [span.path for span in spans if span.start < end and start < span.end]
