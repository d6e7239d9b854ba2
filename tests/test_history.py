"""Chat history through Chainlit's real SQLAlchemy data layer: SQLite file, and a real PostgreSQL server.

The same records the UI writes (user, thread, steps, a Text element, a 👎 with a comment) go through
the data layer; then the thread is read back as the sidebar and resume read it, the 👎 is exported as
a draft eval item that eval.dataset accepts, and deleting the thread removes everything of it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_helpers import PostgresServer, postgres_missing

from assistant.dialog import DialogState
from assistant.history import (
    DIALOG_KEY,
    InlineStorage,
    create_schema,
    dialog_from_json,
    dialog_to_json,
    make_data_layer,
    schema_statements,
)
from eval.dataset import parse_item
from eval.feedback import export


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = postgres_missing()
    if reason:
        pytest.skip(reason)
    server = PostgresServer(tmp_path_factory.mktemp("postgres"))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'history.sqlite3'}"
    return str(request.getfixturevalue("postgres"))


def test_the_sqlite_schema_uses_sqlite_types_and_postgres_keeps_chainlits_documented_ones() -> None:
    sqlite = "\n".join(schema_statements("sqlite+aiosqlite:///x.db"))
    postgres = "\n".join(schema_statements("postgresql+asyncpg://u@h/db"))
    assert "JSONB" not in sqlite and "UUID" not in sqlite and "TEXT[]" not in sqlite
    assert '"metadata" JSONB' in postgres and '"id" UUID PRIMARY KEY' in postgres and '"tags" TEXT[]' in postgres
    for table in ("users", "threads", "steps", "elements", "feedbacks"):
        assert f"CREATE TABLE IF NOT EXISTS {table} " in sqlite


def test_dialog_state_survives_json() -> None:
    state = DialogState(programme="p1", intent="amount", slots={"employees": 30, "investment": 40_000_000}, turns=2)
    saved = json.loads(json.dumps(dialog_to_json(state)))
    assert dialog_from_json(saved) == state
    assert dialog_from_json(None) == DialogState() and dialog_from_json({"turns": "x"}) == DialogState()


async def _a_chat_with_a_thumbs_down(url: str) -> tuple[str, str]:
    from chainlit.context import init_http_context
    from chainlit.element import Text
    from chainlit.types import Feedback
    from chainlit.user import User

    await create_schema(url)
    await create_schema(url)  # a second start finds the tables and changes nothing
    init_http_context()
    layer = make_data_layer(url)
    user = await layer.create_user(User(identifier="tanaka", metadata={"role": "member"}))
    assert user is not None
    thread_id, question_id, run_id, answer_id = (str(uuid.uuid4()) for _ in range(4))
    await layer.update_thread(thread_id, name="従業員30人で4,000万円", user_id=user.id)
    await layer.create_step({"id": question_id, "threadId": thread_id, "name": "tanaka", "type": "user_message",
                             "output": "従業員30人で4,000万円を投資したら補助額は?", "streaming": False,
                             "createdAt": "2026-01-01T00:00:00Z", "metadata": {}})
    answer = {"question": "従業員30人で4,000万円を投資したら補助額は?", "answer": "補助額は2,000万円です。",
              "found": True, "programme": "p1", "calculation": {"calculation_line": "4,000万円 × 1/2"},
              "sources": [{"doc": "公募要領", "section": "補助率", "text": "補助率は2分の1", "score": 1.0}]}
    # Chainlit wraps the message handler in a run step and puts the 👎 on it; the answer is its child.
    await layer.create_step({"id": run_id, "threadId": thread_id, "name": "on_message", "type": "run",
                             "output": "", "streaming": False, "createdAt": "2026-01-01T00:00:00.5Z", "metadata": {}})
    await layer.create_step({"id": answer_id, "threadId": thread_id, "parentId": run_id, "name": "assistant",
                             "type": "assistant_message", "output": answer["answer"], "streaming": False,
                             "createdAt": "2026-01-01T00:00:01Z", "metadata": {"hojo_answer": answer}})
    await layer.update_thread(thread_id, metadata={DIALOG_KEY: {"programme": "p1", "intent": "amount",
                                                                "slots": {"employees": 30}, "turns": 1}})
    element = Text(name="出典1-1: 公募要領 · 補助率", content="補助率は2分の1です。", display="side",
                   for_id=answer_id, thread_id=thread_id)
    await layer.create_element(element)
    await layer.upsert_feedback(Feedback(forId=run_id, value=0, threadId=thread_id, comment="上限の説明がない"))
    return thread_id, user.id


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_chat_is_kept_listed_resumed_exported_and_deleted(database_url: str, tmp_path: Path) -> None:
    from chainlit.types import Pagination, ThreadFilter

    thread_id, user_id = asyncio.run(_a_chat_with_a_thumbs_down(database_url))

    async def read_back() -> tuple[object, object]:
        layer = make_data_layer(database_url)
        listed = await layer.list_threads(Pagination(first=20), ThreadFilter(userId=user_id))
        return listed, await layer.get_thread(thread_id)

    listed, thread = asyncio.run(read_back())
    assert [t["id"] for t in listed.data] == [thread_id]  # type: ignore[attr-defined]
    assert thread is not None
    metadata = thread["metadata"]  # type: ignore[index]
    metadata = json.loads(metadata) if isinstance(metadata, str) else metadata
    assert dialog_from_json(metadata[DIALOG_KEY]).slots == {"employees": 30}
    steps = {s["type"]: s for s in thread["steps"]}  # type: ignore[index]
    assert steps["run"]["feedback"]["value"] == 0
    element = thread["elements"][0]  # type: ignore[index]
    assert element["name"] == "出典1-1: 公募要領 · 補助率"
    assert base64.b64decode(element["url"].split(",", 1)[1]).decode("utf-8") == "補助率は2分の1です。"

    out = tmp_path / "feedback.jsonl"
    assert export(database_url, out) == 1
    line = json.loads(out.read_text(encoding="utf-8"))
    item = parse_item(line, "feedback.jsonl:1")  # a valid eval item a human completes by filling in expect
    assert item.turns == ("従業員30人で4,000万円を投資したら補助額は?",) and item.kind == "calculation"
    assert "上限の説明がない" in item.note and "補助額は2,000万円です。" in item.note and "公募要領「補助率」" in item.note

    async def delete() -> object:
        layer = make_data_layer(database_url)
        await layer.delete_thread(thread_id)
        return await layer.get_thread(thread_id)

    assert asyncio.run(delete()) is None
    assert export(database_url, out) == 0


def test_inline_storage_keeps_text_in_a_data_url() -> None:
    stored = asyncio.run(InlineStorage().upload_file("k", "補助率は2分の1", mime="text/plain"))
    prefix, payload = stored["url"].split(",", 1)
    assert prefix == "data:text/plain;charset=utf-8;base64"
    assert base64.b64decode(payload).decode("utf-8") == "補助率は2分の1"
