"""Browser-test helpers: a real `chainlit run assistant/app.py -h` subprocess and Playwright pages on it.

Chromium is Debian's (/usr/bin/chromium, never `playwright install`); requests leaving 127.0.0.1 (the
Google font and KaTeX stylesheets Chainlit's page links to) are aborted so tests run offline and fast.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from assistant.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
# The chainlit script of the interpreter running the tests (the repository's .venv under `make test`).
CHAINLIT = Path(sys.executable).parent / "chainlit"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
NOT_LOCAL = re.compile(r"^https?://(?!(127\.0\.0\.1|localhost)[:/])")
# The first answer waits for the engine's warm-up (embedding model, store) on a 2-core CI machine.
FIRST_ANSWER_TIMEOUT_MS = 180_000
ANSWER_TIMEOUT_MS = 60_000

# Where Chainlit moves a new chat once its first message is saved (a client-side route change that
# re-mounts the input box, dropping whatever was typed or attached in it meanwhile).
SAVED_THREAD_URL = re.compile(r"/thread/[^/?#]+$")

ASSISTANT_MESSAGE = "[data-step-type=assistant_message]"
USER_MESSAGE = "[data-step-type=user_message]"
TOOL_STEP = "[data-step-type=tool]"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_own_history(settings: Settings, workdir: Path) -> Settings:
    """These settings with a chat-history database of the server's own.

    Servers that share one history database share its threads: a load test's hundreds of chats then
    slow every later server's thread list, and with it Chainlit's switch to /thread/<id>.
    """
    return settings.model_copy(update={"data_dir": workdir / "data"})


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process read exactly these settings (HOJO_ prefix)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOJO_")}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is not None:
            env[f"HOJO_{name.upper()}"] = str(value)
    return env


# What Chainlit reads from its app root (CHAINLIT_APP_ROOT, else the working directory).
APP_ROOT_FILES = (".chainlit/config.toml", ".chainlit/translations/ja.json", "chainlit.md", "chainlit_ja.md",
                  "public/hojo.js", "public/avatar.svg")


def make_app_root(folder: Path) -> Path:
    """An app root holding copies of the repository's Chainlit config and welcome files.

    Chainlit keeps element files in <app root>/.files and deletes that folder when it shuts down, so a
    test server must not share the repository's app root with another running server. Copies, not
    symlinks: Chainlit ignores a chainlit_ja.md that resolves outside its app root.
    """
    for name in APP_ROOT_FILES:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / name, target)
    return folder


class ChainlitServer:
    """`chainlit run assistant/app.py -h` on a free port in its own app root, its output in a log file."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.app_root = make_app_root(workdir / "app_root")
        self.env = {**env, "CHAINLIT_APP_ROOT": str(self.app_root)}
        self.log_path = workdir / "server.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 90) -> None:
        app = str(REPO_ROOT / "assistant" / "app.py")
        command = [str(CHAINLIT), "run", app, "-h", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=self.app_root, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chainlit exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"chainlit did not listen on {self.port} within {timeout_s}s:\n{self.log()[-3000:]}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def wait_until_ready(page: Page, timeout_ms: int = 90_000) -> None:
    """Wait until the page is signed in and its chat session is open.

    A fresh page is first shown without a user, then sent to /login (a full navigation), signed in there
    (header or local sign-in) and brought back: anything typed, attached or evaluated before that is lost
    with the first page. The user menu shows once it is over; the settings button once on_chat_start's
    settings came over the socket, i.e. the server knows the session (an upload before that is refused
    with "Session not found")."""
    page.locator("#user-nav-button").wait_for(timeout=timeout_ms)
    page.locator("#chat-input").wait_for(timeout=timeout_ms)
    page.locator("#chat-settings-open-modal").wait_for(timeout=timeout_ms)


def launch_browser(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def offline_context(browser: Browser, locale: str = "ja-JP") -> Iterator[BrowserContext]:
    """A fresh browser context (its own cookies, so its own Chainlit session) that stays on 127.0.0.1."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.route(NOT_LOCAL, lambda route: route.abort())
    try:
        yield context
    finally:
        context.close()


class ChatPage:
    """One browser tab of the chat: open it, send messages, wait for and read the replies."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.answered = 0

    def open(self) -> ChatPage:
        self.page.goto(self.url)
        wait_until_ready(self.page)
        self.page.locator("#starters").wait_for(timeout=60_000)
        return self

    @property
    def input(self) -> Locator:
        return self.page.locator("#chat-input")

    @property
    def submit(self) -> Locator:
        return self.page.locator("#chat-submit")

    def replies(self) -> Locator:
        return self.page.locator(ASSISTANT_MESSAGE)

    def send(self, text: str) -> None:
        """Type and send; the button stays disabled while the previous answer's run finishes (its sources,
        history write and actions come after its text), so wait for it as long as for an answer.

        The text is typed again if the input box was re-mounted under it (Chainlit's move to the saved
        thread's URL can land at any moment after the first answer): a sent message shows as a new user
        message, and that is what is waited for."""
        sent = self.page.locator(USER_MESSAGE).count()
        expect(self.page.locator("#stop-button")).to_have_count(0, timeout=ANSWER_TIMEOUT_MS)
        for _ in range(3):
            self.input.fill(text)
            try:
                expect(self.input).to_have_value(text)
                self.submit.click(timeout=10_000)
                expect(self.page.locator(USER_MESSAGE)).to_have_count(sent + 1, timeout=10_000)
                return
            except (AssertionError, PlaywrightTimeoutError):
                continue
        raise AssertionError(f"the message was not sent after three tries: {text[:40]}")

    def ask(self, text: str) -> Locator:
        """Send a message and return the assistant's reply to it (the newest assistant message)."""
        self.send(text)
        return self.wait_for_reply()

    def wait_for_reply(self) -> Locator:
        timeout = FIRST_ANSWER_TIMEOUT_MS if self.answered == 0 else ANSWER_TIMEOUT_MS
        self.replies().nth(self.answered).wait_for(timeout=timeout)
        if self.answered == 0:
            self.settle()
        self.answered = self.replies().count()
        return self.replies().nth(self.answered - 1)

    def settle(self) -> None:
        """Wait for the chat's move to its saved thread's URL after its first answer (see SAVED_THREAD_URL).

        The sidebar's chat list makes that move, so a page without it (a phone's closed sidebar) stays."""
        if self.page.locator("#thread-history").count():
            self.page.wait_for_url(SAVED_THREAD_URL, wait_until="commit", timeout=ANSWER_TIMEOUT_MS)

    def click_starter(self, label: str) -> Locator:
        self.page.locator("#starters button", has_text=label).click()
        return self.wait_for_reply()

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path), full_page=False)
