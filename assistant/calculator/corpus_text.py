"""Read our corpus Markdown as the rules loader needs it: documents by title, sections by heading.

A quote is checked against the section under its heading (that heading's text down to the next
heading of the same or a higher level), after collapsing runs of whitespace on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.programmes import split_front_matter

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SPACE = re.compile(r"\s+")
HEADING_PATH_SEPARATOR = " > "


def squash(text: str) -> str:
    """Collapse whitespace runs to one space, so a quote may span a wrapped line."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    text: str  # the heading's whole section, sub-sections included


@dataclass(frozen=True)
class CorpusDocument:
    title: str
    path: Path
    body: str
    sections: tuple[Section, ...]

    def sections_named(self, heading: str) -> list[Section]:
        """Sections whose heading is the last part of `heading` (a ' > ' path is allowed)."""
        last = heading.split(HEADING_PATH_SEPARATOR)[-1].strip()
        return [section for section in self.sections if section.heading == last]

    def quote_under(self, heading: str, quote: str) -> bool:
        needle = squash(quote)
        return any(needle in squash(section.text) for section in self.sections_named(heading))


def parse_sections(body: str) -> tuple[Section, ...]:
    lines = body.splitlines()
    heads = [(i, len(m.group(1)), m.group(2)) for i, line in enumerate(lines) if (m := _HEADING.match(line))]
    sections = []
    for n, (start, level, heading) in enumerate(heads):
        end = next((i for i, lvl, _ in heads[n + 1 :] if lvl <= level), len(lines))
        sections.append(Section(heading=heading, level=level, text="\n".join(lines[start + 1 : end])))
    return tuple(sections)


def read_documents(folder: Path) -> dict[str, CorpusDocument]:
    """Markdown documents of one programme folder keyed by title (front matter title, else file stem)."""
    documents: dict[str, CorpusDocument] = {}
    for path in sorted(folder.glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        title = str(meta.get("title") or path.stem)
        documents[title] = CorpusDocument(title=title, path=path, body=body, sections=parse_sections(body))
    return documents
