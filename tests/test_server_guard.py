"""The server guard's decisions as pure logic: which origins are served, the message bucket, the socket cap.

The same objects run inside the real server in tests/test_server_hardening.py.
"""

from __future__ import annotations

import base64

import pytest

from assistant.server_guard import (
    ConnectionGate,
    MessageRateLimiter,
    OriginPolicy,
    normalise_origin,
    slow_down_message,
)
from assistant.settings import Settings
from assistant.ui_elements import data_url

HOST = "127.0.0.1:8000"
PROXY = OriginPolicy(frozenset({"https://hojo.example.jp"}))


@pytest.mark.parametrize(("origin", "expected"), [
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("HTTP://Example.JP:80/", "http://example.jp"),  # case, the default port and a slash do not matter
    ("https://example.jp:443", "https://example.jp"),
    ("http://[::1]:8000", "http://[::1]:8000"),
    ("null", "null"),  # sandboxed pages and files: matches no server
    ("http://x:notaport", "http://x:notaport"),  # unparsable: kept, so it matches nothing real
])
def test_origins_are_compared_in_one_normal_form(origin: str, expected: str) -> None:
    assert normalise_origin(origin) == expected


@pytest.mark.parametrize(("origin", "scheme", "host", "allowed"), [
    (None, "http", HOST, True),  # no Origin: a same-origin navigation or not a browser page
    ("http://127.0.0.1:8000", "http", HOST, True),  # the server's own origin
    ("http://localhost:8000", "http", "localhost:8000", True),  # own origin by whatever name was used
    ("http://127.0.0.1:8001", "http", HOST, False),  # another port is another origin
    ("http://localhost:8000", "http", HOST, False),  # another host name too
    ("https://127.0.0.1:8000", "http", HOST, False),  # another scheme too
    ("https://evil.example", "http", HOST, False),
    ("null", "http", HOST, False),
    ("https://hojo.example.jp", "http", HOST, True),  # listed (a reverse proxy's public origin)
    ("https://HOJO.example.jp:443/", "http", HOST, True),
    ("http://hojo.example.jp", "http", HOST, False),  # the listed origin is https only
    ("http://127.0.0.1:8000", "http", None, False),  # no Host header: nothing to be the same as
])
def test_only_the_own_and_listed_origins_are_allowed(origin: str | None, scheme: str, host: str | None,
                                                     allowed: bool) -> None:
    assert PROXY.allows(origin, scheme, host) is allowed


def test_a_websocket_scope_is_judged_by_its_http_scheme() -> None:
    scope = {"type": "websocket", "scheme": "ws",
             "headers": [(b"host", HOST.encode()), (b"origin", b"http://127.0.0.1:8000")]}
    assert PROXY.allows_scope(scope)
    foreign = {**scope, "headers": [(b"host", HOST.encode()), (b"origin", b"http://127.0.0.1:9999")]}
    assert not PROXY.allows_scope(foreign)
    assert PROXY.engineio_check("http://127.0.0.1:9999", {"asgi.scope": foreign}) is False
    assert PROXY.engineio_check("http://127.0.0.1:8000", {"asgi.scope": scope}) is True


@pytest.mark.parametrize(("raw", "expected"), [
    ("", []),
    ("https://a.example.jp", ["https://a.example.jp"]),
    ("https://a.example.jp/, http://b.example.jp:8080", ["https://a.example.jp", "http://b.example.jp:8080"]),
    ('["https://a.example.jp"]', ["https://a.example.jp"]),  # JSON, as pydantic-settings writes lists
    ("['https://a.example.jp']", ["https://a.example.jp"]),  # str() of a list
])
def test_allowed_origins_setting_reads_a_comma_separated_list(raw: str, expected: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOJO_ALLOWED_ORIGINS", raw)
    assert Settings().allowed_origins == expected


def test_a_malformed_origin_list_is_refused_at_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOJO_ALLOWED_ORIGINS", "[https://a.example.jp")
    with pytest.raises(ValueError, match="comma-separated"):
        Settings()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_each_session_gets_its_own_bucket_refilled_over_a_minute() -> None:
    clock = FakeClock()
    limiter = MessageRateLimiter(per_minute=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("a")
    assert wait == pytest.approx(20.0)  # 3 per minute: one more after 20 s
    assert limiter.take("b") == 0.0  # another session is not slowed by the first
    clock.now += 10
    assert limiter.take("a") == pytest.approx(10.0)  # refused messages cost nothing
    clock.now += 10
    assert limiter.take("a") == 0.0
    clock.now += 3600
    assert [limiter.take("a") for _ in range(4)][:3] == [0.0, 0.0, 0.0]  # never more than one minute's worth


def test_the_limiter_forgets_idle_sessions_to_stay_bounded() -> None:
    clock = FakeClock()
    limiter = MessageRateLimiter(per_minute=2, clock=clock, max_sessions=3)
    for key in "abc":
        limiter.take(key)
    clock.now += 60  # all three have refilled: nothing is owed to them
    limiter.take("d")
    assert len(limiter._buckets) == 1


def test_the_gate_holds_at_most_its_limit_and_frees_a_place_on_release() -> None:
    gate = ConnectionGate(limit=2)
    assert gate.admit("s1") and gate.admit("s2")
    assert not gate.admit("s3")
    assert gate.admit("s1")  # the same socket again is not a new connection
    gate.release("s1")
    gate.release("s1")  # twice is harmless
    assert gate.admit("s3")
    assert not gate.admit("s4")


def test_the_slow_down_message_is_polite_japanese_with_whole_seconds() -> None:
    text = slow_down_message(19.2)
    assert "20秒ほど待ってから" in text and text.endswith("ください。")
    assert "1秒ほど" in slow_down_message(0.01)


def test_inline_element_content_round_trips_through_its_data_url() -> None:
    text = "**見出し**: 補助上限額\n\n| 従業員数 | 上限 |\n|---|---|\n| 21人以上 | 4,000万円 |"
    url = data_url(text)
    assert url.startswith("data:text/plain;charset=utf-8;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).decode("utf-8") == text
