"""The Japanese chat UI end to end: one real `chainlit run` server on the test store, Debian's Chromium.

Each test opens its pages in fresh browser contexts (each its own Chainlit session). On failure the
pages are screenshotted into the test's tmp dir, next to a copy of the server log.

Set UI_SCREENSHOT_PATH=docs/screenshot.png to also save the calculation answer for the README.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from ui_helpers import (
    TOOL_STEP,
    USER_MESSAGE,
    ChainlitServer,
    ChatPage,
    launch_browser,
    offline_context,
    settings_env,
    with_own_history,
)

from assistant.engine import RESET_REPLY
from assistant.programmes import folder_catalogue
from assistant.settings import Settings
from assistant.ui_render import as_of_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Answers about one programme lead with its name, so a figure is never read as another programme's.
LEAD = "【中小企業新事業進出補助金】"
CALCULATION_QUESTION = "従業員30人で4,000万円を投資したら補助額は?"
OpenPage = Callable[..., ChatPage]


@pytest.fixture(scope="module")
def server(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChainlitServer]:
    workdir = tmp_path_factory.mktemp("chainlit")
    running = ChainlitServer(settings_env(with_own_history(built_store, workdir)), workdir)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser, server: ChainlitServer, request: pytest.FixtureRequest,
              tmp_path: Path) -> Iterator[OpenPage]:
    """Opens chat pages, each in its own browser context; screenshots them if the test fails."""
    failed_before = request.session.testsfailed
    opened: list[ChatPage] = []
    with ExitStack() as stack:
        def open_chat(locale: str = "ja-JP") -> ChatPage:
            context = stack.enter_context(offline_context(browser, locale))
            chat = ChatPage(context.new_page(), server.url).open()
            opened.append(chat)
            return chat

        yield open_chat
        if request.session.testsfailed > failed_before:  # this test's call phase has just failed
            for number, chat in enumerate(opened, start=1):
                chat.screenshot(tmp_path / f"failure-page{number}.png")
            (tmp_path / "server.log").write_text(server.log(), encoding="utf-8")
            print(f"UI failure screenshots and server log: {tmp_path}")


def test_welcome_page_is_japanese_with_programmes_starters_and_disclaimer(
    open_page: OpenPage, built_store: Settings
) -> None:
    chat = open_page(locale="en-US")  # the language is forced: an English browser still gets Japanese
    labels = chat.page.locator("#starters button").all_inner_texts()
    assert len(labels) >= 4
    for topic in ("補助額", "連携体", "中小企業", "締切"):
        assert any(topic in label for label in labels), (topic, labels)

    welcome = chat.page.locator("#welcome-screen").inner_text()
    programmes = folder_catalogue(built_store.corpus_dir)
    assert len(programmes) == 2
    for programme in programmes.values():
        assert programme.official_name in welcome
        assert as_of_text(programme) in welcome
    assert "法的な助言ではありません" in welcome
    assert "公募要領本体" in welcome
    assert (chat.input.get_attribute("placeholder") or "").startswith("補助金について")

    chat.page.get_by_role("button", name="説明書").click()  # Chainlit's translation, then our guide
    assert "回答の見方" in chat.page.get_by_role("dialog").inner_text()


def test_calculation_answer_shows_amount_sources_and_trace(open_page: OpenPage) -> None:
    chat = open_page()
    reply = chat.ask(CALCULATION_QUESTION)
    text = reply.inner_text()
    assert text.startswith(LEAD + "補助額は2,000万円")
    assert "<" not in text and "\\" not in text  # escaping never shows through

    links = reply.locator("a.element-link")
    assert links.count() >= 2
    names = links.all_inner_texts()
    # Numbered per answer (出典<answer>-<n>) so two answers never share an element name.
    assert all(name.startswith(f"出典1-{n}: ") for n, name in enumerate(names, start=1)), names
    cap_link = reply.locator("a.element-link", has_text="従業員規模別の補助上限額")
    cap_link.click()
    side = chat.page.locator("#side-view-content")
    side.wait_for()
    passage = side.inner_text()
    # The whole passage: the quoted band and the other bands of the same table and section.
    assert "21人以上50人以下の場合、補助上限額は4,000万円です" in passage
    assert "101人以上" in passage and "7,000万円" in passage
    if os.environ.get("UI_SCREENSHOT_PATH"):
        chat.page.mouse.move(0, 0)
        chat.screenshot(Path(os.environ["UI_SCREENSHOT_PATH"]))

    trace_button = chat.page.locator(TOOL_STEP).locator("button", has_text="計算の根拠")
    assert trace_button.count() == 1
    trace_button.click()
    trace = chat.page.locator(TOOL_STEP).inner_text()
    for expected in ("常勤従業員数 30人", "補助上限額", "4,000万円", "補助率: 1/2", "根拠:", "2,000万円"):
        assert expected in trace, expected


def test_three_turn_dialog_asks_for_missing_inputs_then_calculates_then_resets(open_page: OpenPage) -> None:
    chat = open_page()
    first = chat.ask("新事業進出補助金の補助額はいくらになりますか?").inner_text()
    assert "確認させてください" in first and "常勤従業員数" in first and "投資額" in first
    assert not first.startswith(LEAD + "補助額は")  # no amount without the inputs

    second = chat.ask("従業員は30人です").inner_text()
    assert "投資額" in second and "教えてください" in second
    assert "常勤従業員数を教えて" not in second  # the 30 persons were kept

    third = chat.ask("投資額は4,000万円")
    assert third.inner_text().startswith(LEAD + "補助額は2,000万円")
    steps_before = chat.page.locator(TOOL_STEP).count()
    assert steps_before >= 1

    third.get_by_role("button", name="最初から").click()
    assert RESET_REPLY in chat.wait_for_reply().inner_text()
    after_reset = chat.ask("投資額は1億円").inner_text()
    assert "補助額は" not in after_reset  # employees and programme were forgotten: nothing to calculate
    assert chat.page.locator(TOOL_STEP).count() == steps_before


def test_two_pages_at_once_keep_separate_dialog_states(open_page: OpenPage, server: ChainlitServer) -> None:
    small, larger = open_page(), open_page()
    small.send("新事業進出補助金で従業員30人の場合の補助額は?")
    larger.send("新事業進出補助金で従業員80人の場合の補助額は?")
    assert "投資額" in small.wait_for_reply().inner_text()
    assert "投資額" in larger.wait_for_reply().inner_text()

    small.send("投資額は1億円")
    larger.send("投資額は1億円")
    # 1億円 × 1/2 = 5,000万円: capped at 4,000万円 for 21-50 persons, under the 5,500万円 cap for 51-100.
    assert small.wait_for_reply().inner_text().startswith(LEAD + "補助額は4,000万円")
    assert larger.wait_for_reply().inner_text().startswith(LEAD + "補助額は5,000万円")
    assert server.log().count("Answer engine created") == 1  # one engine per server, not per session


def test_blank_and_markup_only_messages_get_a_japanese_reply(open_page: OpenPage) -> None:
    chat = open_page()
    chat.input.fill("   \n  ")
    assert chat.submit.is_disabled()  # Chainlit refuses to send blank input
    chat.input.press("Enter")
    chat.page.wait_for_timeout(500)
    assert chat.page.locator(USER_MESSAGE).count() == 0

    reply = chat.ask("<p></p>")  # empty once markup is stripped: the engine's "empty question" reply
    assert "ご質問が空のようです" in reply.inner_text()
    user_message = chat.page.locator(USER_MESSAGE).last
    assert user_message.inner_text().strip() == "<p></p>"  # shown as typed, never rendered as HTML
    assert user_message.locator("p").count() == 0

    assert "2分の1" in chat.ask("新事業進出補助金の補助率は?").inner_text()  # still usable


def test_ten_thousand_character_message_gets_a_japanese_reply(open_page: OpenPage) -> None:
    chat = open_page()
    reply = chat.ask("補助額について教えてください。" + "あ" * 10_000)
    assert "長すぎます" in reply.inner_text()
    assert chat.ask(CALCULATION_QUESTION).inner_text().startswith(LEAD + "補助額は2,000万円")


def test_settings_pin_the_programme_and_hide_the_trace(open_page: OpenPage, built_store: Settings) -> None:
    chat = open_page()
    export = folder_catalogue(built_store.corpus_dir)["export_ecosystem"]
    chat.page.locator("#chat-settings-open-modal").click()
    chat.page.locator("#programme").click()
    chat.page.get_by_role("option", name=export.official_name).click()
    chat.page.locator("#show_trace").click()
    assert chat.page.locator("#show_trace").get_attribute("aria-checked") == "false"
    chat.page.locator("#confirm").click()

    text = chat.ask("補助上限額はいくらですか?").inner_text()
    assert "1件あたり2,000万円" in text  # the export programme's cap, from its calculator rule
    assert "制度ごと" not in text and "2,500万円" not in text  # not both programmes
    assert chat.page.locator(TOOL_STEP).count() == 0  # a calculation, but its trace is hidden
