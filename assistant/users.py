"""Who may use the chat: a file of users with salted password hashes, and the sign-in policy.

Hashes are scrypt (stdlib hashlib) with a random salt per user, so the file can sit on a shared disk
without giving away passwords; nothing else in it is secret. The policy decides, from the address the
server binds and whether users exist, how people sign in (see `sign_in_mode`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Literal

Role = Literal["admin", "member"]
LOCAL_USER = "local"
# scrypt work factors: about 50 ms per check on one core, memory 16 MB (n * r * 128 bytes).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


class UsersError(ValueError):
    """A users file or a user name that cannot be used; the message is one Japanese sentence."""


@dataclass(frozen=True)
class UserRecord:
    """One user as stored: name, role, and the scrypt hash of their password with its salt (hex)."""

    name: str
    role: Role
    salt: str
    hash: str

    def verify(self, password: str) -> bool:
        return hmac.compare_digest(_hash(password, bytes.fromhex(self.salt)), self.hash)


def _hash(password: str, salt: bytes) -> str:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **_SCRYPT).hex()


def new_record(name: str, password: str, role: Role = "member") -> UserRecord:
    check_name(name)
    if len(password) < 8:
        raise UsersError("パスワードは8文字以上にしてください。")
    salt = secrets.token_bytes(16)
    return UserRecord(name=name, role=role, salt=salt.hex(), hash=_hash(password, salt))


def check_name(name: str) -> None:
    if not name or len(name) > 64 or not set(name) <= _NAME_CHARS:
        raise UsersError("ユーザー名は半角英数字と . _ - @ で、64文字以内にしてください。")


def read_users(path: Path) -> dict[str, UserRecord]:
    """The users in the file; none when it does not exist. A damaged file is an error, never 'no users'."""
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {r["name"]: UserRecord(name=r["name"], role=r["role"], salt=r["salt"], hash=r["hash"])
                for r in raw["users"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsersError(f"ユーザーファイル {path} を読めません({exc})。") from exc


def write_users(path: Path, users: dict[str, UserRecord]) -> None:
    """Replace the file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    payload = {"users": [asdict(u) for u in sorted(users.values(), key=lambda u: u.name)]}
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def add_user(path: Path, name: str, password: str, role: Role = "member") -> UserRecord:
    """Add a user or change an existing user's password and role."""
    users = read_users(path)
    record = new_record(name, password, role)
    users[name] = record
    write_users(path, users)
    return record


def remove_user(path: Path, name: str) -> bool:
    users = read_users(path)
    if users.pop(name, None) is None:
        return False
    write_users(path, users)
    return True


def authenticate(path: Path, name: str, password: str) -> UserRecord | None:
    record = read_users(path).get(name)
    return record if record is not None and record.verify(password) else None


# --- the sign-in policy ---------------------------------------------------------------------------

class SignIn(Enum):
    """How the server lets people in."""

    LOCAL = "local"  # loopback only and no users: one implicit local user, so history still works
    ACCOUNTS = "accounts"  # users from the file (and/or a trusted proxy header) must sign in


REFUSAL = (
    "127.0.0.1 以外で待ち受けるにはサインインが必要です。`python -m assistant users add NAME` でユーザーを追加するか、"
    "HOJO_AUTH_HEADER を設定してください。 / Serving on an address other than loopback requires sign-in: add a user "
    "with `python -m assistant users add NAME` or set HOJO_AUTH_HEADER."
)


def is_loopback(host: str) -> bool:
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def sign_in_mode(host: str, has_users: bool, auth_header: str) -> SignIn:
    """LOCAL on loopback without users or proxy header; else ACCOUNTS, refused when nobody could sign in."""
    if has_users or auth_header:
        return SignIn.ACCOUNTS
    if is_loopback(host):
        return SignIn.LOCAL
    raise UsersError(REFUSAL)


def auth_secret(data_dir: Path) -> str:
    """The secret that signs session tokens: created once in data_dir so sign-ins survive a restart."""
    path = data_dir / "auth_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret
