"""Docs kept honest: the README's settings table lists every settings field with its env variable."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def _documented_env_vars() -> set[str]:
    return set(re.findall(r"^\|\s*`(HOJO_[A-Z0-9_]+)`\s*\|", README.read_text(encoding="utf-8"), re.M))


def test_every_setting_is_in_the_readme_table() -> None:
    expected = {f"HOJO_{name.upper()}" for name in Settings.model_fields}
    documented = _documented_env_vars()
    assert expected - documented == set(), "settings missing from the README table"
    assert documented - expected == set(), "README documents settings that do not exist"


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert missing == []


def test_readme_states_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*\n\t.*pytest", makefile, re.M), "`make test` must run pytest"
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci, ".ci/run must run the README's test command"


def test_readme_defaults_match_the_settings() -> None:
    """Scalar defaults shown in the table (numbers, modes) are the real ones."""
    text = README.read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        if isinstance(field.default, (int, float, str)) and not isinstance(field.default, bool):
            row = re.search(rf"^\|\s*`HOJO_{name.upper()}`\s*\|\s*([^|]*)\|", text, re.M)
            assert row is not None
            shown = row.group(1).strip()
            if field.default == "" or ":" in str(field.default):
                continue  # empty prefixes and the packaged model name are described in words
            assert shown == f"`{field.default}`", f"{name}: README says {shown}, settings say {field.default}"
