"""The programme catalogue: which programmes the store holds, built from what each ingested file says.

A file declares its programme in front matter (the small YAML block between '---' lines at the top of
a Markdown file: programme, official_name, aliases, issuer, call_round, as_of), or the programme is
inferred from the document itself (its title, first heading, the name it repeats). Ingest records one
ProgrammeInfo per file in the manifest; the catalogue merges them. Nothing here knows any programme.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.names import infer_name, keys_match, name_key

FRONT_MATTER_FENCE = "---"
RULES_FILE_NAME = "rules.yaml"
# Front matter larger than this is not a programme header but a hostile or broken file.
MAX_FRONT_MATTER_CHARS = 8_000


@dataclass(frozen=True)
class ProgrammeInfo:
    """What one file says about its programme; `declared` when it comes from front matter."""

    id: str
    official_name: str
    aliases: tuple[str, ...] = ()
    issuer: str | None = None
    call_round: str | None = None
    as_of: str | None = None  # ISO date
    declared: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProgrammeInfo:
        return cls(**{**data, "aliases": tuple(data.get("aliases") or ())})


@dataclass(frozen=True)
class Programme:
    id: str
    official_name: str
    aliases: tuple[str, ...] = ()
    issuer: str | None = None
    call_round: str | None = None
    as_of: date | None = None
    folder: Path | None = None  # where its files (and a rules.yaml, if any) live
    documents: tuple[str, ...] = field(default=())  # titles of its documents

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a user may type for it, longest first so matching prefers the specific one."""
        return tuple(sorted({self.official_name, *self.aliases}, key=len, reverse=True))

    @property
    def rules_file(self) -> Path | None:
        """The rules.yaml beside its documents, when there is one (the calculator decides if it is valid)."""
        if self.folder is None:
            return None
        path = self.folder / RULES_FILE_NAME
        return path if path.is_file() else None


class _AliasRefused(yaml.YAMLError):
    """Front matter used an anchor (&a) or an alias (*a)."""


class _HeaderLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases before anything is expanded (a 400-byte
    "billion laughs" block would otherwise take minutes and gigabytes)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused("anchors and aliases are not accepted in front matter")
        return super().compose_node(parent, index)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter dict, body). Text without a (readable) front matter block gives ({}, text)."""
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith(FRONT_MATTER_FENCE + "\n"):
        return {}, text
    end = stripped.find("\n" + FRONT_MATTER_FENCE, len(FRONT_MATTER_FENCE))
    if end == -1 or end > MAX_FRONT_MATTER_CHARS:
        return {}, text
    block = stripped[len(FRONT_MATTER_FENCE) + 1 : end]
    body = stripped[end + len(FRONT_MATTER_FENCE) + 1 :].lstrip("\n")
    try:
        meta = yaml.load(block, Loader=_HeaderLoader) or {}  # noqa: S506 - a SafeLoader without aliases
    except _AliasRefused:
        return {}, body  # a YAML bomb costs gigabytes; a programme header needs no anchors or aliases
    except yaml.YAMLError:
        return {}, text
    return (meta if isinstance(meta, dict) else {}), body


def declared_info(meta: Mapping[str, Any]) -> ProgrammeInfo | None:
    """The programme a front matter declares, or None when it names none."""
    pid = meta.get("programme")
    name = meta.get("official_name")
    if not pid and not name:
        return None
    as_of = meta.get("as_of")
    aliases = meta.get("aliases") or []
    return ProgrammeInfo(
        id=_text(pid or name),
        official_name=_text(name or pid),
        aliases=tuple(_text(a) for a in aliases if a) if isinstance(aliases, list) else (),
        issuer=_text(meta["issuer"]) if meta.get("issuer") else None,
        call_round=_text(meta["call_round"]) if meta.get("call_round") else None,
        as_of=as_of.isoformat() if isinstance(as_of, date) else (_text(as_of) if as_of else None),
        declared=True,
    )


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def resolve_info(
    declared: ProgrammeInfo | None,
    title: str,
    first_heading: str,
    body: str,
    known: Iterable[ProgrammeInfo],
) -> ProgrammeInfo | None:
    """The programme of one document: its front matter, else the known programme its name matches,
    else a new programme named as the document names it. None when the document names no programme.
    """
    if declared is not None:
        return declared
    inferred = infer_name(title, first_heading, body)
    if inferred is None:
        return _most_named(body, known)
    for info in known:
        known_keys = [name_key(n) for n in (info.official_name, *info.aliases)]
        if any(keys_match(name_key(inferred.official), k) for k in known_keys):
            return info
    return ProgrammeInfo(id=inferred.official, official_name=inferred.official, aliases=inferred.aliases)


def _most_named(body: str, known: Iterable[ProgrammeInfo]) -> ProgrammeInfo | None:
    """A document that names no programme of its own joins the known programme it mentions most."""
    best: tuple[int, ProgrammeInfo | None] = (0, None)
    for info in known:
        count = sum(body.count(n) for n in (info.official_name, *info.aliases) if len(n) >= 3)
        if count > best[0]:
            best = (count, info)
    return best[1]


def build_catalogue(entries: Iterable[tuple[ProgrammeInfo, Path, str]]) -> dict[str, Programme]:
    """Merge what each file says (info, its folder, its title) into one Programme per id.

    A declared entry's name wins over an inferred one; aliases add up; the latest as_of wins.
    """
    merged: dict[str, dict[str, Any]] = {}
    for info, folder, title in sorted(entries, key=lambda e: (not e[0].declared, str(e[1]), e[2])):
        entry = merged.setdefault(info.id, {"info": info, "aliases": set(), "documents": [], "folder": folder,
                                            "as_of": None})
        entry["aliases"].update(info.aliases)
        if info.official_name != entry["info"].official_name:
            entry["aliases"].add(info.official_name)
        if title and title not in entry["documents"]:
            entry["documents"].append(title)
        as_of = _date(info.as_of)
        if as_of and (entry["as_of"] is None or as_of > entry["as_of"]):
            entry["as_of"] = as_of
    catalogue = {}
    for pid, entry in merged.items():
        first: ProgrammeInfo = entry["info"]
        catalogue[pid] = Programme(
            id=pid,
            official_name=first.official_name,
            aliases=tuple(sorted(a for a in entry["aliases"] if a != first.official_name)),
            issuer=first.issuer,
            call_round=first.call_round,
            as_of=entry["as_of"],
            folder=entry["folder"],
            documents=tuple(entry["documents"]),
        )
    return catalogue


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def folder_catalogue(folder: Path) -> dict[str, Programme]:
    """The programmes the Markdown files under a folder declare in front matter, without a store.

    For checking rules files and tests of understanding; answering always uses the store's catalogue.
    """
    entries = []
    for path in sorted(Path(folder).rglob("*.md")):
        meta, _ = split_front_matter(path.read_text(encoding="utf-8", errors="replace"))
        info = declared_info(meta)
        if info is not None:
            entries.append((info, path.parent, str(meta.get("title") or path.stem)))
    return build_catalogue(entries)
