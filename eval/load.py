"""Chat sessions over Chainlit's socket, spoken as the web UI speaks it: for load tests and `bench --load`.

A browser tab of the UI connects to /ws/socket.io with its session id in `auth`, emits
`connection_successful` (which starts on_chat_start) and sends each message as `client_message`; the
server answers with `new_message` / `update_message` events. ChatSocket does the same with the
python-socketio client, so many sessions can run concurrently from one process without a browser.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOCKET_PATH = "/ws/socket.io"
# What Chainlit reads from its app root; a private copy, since Chainlit deletes <app root>/.files on exit.
APP_ROOT_FILES = (".chainlit/config.toml", ".chainlit/translations/ja.json", "chainlit.md", "chainlit_ja.md")


@dataclass
class Turn:
    """One message of a session and the assistant's reply to it."""

    question: str
    reply: str
    seconds: float


@dataclass
class SessionRun:
    """What one session sent and received; `error` says why it stopped early, if it did."""

    index: int
    turns: list[Turn] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # outputs of tool steps (the calculation trace)
    error: str | None = None


class ChatSocket:
    """One chat session over a real socket.io connection (a fresh Chainlit session id)."""

    def __init__(self, url: str, origin: str | None = None) -> None:
        import socketio

        self.url = url.rstrip("/")
        self.origin = self.url if origin is None else origin
        self.session_id = str(uuid.uuid4())
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue[str] = asyncio.Queue()
        self.started = asyncio.Event()
        self.steps: dict[str, str] = {}
        self.refusal: str | None = None  # the server's reason when it refuses the connection
        self.client.on("connect_error", self._on_connect_error)
        self.client.on("new_message", self._on_step)
        self.client.on("update_message", self._on_step)
        self.client.on("chat_settings", self._on_chat_settings)

    async def _on_step(self, step: dict[str, Any]) -> None:
        if step.get("type") == "assistant_message" and step.get("output"):
            await self.replies.put(str(step["output"]))
        elif step.get("type") == "tool":
            self.steps[str(step.get("id"))] = str(step.get("output") or "")

    async def _on_connect_error(self, data: Any) -> None:
        self.refusal = str(data.get("message") if isinstance(data, dict) else data)

    async def _on_chat_settings(self, _settings: Any) -> None:
        self.started.set()

    async def connect(self, timeout_s: float = 60) -> None:
        """Connect and start the chat (on_chat_start runs on the server, as for a new tab)."""
        headers = {"Origin": self.origin} if self.origin else {}
        cookie = await asyncio.to_thread(_sign_in_cookie, self.url, self.origin)
        if cookie:
            headers["Cookie"] = cookie  # the session's signed-in user, as a browser tab would carry it
        await self.client.connect(
            self.url, socketio_path=SOCKET_PATH, transports=["websocket"], headers=headers,
            auth={"sessionId": self.session_id, "clientType": "webapp", "userEnv": "{}", "chatProfile": None,
                  "threadId": None},
            wait_timeout=timeout_s,
        )
        await self.client.emit("connection_successful")

    async def send(self, text: str) -> None:
        message = {"id": str(uuid.uuid4()), "threadId": "", "name": "User", "type": "user_message",
                   "output": text, "createdAt": datetime.now(UTC).isoformat()}
        await self.client.emit("client_message", {"message": message, "fileReferences": []})

    async def ask(self, text: str, timeout_s: float = 120) -> Turn:
        """Send a message and wait for the next assistant message."""
        started = time.perf_counter()
        await self.send(text)
        reply = await asyncio.wait_for(self.replies.get(), timeout_s)
        return Turn(text, reply, time.perf_counter() - started)

    async def close(self) -> None:
        await self.client.disconnect()


def _sign_in_cookie(url: str, origin: str | None) -> str | None:
    """The access-token cookie of the header sign-in (the single local user on loopback), if the server has one."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{url}/auth/header", method="POST", data=b"",
                                     headers={"Origin": origin} if origin else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
    except (urllib.error.URLError, OSError):
        return None
    pairs = [c.split(";", 1)[0] for c in cookies]
    return "; ".join(pairs) or None


async def run_session(url: str, index: int, questions: list[str], timeout_s: float = 120) -> SessionRun:
    """Connect, send the questions one after another (the first at once, as an eager user does), close."""
    run = SessionRun(index)
    chat = ChatSocket(url)
    try:
        await chat.connect(timeout_s)
        for question in questions:
            run.turns.append(await chat.ask(question, timeout_s))
    except Exception as error:  # a failed session is a result to report, not a crash of the whole run
        run.error = f"{type(error).__name__}: {error}"
    finally:
        run.steps = list(chat.steps.values())
        await chat.close()
    return run


async def run_sessions(url: str, conversations: list[list[str]], timeout_s: float = 120) -> list[SessionRun]:
    """All conversations at once, each in its own session."""
    return list(await asyncio.gather(*(run_session(url, i, questions, timeout_s)
                                       for i, questions in enumerate(conversations))))


def calculation_conversation(index: int) -> tuple[list[str], int, int]:
    """A two-turn calculation whose answer differs per session: (questions, employees, expected 補助額 in 万円).

    The employee count comes in the first turn and the investment in the second, so a reply is right
    only if the session kept its own dialog state; the amounts (1,000万円 to 1,495万円) stay under every
    band's 補助上限額, so the expected 補助額 is half the investment.
    """
    employees = 10 + index % 100
    investment_man = 2000 + 10 * (index % 100)
    questions = [f"従業員{employees}人で補助額は?", f"投資額は{investment_man:,}万円です"]
    return questions, employees, investment_man // 2


def session_problem(run: SessionRun) -> str | None:
    """Why a calculation_conversation session went wrong (error, another session's figure), or None."""
    if run.error:
        return run.error
    _questions, employees, amount = calculation_conversation(run.index)
    if len(run.turns) != 2:
        return f"{len(run.turns)} replies instead of 2"
    if f"補助額は{amount:,}万円" not in run.turns[1].reply:
        return f"expected 補助額は{amount:,}万円, got: {run.turns[1].reply[:80]!r}"
    if not any(f"{employees}人" in step for step in run.steps):
        return f"no calculation trace with this session's {employees}人"
    return None


@dataclass
class LoadFigures:
    """One load level: how many sessions answered right, and the per-turn latency."""

    sessions: int
    correct: int
    turn_seconds: list[float]
    wall_seconds: float
    problems: list[str]


async def measure_load(url: str, sessions: int, timeout_s: float = 300) -> LoadFigures:
    """`sessions` concurrent two-turn calculation sessions; every reply checked against its own session."""
    started = time.perf_counter()
    runs = await run_sessions(url, [calculation_conversation(i)[0] for i in range(sessions)], timeout_s)
    wall = time.perf_counter() - started
    problems = [f"session {r.index}: {p}" for r in runs if (p := session_problem(r))]
    seconds = [turn.seconds for r in runs for turn in r.turns]
    return LoadFigures(sessions, sessions - len(problems), seconds, wall, problems)


# --- a real server to load ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chainlit_server(workdir: Path, env: dict[str, str] | None = None, timeout_s: float = 120) -> Iterator[str]:
    """`chainlit run assistant/app.py -h` on a free 127.0.0.1 port in a private app root; yields its URL.

    Stopped by its PID (terminate, then kill) when the block ends; its output goes to workdir/server.log.
    """
    app_root = workdir / "app_root"
    for name in APP_ROOT_FILES:
        (app_root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, app_root / name)
    port = free_port()
    command = [str(Path(sys.executable).with_name("chainlit")), "run", str(ROOT / "assistant" / "app.py"), "-h",
               "--host", "127.0.0.1", "--port", str(port)]
    with (workdir / "server.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=app_root, stdout=log, stderr=subprocess.STDOUT,
                                   env={**(env or os.environ), "CHAINLIT_APP_ROOT": str(app_root)})
    try:
        _wait_listening(process, port, timeout_s)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_listening(process: subprocess.Popen[bytes], port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chainlit exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"chainlit did not listen on port {port} within {timeout_s:.0f} s")
