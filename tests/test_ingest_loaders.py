"""Loading real files: Japanese encodings, HTML without navigation, PDFs with page numbers, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import LoadError
from ingest.loaders import load_file

GUIDE = "---\nprogramme: demo\ntitle: デモ補助金の要領\n---\n# 補助金額\n\n補助上限額は1,500万円です。①申請は電子申請で行います。\n"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("cp932", b""),  # Shift_JIS as Windows writes it (① is CP932-only)
        ("euc_jp", b""),
        ("utf-8", b"\xef\xbb\xbf"),  # UTF-8 with BOM: front matter must still be found
        ("utf-8", b""),
    ],
)
def test_japanese_encodings_decode_and_keep_front_matter(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = GUIDE.replace("①", "") if encoding == "euc_jp" else GUIDE
    path = tmp_path / "demo" / "guide.md"
    path.parent.mkdir()
    path.write_bytes(prefix + text.encode(encoding))
    [doc] = load_file(path, "demo/guide.md")
    assert doc.declared is not None and doc.declared.id == "demo" and doc.title == "デモ補助金の要領"
    assert "補助上限額は1,500万円です。" in doc.text
    assert not doc.text.startswith("---")


def test_shift_jis_text_file_without_front_matter_takes_its_heading(tmp_path: Path) -> None:
    path = tmp_path / "shinjigyo" / "memo.txt"
    path.parent.mkdir()
    path.write_bytes("# 口頭審査の概要\n口頭審査はオンラインで行われます。\n".encode("shift_jis"))
    [doc] = load_file(path, "shinjigyo/memo.txt")
    assert doc.declared is None  # its programme is resolved at ingest, never from the folder name
    assert doc.title == "口頭審査の概要"
    assert "オンライン" in doc.text


def test_html_keeps_main_text_headings_and_tables_but_not_navigation(tmp_path: Path) -> None:
    html = """<html><head><title>補助金の案内</title><script>var x = "スクリプト";</script></head>
    <body><header>サイト共通ヘッダー</header><nav><a href="/">トップへ戻る</a></nav>
    <main><h1>補助金の案内</h1><h2>補助率</h2><p>補助率は<strong>2分の1</strong>です。</p>
    <table><tr><th>従業員数</th><th>上限</th></tr><tr><td>20人以下</td><td>2,500万円</td></tr></table>
    </main><aside>関連リンク</aside><footer>著作権表示</footer></body></html>"""
    path = tmp_path / "site" / "page.html"
    path.parent.mkdir()
    path.write_text(html, encoding="utf-8")
    [doc] = load_file(path, "site/page.html")
    assert doc.title == "補助金の案内"
    assert "## 補助率" in doc.text
    assert "補助率は2分の1です。" in doc.text
    assert "| 20人以下 | 2,500万円 |" in doc.text
    for furniture in ("トップへ戻る", "サイト共通ヘッダー", "著作権表示", "関連リンク", "スクリプト"):
        assert furniture not in doc.text


def test_a_table_of_contents_is_not_read_as_text_but_a_list_of_forms_is(tmp_path: Path) -> None:
    html = """<html><body><main><div class="toc"><p>目次</p><ul><li><a href="#a">補助上限額</a></li>
    <li><a href="#b">対象経費</a></li></ul><ol><li>対象経費</li><li>よくある</li></ol></div>
    <h2>対象経費</h2><p>対象となる経費は次のとおりです。</p><ul><li>機械装置費</li><li>広報費</li></ul>
    <h2>よくある質問</h2><p>質問と答えです。</p>
    <ul><li><a href="/files/form1.docx">様式第1号 申請書</a></li><li><a href="/files/form2.xlsx">様式第2号 経費明細</a></li></ul>
    </main></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [doc] = load_file(path, "page.html")
    assert "補助上限額" not in doc.text  # a table of contents (in-page links, or the headings) is furniture
    assert "目次\n\n## 対象経費" in doc.text, doc.text
    assert "- 機械装置費\n- 広報費" in doc.text  # a list of the page's own items stays
    assert "- 様式第1号 申請書\n- 様式第2号 経費明細" in doc.text  # forms to download are the documents to send


def make_japanese_pdf(path: Path, pages: list[str]) -> None:
    """A real PDF with Japanese text in reportlab's built-in CID font, one string per page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    pdf = canvas.Canvas(str(path))
    for text in pages:
        pdf.setFont("HeiseiKakuGo-W5", 12)
        pdf.drawString(72, 750, text)
        pdf.showPage()
    pdf.save()


def test_pdf_pages_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "yoryo.pdf"
    path.parent.mkdir()
    make_japanese_pdf(path, ["補助上限額は1,500万円です。", "口頭審査はオンラインで行います。"])
    docs = load_file(path, "demo/yoryo.pdf")
    assert [d.page for d in docs] == [1, 2]
    assert "1,500万円" in docs[0].text and "口頭審査" in docs[1].text
    assert all(d.declared is None for d in docs)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "空"),
        ("blank.txt", b"  \n\n ", "空"),
        ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "バイナリ"),
        ("broken.pdf", b"%PDF-1.7\nthis is not really a pdf", "PDF"),
        ("notes.docx", b"PK\x03\x04", "対応していない形式"),
        ("only_front_matter.md", "---\ntitle: 題名\n---\n".encode(), "本文"),
    ],
)
def test_unreadable_files_raise_a_japanese_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_file(path, name)


def test_a_web_pages_furniture_lines_are_dropped_but_its_dates_kept(tmp_path: Path) -> None:
    from ingest.loaders import load_file

    page = tmp_path / "page.txt"
    page.write_text("ホーム ＞ 事業者の方へ ＞ 助成制度\nページ番号1004523　更新日：2026年4月1日\n文字サイズ　小　中　大\n"
                    "公開日：2026年4月16日 更新日：2026年4月20日\n助成限度額は30万円です。\n", encoding="utf-8")
    text = load_file(page, "page.txt")[0].text
    assert "ページ番号" not in text and "文字サイズ" not in text and "ホーム ＞" not in text
    assert "公開日：2026年4月16日" in text and "助成限度額は30万円です。" in text


def test_html_list_items_become_bullets(tmp_path: Path) -> None:
    from ingest.loaders import load_file

    page = tmp_path / "page.html"
    page.write_text("<html><body><main><h2>対象経費</h2><p>対象経費は次のとおりです。</p>"
                    "<ul><li>建物費</li><li><p>運搬費</p></li></ul></main></body></html>", encoding="utf-8")
    text = load_file(page, "page.html")[0].text
    assert "- 建物費" in text and "- 運搬費" in text and "- 対象経費は" not in text


def test_words_of_the_text_that_look_like_buttons_are_kept(tmp_path: Path) -> None:
    from ingest.loaders import load_file

    page = tmp_path / "page.txt"
    page.write_text("シェア ポスト LINEで送る\n対象経費\n・チラシを印刷する費用\n・シェアオフィス賃料\n", encoding="utf-8")
    text = load_file(page, "page.txt")[0].text
    assert "LINEで送る" not in text and "チラシを印刷する費用" in text and "シェアオフィス賃料" in text
