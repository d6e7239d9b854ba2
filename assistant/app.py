"""The Chainlit chat UI in Japanese: `chainlit run assistant/app.py -h` from the repository root.

One answer engine per server process (loaded in the background at startup), one DialogState per
browser session. Each answer shows the engine's Japanese text, its sources as side elements holding
the whole passage, and the calculator's trace as a tool step 「計算の根拠」.

This file is the Chainlit layer only: handlers, session state and the engine's lifecycle. What a
message says, and how document text is escaped in it, is in assistant/ui_render.py.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Chainlit switches its own Postgres data layer on whenever DATABASE_URL is set (chainlit.data reads it
# on first use); a variable left over from another project must not decide where conversations go.
os.environ.pop("DATABASE_URL", None)

import chainlit as cl  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:  # `chainlit run assistant/app.py` without an installed package
    sys.path.append(str(PROJECT_ROOT))

from assistant.programmes import Programme  # noqa: E402
from assistant.settings import get_settings  # noqa: E402
from assistant.types import Answer  # noqa: E402
from assistant.ui_render import (  # noqa: E402
    APP_NAME,
    AUTO,
    STARTERS,
    WELCOME_ICON,
    answer_markdown,
    chosen_programme,
    escape_text,
    programme_items,
    source_views,
    trace_markdown,
    welcome_markdown,
)

if TYPE_CHECKING:  # pragma: no cover
    from assistant.dialog import DialogState
    from assistant.engine import Engine

log = logging.getLogger("assistant.app")

TRACE_STEP_NAME = "計算の根拠"
APOLOGY = (
    "申し訳ありません。回答を作成する途中でエラーが発生しました。"
    "お手数ですが、もう一度送信するか、言い方を変えてお試しください。"
    "続けて起きる場合は「最初から」で会話をやり直せます。"
)


# --- the engine: created once per server, used under one lock -------------------------------------

_engine: Engine | None = None
_engine_guard = threading.Lock()
# The engine's tokenizer and retriever are not known to be thread-safe, and answers are CPU-bound on a
# small machine anyway: answering one message at a time keeps them correct at no real cost.
_answer_lock = threading.Lock()


def get_engine() -> Engine:
    """The server's single engine, created on first use (construction is cheap, loading is in warm_up)."""
    global _engine
    with _engine_guard:
        if _engine is None:
            from assistant.engine import Engine

            _engine = Engine.from_settings(get_settings())
            log.info("Answer engine created (store: %s)", _engine.settings.store_dir)
        return _engine


def warm_up_engine() -> None:
    """Load models and open the store before the first question; a failure is logged, never raised."""
    try:
        with _answer_lock:
            get_engine().warm_up()
        log.info("Answer engine warmed up")
    except Exception:
        log.exception("Answer engine warm-up failed; each question will try again to load it")


def answer_locked(text: str, state: DialogState, programme: str | None) -> Answer:
    """One engine answer at a time (see _answer_lock)."""
    with _answer_lock:
        return get_engine().answer(text, state, programme=programme)


# --- programmes, starters, settings ---------------------------------------------------------------

def programmes() -> dict[str, Programme]:
    """The store's catalogue; empty until something is ingested (the first question then says so)."""
    from assistant.retrieval import StoreError

    try:
        return get_engine().programmes
    except StoreError:
        return {}


def starters() -> list[cl.Starter]:
    return [cl.Starter(label=label, message=message) for label, message in STARTERS]


def settings_widgets(registry: Mapping[str, Programme]) -> list[Any]:
    from chainlit.input_widget import Select, Switch

    return [
        Select(id="programme", label="対象の補助金", items=programme_items(registry), initial_value=AUTO,
               description="特定の補助金に絞って答えます。自動判定では質問の内容から判断します。"),
        Switch(id="show_trace", label="計算の根拠を表示する", initial=True,
               description="金額や要件の判定で使ったルール・入力・出典を、回答の上に表示します。"),
    ]


def reset_action() -> cl.Action:
    return cl.Action(name="reset", payload={}, label="最初から", icon="rotate-ccw",
                     tooltip="これまでの会話の内容(補助金・金額・人数など)を忘れて、最初からやり直します")


# --- Chainlit handlers ----------------------------------------------------------------------------

@cl.on_app_startup
def start_warm_up() -> None:
    """Warm the engine in the background: the server accepts connections while models load."""
    threading.Thread(target=warm_up_engine, name="engine-warm-up", daemon=True).start()


@cl.set_chat_profiles
async def chat_profiles(user: Any = None, language: str | None = None) -> list[cl.ChatProfile]:
    # A single profile: Chainlit hides the profile picker and shows its description on the welcome screen.
    return [cl.ChatProfile(name=APP_NAME, markdown_description=welcome_markdown(programmes()),
                           icon=WELCOME_ICON, default=True)]


@cl.set_starters
async def set_starters(user: Any = None, language: str | None = None) -> list[cl.Starter]:
    return starters()


@cl.on_chat_start
async def on_chat_start() -> None:
    cl.user_session.set("state", get_engine().new_state())
    cl.user_session.set("settings", await cl.ChatSettings(settings_widgets(programmes())).send())


@cl.on_settings_update
async def on_settings_update(settings: dict[str, Any]) -> None:
    cl.user_session.set("settings", settings)


@cl.action_callback("reset")
async def on_reset(action: cl.Action) -> None:
    from assistant.engine import RESET_REPLY

    cl.user_session.set("state", get_engine().new_state())
    await cl.Message(content=escape_text(RESET_REPLY)).send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    settings = cl.user_session.get("settings") or {}
    state = cl.user_session.get("state")
    if state is None:
        state = get_engine().new_state()
        cl.user_session.set("state", state)
    try:
        answer = await cl.make_async(answer_locked)(message.content or "", state,
                                                    chosen_programme(settings, programmes()))
        await send_answer(answer, show_trace=bool(settings.get("show_trace", True)))
    except Exception:
        log.exception("Answering failed for a message of %d characters", len(message.content or ""))
        await cl.Message(content=APOLOGY, actions=[reset_action()]).send()


async def send_answer(answer: Answer, show_trace: bool) -> None:
    """The trace step (when wanted and present), then the answer with its source elements."""
    views = source_views(answer, get_settings().corpus_dir)
    if show_trace and answer.calculation and answer.calculation.get("trace"):
        async with cl.Step(name=TRACE_STEP_NAME, type="tool", show_input=False) as step:
            step.output = trace_markdown(answer.calculation)
    elements: list[cl.Element] = [cl.Text(name=v.name, content=v.content, display="side") for v in views]
    await cl.Message(content=answer_markdown(answer, views), elements=elements,
                     actions=[reset_action()]).send()
