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

from assistant import server_guard  # noqa: E402
from assistant.history import DIALOG_KEY, dialog_from_json, dialog_to_json  # noqa: E402
from assistant.programmes import Programme  # noqa: E402
from assistant.settings import Settings, get_settings  # noqa: E402
from assistant.types import Answer  # noqa: E402
from assistant.ui_elements import inline_text  # noqa: E402
from assistant.ui_render import (  # noqa: E402
    APP_NAME,
    AUTO,
    STARTERS,
    WELCOME_ICON,
    answer_markdown,
    chosen_programme,
    escape_text,
    pinned_note,
    programme_items,
    source_views,
    trace_markdown,
    welcome_markdown,
)

if TYPE_CHECKING:  # pragma: no cover
    from assistant.dialog import DialogState
    from assistant.engine import Engine

log = logging.getLogger("assistant.app")

# Same origin only, bounded sockets and messages: before uvicorn builds the app (see server_guard).
server_guard.install(get_settings())

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


def settings_widgets(registry: Mapping[str, Programme], saved: Mapping[str, Any] | None = None) -> list[Any]:
    from chainlit.input_widget import Select, Switch

    saved = saved or {}
    return [
        Select(id="programme", label="対象の補助金", items=programme_items(registry),
               initial_value=chosen_programme(saved, registry) or AUTO,
               description="特定の補助金に絞って答えます。自動判定では質問の内容から判断します。"),
        Switch(id="show_trace", label="計算の根拠を表示する", initial=bool(saved.get("show_trace", True)),
               description="金額や要件の判定で使ったルール・入力・出典を、回答の上に表示します。"),
    ]


def reset_action() -> cl.Action:
    return cl.Action(name="reset", payload={}, label="最初から", icon="rotate-ccw",
                     tooltip="これまでの会話の内容(補助金・金額・人数など)を忘れて、最初からやり直します")


# --- the chat as a team tool: sign-in, history, offline page, uploads (configured once at import) --

def bound_host() -> str:
    """The address `chainlit run --host` binds (the CLI puts it in CHAINLIT_HOST before loading this file)."""
    from chainlit.config import DEFAULT_HOST

    return os.environ.get("CHAINLIT_HOST") or DEFAULT_HOST


def configure_sign_in(settings: Settings, host: str) -> None:
    """Register how people sign in; refuse to start off loopback when nobody could (one clear sentence)."""
    from assistant.users import (
        LOCAL_USER,
        SignIn,
        UsersError,
        auth_secret,
        authenticate,
        read_users,
        sign_in_mode,
    )

    try:
        users_path = settings.users_path()
        mode = sign_in_mode(host, bool(read_users(users_path)), settings.auth_header)
    except UsersError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from exc
    os.environ.setdefault("CHAINLIT_AUTH_SECRET", auth_secret(Path(settings.data_dir)))
    if mode is SignIn.LOCAL:
        async def local_user(headers: Any) -> cl.User:
            return cl.User(identifier=LOCAL_USER, display_name="ローカル利用者", metadata={"role": "admin"})

        cl.header_auth_callback(local_user)
        log.info("Sign-in: a single local user (loopback, no users file)")
        return

    def check_password(name: str, password: str) -> cl.User | None:
        record = authenticate(users_path, name, password)
        return cl.User(identifier=record.name, metadata={"role": record.role}) if record else None

    async def password_user(name: str, password: str) -> cl.User | None:
        return await cl.make_async(check_password)(name, password)

    if read_users(users_path):
        cl.password_auth_callback(password_user)
    if settings.auth_header:
        header = settings.auth_header

        async def proxy_user(headers: Any) -> cl.User | None:
            name = (headers.get(header) or "").strip()
            if not name:
                return None
            record = read_users(users_path).get(name)
            return cl.User(identifier=name, metadata={"role": record.role if record else "member"})

        cl.header_auth_callback(proxy_user)
    log.info("Sign-in required (users file %s, proxy header %s)", users_path, settings.auth_header or "off")


def configure_history(settings: Settings) -> None:
    """Chat history in the configured database; its tables are made here on first start."""
    from assistant.history import ensure_schema, make_data_layer

    url = settings.history_url()
    try:
        ensure_schema(url)
    except Exception as exc:
        print(f"会話履歴のデータベースを開けません({type(exc).__name__}: {exc})。HOJO_DATABASE_URL を確認してください。 "
              f"/ The chat history database cannot be opened; check HOJO_DATABASE_URL.", file=sys.stderr)
        raise SystemExit(2) from exc
    cl.data_layer(lambda: make_data_layer(url))


def configure_uploads(settings: Settings) -> None:
    """The paperclip accepts guideline files up to the size limit, unless uploads are off."""
    from chainlit.config import SpontaneousFileUploadFeature, config

    config.features.spontaneous_file_upload = SpontaneousFileUploadFeature(
        enabled=settings.upload_allowed != "nobody", max_files=3, max_size_mb=int(settings.upload_max_mb + 0.999),
        accept={"text/plain": [".txt", ".md", ".markdown"], "text/markdown": [".md", ".markdown"],
                "text/html": [".html", ".htm"], "application/pdf": [".pdf"]},
    )


def configure_offline_page() -> None:
    from chainlit.server import app as server

    from assistant.offline_page import LocalOnlyPage

    server.add_middleware(LocalOnlyPage)


def configure_team_features() -> None:
    settings = get_settings()
    configure_sign_in(settings, bound_host())
    configure_history(settings)
    configure_uploads(settings)
    configure_offline_page()


def served_by_chainlit() -> bool:
    """True under `chainlit run` (it names the module before loading it); False when a test imports us."""
    from chainlit.config import config

    return bool(config.run.module_name)


if served_by_chainlit():
    configure_team_features()


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


def session_state() -> DialogState:
    """This session's dialog state, created on first use by whichever handler runs first.

    Chainlit starts on_chat_start as a task when the socket connects, so under load a first message
    can be handled before it: creating the state only where none exists keeps that message's state.
    """
    state = cl.user_session.get("state")
    if state is None:
        state = get_engine().new_state()
        cl.user_session.set("state", state)
    return state


@cl.on_chat_start
async def on_chat_start() -> None:
    session_state()
    widgets = await cl.ChatSettings(settings_widgets(programmes())).send()
    if cl.user_session.get("settings") is None:  # a settings update may have come in meanwhile
        cl.user_session.set("settings", widgets)


@cl.on_chat_resume
async def on_chat_resume(thread: Mapping[str, Any]) -> None:
    """A past chat continues where it stopped: its DialogState and settings come back from the thread."""
    cl.user_session.set("state", dialog_from_json(cl.user_session.get(DIALOG_KEY)))
    saved = cl.user_session.get("settings") or {}
    widgets = settings_widgets(programmes(), saved)
    cl.user_session.set("settings", {**await cl.ChatSettings(widgets).send(), **saved})


async def save_dialog(state: DialogState) -> None:
    """Keep the DialogState in the thread now (Chainlit itself saves the session only on disconnect)."""
    from chainlit.data import get_data_layer

    saved = dialog_to_json(state)
    cl.user_session.set(DIALOG_KEY, saved)
    layer = get_data_layer()
    thread_id = cl.context.session.thread_id
    if layer is not None and thread_id:
        await layer.update_thread(thread_id=thread_id, metadata={DIALOG_KEY: saved,
                                                                 "settings": cl.user_session.get("settings")})


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
    state = session_state()
    files = [e for e in message.elements or [] if getattr(e, "path", None)]
    for element in files:
        await start_upload(element)
    text = message.content or ""
    if files and not text.strip():
        return
    try:
        registry = programmes()
        pinned = chosen_programme(settings, registry)
        programme = programme_for(text, pinned, registry)
        answer = await cl.make_async(answer_locked)(text, state, programme)
        await send_answer(answer, show_trace=bool(settings.get("show_trace", True)), question=text,
                          note=pinned_note(pinned, programme, registry))
        await save_dialog(state)
    except Exception:
        log.exception("Answering failed for a message of %d characters", len(text))
        await cl.Message(content=APOLOGY, actions=[reset_action()]).send()


def programme_for(text: str, pinned: str | None, registry: Mapping[str, Programme]) -> str | None:
    """The settings' programme, unless the question names another one: then the question's own."""
    if pinned is None:
        return None
    from assistant.understanding import understand

    named = understand(text, registry).programme
    return named if named and named != pinned else pinned


async def send_answer(answer: Answer, show_trace: bool, question: str = "", note: str = "") -> None:
    """The trace step (when wanted and present), then the answer with its source elements.

    The message's metadata keeps the question and the typed answer, so a 👎 on it can be exported as a
    draft eval item (eval/feedback.py) without parsing the rendered text.
    """
    number = int(cl.user_session.get("answers") or 0) + 1
    cl.user_session.set("answers", number)
    views = source_views(answer, get_settings().corpus_dir, answer_number=number)
    if show_trace and answer.calculation and answer.calculation.get("trace"):
        async with cl.Step(name=TRACE_STEP_NAME, type="tool", show_input=False) as step:
            step.output = trace_markdown(answer.calculation)
    elements: list[cl.Element] = [inline_text(v.name, v.content) for v in views]
    content = answer_markdown(answer, views)
    metadata = {"hojo_answer": {"question": question, **answer.to_dict()}}
    await cl.Message(content=f"{note}\n\n{content}" if note else content, elements=elements,
                     actions=[reset_action()], metadata=metadata).send()


# --- a guideline uploaded in the chat ------------------------------------------------------------

async def start_upload(element: Any) -> None:
    """Say the file is being read, ingest it in the background, then say what it added."""
    import asyncio

    name = str(getattr(element, "name", "") or Path(element.path).name)
    progress = cl.Message(content=escape_text(f"「{name}」を取り込んでいます。数十秒ほどかかります(その間も質問できます)。"))
    await progress.send()
    user = cl.user_session.get("user")
    role = (getattr(user, "metadata", None) or {}).get("role")
    task = asyncio.create_task(finish_upload(Path(element.path), name, role, progress))
    _uploads.add(task)
    task.add_done_callback(_uploads.discard)


_uploads: set[Any] = set()  # running ingest tasks, kept referenced until they finish


async def finish_upload(path: Path, name: str, role: str | None, progress: cl.Message) -> None:
    from assistant.uploads import ingest_upload, outcome_markdown

    try:
        outcome = await cl.make_async(ingest_upload)(path, name, get_settings(), role)
        text = outcome_markdown(outcome)
    except Exception:
        log.exception("Ingesting an uploaded file failed")
        text = f"「{name}」を取り込めませんでした。検索用ストアは以前の状態のままです。時間をおいてもう一度お試しください。"
    progress.content = escape_text(text)
    await progress.update()
    saved = cl.user_session.get("settings") or {}
    await cl.ChatSettings(settings_widgets(programmes(), saved)).send()
