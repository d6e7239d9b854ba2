"""Question forms in the real chat UI: the first line of each answer answers its question.

One yes/no, one multi-part and one consortium follow-up, asked in Debian's Chromium against a real
`chainlit run` server on the test store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright
from ui_helpers import (
    ChainlitServer,
    ChatPage,
    launch_browser,
    offline_context,
    settings_env,
    with_own_history,
)

from assistant.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chat(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatPage]:
    workdir = tmp_path_factory.mktemp("chainlit_forms")
    server = ChainlitServer(settings_env(with_own_history(built_store, workdir)), workdir)
    server.start()
    try:
        with sync_playwright() as playwright:
            browser: Browser = launch_browser(playwright)
            with offline_context(browser, "ja-JP") as context:
                yield ChatPage(context.new_page(), server.url).open()
            browser.close()
    finally:
        server.stop()


def first_line(text: str) -> str:
    return text.strip().splitlines()[0]


def test_yes_no_multi_part_and_consortium_follow_up_lead_with_their_answers(chat: ChatPage) -> None:
    yes_no = chat.ask("輸出支援エコシステム補助金で、一般社団法人はコア事業者になれますか?").inner_text()
    assert "はい、" in first_line(yes_no) and "一般社団法人" in yes_no

    parts = chat.ask("輸出支援エコシステム補助金の補助上限額と採択予定件数を教えてください").inner_text()
    assert "2,000万円" in parts and "4件" in parts

    chat.ask("輸出支援エコシステム補助金で、中小企業2社と大企業1社で申請できますか?")
    follow_up = chat.ask("大企業をもう1社加えたら?").inner_text()
    assert "満たしていません" in first_line(follow_up) and "2者/全4者" in follow_up
