"""Any guideline, any programme: a store holding programmes we do not ship answers about them from their
own passages, never with another programme's figures, and adding them changes nothing for the others.

The fixture guidelines (tests/fixtures/guidelines) are written by us for programmes the corpus does not
hold, in every format a user drops in: Markdown with front matter, a web page, a PDF, a .txt without
front matter or line breaks, a Markdown file without front matter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistant.engine import Engine
from assistant.settings import Settings
from assistant.types import Answer
from eval.dataset import load_qa

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "guidelines"
SHIPPED = ("shinjigyo", "export_ecosystem")
_YEN = re.compile(r"\d[\d,]*(?:\.\d+)?(?:億|万)?円")


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus and every fixture guideline in one store."""
    from ingest.pipeline import run_ingest

    settings = Settings(store_dir=tmp_path_factory.mktemp("mixed") / "store")
    report = run_ingest([settings.corpus_dir, FIXTURES], settings)
    assert report.ok and not report.skipped, report.skipped
    return settings


@pytest.fixture(scope="module")
def engine(mixed_store: Settings) -> Engine:
    return Engine.from_settings(mixed_store)


def ask(engine: Engine, question: str, programme: str | None = None) -> Answer:
    return engine.answer(question, engine.new_state(), programme=programme)


def first_sentence(answer: Answer) -> str:
    return re.split(r"(?<=[。\n])", answer.answer, maxsplit=1)[0]


def passages_of(engine: Engine, programme: str) -> str:
    return "\n".join(n.text for n in engine.retriever.snapshot().nodes if n.programme == programme)


# --- the catalogue --------------------------------------------------------------------------------

def test_catalogue_names_every_programme_from_its_documents(engine: Engine) -> None:
    catalogue = engine.programmes
    folders = {p.folder.name for p in catalogue.values() if p.folder}
    assert folders >= {f.name for f in FIXTURES.iterdir() if f.is_dir()} | set(SHIPPED)
    for programme in catalogue.values():
        # Inferred from the document (title, heading, the name it repeats), never from the folder name.
        assert programme.official_name != (programme.folder.name if programme.folder else None)
        assert re.search(r"補助金|助成金|助成事業|補助事業", programme.official_name), programme


def test_programmes_command_prints_the_catalogue(mixed_store: Settings) -> None:
    done = subprocess.run([sys.executable, "-m", "assistant", "programmes", "--store", str(mixed_store.store_dir)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "小規模事業者持続化補助金" in done.stdout and "中小企業新事業進出補助金" in done.stdout
    assert "jizokuka" not in done.stdout and "shinjigyo" not in done.stdout  # ids are not for people


# --- answers from the store, not from two built-in programmes ----------------------------------------

def test_a_well_known_name_in_the_store_is_answered_not_refused(engine: Engine) -> None:
    answer = ask(engine, "小規模事業者持続化補助金の補助上限はいくらですか?")
    assert answer.found and answer.programme_name == "小規模事業者持続化補助金", answer.answer
    assert "収録" not in first_sentence(answer) and "見当たりません" not in answer.answer


@pytest.mark.parametrize("question", ["持続化補助金っていくらまで出る?", "持続化補助金ってぶっちゃけなんぼまで出るん?"])
def test_a_question_of_only_asking_words_is_searched_for_what_it_asks(engine: Engine, question: str) -> None:
    """Nothing but the programme and words of asking: the cap is what is asked, and it is in the text."""
    answer = ask(engine, question)
    assert answer.found and answer.programme_name == "小規模事業者持続化補助金", (question, answer.answer)
    assert "50万円" in answer.answer.split("出典")[0], answer.answer


@pytest.mark.parametrize("typed", ["持続化補助金", "令和8年度 小規模事業者持続化補助金", "【全国】持続化補助金",
                                   "小規模事業者持続化補助", "小規模事業者持続化補助全"])
def test_name_variants_find_the_programme(engine: Engine, typed: str) -> None:
    answer = ask(engine, f"{typed}の補助率を教えてください")
    assert answer.programme_name == "小規模事業者持続化補助金", (typed, answer.answer)


def test_numeric_question_about_a_programme_without_rules_quotes_its_own_figures(engine: Engine) -> None:
    answer = ask(engine, "持続化補助金で従業員3人の会社が100万円使ったら補助額はいくら?")
    assert answer.calculation is None, "no rules file: no calculator, least of all another programme's"
    assert answer.programme_name == "小規模事業者持続化補助金"
    own = passages_of(engine, answer.programme or "")
    for figure in _YEN.findall(first_sentence(answer)):
        assert figure in own, (figure, answer.answer)


def test_a_programme_the_store_does_not_hold_is_refused_by_its_name(engine: Engine) -> None:
    answer = ask(engine, "IT導入補助金の締切はいつですか?")
    assert not answer.found and "IT導入補助金" in answer.answer
    assert "小規模事業者持続化補助金" in answer.answer  # what is covered is listed


def test_unnamed_calculation_in_a_mixed_store_never_borrows_a_calculator(engine: Engine) -> None:
    answer = ask(engine, "従業員5人で投資額が200万円なら補助額はいくら?")
    if answer.calculation is not None:
        assert answer.programme in SHIPPED and answer.programme_name in first_sentence(answer)
    else:
        assert answer.follow_up or answer.programme_name, answer.answer


def test_a_term_inside_a_compound_does_not_name_the_programme_whose_name_shares_it(engine: Engine) -> None:
    # 賃上げ is a word of さつき県中小企業賃上げ促進助成金's name, but 大幅賃上げ特例 is 新事業進出補助金's term.
    answer = ask(engine, "従業員15人で8,000万円を投資し、大幅賃上げ特例を使う場合の補助額は?")
    assert answer.programme == "shinjigyo", answer.answer
    assert answer.calculation is not None and answer.calculation["amount"] == 30_000_000


def test_no_internal_id_in_any_answer_text(engine: Engine) -> None:
    ids = [pid for pid, p in engine.programmes.items() if pid != p.official_name]
    for question in ("締切はいつ?", "補助上限額は?", "持続化補助金の補助率は?", "連携体の要件は?", "chiiki_dxの補助率"):
        text = ask(engine, question).answer
        assert not any(pid in text for pid in ids), (question, text)


# --- isolation: another programme's documents change nothing -------------------------------------------

def test_adding_programmes_changes_no_answer_of_the_shipped_ones(engine: Engine, built_store: Settings) -> None:
    alone = Engine.from_settings(built_store)
    items = [i for i in load_qa() if len(i.turns) == 1 and i.expect.get("programme") in SHIPPED][:80]
    assert len(items) >= 60
    changed = []
    for item in items:
        pid = item.expect["programme"]
        before, after = ask(alone, item.turns[0], pid), ask(engine, item.turns[0], pid)
        if (before.answer, before.calculation) != (after.answer, after.calculation):
            changed.append(item.id)
    assert not changed, changed


def test_no_answer_cites_another_programmes_text(engine: Engine) -> None:
    docs_of = {pid: set(p.documents) for pid, p in engine.programmes.items()}
    questions = [i.turns[-1] for i in load_qa(ROOT / "eval" / "unseen.jsonl")]
    for question in questions:
        answer = ask(engine, question)
        if answer.programme and answer.sources and not answer.calculation:
            assert {s.doc for s in answer.sources} <= docs_of[answer.programme], (question, answer.answer)


_TOPICS = ["補助上限", "補助率", "締切", "対象経費", "申請できる人", "採択発表", "事業期間", "上限額は最大", "助成率"]


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["", "持続化補助金の", "新事業進出補助金の", "輸出支援エコシステムの", "創業助成の",
                             "DX推進助成金の", "省力化の"]),
       topic=st.sampled_from(_TOPICS),
       tail=st.sampled_from(["は?", "はいくらですか", "を教えて", "はいつ?", "って何%?"]))
def test_a_yen_figure_in_a_lead_comes_from_the_programme_it_names(engine: Engine, name: str, topic: str,
                                                                  tail: str) -> None:
    """Property: a yen figure in the first sentence is in that programme's passages or calculator result."""
    answer = ask(engine, f"{name}{topic}{tail}")
    lead = first_sentence(answer)
    figures = _YEN.findall(lead)
    if not figures or not answer.found:
        return
    if answer.programme is None:  # per programme: each block names its programme
        assert lead.startswith(("制度ごと", "【")), answer.answer
        return
    assert answer.programme_name and answer.programme_name in lead, answer.answer
    own = passages_of(engine, answer.programme) + str(answer.calculation or "")
    for figure in figures:
        assert figure.replace(",", "") in own.replace(",", ""), (figure, answer.answer)


# --- rules files: validated at ingest, a broken one does not stop the programme ------------------------

def test_a_broken_rules_file_is_named_and_the_programme_answers_from_text(tmp_path: Path) -> None:
    from ingest.pipeline import run_ingest

    folder = tmp_path / "docs" / "jizokuka"
    shutil.copytree(FIXTURES / "jizokuka_like", folder)
    (folder / "rules.yaml").write_text("programme: jizokuka\nofficial_name: 小規模事業者持続化補助金\nparameters:\n"
                                       "  cap: {value: 500000, unit: yen, typo: 1}\n", encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store")
    report = run_ingest([tmp_path / "docs"], settings)
    assert report.ok and report.files == 1
    assert any("rules.yaml" in p and "parameters" in p for p in report.rules_problems), report.rules_problems
    answer = Engine.from_settings(settings).answer("補助上限はいくら?", Engine(settings).new_state())
    assert answer.found and answer.calculation is None


# --- the README's "adding a guideline" steps --------------------------------------------------------------

def test_readme_steps_add_a_guideline(tmp_path: Path) -> None:
    """Drop a folder, ingest it with the CLI, ask about it with the CLI: as the README says."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m assistant ingest" in readme and "python -m assistant programmes" in readme
    drop = tmp_path / "今週の公募要領"
    shutil.copytree(FIXTURES / "aoba_sogyo", drop)
    store = tmp_path / "store"

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "assistant", *args, "--store", str(store)],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    summary = cli("ingest", str(ROOT / "corpus"), str(drop))
    assert "あおば県創業スタートアップ助成事業" in summary  # the ingest summary lists what it found
    assert "あおば県創業スタートアップ助成事業" in cli("programmes")
    out = cli("ask", "あおば県の創業スタートアップ助成事業の助成限度額はいくらですか?")
    assert "【あおば県創業スタートアップ助成事業】" in out and "万円" in out.split("\n")[0]


def test_a_question_about_one_column_of_a_table_gets_that_column_for_every_row(engine: Engine) -> None:
    answer = ask(engine, "ひばり野市のDX推進助成金の助成率は?")
    lines = answer.answer.split("\n")
    assert lines[0].startswith("【ひばり野市中小企業DX推進助成金】") and "助成率" in lines[0]
    assert all("助成限度額" not in line for line in lines[:3])
    assert answer.sources and all(s.text.startswith("|") for s in answer.sources)  # rows cited verbatim
