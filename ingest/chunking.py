"""Japanese heading-aware chunking: Markdown sections -> sentences -> chunks of about chunk_size characters.

Sentences end at 。!?!? or a line break; table rows stay whole (a long table is cut between rows,
repeating its header). A sentence over the hard maximum is cut at a comma or space, and never
between two characters of a number such as 1,000万円 or 2.5%.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.loaders import Document

HARD_MAX_CHARS = 600
HEADING_SEPARATOR = " > "

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[。!?!?])(?![。!?!?」』))）])|(?<=[。!?!?][」』))）])")
_TABLE_RULE = re.compile(r"^\|[\s:|\-]+\|?$")
# Characters that may belong to one written number: digits, separators, 万/億 units, 円 and %.
_NUMBERISH = frozenset("0123456789０１２３４５６７８９,，.．万億兆千百十円%％")
_SOFT_BREAKS = "、,，  )）」』・"


@dataclass(frozen=True)
class Chunk:
    """A piece of a document ready for indexing; heading_path names the sections it sits in."""

    text: str
    heading_path: tuple[str, ...]
    page: int | None

    @property
    def section(self) -> str:
        return HEADING_SEPARATOR.join(self.heading_path)


@dataclass(frozen=True)
class _Unit:
    text: str
    joiner: str  # what stood between this unit and the previous one: "" inside a line, "\n" between lines


def chunk_document(doc: Document, chunk_size: int) -> list[Chunk]:
    """All chunks of a document, in reading order."""
    size = max(50, min(chunk_size, HARD_MAX_CHARS))
    chunks: list[Chunk] = []
    for path, lines in _sections(doc.text, doc.title):
        for text in _pack(_units(lines, size), size):
            chunks.append(Chunk(text=text, heading_path=path, page=doc.page))
    return chunks


def _sections(text: str, title: str) -> list[tuple[tuple[str, ...], list[str]]]:
    """Split Markdown into (heading path, body lines); an H1 equal to the title is the document itself."""
    sections: list[tuple[tuple[str, ...], list[str]]] = []
    stack: list[tuple[int, str]] = []
    body: list[str] = []

    def close() -> None:
        if any(line.strip() for line in body):
            sections.append((tuple(h for _, h in stack), list(body)))
        body.clear()

    for line in text.split("\n"):
        match = _HEADING.match(line)
        if not match:
            body.append(line)
            continue
        close()
        level, heading = len(match.group(1)), match.group(2).strip()
        stack = [(lv, h) for lv, h in stack if lv < level]
        if not (level == 1 and heading == title.strip()):
            stack.append((level, heading))
    close()
    return sections


def _units(lines: list[str], size: int) -> list[_Unit]:
    """Sentences and table rows of a section, each at most the hard maximum long."""
    units: list[_Unit] = []
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("|"):
            j = i
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                j += 1
            units.extend(_table_units(lines[i:j], size))
            i = j
            continue
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        for n, sentence in enumerate(s for s in _SENTENCE_END.split(line) if s.strip()):
            for m, piece in enumerate(_cut_long(sentence.strip(), size)):
                units.append(_Unit(piece, "\n" if n == 0 and m == 0 else ""))
    return units


def _table_units(rows: list[str], size: int) -> list[_Unit]:
    """A table as row units; when it will not fit one chunk, each group of rows repeats the header."""
    rows = [r.strip() for r in rows]
    header: list[str] = []
    if len(rows) >= 2 and _TABLE_RULE.match(rows[1]):
        header, rows = rows[:2], rows[2:]
    whole = "\n".join(header + rows)
    if len(whole) <= size or not rows:
        return [_Unit(piece, "\n") for piece in _cut_long(whole, HARD_MAX_CHARS)]
    head = "\n".join(header)
    budget = max(size - len(head) - 1, 80)
    groups: list[list[str]] = [[]]
    for row in rows:
        for piece in _cut_long(row, budget):
            if groups[-1] and len("\n".join(groups[-1] + [piece])) > budget:
                groups.append([])
            groups[-1].append(piece)
    return [_Unit("\n".join(([head] if head else []) + g), "\n") for g in groups if g]


def _cut_long(text: str, size: int) -> list[str]:
    """Cut text longer than the hard maximum into pieces of at most size, at safe places."""
    if len(text) <= HARD_MAX_CHARS:
        return [text]
    pieces: list[str] = []
    while len(text) > size:
        cut = _safe_cut(text, size)
        pieces.append(text[:cut])
        text = text[cut:]
    if text:
        pieces.append(text)
    return pieces


def _safe_cut(text: str, limit: int) -> int:
    """Rightmost cut position <= limit after a soft break, else any position not inside a number."""
    floor = limit // 2
    for pos in range(limit, floor, -1):
        if text[pos - 1] in _SOFT_BREAKS and _cut_is_safe(text, pos):
            return pos
    for pos in range(limit, 0, -1):
        if _cut_is_safe(text, pos):
            return pos
    return limit  # a 600-character number does not exist; keep the promise of the hard maximum


def _cut_is_safe(text: str, pos: int) -> bool:
    return not (text[pos - 1] in _NUMBERISH and text[pos] in _NUMBERISH)


def _pack(units: list[_Unit], size: int) -> list[str]:
    """Greedy packing of units into chunks of at most size; a tiny tail joins its neighbour."""
    chunks: list[str] = []
    current = ""
    for unit in units:
        candidate = current + unit.joiner + unit.text if current else unit.text
        if current and len(candidate) > size:
            chunks.append(current)
            current = unit.text
        else:
            current = candidate
    if current:
        tiny = len(current) < size // 4 and not current.startswith("|")  # table groups carry a header
        if chunks and tiny and len(chunks[-1]) + 1 + len(current) <= HARD_MAX_CHARS:
            chunks[-1] = chunks[-1] + "\n" + current
        else:
            chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]
