"""Rules as data: every programme's tests.yaml runs here, a programme written only in YAML calculates
right with no Python naming it, and a new round added with files only answers inside its own dates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.calculator import RulesError, calculate, load_rules
from assistant.calculator.rules_cli import run_check
from assistant.calculator.tables import Case, load_table, run_case
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RULES_FIXTURES = ROOT / "tests" / "fixtures" / "rules_guidelines"
MINATO = RULES_FIXTURES / "minato_hanro"
ROUND2 = RULES_FIXTURES / "shinjigyo_dai2kai"
MAN = 10_000


def _tables() -> list[tuple[Path, Case]]:
    folders = [p.parent for p in sorted(CORPUS.glob("*/rules.yaml"))] + [MINATO]
    return [(folder, case) for folder in folders for case in load_table(folder / "tests.yaml").cases]


def test_every_programme_with_rules_has_a_test_table() -> None:
    for rules in CORPUS.glob("*/rules.yaml"):
        assert (rules.parent / "tests.yaml").is_file(), rules.parent.name


@pytest.mark.parametrize(("folder", "case"), _tables(), ids=lambda x: x.name if hasattr(x, "name") else str(x))
def test_table_case(folder: Path, case: Case) -> None:
    table = load_table(folder / "tests.yaml")
    outcome = run_case(case, folder / "rules.yaml", table.programme)
    assert outcome.passed, outcome.problems


def test_a_failing_table_case_is_reported(tmp_path: Path) -> None:
    shutil.copytree(MINATO, tmp_path / "minato_hanro")
    tests = tmp_path / "minato_hanro" / "tests.yaml"
    tests.write_text(tests.read_text(encoding="utf-8").replace("amount: 600000", "amount: 600001"), encoding="utf-8")
    assert run_check(tmp_path) == 1


def test_a_table_with_an_unknown_key_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "tests.yaml"
    file.write_text("programme: x\ncases:\n- {name: a, intent: cap, expect: {amont: 1}}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"cases\.0\.expect\.amont"):
        load_table(file)


# --- a programme written only in YAML -----------------------------------------------------------

def test_no_module_under_assistant_names_a_programme() -> None:
    """The fixture programme calculates with no Python naming it; the shipped ones are data too."""
    ids = ("minato_hanro", "みなと市", "shinjigyo", "export_ecosystem")
    for module in (ROOT / "assistant").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert not [i for i in ids if i in text], module


def minato(intent: str, today: date, question: str | None = None, **slots: Any):
    return calculate("minato_hanro", intent, slots, today=today, rules_file=MINATO / "rules.yaml",
                     question=question)


@pytest.mark.parametrize(
    ("employees", "spend", "amount"),
    [
        (5, 900_000, 600_000),  # 5人以下: 2/3
        (6, 900_000, 450_000),  # 6人以上: 1/2
        (5, 1_000_001, 666_667),  # 666,667.33 -> 1円未満切り捨て
        (6, 300_000, 150_000),  # exactly the 30万円以上 minimum
        (6, 299_999, 0),  # 1円 below it
        (6, 5_000_000, 1_000_000),  # 第1回 通常枠 cap
    ],
)
def test_fixture_programme_amounts(employees: int, spend: int, amount: int) -> None:
    result = minato("amount", date(2026, 4, 10), employees=employees, investment=spend)
    assert result.amount == amount
    assert result.round == "第1回" and "第1回公募要領の値" in result.conclusion


def test_fixture_cap_by_track_with_uplift() -> None:
    today = date(2026, 4, 10)
    assert minato("cap", today, track="創業枠").amount == 200 * MAN
    assert minato("cap", today, track="創業枠", invoice_special=True).amount == 250 * MAN
    plain = minato("cap", today)
    assert plain.amount == 100 * MAN and "創業枠の場合は200万円" in plain.conclusion
    assert "インボイス特例" in plain.explanation  # the uplift is stated when not asked
    unknown = minato("cap", today, track="特別枠")
    assert [i["slot"] for i in unknown.invalid_inputs] == ["track"] and "通常枠、創業枠" in unknown.explanation


@pytest.mark.parametrize(
    ("today", "question", "round_", "cap"),
    [
        (date(2026, 4, 10), None, "第1回", 100 * MAN),  # open on today
        (date(2026, 7, 10), None, "第2回", 150 * MAN),
        (date(2026, 6, 15), None, "第2回", 150 * MAN),  # between rounds: the latest, never the closed one
        (date(2026, 9, 30), None, "第2回", 150 * MAN),
        (date(2026, 7, 10), "第1回では上限はいくらでしたか", "第1回", 100 * MAN),  # named in the question
        (date(2026, 4, 10), "第２回の上限は?", "第2回", 150 * MAN),  # full-width digits
    ],
)
def test_which_round_answers(today: date, question: str | None, round_: str, cap: int) -> None:
    result = minato("cap", today, question, track="通常枠")
    assert (result.round, result.amount) == (round_, cap)
    assert f"{round_}公募要領の値" in result.conclusion


def test_schedule_gives_each_rounds_status() -> None:
    result = minato("schedule", date(2026, 6, 15))
    assert "第2回の公募はまだ始まっていません" in result.conclusion and "2026年7月1日" in result.conclusion
    assert "第1回は締切済み" in result.explanation and "第2回は受付開始前" in result.explanation


def test_provenance_on_the_result() -> None:
    a = minato("amount", date(2026, 4, 10), employees=6, investment=900_000)
    b = minato("amount", date(2026, 4, 11), employees=6, investment=900_000)
    c = minato("amount", date(2026, 4, 10), employees=6, investment=900_001)
    d = minato("amount", date(2026, 7, 10), employees=6, investment=900_000)
    data = a.to_dict()
    assert re.fullmatch(r"minato_hanro/第1回/[0-9a-f]{12}", data["ruleset_version"])
    assert (data["effective_from"], data["effective_until"]) == ("2026-04-01", "2026-05-29")
    assert a.determination_id == b.determination_id  # same inputs, same rules
    assert len({a.determination_id, c.determination_id, d.determination_id}) == 3  # inputs or round differ


def test_render_shows_round_and_version() -> None:
    from assistant.ui_render import trace_markdown

    data = minato("amount", date(2026, 4, 10), employees=6, investment=900_000).to_dict()
    text = trace_markdown(data)
    assert "**適用した公募回**: 第1回" in text and data["ruleset_version"].rsplit("/", 1)[1] in text
    assert "minato_hanro" not in text  # the id stays internal


# --- a second round for 中小企業新事業進出補助金, added with files only ------------------------------

def add_round(folder: Path) -> None:
    """The README's steps: put the round's document beside the others, add the round and its changed values."""
    shutil.copy(ROUND2 / "05_dai2kai.md", folder / "05_dai2kai.md")
    rules_file = folder / "rules.yaml"
    data = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    patch = yaml.safe_load((ROUND2 / "round.yaml").read_text(encoding="utf-8"))
    data["rounds"] += patch["rounds"]
    for name, values in patch["parameters"].items():
        data["parameters"][name]["values"].update(values)
    rules_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def round2_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("round2")
    shutil.copytree(CORPUS / "shinjigyo", root / "shinjigyo")
    add_round(root / "shinjigyo")
    return root


def test_second_round_checks_clean(round2_corpus: Path) -> None:
    assert run_check(round2_corpus) == 0
    rules = load_rules("shinjigyo", round2_corpus)
    assert [r.name for r in rules.rounds] == ["第1回", "第2回"]


@pytest.mark.parametrize(
    ("today", "round_", "cap_10", "cap_30"),
    [
        ("2025-06-20", "第1回", 2_500 * MAN, 4_000 * MAN),
        ("2025-10-01", "第2回", 3_000 * MAN, 4_500 * MAN),
    ],
)
def test_hojo_today_inside_each_round(round2_corpus: Path, monkeypatch: pytest.MonkeyPatch, today: str,
                                      round_: str, cap_10: int, cap_30: int) -> None:
    monkeypatch.setenv("HOJO_TODAY", today)
    from assistant.settings import get_settings

    get_settings.cache_clear()
    day = Settings().effective_today()
    assert day == date.fromisoformat(today)
    small = calculate("shinjigyo", "amount", {"employees": 10, "investment": 100_000_000}, corpus_dir=round2_corpus)
    assert (small.round, small.amount) == (round_, cap_10)
    assert f"{round_}公募要領の値" in small.conclusion
    assert calculate("shinjigyo", "cap", {"employees": 30, "special_wage": False},
                     corpus_dir=round2_corpus).amount == cap_30
    deadline = calculate("shinjigyo", "schedule", {}, corpus_dir=round2_corpus)
    assert f"{round_}の公募は受付中です" in deadline.conclusion
    get_settings.cache_clear()


def test_overlapping_second_round_is_rejected(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "shinjigyo", tmp_path / "shinjigyo")
    add_round(tmp_path / "shinjigyo")
    rules_file = tmp_path / "shinjigyo" / "rules.yaml"
    data = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    data["rounds"][1].pop("start")  # 第2回 would then be open from the beginning, over 第1回
    rules_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RulesError, match=r"rounds\.第2回.*overlaps 第1回"):
        load_rules("shinjigyo", tmp_path)


@pytest.fixture(scope="module")
def round2_store(round2_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.pipeline import run_ingest

    store = tmp_path_factory.mktemp("round2_store") / "store"
    report = run_ingest([round2_corpus], Settings(store_dir=store))
    assert report.ok and not report.rules_problems, report.rules_problems
    return store


@pytest.mark.parametrize(
    ("today", "question", "figure", "round_"),
    [
        ("2025-06-20", "従業員10人で1億円投資した場合の補助額はいくらですか?", "2,500万円", "第1回"),
        ("2025-10-01", "従業員10人で1億円投資した場合の補助額はいくらですか?", "3,000万円", "第2回"),
        ("2025-10-01", "第1回では、従業員10人で1億円投資した場合の補助額はいくらでしたか?", "2,500万円", "第1回"),
    ],
)
def test_engine_answers_with_the_rounds_values_and_says_so(round2_store: Path, today: str, question: str,
                                                           figure: str, round_: str) -> None:
    from assistant.engine import Engine

    engine = Engine.from_settings(Settings(store_dir=round2_store, today=date.fromisoformat(today)))
    answer = engine.answer(question, engine.new_state())
    lead = answer.answer.splitlines()[0]
    assert figure in lead and f"{round_}公募要領の値" in lead, answer.answer
    assert answer.calculation and answer.calculation["round"] == round_


# --- the command line ---------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_rules_check_command_passes_on_the_shipped_corpus_and_fixtures() -> None:
    for target in (CORPUS, RULES_FIXTURES):
        done = cli("rules", "check", str(target))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "問題はありません" in done.stdout and "テスト" in done.stdout


def test_rules_check_command_names_file_key_and_reason(tmp_path: Path) -> None:
    shutil.copytree(MINATO, tmp_path / "minato_hanro")
    rules_file = tmp_path / "minato_hanro" / "rules.yaml"
    text = rules_file.read_text(encoding="utf-8")
    rules_file.write_text(text.replace("      第2回:\n        value: 1500000", "      第3回:\n        value: 1500000"),
                          encoding="utf-8")
    done = cli("rules", "check", str(tmp_path))
    assert done.returncode == 1
    assert str(rules_file) in done.stdout and "parameters.cap_normal.values.第3回" in done.stdout
    assert "not defined" in done.stdout and "Traceback" not in done.stderr


def test_rules_show_prints_parameters_per_round_in_japanese() -> None:
    done = cli("rules", "show", "shinjigyo")
    assert done.returncode == 0, done.stderr
    assert "中小企業新事業進出補助金 の計算ルール" in done.stdout and "第1回" in done.stdout
    assert "2,500万円" in done.stdout and "常勤従業員数で区分" in done.stdout
    by_name = cli("rules", "show", "みなと市小規模事業者販路開拓補助金", "--dir", str(RULES_FIXTURES))
    assert "第2回: 150万円" in by_name.stdout
    missing = cli("rules", "show", "存在しない補助金")
    assert missing.returncode == 1 and "見つかりません" in missing.stdout
