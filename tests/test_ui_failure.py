"""An engine failure in the UI: a Japanese apology, the chat stays usable and the server stays up.

Damaged store files no longer fail a question (the query encoder falls back, see test_reliability_store),
so the failure is a bug put into the real server process from outside: a `sitecustomize` on its
PYTHONPATH makes `Engine.answer` raise for any message about 投資, as an unforeseen bug would. Everything
else (Chainlit, the store, the browser) is real, and a reset (which needs no answer) still works.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from ui_helpers import (
    ChainlitServer,
    ChatPage,
    launch_browser,
    offline_context,
    settings_env,
    with_own_history,
)

from assistant.app import APOLOGY
from assistant.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FAULT = """
import assistant.engine as engine

_answer = engine.Engine.answer


def _broken(self, text, state, programme=None):
    if "投資" in text:
        raise RuntimeError("a bug inside the engine")
    return _answer(self, text, state, programme)


engine.Engine.answer = _broken
"""


@pytest.fixture(scope="module")
def broken_server(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChainlitServer]:
    workdir = tmp_path_factory.mktemp("chainlit_broken")
    fault = workdir / "fault"
    fault.mkdir()
    (fault / "sitecustomize.py").write_text(FAULT, encoding="utf-8")
    env = settings_env(with_own_history(built_store, workdir))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(fault), env.get("PYTHONPATH", "")) if p)
    running = ChainlitServer(env, workdir)
    running.start()
    yield running
    running.stop()


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
                assert "Error" not in failed.inner_text() and "bug" not in failed.inner_text()
            except BaseException:
                chat.screenshot(tmp_path / "failure.png")
                (tmp_path / "server.log").write_text(broken_server.log(), encoding="utf-8")
                raise
        browser.close()
