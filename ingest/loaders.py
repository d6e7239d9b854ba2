"""Read guideline files (.md .txt .html .htm .pdf) into Documents with programme, title, source and page.

Every loader returns Markdown-like text: '#' headings and '|' table rows, so one chunker serves all.
Anything that cannot be read raises LoadError with a Japanese reason; the pipeline names the file
and carries on with the others.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.programmes import ProgrammeInfo, declared_info, split_front_matter
from ingest.encoding import decode_bytes
from ingest.errors import LoadError
from ingest.files import read_limited
from ingest.formats import HTML_SUFFIXES, PDF_SUFFIXES, SUPPORTED_SUFFIXES

__all__ = ["SUPPORTED_SUFFIXES", "Document", "load_file"]

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    """One readable unit of a file: the whole text file, or one PDF page (page numbers start at 1).

    `programme` is empty until ingest has resolved it (front matter in `declared`, else inferred).
    """

    text: str
    title: str
    source: str
    page: int | None = None
    declared: ProgrammeInfo | None = None
    programme: str = ""

    @property
    def first_heading(self) -> str:
        match = _HEADING.search(self.text)
        return match.group(1) if match else ""


DEFAULT_MAX_BYTES = 20_000_000


def load_file(path: Path, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Documents of one file; source is the path shown in citations (relative to the ingested root)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"対応していない形式です({suffix or '拡張子なし'}。対応: .md .txt .html .pdf)")
    data = read_limited(path, max_bytes)
    if not data.strip():
        raise LoadError("中身が空のファイルです")
    if suffix in PDF_SUFFIXES:
        docs = _load_pdf(data, path, source)
    elif suffix in HTML_SUFFIXES:
        docs = [_load_html(data, path, source)]
    else:
        docs = [_load_text(data, path, source)]
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise LoadError("本文が見つかりませんでした(空のファイルか、文字を取り出せない形式です)")
    return docs


def _clean(text: str) -> str:
    """Unify line ends and drop trailing spaces; other characters stay as written for display."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _without_furniture(text: str) -> str:
    """A web page's text (HTML or a copied .txt) without the lines the page wraps around it."""
    return "\n".join(line for line in text.split("\n") if not _is_furniture(line))


# Lines a web page wraps around its text (a municipal page's 「ページ番号1004523　更新日：…」, 「文字サイズ
# 小 中 大」, share buttons, breadcrumbs): quoted as an answer, they are noise.
_FURNITURE = re.compile(
    r"ページ番号\s*[:：]?\s*\d+|更新日\s*[:：]|文字サイズ|背景色|ページの先頭へ|このページのトップ|"
    r"Adobe Acrobat Reader|PDF形式のファイルをご覧"
)
# A line of share buttons and nothing else (「シェア ポスト LINEで送る」); 「シェアオフィス賃料」 is text.
_BUTTONS = re.compile(r"^(?:(?:シェア|ポスト|ツイート|LINEで送る|印刷する|印刷|Facebook|はてブ|X)[\s　、|/・]*)+$")
_DATED = re.compile(r"公開日|掲載日|作成日|執筆")
_BREADCRUMB = re.compile(r"^\s*(?:ホーム|トップ|TOP|Home)\s*[>＞›»]")
_FURNITURE_MAX = 80


def _is_furniture(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith("- "):
        stripped = stripped[2:].strip()  # an HTML list of share buttons or a breadcrumb
    if not stripped or len(stripped) > _FURNITURE_MAX or stripped.startswith(("#", "|")):
        return False
    if _DATED.search(stripped):
        return False  # 「公開日：… 更新日：…」 dates the text: the catalogue's as-of date may come from it
    return bool(_BREADCRUMB.match(stripped) or _FURNITURE.search(stripped) or _BUTTONS.match(stripped))


def _load_text(data: bytes, path: Path, source: str) -> Document:
    text, _ = decode_bytes(data)
    meta, body = split_front_matter(text)
    body = _plain_text_structure(_without_furniture(_clean(body)))
    heading = _HEADING.search(body)
    title = str(meta.get("title") or (heading.group(1) if heading else _first_line(body) or path.stem))
    return Document(text=body, title=title, source=source, declared=declared_info(meta))


# Text copied from a web page has no Markdown: its tables are 「a | b |」 lines and its headings are short
# lines on their own. Both are given their Markdown form so the chunker keeps rows with their header
# and sections under their heading.
_PIPE_ROW = re.compile(r"^[^|\n]*\|.*\|\s*$|^[^|\n]+(?:\s\|\s[^|\n]*)+$")
_RULE_ROW = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING_LIKE_MAX = 30
_NUMBERED = re.compile(r"^(?:\d{1,2}[.．)]|第\d{1,2}[章節条])\s*\S")
_SENTENCE_TAIL = tuple("。.!?!?、,:;:;)」』") + ("です", "ます")


def _plain_text_structure(body: str) -> str:
    """Markdown tables and headings for text that has neither (a page's text, a .txt export)."""
    lines = body.split("\n")
    if any(_HEADING.match(line) for line in lines):
        return body  # already Markdown: leave it exactly as written
    out: list[str] = []
    in_list = _list_runs(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i in in_list:
            out.append("- " + stripped)
        elif _RULE_ROW.match(stripped) and "|" in stripped:
            out.append("|" + "|".join(" --- " for _ in range(max(1, stripped.strip("|").count("|") + 1))) + "|")
        elif _PIPE_ROW.match(stripped) and not stripped.startswith("|"):
            out.append("| " + stripped.rstrip("|").strip() + " |")
        elif (i > 0 and _ends_block(lines[i - 1].strip())
              and _is_heading_like(stripped, lines[i + 1].strip() if i + 1 < len(lines) else "")):
            out.append("## " + stripped)
        else:
            out.append(line)
    return "\n".join(out)


_LIST_ITEM_MAX = 40


def _list_runs(lines: list[str]) -> set[int]:
    """Lines that form a list: three or more short lines in a row, none ending a sentence, after a
    sentence that introduces them (「審査項目は次の6点です。」 then one item a line, as pages are copied)."""
    def item_like(line: str) -> bool:
        line = line.strip()
        return (0 < len(line) <= _LIST_ITEM_MAX and "|" not in line and not line.startswith("#")
                and not line.endswith(("。", "!", "?", "!", "?")))

    found: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and item_like(lines[j]):
            j += 1
        if j - i >= 3 and i > 0 and lines[i - 1].strip().endswith(("。", ":", ":")):
            found.update(range(i, j))
        i = max(j, i + 1)
    return found


def _ends_block(previous: str) -> bool:
    """A heading follows a finished sentence, a blank line, a table or another heading, not a list item."""
    return not previous or previous.endswith(("。", "!", "?", "!", "?", "です", "ます")) or previous.startswith(("|", "#"))


def _is_heading_like(line: str, following: str) -> bool:
    """A short line that ends no sentence and is followed by a longer one that is not a heading too."""
    return (
        0 < len(line) <= _HEADING_LIKE_MAX
        and not line.endswith(_SENTENCE_TAIL)
        and "|" not in line
        and not line.startswith(("-", "・", "*", "▶", "※", "出典"))
        and re.search(r"[一-龥ぁ-んァ-ヶ]", line) is not None
        and (_NUMBERED.match(line) is not None or not re.match(r"[\d(（]", line))
        and (_NUMBERED.match(line) is not None or len(following) > len(line))
        and "|" not in following
    )


def _first_line(body: str, limit: int = 80) -> str:
    """A text without headings is titled by its first line (its first sentence when it has no breaks)."""
    line = body.split("\n", 1)[0].strip()
    sentence = re.split(r"(?<=[。!?!?])", line, maxsplit=1)[0]
    return sentence[:limit]


# --- HTML -------------------------------------------------------------------------------------

# Page furniture that is not guideline text.
_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "svg", "button", "template")
_HTML_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "ul", "ol", "li", "dl", "dt", "dd",
                         "pre", "blockquote", "br", "hr", "figure", "figcaption", "caption", "body",
                         "tbody", "thead", "tfoot"})


def _load_html(data: bytes, path: Path, source: str) -> Document:
    from bs4 import BeautifulSoup

    text, _ = decode_bytes(data)
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(True, attrs={"role": list(_HTML_DROP_ROLES)}):
        tag.decompose()
    headings = {h.get_text(strip=True) for h in soup.find_all(re.compile(r"^h[1-6]$"))}
    for listing in soup.find_all(["ul", "ol"]):
        if not listing.decomposed and _is_contents(listing, headings):
            listing.decompose()  # a table of contents: the page's furniture, not its text
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    _html_lines(root, lines)
    body = _without_furniture(_clean("\n".join(lines)))
    title_tag = soup.find("title")
    h1 = root.find("h1")
    title = (title_tag.get_text(strip=True) if title_tag else "") or (h1.get_text(strip=True) if h1 else "")
    return Document(text=body, title=title or path.stem, source=source)


def _is_contents(listing, headings: set[str]) -> bool:  # noqa: ANN001 - bs4 Tag
    """Is this list a table of contents: its items links within the page, or the starts of headings?

    Links to other files stay: a list of 様式 to download is the list of documents to submit."""
    items = listing.find_all("li")

    def entry(item) -> bool:  # noqa: ANN001 - bs4 Tag
        text = item.get_text(strip=True)
        link = item.find("a")
        in_page = link is not None and str(link.get("href") or "").startswith("#") and link.get_text(strip=True) == text
        return in_page or any(h.startswith(text) for h in headings if text)  # 「補助上限額と補助率」 for 「…(比較)」

    # Most items, not all: a table of contents may word one heading its own way (対象者の条件).
    return len(items) >= 2 and sum(entry(item) for item in items) >= 0.75 * len(items)


def _html_lines(root, lines: list[str]) -> None:  # noqa: ANN001 - bs4 Tag
    """Walk the tree, turning headings into '#' lines, table rows into '|' lines, blocks into lines.

    An explicit stack, not recursion: a page nested thousands of blocks deep is still read.
    """
    from bs4 import NavigableString, Tag

    inline: list[str] = []
    bullet = [False]  # the next line starts a list item

    def flush() -> None:
        joined = re.sub(r"\s+", " ", "".join(inline)).strip()
        if joined:
            lines.append(("- " if bullet[0] else "") + joined)
            bullet[0] = False
        inline.clear()

    stack = [iter(root.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            flush()
        elif isinstance(child, NavigableString):
            if child.__class__.__name__ not in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                inline.append(str(child))
        elif isinstance(child, Tag):
            name = child.name.lower()
            if re.fullmatch(r"h[1-6]", name):
                flush()
                heading = re.sub(r"\s+", " ", child.get_text(" ", strip=True))
                if heading:
                    lines.extend(["", "#" * int(name[1]) + " " + heading])
            elif name == "tr":
                flush()
                cells = [re.sub(r"\s+", " ", c.get_text(" ", strip=True)) for c in child.find_all(["th", "td"])]
                lines.append("| " + " | ".join(cells) + " |")
            elif name == "table" or name in _BLOCK_TAGS:
                flush()
                if name == "li":
                    bullet[0] = True  # an item of a list reads as one, as in Markdown (「- 建物費」)
                stack.append(iter(child.children))
            else:
                inline.append(child.get_text(""))


# --- PDF --------------------------------------------------------------------------------------


def _load_pdf(data: bytes, path: Path, source: str) -> list[Document]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("パスワードで保護されたPDFです")
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files; all mean the same to the user
        raise LoadError("PDFとして読み込めませんでした(ファイルが壊れている可能性があります)") from exc
    title = path.stem
    try:
        meta_title = reader.metadata.title if reader.metadata else None
        title = str(meta_title).strip() or title if meta_title else title
    except Exception:  # odd metadata must not cost the document its text
        pass
    return [
        Document(text=_plain_text_structure(_join_wrapped(_clean(unicodedata.normalize("NFKC", text)))),
                 title=unicodedata.normalize("NFKC", title), source=source, page=number)
        for number, text in enumerate(pages, start=1)
    ]


# A PDF line as long as this that ends in no punctuation was wrapped by the page, not ended by the writer.
_WRAPPED_LINE_CHARS = 28


def _join_wrapped(text: str) -> str:
    """Undo the page's line wrapping (「ロボッ」+「ト」); short lines (headings, table rows) stay lines.

    NFKC first: fonts map some kanji to look-alike radicals (⼒ for 力) that search would never match.
    """
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        nxt = line.strip()
        continues = nxt and not _NUMBERED.match(nxt) and (len(nxt) >= _WRAPPED_LINE_CHARS or nxt.endswith("。"))
        if out and len(out[-1]) >= _WRAPPED_LINE_CHARS and not out[-1].endswith(_SENTENCE_TAIL) and continues:
            out[-1] += nxt
        else:
            out.append(line)
    return "\n".join(_space_tables(out))


def _space_tables(lines: list[str]) -> list[str]:
    """Runs of lines with the same number of space-separated cells (a PDF's table) as Markdown rows."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        cells = _space_cells(lines[i])
        j = i + 1
        while cells and j < len(lines) and len(_space_cells(lines[j])) == len(cells):
            j += 1
        if cells and j - i >= 3:
            rows = [_space_cells(line) for line in lines[i:j]]
            out.append("| " + " | ".join(rows[0]) + " |")
            out.append("|" + "|".join(" --- " for _ in rows[0]) + "|")
            out.extend("| " + " | ".join(r) + " |" for r in rows[1:])
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def _space_cells(line: str) -> list[str]:
    """Cells of a line that reads as a table row (2-6 short cells, no sentence), else []."""
    cells = line.split()
    if (_NUMBERED.match(line.strip()) or not 2 <= len(cells) <= 6 or line.rstrip().endswith(("。", "、"))
            or any(len(c) > 32 for c in cells)):
        return []
    return cells
