"""Reliability: hostile and unlucky files given to ingest (issue 14). Real files, real store, real ingest.

One folder holds every bad file next to good ones and is ingested once (module fixture); each case then
checks that its file was named with its reason (or read correctly), that nothing outside the folder
reached the store, and that the good files are all there.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.retrieval.snapshot import StoreSnapshot
from assistant.retrieval.store import current_generation
from assistant.settings import Settings
from ingest.cli import ingest_with_settings
from ingest.files import BROKEN_LINK, NOT_REGULAR, OUTSIDE_LINK, UNDECODABLE_NAME, display_path
from ingest.pipeline import IngestReport, run_ingest

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[1]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for `python -m assistant` run from this checkout (not another installed copy)."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}

SECRET = "SECRET-7f3a 管理者パスワード"
GOOD = "# {title}\n## 補助金額\n{title}の補助上限額は1,500万円です。補助率は2分の1です。\n"
BOMB = "---\n" + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
) + "programme: bomb\n---\n# 爆弾ヘッダー要領\n本文はふつうに読めます。補助上限額は300万円です。\n"
MAX_MB = 3.0  # the suite's size cap: "huge" files need only be a little over it
TIMEOUT_S = 2.0  # the suite's time cap per file; good files take a fraction of it


def _pdf(path: Path) -> None:
    from test_ingest_loaders import make_japanese_pdf

    make_japanese_pdf(path, ["PDFの補助上限額は800万円です。"])


def _encrypted_pdf(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = path.with_suffix(".plain")
    _pdf(plain)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret-password")
    with open(path, "wb") as handle:
        writer.write(handle)
    plain.unlink()


def _slow_text(path: Path) -> None:
    """Under the size cap but several seconds of tokenising: the time cap stops it."""
    line = "補助事業の実施期間は交付決定日から14か月以内です。対象経費は機械装置費と建物費です。\n"
    path.write_text(line * (2_500_000 // len(line.encode())), encoding="utf-8")


# (case id, how to make it under the folder, expected reason in the report or None when it must be read)
Maker = Callable[[Path, Path], None]


def _link(target_of: Callable[[Path, Path], Path], name: str) -> Maker:
    return lambda root, outside: os.symlink(target_of(root, outside), root / name)


CASES: list[tuple[str, str, Maker, str | None]] = [
    ("symlink to a file outside", "passwd.md", _link(lambda r, o: o / "secret.md", "passwd.md"), OUTSIDE_LINK),
    ("symlink to /etc/passwd", "etc.txt", _link(lambda r, o: Path("/etc/passwd"), "etc.txt"), OUTSIDE_LINK),
    ("symlink to a folder outside", "outdir", _link(lambda r, o: o, "outdir"), OUTSIDE_LINK),
    ("relative link climbing out", "up.md", _link(lambda r, o: Path("../outside/secret.md"), "up.md"), OUTSIDE_LINK),
    ("dangling symlink", "gone.md", _link(lambda r, o: r / "nowhere.md", "gone.md"), BROKEN_LINK),
    ("symlink loop", "loop.md", lambda r, o: (os.symlink(r / "loop2.md", r / "loop.md"),
                                              os.symlink(r / "loop.md", r / "loop2.md")) and None, BROKEN_LINK),
    ("undecodable file name", "\udcff\udcfe.md",
     lambda r, o: Path(os.fsdecode(os.fsencode(str(r)) + b"/\xff\xfe.md")).write_text(GOOD.format(title="名前")),
     UNDECODABLE_NAME),
    ("Shift_JIS file name", os.fsdecode("要領".encode("cp932")) + ".md",
     lambda r, o: Path(os.fsdecode(os.fsencode(str(r)) + b"/" + "要領".encode("cp932") + b".md")).write_text("x"),
     UNDECODABLE_NAME),
    ("undecodable folder name", "\udcffdir",
     lambda r, o: (Path(os.fsdecode(os.fsencode(str(r)) + b"/\xffdir")).mkdir(),
                   Path(os.fsdecode(os.fsencode(str(r)) + b"/\xffdir/a.md")).write_text(GOOD.format(title="中"))) and None,
     UNDECODABLE_NAME),
    ("named pipe", "fifo.md", lambda r, o: os.mkfifo(r / "fifo.md"), NOT_REGULAR),
    ("file over the size cap", "huge.md",
     lambda r, o: (r / "huge.md").write_text("補助金の説明です。\n" * int(MAX_MB * 1_000_000 / 25)), "大きすぎます"),
    ("binary bytes named .md", "image.md", lambda r, o: (r / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300)),
     "バイナリ"),
    ("NUL bytes in text", "nul.txt", lambda r, o: (r / "nul.txt").write_bytes("補助金\x00です".encode() * 50), "バイナリ"),
    ("UTF-16 text", "utf16.txt", lambda r, o: (r / "utf16.txt").write_text("補助金の要領です。", encoding="utf-16"), "バイナリ"),
    ("no encoding fits", "garbled.txt", lambda r, o: (r / "garbled.txt").write_bytes(b"\xff\xfe\xfd\xfc" * 40), "文字コード"),
    ("empty file", "empty.md", lambda r, o: (r / "empty.md").write_bytes(b""), "空"),
    ("whitespace only", "blank.md", lambda r, o: (r / "blank.md").write_text(" \n\t\n\u3000\n"), "空"),
    ("front matter only", "header.md", lambda r, o: (r / "header.md").write_text("---\nprogramme: x\n---\n"), "本文"),
    ("HTML with only scripts", "script.html",
     lambda r, o: (r / "script.html").write_text("<html><script>alert(1)</script><style>p{}</style></html>"), "本文"),
    ("damaged PDF", "broken.pdf", lambda r, o: (r / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage"), "PDF"),
    ("text named .pdf", "fake.pdf", lambda r, o: (r / "fake.pdf").write_text("これはPDFではありません。"), "PDF"),
    ("password-protected PDF", "locked.pdf", lambda r, o: _encrypted_pdf(r / "locked.pdf"), "パスワード"),
    ("truncated PDF", "half.pdf", lambda r, o: (_pdf(r / "half.pdf"),
                                                (r / "half.pdf").write_bytes((r / "half.pdf").read_bytes()[:200])) and None,
     "PDF"),
    # Read, not skipped: hostile structure that must cost nothing and lose nothing.
    ("HTML nested 5,000 blocks deep", "deep.html",
     lambda r, o: (r / "deep.html").write_text("<html><body><h1>深い入れ子の要領</h1>" + "<div>" * 5000
                                               + "深い入れ子の補助上限額は700万円です。" + "</div>" * 5000 + "</body></html>"),
     None),
    ("HTML inline tags 5,000 deep", "spans.html",
     lambda r, o: (r / "spans.html").write_text("<html><body><h1>入れ子の強調</h1><p>" + "<b>" * 5000
                                                + "強調の補助率は3分の2です。" + "</b>" * 5000 + "</p></body></html>"),
     None),
    ("unclosed HTML tags", "unclosed.html",
     lambda r, o: (r / "unclosed.html").write_text("<html><body><h2>閉じない</h2><p>閉じないタグの補助率は2分の1です。<p>次の段落<ul><li>項目<li>項目二"
                                                 "<table><tr><td>表の枠<td>100万円"),
     None),
    ("YAML alias bomb in front matter", "bomb.md", lambda r, o: (r / "bomb.md").write_text(BOMB), None),
    ("YAML python tag in front matter", "tag.md",
     lambda r, o: (r / "tag.md").write_text("---\nprogramme: !!python/object/apply:os.system ['touch PWNED']\n---\n"
                                            "# タグ付きの要領\nタグ付きの補助上限額は200万円です。\n"), None),
    ("front matter that never closes", "open.md",
     lambda r, o: (r / "open.md").write_text("---\nprogramme: x\n# 閉じないヘッダーの要領\n閉じないヘッダーの補助率は4分の3です。\n"), None),
    ("one 100,000-character line", "oneline.txt",
     lambda r, o: (r / "oneline.txt").write_text("改行のない補助金の説明" * 10_000), None),
    ("CR-only line ends", "cr.txt", lambda r, o: (r / "cr.txt").write_bytes("# CRの要領\r古いMacの補助率は2分の1です。\r".encode()),
     None),
    ("EUC-JP text", "euc.txt", lambda r, o: (r / "euc.txt").write_bytes(GOOD.format(title="EUC要領").encode("euc_jp")), None),
    ("CP932 text with ①", "cp932.txt",
     lambda r, o: (r / "cp932.txt").write_bytes("# ①CP932要領\n①の補助上限額は900万円です。\n".encode("cp932")), None),
    ("control characters in text", "ctrl.md",
     lambda r, o: (r / "ctrl.md").write_text("# 制御文字の要領\n制御\x07文字の\u200b補助率は2分の1です。\n"), None),
    ("file name with a newline", "new\nline.md", lambda r, o: (r / "new\nline.md").write_text(GOOD.format(title="改行名")),
     None),
    ("link to a file inside the folder", "inner-link.md",
     lambda r, o: ((r / "real.md").write_text(GOOD.format(title="実体")), os.symlink(r / "real.md", r / "inner-link.md"))
     and None, None),
]


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Settings, IngestReport, str]:
    base = tmp_path_factory.mktemp("reliability")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"# 秘密\n{SECRET} です。\n", encoding="utf-8")
    root = base / "given"
    root.mkdir()
    for title in ("良い要領A", "良い要領B"):
        (root / f"{title}.md").write_text(GOOD.format(title=title), encoding="utf-8")
    (root / ".hidden.md").write_text(f"# 隠し\n{SECRET}\n", encoding="utf-8")
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not read: unsupported suffix")
    for _, _, make, _ in CASES:
        make(root, outside)
    settings = Settings(store_dir=base / "store", max_file_mb=MAX_MB, file_timeout_s=TIMEOUT_S)
    out = io.StringIO()
    ingest_with_settings([root], settings, out)
    report = run_ingest([root], settings)  # the unchanged re-run: the same skips, no new generation
    return root, outside, settings, report, out.getvalue()


def _stored(settings: Settings) -> list:
    return StoreSnapshot.open(settings.store_dir, settings.embed_model).nodes


@pytest.mark.parametrize(("name", "reason"), [(c[1], c[3]) for c in CASES if c[3]], ids=[c[0] for c in CASES if c[3]])
def test_a_bad_file_is_named_with_its_reason(bad_folder, name: str, reason: str) -> None:
    root, _, _, report, output = bad_folder
    lines = [line for line in output.splitlines() if line.startswith("スキップ: ")]
    mine = [line for line in lines if display_path(root / name) in line]
    assert mine, f"{name!r} not named among {lines}"
    assert reason in mine[0]
    assert any(display_path(s.path).endswith(display_path(name)) and reason in s.reason for s in report.skipped)


@pytest.mark.parametrize("source", [c[1] for c in CASES if c[3] is None], ids=[c[0] for c in CASES if c[3] is None])
def test_a_hostile_but_readable_file_is_read(bad_folder, source: str) -> None:
    _, _, settings, _, output = bad_folder
    target = "real.md" if source == "inner-link.md" else source
    assert any(n.source == target for n in _stored(settings)), output


def test_the_good_files_survive_every_bad_one_and_nothing_outside_is_read(bad_folder) -> None:
    root, _, settings, report, output = bad_folder
    nodes = _stored(settings)
    assert {"良い要領A.md", "良い要領B.md"} <= {n.source for n in nodes}
    assert all(SECRET not in n.text and "root:x:0:0" not in n.text for n in nodes)
    assert not any("秘密" in n.doc or "outside" in n.source for n in nodes)
    assert sum(1 for n in nodes if n.source in ("real.md", "inner-link.md")) == 1, "a link inside is read once"
    assert not Path("PWNED").exists() and not (root / "PWNED").exists()
    assert "Traceback" not in output and "Error" not in output
    assert not report.switched, "the re-run found nothing new"


def test_the_alias_bomb_is_refused_quickly_and_its_body_kept(bad_folder) -> None:
    _, _, settings, _, _ = bad_folder
    bomb = [n for n in _stored(settings) if n.source == "bomb.md"]
    assert bomb and bomb[0].programme != "bomb", "front matter with aliases is not trusted"
    assert "300万円" in bomb[0].text


def test_a_file_that_becomes_a_link_out_is_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "given", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.md").write_text(f"# 秘密\n{SECRET}\n", encoding="utf-8")
    (root / "a.md").write_text(GOOD.format(title="要領"), encoding="utf-8")
    (root / "b.md").write_text(GOOD.format(title="別の要領"), encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store")
    run_ingest([root], settings)
    (root / "a.md").unlink()
    os.symlink(outside / "secret.md", root / "a.md")
    report = run_ingest([root / "b.md"], settings)  # a.md is known to the store, not named this time
    assert any("リンクに置き換えられた" in s.reason for s in report.skipped)
    assert all(SECRET not in n.text for n in _stored(settings))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: None, "見つかりません"),
        (lambda p: os.symlink(p.parent / "nowhere", p), BROKEN_LINK),
        (lambda p: os.mkfifo(p), NOT_REGULAR),
        (lambda p: p.write_bytes(b"PK\x03\x04"), "対応していない形式"),
    ],
    ids=["missing path", "dangling link named", "pipe named", "unsupported file named"],
)
def test_a_bad_path_named_on_the_command_line(tmp_path: Path, make, reason: str) -> None:
    target = tmp_path / "named.docx"
    make(target)
    good = tmp_path / "good.md"
    good.write_text(GOOD.format(title="名指し"), encoding="utf-8")
    out = io.StringIO()
    code = ingest_with_settings([target, good], Settings(store_dir=tmp_path / "store"), out)
    assert code == 0 and reason in out.getvalue() and "ファイル 1件" in out.getvalue()


def test_a_folder_whose_path_is_too_long_to_open_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.walk's own error path (the one a folder without permission takes) names the folder."""
    root = tmp_path / "given"
    root.mkdir()
    (root / "good.md").write_text(GOOD.format(title="浅い"), encoding="utf-8")
    monkeypatch.chdir(root)
    for _ in range(20):  # about 5,000 characters: beyond PATH_MAX, created step by step
        Path("d" * 250).mkdir()
        os.chdir("d" * 250)
    Path("x.md").write_text("深すぎる場所", encoding="utf-8")
    os.chdir(tmp_path)
    out = io.StringIO()
    code = ingest_with_settings([root], Settings(store_dir=tmp_path / "store"), out)
    skips = [line for line in out.getvalue().splitlines() if line.startswith("スキップ")]
    assert code == 0 and len(skips) == 1 and skips[0].endswith("フォルダを開けません(名前が長すぎます)"), skips
    assert "ストアに書き込めません" not in out.getvalue()


@pytest.mark.skipif(os.geteuid() == 0, reason="root enters any folder; the path is covered by the too-long case")
def test_a_folder_without_permission_is_named_truthfully(tmp_path: Path) -> None:
    root = tmp_path / "given"
    (root / "locked").mkdir(parents=True)
    (root / "good.md").write_text(GOOD.format(title="入れる"), encoding="utf-8")
    (root / "locked" / "x.md").write_text("x", encoding="utf-8")
    (root / "locked").chmod(0)
    try:
        out = io.StringIO()
        code = ingest_with_settings([root], Settings(store_dir=tmp_path / "store"), out)
    finally:
        (root / "locked").chmod(0o755)
    assert code == 0 and "フォルダを開けません(アクセスする権限がありません)" in out.getvalue()
    assert "ストアに書き込めません" not in out.getvalue()


def test_a_store_that_cannot_be_created_is_said_in_japanese(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text(GOOD.format(title="置き場"), encoding="utf-8")
    out = io.StringIO()
    code = ingest_with_settings([good], Settings(store_dir=blocker / "store"), out)
    assert code == 1
    assert "検索用ストア" in out.getvalue() and "書き込めません(フォルダではありません)" in out.getvalue()
    assert "Errno" not in out.getvalue() and "Not a directory" not in out.getvalue()


def test_a_file_over_the_time_cap_is_named_with_its_reason(tmp_path: Path) -> None:
    """A cap far below what 2.5 MB of tokenising costs on any machine, so the outcome does not hang on speed."""
    root = tmp_path / "given"
    root.mkdir()
    _slow_text(root / "a_slow.md")
    out = io.StringIO()
    ingest_with_settings([root], Settings(store_dir=tmp_path / "store", file_timeout_s=0.05), out)
    lines = [line for line in out.getvalue().splitlines() if "a_slow.md" in line]
    assert lines and "秒以上かかった" in lines[0], out.getvalue()


def test_progress_is_shown_off_a_terminal_for_a_large_file(tmp_path: Path) -> None:
    root = tmp_path / "given"
    root.mkdir()
    _slow_text(root / "large.md")
    env = cli_env(HOJO_STORE_DIR=str(tmp_path / "store"), HOJO_FILE_TIMEOUT_S="0.05")
    done = subprocess.run([sys.executable, "-m", "assistant", "ingest", str(root)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=240)
    assert "読み込み中 1/1: large.md(2.5 MB)" in done.stderr, done.stderr
    assert "秒以上かかったため中止しました" in done.stdout and "Traceback" not in done.stderr + done.stdout


def test_ctrl_c_during_ingest_exits_quietly_and_keeps_the_store(tmp_path: Path) -> None:
    root = tmp_path / "given"
    root.mkdir()
    _slow_text(root / "large.md")
    env = cli_env(HOJO_STORE_DIR=str(tmp_path / "store"))
    process = subprocess.Popen([sys.executable, "-m", "assistant", "ingest", str(root)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    seen = ""
    while "読み込み中" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "中断しました" in err and "Traceback" not in err + out and "KeyboardInterrupt" not in err
    assert current_generation(tmp_path / "store") is None


def test_a_reader_forked_while_another_thread_tokenizes_does_not_hang(tmp_path: Path) -> None:
    """The chat server reads an upload in a forked worker while it answers a question with the same
    tokenizer: the worker must not inherit the tokenizer's lock held (it then waited for ever)."""
    import multiprocessing
    import threading

    from assistant import tokenizer

    tokenizer.tokenize("補助金")  # the dictionary is loaded, as in a running server
    holding = threading.Event()

    def answer_meanwhile() -> None:
        with tokenizer._lock:  # another thread is inside a tokenization when the fork is asked for
            holding.set()
            time.sleep(1.0)

    thread = threading.Thread(target=answer_meanwhile)
    thread.start()
    holding.wait()
    worker = multiprocessing.get_context("fork").Process(target=tokenizer.tokenize, args=("補助上限額",))
    worker.start()
    worker.join(30)
    thread.join()
    hung = worker.exitcode is None
    if hung:
        worker.kill()
        worker.join()
    assert not hung and worker.exitcode == 0
