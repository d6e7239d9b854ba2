"""Shared fixtures: every test gets its own store directory, and one real store of the shipped corpus.

- ``_isolated_store`` (autouse): HOJO_STORE_DIR points into the test's tmp_path, never the user's
  .store, and the settings and component caches are cleared before and after each test.
- ``built_store`` (session): the shipped corpus ingested once, with the real Sudachi tokenizer, the
  real packaged embedding model and a real Chroma collection. It returns the Settings for that store
  (``built_store.store_dir``, ``built_store.corpus_dir``); use ``built_store.model_copy(update=...)``
  for variations. Treat the store as read-only: ingest into your own tmp_path to test writing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings, get_settings


def _clear_caches() -> None:
    from assistant.components import clear_caches

    get_settings.cache_clear()
    clear_caches()


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the default store at tmp_path so no test reads or writes the user's store."""
    store = tmp_path / "store"
    monkeypatch.setenv("HOJO_STORE_DIR", str(store))
    monkeypatch.setenv("HOJO_DATA_DIR", str(tmp_path / "data"))  # chat history, users, uploads
    _clear_caches()
    yield store
    _clear_caches()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for a store holding the shipped corpus, ingested once per test session (read-only)."""
    from ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("built_store")
    settings = Settings(store_dir=root / "store", data_dir=root / "data")
    report = run_ingest([], settings)
    assert report.ok and not report.skipped, f"the shipped corpus must ingest cleanly: {report.skipped}"
    return settings
