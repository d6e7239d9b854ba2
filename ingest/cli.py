"""`python -m assistant ingest [PATH...] [--store DIR]`: bring the store up to date and say what happened, in Japanese."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from assistant.os_errors import describe_message, describe_os_error
from assistant.programmes import Programme
from assistant.settings import Settings, get_settings
from ingest.files import display_path
from ingest.pipeline import IngestReport, run_ingest

log = logging.getLogger(__name__)


def run_ingest_command(paths: list[Path], store: Path | None, out: TextIO | None = None) -> int:
    """Ingest paths (default: the shipped corpus) into the store; 0 unless nothing could be ingested."""
    out = out or sys.stdout
    settings = get_settings()
    if store is not None:
        settings = settings.model_copy(update={"store_dir": Path(store)})
    return ingest_with_settings(paths, settings, out)


def ingest_with_settings(paths: list[Path], settings: Settings, out: TextIO) -> int:
    from assistant.components import ComponentError

    targets = paths or [Path(settings.corpus_dir)]
    print(f"取り込み: {', '.join(str(p) for p in targets)} → ストア {settings.store_dir}", file=out, flush=True)
    try:
        report = run_ingest(paths, settings, show_progress=True)
    except ComponentError as exc:
        print(f"取り込みを中止しました: {exc}", file=out)
        return 1
    except OSError as exc:
        print(f"取り込みを中止しました: {_where(exc, settings)}({describe_os_error(exc)})。"
              "検索用ストアは以前の状態のままです。", file=out)
        return 1
    except Exception as exc:  # the current store is untouched; say so rather than dump a traceback
        log.debug("ingest failed", exc_info=True)
        reason = describe_message(str(exc)) or "予期しないエラーが起きました"
        print(f"取り込みを中止しました({reason})。検索用ストアは以前の状態のままです。", file=out)
        return 1
    print(format_report(report), file=out)
    return 0 if report.ok else 1


def _where(exc: OSError, settings: Settings) -> str:
    """What could not be written or read: the store, or the path the error names."""
    name = Path(str(exc.filename)) if exc.filename else None
    store = Path(settings.store_dir).resolve()
    if name is None or name.resolve() == store or store in name.resolve().parents:
        return f"検索用ストア({display_path(settings.store_dir)})に書き込めません"
    return f"{display_path(name)} を読み書きできません"


def programme_lines(programmes: Sequence[Programme]) -> list[str]:
    """One line per programme: its name, issuer, round and date where known, and whether it calculates."""
    from assistant.calculator import calculator_for

    lines = []
    for p in programmes:
        details = [d for d in (p.issuer, p.call_round, p.as_of and f"{p.as_of:%Y年%m月%d日}時点") if d]
        details.append("計算機あり" if calculator_for(p) else "本文から回答")
        docs = f"、文書{len(p.documents)}件" if p.documents else ""
        lines.append(f"{p.official_name}({'・'.join(details)}{docs})")
    return lines


def format_report(report: IngestReport) -> str:
    """The Japanese summary: skipped files with reasons first, then counts and time."""
    lines: list[str] = []
    for skipped in report.skipped:
        lines.append(f"スキップ: {skipped.shown} — {skipped.reason}")
    if report.rebuild_reason:
        lines.append(f"{report.rebuild_reason}ため、ストアを作り直しました。")
    if not report.ok:
        lines.append("取り込めるファイルが1件もありませんでした。パスと形式(.md .txt .html .pdf)を確認してください。")
    elif not report.switched:
        lines.append("変更はありません。ストアは最新です。")
    for problem in report.rules_problems:
        lines.append(f"計算ルールを使えません: {problem}")
    if report.programmes:
        lines.append(f"収録している制度({len(report.programmes)}件):")
        lines.extend(f"  - {line}" for line in programme_lines(report.programmes))
    lines.append(
        f"完了: ファイル {report.files}件(更新 {report.updated}件・変更なし {report.unchanged}件・"
        f"削除 {report.removed}件)、チャンク {report.chunks}件(うち埋め込み {report.embedded}件)、"
        f"スキップ {len(report.skipped)}件、{report.seconds:.1f}秒"
    )
    return "\n".join(lines)
