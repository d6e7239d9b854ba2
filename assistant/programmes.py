"""Programme registry read from the corpus front matter (id, official name, aliases, as-of date).

Front matter is the small YAML block between '---' lines at the top of a Markdown guideline file.
Understanding (names/aliases), ingest (chunk metadata) and the UI (welcome page) all read it here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class Programme:
    id: str
    official_name: str
    aliases: tuple[str, ...] = ()
    as_of: date | None = None
    folder: Path | None = None
    documents: tuple[str, ...] = field(default=())  # titles of its guideline documents

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a user may type for it, longest first so matching prefers the specific one."""
        return tuple(sorted({self.official_name, *self.aliases}, key=len, reverse=True))


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter dict, body). Text without a front matter block gives ({}, text)."""
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith(FRONT_MATTER_FENCE + "\n"):
        return {}, text
    end = stripped.find("\n" + FRONT_MATTER_FENCE, len(FRONT_MATTER_FENCE))
    if end == -1:
        return {}, text
    block = stripped[len(FRONT_MATTER_FENCE) + 1 : end]
    body = stripped[end + len(FRONT_MATTER_FENCE) + 1 :].lstrip("\n")
    try:
        meta = yaml.safe_load(block) or {}
    except yaml.YAMLError:
        return {}, text
    return (meta if isinstance(meta, dict) else {}), body


@lru_cache(maxsize=4)
def load_programmes(corpus_dir: Path) -> dict[str, Programme]:
    """All programmes found in corpus_dir/<id>/*.md, keyed by programme id."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(corpus_dir).glob("*/*.md")):
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        pid = str(meta.get("programme") or path.parent.name)
        entry = found.setdefault(pid, {"aliases": set(), "documents": [], "folder": path.parent})
        entry.setdefault("official_name", meta.get("official_name"))
        entry["official_name"] = entry["official_name"] or meta.get("official_name")
        entry["aliases"].update(meta.get("aliases") or [])
        if meta.get("title"):
            entry["documents"].append(str(meta["title"]))
        as_of = meta.get("as_of")
        if isinstance(as_of, date) and (entry.get("as_of") is None or as_of > entry["as_of"]):
            entry["as_of"] = as_of
    return {
        pid: Programme(
            id=pid,
            official_name=str(e.get("official_name") or pid),
            aliases=tuple(sorted(e["aliases"])),
            as_of=e.get("as_of"),
            folder=e["folder"],
            documents=tuple(e["documents"]),
        )
        for pid, e in found.items()
    }


def infer_programme(text: str, programmes: Mapping[str, Programme], fallback: str) -> str:
    """The programme whose names the text mentions most (longest names first, each span counted once)."""
    counts: dict[str, int] = {}
    remaining = text
    names = sorted(((name, p.id) for p in programmes.values() for name in p.names), key=lambda x: -len(x[0]))
    for name, pid in names:
        hits = remaining.count(name)
        if hits:
            counts[pid] = counts.get(pid, 0) + hits
            remaining = remaining.replace(name, " ")
    return max(counts, key=lambda pid: counts[pid]) if counts else fallback
