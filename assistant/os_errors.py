"""Operating-system and SQLite failures in plain Japanese: users never see 「Permission denied」 or
「database or disk is full」, only what happened and what they can do about it."""

from __future__ import annotations

import errno

_BY_ERRNO = {
    errno.EACCES: "アクセスする権限がありません",
    errno.EPERM: "アクセスする権限がありません",
    errno.ENOENT: "見つかりません",
    errno.ENOTDIR: "フォルダではありません",
    errno.EISDIR: "フォルダです",
    errno.ENOSPC: "ディスクの空き容量が足りません",
    errno.EDQUOT: "ディスクの使用量の上限に達しています",
    errno.EROFS: "読み取り専用の場所です",
    errno.EIO: "ディスクの読み書きでエラーが起きました",
    errno.ELOOP: "リンクが循環しているか、リンクを開けません",
    errno.ENAMETOOLONG: "名前が長すぎます",
    errno.EMFILE: "開いているファイルが多すぎます",
    errno.ENFILE: "開いているファイルが多すぎます",
    errno.EBUSY: "ほかの処理が使用中です",
    errno.ETXTBSY: "ほかの処理が使用中です",
    errno.ENOMEM: "メモリが足りません",
}

# SQLite (Chroma's metadata store) reports these as text, without an errno.
_BY_MESSAGE = (
    ("database or disk is full", "ディスクの空き容量が足りません"),
    ("disk i/o error", "ディスクの読み書きでエラーが起きました"),
    ("readonly database", "読み取り専用の場所です"),
    ("read-only", "読み取り専用の場所です"),
    ("database is locked", "ほかの処理が使用中です"),
    ("unable to open database", "データベースのファイルを開けません"),
    ("file is not a database", "データベースのファイルが壊れています"),
    ("malformed", "データベースのファイルが壊れています"),
    ("permission denied", "アクセスする権限がありません"),
    ("no space left", "ディスクの空き容量が足りません"),
)


def describe_os_error(exc: BaseException) -> str:
    """A short Japanese phrase for a failed file or database operation (no English, no traceback)."""
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code in _BY_ERRNO:
        return _BY_ERRNO[code]
    known = describe_message(str(exc))
    if known:
        return known
    return f"読み書きに失敗しました(エラー番号 {code})" if isinstance(code, int) else "読み書きに失敗しました"


def describe_message(message: str) -> str | None:
    """The Japanese phrase for a library's English error text, when it is one we know."""
    lowered = message.lower()
    for needle, phrase in _BY_MESSAGE:
        if needle in lowered:
            return phrase
    return None
