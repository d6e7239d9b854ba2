"""The one error a caller of retrieval needs to show: the store is missing, stale or broken (Japanese)."""

from __future__ import annotations

from pathlib import Path

INGEST_COMMAND = "python -m assistant ingest"


class StoreError(Exception):
    """The search store cannot answer; str(error) is one Japanese sentence telling the user what to do.

    detail is the part that says what is wrong, without the advice (the doctor lists several).
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message

    @classmethod
    def missing(cls, store_dir: Path) -> StoreError:
        return cls(
            f"検索用ストア({store_dir})がまだないため、先に `{INGEST_COMMAND}` を実行して公募要領を取り込んでください。",
            "まだありません",
        )

    @classmethod
    def stale(cls, store_dir: Path, what: str) -> StoreError:
        return cls(
            f"検索用ストア({store_dir})は{what}で作られているため、`{INGEST_COMMAND}` で取り込み直してください。",
            f"{what}で作られています",
        )

    @classmethod
    def corrupt(cls, store_dir: Path, detail: str = "") -> StoreError:
        reason = f"({detail})" if detail else ""
        return cls(f"検索用ストア({store_dir})が壊れているため{reason}、`{INGEST_COMMAND}` で取り込み直してください。",
                   detail or "壊れています")
