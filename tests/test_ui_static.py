"""The page's local-only rewrite and the static files it serves, without a browser."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from assistant.offline_page import local_only_html
from assistant.understanding import MAX_CHARS

REPO = Path(__file__).resolve().parents[1]


def test_external_links_are_removed_and_local_ones_kept() -> None:
    page = """<head>
    <link rel="preconnect" href="https://fonts.googleapis.com" />
    <link rel="preconnect" href="https://fonts.gstatic.com" crossorigin />
    <link
      href="https://fonts.googleapis.com/css2?family=Inter:wght@400;500;700&display=swap"
      rel="stylesheet"
    />
    <link rel="stylesheet" href="//cdn.jsdelivr.net/npm/katex@0.16.22/dist/katex.min.css" />
    <link rel="icon" href="/favicon" />
    <link rel="stylesheet" crossorigin href="/assets/index-BtjwbfYI.css">
    </head>"""
    cleaned = local_only_html(page)
    assert "googleapis" not in cleaned and "gstatic" not in cleaned and "jsdelivr" not in cleaned
    assert 'href="/favicon"' in cleaned and 'href="/assets/index-BtjwbfYI.css"' in cleaned


def test_the_page_script_knows_the_engines_length_limit() -> None:
    script = (REPO / "public" / "hojo.js").read_text(encoding="utf-8")
    match = re.search(r"const MAX_CHARS = (\d+);", script)
    assert match and int(match.group(1)) == MAX_CHARS
    assert "http" not in script.replace("http://www.w3.org", "")  # fetches nothing


def test_chainlit_config_points_at_local_files_that_exist() -> None:
    ui = tomllib.loads((REPO / ".chainlit" / "config.toml").read_text(encoding="utf-8"))["UI"]
    for key in ("custom_js", "default_avatar_file_url"):
        assert ui[key].startswith("/public/") and (REPO / ui[key].lstrip("/")).is_file()
