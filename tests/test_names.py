"""The names a document gives its programme: the fuller official name over a headline's short form, and
the short forms and nicknames the text uses kept as aliases, so a user typing any of them (or one of them
with one wrong character) is answered about that programme. The texts are ours, about made-up places."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.names import infer_name

FULL = "かもめ県中小企業省エネルギー設備導入支援補助金"
ARTICLE = f"""かもめ県は、県内の中小企業が古い空調や冷凍設備を効率のよい機器に替える費用を助ける
「{FULL}」の第2回公募を10月に始めます。補助上限は800万円で、補助率は2分の1以内です。
{FULL}の対象は、県内に事業所を持つ中小企業者です。"""


def test_a_headline_short_form_gives_way_to_the_fuller_name_and_stays_an_alias() -> None:
    inferred = infer_name("かもめ県の省エネ設備補助金、第2回公募へ", "", ARTICLE)
    assert inferred is not None
    assert inferred.official == FULL
    assert "省エネ設備補助金" in inferred.aliases


def test_a_nickname_the_text_introduces_is_an_alias() -> None:
    body = (f"県は新しい制度「{FULL}」を公表しました。県内では「かもめ省エネ補助金」という呼び名で知られています。"
            "補助上限は800万円です。")
    inferred = infer_name(FULL, "", body)
    assert inferred is not None and inferred.official == FULL
    assert "かもめ省エネ補助金" in inferred.aliases


def test_a_rival_programmes_nickname_is_not_taken() -> None:
    body = (f"{FULL}の上限は800万円です。国の「先進的設備更新支援事業費補助金」(通称「先進設備補助金」)は"
            "大規模な投資向けです。")
    inferred = infer_name(FULL, "", body)
    assert inferred is not None and inferred.official == FULL
    assert "先進設備補助金" not in inferred.aliases


def test_a_name_without_a_fuller_form_has_no_aliases() -> None:
    inferred = infer_name("しぎ市創業応援助成金のご案内", "", "しぎ市創業応援助成金は、市内で創業する方を助けます。")
    assert inferred is not None and inferred.official == "しぎ市創業応援助成金"
    assert inferred.aliases == ()


@pytest.mark.slow
def test_a_nickname_with_one_wrong_character_is_answered_from_its_programme(tmp_path: Path) -> None:
    from assistant.dialog import DialogState
    from assistant.engine import Engine
    from assistant.settings import Settings
    from ingest.pipeline import run_ingest

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kamome.md").write_text(
        "# かもめ県の省エネ設備補助金、第2回公募へ\n\n"
        f"県は新しい制度「{FULL}」を公表しました。県内では「かもめ省エネ補助金」という呼び名で知られています。\n\n"
        "## 補助上限と補助率\n\n補助上限は800万円で、補助率は2分の1以内です。\n", encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store", data_dir=tmp_path / "data")
    report = run_ingest([folder], settings)
    assert report.ok and [p.official_name for p in report.programmes] == [FULL]
    engine = Engine.from_settings(settings)
    for typed in ("省エネ設備補助金", "かもめ省エネ補助金", "かもめ省エヌ補助金"):
        answer = engine.answer(f"{typed}の補助上限はいくらですか?", DialogState())
        assert answer.found and "800万円" in answer.answer.split("\n")[0], (typed, answer.answer)


def test_a_national_programme_named_inside_a_local_name_is_not_its_alias() -> None:
    """地域ものづくり…補助金 is not ものづくり補助金: a name found inside the official one, with more after it,
    is another programme (the rule typed names follow), while a real short form (省エネ設備) is an alias."""
    body = ("かもめ県地域ものづくり省力化設備導入補助金は県の制度です。国のものづくり補助金とは別の制度で、"
            "かもめ県地域ものづくり省力化設備導入補助金の上限は500万円です。")
    inferred = infer_name("かもめ県地域ものづくり省力化設備導入補助金とものづくり補助金の違い", "", body)
    assert inferred is not None and inferred.official == "かもめ県地域ものづくり省力化設備導入補助金"
    assert "ものづくり補助金" not in inferred.aliases
