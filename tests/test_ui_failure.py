"""An engine failure in the UI: a Japanese apology, the chat stays usable and the server stays up.

The failure is a real one: the server reads a copy of the store whose query encoder file is garbled, so
every search raises inside onnxruntime; a reset (which needs no search) still answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from ui_helpers import ChainlitServer, ChatPage, launch_browser, offline_context, settings_env

from assistant.app import APOLOGY
from assistant.settings import MINILM_MODEL, Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def broken_server(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChainlitServer]:
    from ingest.pipeline import run_ingest

    workdir = tmp_path_factory.mktemp("chainlit_broken")
    # MiniLM's query encoder is an ONNX file exported into the store at ingest: a file we can break.
    settings = built_store.model_copy(update={"store_dir": workdir / "store", "embed_model": MINILM_MODEL})
    assert run_ingest([], settings).ok
    garbled = [f for f in (settings.store_dir / "query-encoder").rglob("*") if f.is_file()]
    assert garbled, "the packaged MiniLM's query encoder is exported at ingest"
    for file in garbled:
        file.write_bytes(b"not a model" * 100)
    running = ChainlitServer(settings_env(settings), workdir)
    running.start()
    yield running
    running.stop()


@pytest.mark.skip(reason="fails since chat history and the server guard were merged together (page navigates to /thread/<id>); open in the issue note")
def test_engine_failure_gives_an_apology_and_the_chat_goes_on(broken_server: ChainlitServer,
                                                               tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        with offline_context(browser) as context:
            chat = ChatPage(context.new_page(), broken_server.url).open()
            try:
                failed = chat.ask("従業員30人で4,000万円を投資したら補助額は?")
                assert failed.inner_text().startswith(APOLOGY)
                assert failed.get_by_role("button", name="最初から").count() == 1

                working = chat.ask("/reset").inner_text()
                assert "リセット" in working  # the chat goes on
                assert broken_server.alive()
                assert "Answering failed" in broken_server.log()  # logged with its traceback for the operator
                assert "Error" not in failed.inner_text()
            except BaseException:
                chat.screenshot(tmp_path / "failure.png")
                (tmp_path / "server.log").write_text(broken_server.log(), encoding="utf-8")
                raise
        browser.close()
