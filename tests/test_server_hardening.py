"""The chat server under a stranger's page, a flood and a crowd: one real `chainlit run` on 127.0.0.1.

- A foreign Origin is refused for HTTP (no CORS reflection), for the socket.io polling handshake and for
  the websocket handshake; the server's own origin and a listed one (HOJO_ALLOWED_ORIGINS) are served.
- 100 sessions at once, each a two-turn calculation sent without waiting for on_chat_start, each get their
  own figures (no cross-talk, no state lost to on_chat_start), with no error in the server log and no
  element file written under .files/.
- Messages over a session's rate get a polite Japanese request to wait; sockets over the cap are refused
  with a Japanese message, and a freed place can be taken again.
Every loop is bounded by a timeout; the server is stopped by its PID.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio
from ui_helpers import ChainlitServer, settings_env, with_own_history
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus

from assistant.server_guard import REFUSED_ORIGIN, TOO_MANY_CONNECTIONS
from assistant.settings import Settings
from eval.load import ChatSocket, measure_load

pytestmark = [pytest.mark.slow]

LISTED = "https://hojo.example.jp"
FOREIGN = "http://127.0.0.1:1"  # another port on the same machine: a page the user happens to visit
MESSAGES_PER_MINUTE = 3
MAX_CONNECTIONS = 110  # above the 100 concurrent sessions the load test holds


@pytest.fixture(scope="module")
def server(built_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChainlitServer]:
    workdir = tmp_path_factory.mktemp("hardened")
    env = settings_env(with_own_history(built_store, workdir)) | {
        "HOJO_ALLOWED_ORIGINS": LISTED,
        "HOJO_MESSAGES_PER_MINUTE": str(MESSAGES_PER_MINUTE),
        "HOJO_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    running = ChainlitServer(env, workdir)
    running.start()
    yield running
    running.stop()


def http_get(url: str, origin: str | None, method: str = "GET") -> tuple[int, dict[str, str], str]:
    headers = {"Origin": origin} if origin else {}
    if method == "OPTIONS":
        headers["Access-Control-Request-Method"] = "GET"
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def test_http_from_a_foreign_origin_is_refused_and_nothing_is_reflected(server: ChainlitServer) -> None:
    # An endpoint open without sign-in (the project settings need a signed-in user since chat history).
    settings_url = f"{server.url}/auth/config"
    status, headers, body = http_get(settings_url, FOREIGN)
    assert status == 403 and body == REFUSED_ORIGIN
    assert "access-control-allow-origin" not in headers

    status, headers, _ = http_get(settings_url, FOREIGN, method="OPTIONS")  # a CORS preflight
    assert status == 403 and "access-control-allow-origin" not in headers

    status, headers, body = http_get(settings_url, server.url)  # the page's own origin
    assert status == 200 and isinstance(json.loads(body), dict)
    assert "access-control-allow-origin" not in headers  # same origin needs no CORS
    assert http_get(settings_url, None)[0] == 200  # curl and same-origin navigations send no Origin

    status, headers, _ = http_get(settings_url, LISTED)
    assert status == 200 and headers.get("access-control-allow-origin") == LISTED


def test_socket_handshakes_from_a_foreign_origin_are_refused(server: ChainlitServer) -> None:
    polling = f"{server.url}/ws/socket.io/?EIO=4&transport=polling"
    assert http_get(polling, FOREIGN)[0] == 403
    assert http_get(polling, server.url)[0] == 200

    async def websocket_status(origin: str) -> int:
        url = f"ws://127.0.0.1:{server.port}/ws/socket.io/?EIO=4&transport=websocket"
        try:
            async with ws_connect(url, origin=origin, open_timeout=30) as ws:  # type: ignore[arg-type]
                await asyncio.wait_for(ws.recv(), 30)
                return 101
        except InvalidStatus as refused:
            return refused.response.status_code

    assert asyncio.run(websocket_status(FOREIGN)) == 403
    assert asyncio.run(websocket_status(server.url)) == 101
    assert asyncio.run(websocket_status(LISTED)) == 101

    async def chat_from(origin: str) -> None:
        chat = ChatSocket(server.url, origin=origin)
        try:
            await chat.connect(timeout_s=30)
        finally:
            await chat.close()

    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(chat_from(FOREIGN))
    assert "Refused a websocket request" in server.log()


def test_a_hundred_concurrent_sessions_each_get_their_own_answers(server: ChainlitServer) -> None:
    asyncio.run(measure_load(server.url, 1))  # the first answer waits for the engine's warm-up
    figures = asyncio.run(measure_load(server.url, 100, timeout_s=240))
    assert figures.problems == [], figures.problems[:5]
    assert figures.correct == 100 and len(figures.turn_seconds) == 200
    log = server.log()
    assert "Traceback" not in log and "RecursionError" not in log
    # Source passages travel inside the messages: no element file was written for 200 answers.
    files = server.app_root / ".files"
    assert [p for p in files.rglob("*") if p.is_file()] == []


def test_messages_over_the_rate_get_a_polite_request_to_wait(server: ChainlitServer) -> None:
    async def flood() -> list[str]:
        chat = ChatSocket(server.url)
        await chat.connect()
        try:
            await asyncio.wait_for(chat.started.wait(), 60)
            for _ in range(MESSAGES_PER_MINUTE + 2):
                await chat.send("補助率は?")
            return [await asyncio.wait_for(chat.replies.get(), 120) for _ in range(MESSAGES_PER_MINUTE + 2)]
        finally:
            await chat.close()

    replies = asyncio.run(flood())
    waits = [r for r in replies if "秒ほど待ってから、もう一度送信してください。" in r]
    assert len(waits) == 2, replies
    assert sum("2分の1" in r for r in replies) == MESSAGES_PER_MINUTE  # the others were answered


def test_sockets_over_the_cap_are_refused_in_japanese_and_a_freed_place_is_reusable(
    server: ChainlitServer,
) -> None:
    async def crowd() -> tuple[str, bool]:
        chats = [ChatSocket(server.url) for _ in range(MAX_CONNECTIONS)]
        await asyncio.gather(*(c.connect() for c in chats))
        extra = ChatSocket(server.url)
        refusal = ""
        try:
            await extra.connect(timeout_s=30)
        except socketio.exceptions.ConnectionError:
            refusal = extra.refusal or ""
        await chats.pop().close()
        await asyncio.sleep(1)  # the server sees the disconnect
        again = ChatSocket(server.url)
        await again.connect(timeout_s=30)
        reconnected = again.client.connected
        await asyncio.gather(again.close(), extra.close(), *(c.close() for c in chats))
        return refusal, reconnected

    refusal, reconnected = asyncio.run(crowd())
    assert TOO_MANY_CONNECTIONS in refusal
    assert reconnected


def test_the_repository_config_reflects_no_origin() -> None:
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".chainlit" / "config.toml").read_text())
    assert config["project"]["allow_origins"] == []


@pytest.fixture
def foreign_site(tmp_path: Path) -> Iterator[str]:
    """A page on another 127.0.0.1 port (`python -m http.server`, stopped by its PID): the stranger's site."""
    from ui_helpers import free_port

    (tmp_path / "index.html").write_text("<!doctype html><title>よそのサイト</title>", encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=15)


# Run in the stranger's page: read the assistant's settings with the visitor's cookies, open its socket.
ATTACK = """async (target) => {
  const result = {};
  try {
    const response = await fetch(target + "/project/settings?language=ja", {credentials: "include"});
    result.fetch = "read " + (await response.text()).slice(0, 40);
  } catch (error) { result.fetch = "blocked"; }
  const port = new URL(target).port;
  result.socket = await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/socket.io/?EIO=4&transport=websocket`);
    ws.onopen = () => { ws.close(); resolve("open"); };
    ws.onerror = () => resolve("refused");
    setTimeout(() => resolve("timeout"), 15000);
  });
  return result;
}"""


@pytest.mark.browser
def test_a_strangers_page_in_a_real_browser_can_neither_read_nor_chat(server: ChainlitServer,
                                                                      foreign_site: str) -> None:
    from playwright.sync_api import sync_playwright
    from ui_helpers import launch_browser, wait_until_ready

    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            page = browser.new_page()
            page.goto(server.url)  # the visitor has the assistant open (its cookies are set)
            page.goto(foreign_site)
            result = page.evaluate(ATTACK, server.url)
            own = browser.new_page()
            own.goto(server.url)
            wait_until_ready(own)  # the app has settled on its route
            own_result = own.evaluate(ATTACK, server.url)
        finally:
            browser.close()
    assert result == {"fetch": "blocked", "socket": "refused"}
    assert own_result["socket"] == "open" and own_result["fetch"].startswith("read {")
