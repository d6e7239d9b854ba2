"""Question forms: the first sentence answers in the form asked (はい/いいえ, one line per part, a short
thank-you), decided from the passages for any programme; members read once per phrase."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from assistant.settings import Settings
from assistant.types import Answer
from assistant.understanding.forms import Form, question_form
from assistant.understanding.manners import small_talk_reply
from assistant.understanding.members import apply_members_change, extract_members, members_change


@pytest.mark.parametrize(("question", "subject", "yes", "no"), [
    ("NPO法人は連携体の中心になれますか?", "NPO法人", "中心になれます", "中心になれません"),
    ("中古の機械は補助対象になりますか", "中古の機械", "対象になります", "対象になりません"),
    ("運搬費は補助の対象?", "運搬費", "対象です", "対象ではありません"),
    ("GビズIDは必要ですか?", "GビズID", "必要です", "必要ではありません"),
    ("個人事業主でも申請できる?", "個人事業主", "できます", "できません"),
    ("輸出支援の補助金で、大学は連携体に参加できませんか", "大学", "できます", "できません"),
    ("リース料は使えますか", "リース料", "使えます", "使えません"),
])
def test_yes_no_questions_give_their_subject_and_predicate(question: str, subject: str, yes: str, no: str) -> None:
    form = question_form(question)
    assert (form.form, form.subject, form.yes, form.no) == (Form.YES_NO, subject, yes, no)


@pytest.mark.parametrize(("question", "subject"), [
    ("口頭審査って、コンサルタントも同席できますか", "コンサルタント"),  # も singles out the asked item
    ("大学がコア事業者になることはできますか", "大学"),  # が over the topic こと
    ("くるみん認定を持ってると加点になりますか", "くるみん認定"),  # the って inside 持ってる is no topic
    ("本社が海外にある会社でも申請できますか", "本社が海外にある会社"),  # a general head keeps its clause
    ("うちは個人事業主なんですが申請できますか", "個人事業主"),  # 「なんですが」 is no question word
    ("商工会議所って         のコア事業者になれますか?", "商工会議所"),  # the gap a removed name leaves
    ("新事業進出補助金は単独で申請できますか", "単独"),
    ("エコシステム補助金を実施しているのはジェトロですか?", "ジェトロ"),  # the noun asserted
])
def test_the_subject_is_the_phrase_the_strongest_particle_marks(question: str, subject: str) -> None:
    assert question_form(question).subject == subject


def test_a_yes_no_about_a_figure_keeps_the_figure_and_answers_in_general_terms() -> None:
    form = question_form("補助率は2分の1ですか")
    assert (form.subject, form.figures, form.yes) == ("補助率", ("2分の1",), "そのとおりです")


def test_a_figure_asked_about_must_be_stated_for_a_yes() -> None:
    from assistant.types import Passage
    from assistant.verdict import decide

    passage = Passage(node_id="n1", text="補助率は2分の1(1/2)です。", programme="p", doc="d", section="補助率",
                      source="d.md", page=None, score=1.0)
    assert decide(question_form("補助率は1/2ですか"), [passage], []).value is True
    undecided = decide(question_form("補助率は3分の2ですか"), [passage], [])
    assert undecided.value is None and undecided.evidence is not None  # named, but with another figure


@pytest.mark.parametrize(("text", "flags"), [
    ("資本関係はなく、役割分担は協定書で決めてあり、単なる外注の関係でもありません",
     {"same_group_only": False, "outsourcing_only": False, "roles_in_writing": True}),
    ("役割分担は書面で明確にしていて、グループ関係も外注関係もありません",
     {"same_group_only": False, "outsourcing_only": False, "roles_in_writing": True}),
    ("グループ会社同士ではなく、単なる外注でもありません", {"same_group_only": False, "outsourcing_only": False}),
    ("3社は別々のグループで、役割分担は協定書で書面化しています", {"same_group_only": False, "roles_in_writing": True}),
    ("外注先とだけ組みます", {"outsourcing_only": True}),
])
def test_denied_relations_are_read_as_denied(text: str, flags: dict[str, bool]) -> None:
    from assistant.understanding.members import extract_consortium_flags

    members = [{"type": "中小企業", "count": 2}, {"type": "大学", "count": 1}]
    assert extract_consortium_flags("中小企業2社と大学1校で連携体を組みます。" + text, members, True) == flags


def test_a_counted_member_is_not_counted_again_by_a_bare_mention() -> None:
    assert extract_members("うちはNPO法人なんですが、NPO法人1団体だけで応募できますか")[0] == [{"type": "NPO", "count": 1}]


@pytest.mark.parametrize(("question", "form"), [
    ("補助上限額はいくらですか?", Form.AMOUNT),
    ("締切はいつ?", Form.WHEN),
    ("審査項目は?", Form.LIST),
    ("補助事業の期間はどのくらい?", Form.DURATION),
    ("通常枠と特例の違いは?", Form.COMPARE),
    ("何社まで連携できますか", Form.COUNT),
])
def test_questions_with_a_word_of_asking_are_not_yes_no(question: str, form: Form) -> None:
    assert question_form(question).form is form


def test_multi_part_questions_are_split_into_their_parts() -> None:
    assert question_form("予算の総額と、採択される社数の見込みは?").parts == ("予算の総額", "採択される社数")  # no hedge
    assert question_form("通常と特例の両方で上限を教えて").parts == ("通常の上限", "特例の上限")
    assert question_form("親会社と子会社だけで連携体を組めますか?").parts == ()
    assert question_form("予算規模と採択予定数はどれくらいですか").parts == ("予算規模", "採択予定数はどれくらいですか")
    assert question_form("gBizIDの取得期間と申請準備にかかる期間の目安、それぞれ教えて").parts == (
        "gBizIDの取得期間", "申請準備にかかる期間")


@pytest.mark.parametrize("text", ["ありがとうございました", "こんにちは", "助かりました!", "了解です。失礼します"])
def test_thanks_and_greetings_get_a_short_reply(text: str) -> None:
    reply = small_talk_reply(text)
    assert reply and len(reply) < 80 and "申し訳" not in reply


@pytest.mark.parametrize("text", ["ありがとう、締切はいつですか", "こんにちは。補助率は?", "補助上限は?"])
def test_a_question_is_never_small_talk(text: str) -> None:
    assert small_talk_reply(text) is None


@pytest.mark.parametrize(("text", "members"), [
    ("地域商社(中小企業)、物流会社(中堅企業)、商社(大企業)の3者",
     [{"type": "中小企業", "count": 1}, {"type": "中堅企業", "count": 1}, {"type": "大企業", "count": 1}]),
    ("中小企業の地域商社2社と大学1校", [{"type": "中小企業", "count": 2}, {"type": "大学", "count": 1}]),
    ("中小企業3社とNPO法人1団体", [{"type": "中小企業", "count": 3}, {"type": "NPO", "count": 1}]),
])
def test_each_member_phrase_is_read_once(text: str, members: list[dict[str, object]]) -> None:
    assert extract_members(text)[0] == members


def test_follow_ups_add_remove_or_replace_members() -> None:
    current = [{"type": "中小企業", "count": 2}, {"type": "大企業", "count": 2}]
    assert members_change("大企業をもう1社加えたら?") == "add"
    assert members_change("大企業を1社外したら?") == "remove"
    assert members_change("中小企業3社と大学1校なら?") == "replace"
    assert apply_members_change(current, [{"type": "大企業", "count": 1}], "add")[1] == {"type": "大企業", "count": 3}
    assert apply_members_change(current, [{"type": "大企業", "count": 2}], "remove") == [{"type": "中小企業", "count": 2}]


# --- end to end over the real shipped store ------------------------------------------------------

@pytest.fixture(scope="module")
def engine(built_store: Settings) -> Engine:
    engine = Engine.from_settings(built_store.model_copy(update={"today": None}))
    engine.warm_up()
    return engine


def ask(engine: Engine, *turns: str) -> Answer:
    state = engine.new_state()
    answer = None
    for text in turns:
        answer = engine.answer(text, state)
    assert answer is not None
    return answer


def lead(answer: Answer) -> str:
    return answer.answer.split("\n")[0]


@pytest.mark.slow
@pytest.mark.parametrize(("question", "verdict", "evidence"), [
    ("輸出支援の補助金で、NPO法人はコア事業者になれますか?", "はい、なれます", "NPO"),
    ("新事業進出補助金では、運搬費も補助の対象?", "はい、対象です", "運搬費"),
    ("新事業進出補助金の申請にGビズIDは要りますか?", "はい、", "GビズID"),
])
def test_yes_no_leads_with_the_verdict_and_quotes_its_evidence(engine: Engine, question: str, verdict: str,
                                                               evidence: str) -> None:
    answer = ask(engine, question)
    assert verdict in lead(answer)
    assert any(evidence in s.text for s in answer.sources)


@pytest.mark.slow
def test_a_subject_the_documents_never_name_is_not_guessed_yes(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金で中古のフォークリフトは補助対象になりますか?")
    assert not lead(answer).split("】")[-1].startswith(("はい", "いいえ"))


@pytest.mark.slow
def test_calculator_verdicts_lead_with_yes_or_no(engine: Engine) -> None:
    assert "いいえ、" in lead(ask(engine, "輸出支援の補助金で、親会社と子会社だけで連携体を組めますか?"))
    assert "はい、" in lead(ask(engine, "新事業進出補助金で、従業員40人、資本金8,000万円の製造業は対象になりますか?"))


@pytest.mark.slow
def test_consortium_follow_up_adds_a_member(engine: Engine) -> None:
    answer = ask(engine, "輸出支援の補助金で中小企業2社と大企業1社で申請できますか?", "大企業をもう1社加えたら?")
    assert answer.calculation is not None and answer.calculation["eligible"] is False
    assert "2者/全4者" in answer.answer


@pytest.mark.slow
def test_multi_part_question_answers_each_part(engine: Engine) -> None:
    answer = ask(engine, "輸出支援の補助金の補助率と、事業の実施期間を教えてください")
    assert "2分の1" in answer.answer and "2026年1月31日" in answer.answer


@pytest.mark.slow
def test_thanks_mid_conversation_keeps_the_calculation(engine: Engine) -> None:
    state = engine.new_state()
    engine.answer("新事業進出補助金で従業員10人、投資額3,000万円なら補助額は?", state)
    reply = engine.answer("ありがとうございます!", state)
    assert reply.found is False and len(reply.answer) < 80
    again = engine.answer("では投資額が6,000万円なら?", state)
    assert again.calculation is not None and again.calculation["amount"] == 25_000_000


def test_one_character_typos_of_stored_terms_are_read_as_the_documents_spell_them() -> None:
    from assistant.spelling import build_vocabulary, correct

    vocabulary = build_vocabulary(["補助上限額は2,000万円です。", "ホームページで公開します。", "最低投資額は1,500万円以上"])
    assert correct("補助上減額はいくら?", vocabulary) == "補助上限額はいくら?"
    assert correct("最低投資学は?", vocabulary) == "最低投資額は?"
    assert correct("何ページくらいですか?", vocabulary) == "何ページくらいですか?"  # a word of asking
    assert correct("雇用調整助成金の助成率は?", vocabulary) == "雇用調整助成金の助成率は?"  # nothing near


@pytest.mark.slow
def test_typo_of_a_key_term_still_gets_the_answer(engine: Engine) -> None:
    answer = ask(engine, "輸出支援エコシステム補助金の採択予定件教は?")
    assert answer.found and "4件" in answer.answer


@pytest.mark.slow
def test_dialog_reference_keeps_inputs_across_a_deadline_question(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金で従業員30人、投資額4,000万円なら補助額は?", "締切はいつ?",
                 "さっきの条件で大幅賃上げ特例を使うと?")
    assert answer.calculation is not None and answer.calculation["amount"] == 20_000_000


@pytest.mark.slow
@pytest.mark.parametrize(("question", "verdict"), [
    ("輸出支援の補助金で、大学がコア事業者になることはできますか?", "いいえ"),  # 「大学はこの一覧に含まれていません」
    ("商工会議所ってエコシステム補助金のコア事業者になれますか?", "はい"),
    ("新事業進出補助金の口頭審査って、コンサルタントも同席できますか", "いいえ"),
    ("新事業進出補助金で付加価値額の目標が未達だったら、補助金を返さないといけませんか?", "いいえ"),
])
def test_yes_no_verdicts_over_the_shipped_documents(engine: Engine, question: str, verdict: str) -> None:
    answer = ask(engine, question)
    assert lead(answer).split("】")[-1].startswith(verdict), answer.answer
    assert answer.calculation is None  # a yes/no with no facts given is the passages' to answer


@pytest.mark.slow
def test_a_figure_the_documents_contradict_is_never_a_yes(engine: Engine) -> None:
    answer = ask(engine, "エコシステム補助金の補助上限は5,000万円ですか")
    assert "はい" not in lead(answer) and "2,000万円" in answer.answer


@pytest.mark.slow
def test_a_valid_composition_leads_with_its_verdict_while_other_conditions_are_unknown(engine: Engine) -> None:
    answer = ask(engine, "エコシステム補助金で、中小企業2社と大学1校で連携体を組む予定です。要件は満たしますか?")
    assert "構成員の構成については要件を満たします" in lead(answer)
    assert "2者/全3者" in lead(answer) and answer.follow_up


@pytest.mark.slow
def test_a_yes_no_in_between_does_not_replace_the_calculation(engine: Engine) -> None:
    answer = ask(engine, "従業員60名で8,400万円の投資を考えています。新事業進出補助金の補助額は?",
                 "賃上げ要件が未達だと返還になりますか?", "さっきの会社で、投資額1億6千万円ならどうなりますか")
    assert answer.calculation is not None and answer.calculation["amount"] == 55_000_000


@pytest.mark.slow
def test_values_given_with_another_programme_ask_it_the_same_question(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金、従業員80人で投資額9千万円ならいくら?",
                 "では輸出支援の補助金で事業費5,000万円の場合は?")
    assert answer.programme == "export_ecosystem"
    assert answer.calculation is not None and answer.calculation["amount"] == 20_000_000


@pytest.mark.slow
def test_a_schedule_milestone_other_than_the_deadline_is_quoted(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金で、採択のあと交付申請はいつまでにすればいいですか?")
    assert answer.calculation is None and "2ヵ月" in answer.answer


@pytest.mark.parametrize(("text", "employees"), [
    ("さっきの条件で従業員が1人増えて100人になったら変わりますか?", 100),
    ("従業員が5人減って25人なら?", 25),
])
def test_a_figure_of_change_is_not_the_value(text: str, employees: int) -> None:
    from assistant.understanding import understand

    u = understand(text, {})
    assert u.slots.get("employees") == employees and u.clarification is None


def test_a_lead_saying_the_documents_do_not_state_it_is_recognised() -> None:
    from assistant.compose import says_unstated

    assert says_unstated("【X補助金】対象外の経費の具体的な一覧はこの資料には記載がありません。\n次に…")
    assert not says_unstated("【X補助金】補助上限額は2,000万円です。\n詳細は記載がありません。")


@pytest.mark.slow
def test_an_answer_whose_documents_say_they_do_not_cover_it_is_not_found(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金で補助対象外になる経費を具体的に一覧で教えてください")
    assert answer.found is False and "記載がありません" in lead(answer)


def test_a_choice_only_one_part_states_is_left_for_the_calculator_to_show_both() -> None:
    from assistant.understanding import understand

    u = understand("従業員20人以下の会社の補助上限額と、大幅賃上げ特例を使った場合の上限、それぞれいくらですか", {})
    assert u.form.parts == ("従業員20人以下の会社の補助上限額", "大幅賃上げ特例を使った場合の上限")
    assert u.slots == {"employees": 20}
    conditional = understand("さっきの条件で大幅賃上げ特例を使うと補助上限額はいくら?", {})
    assert conditional.form.parts == () and conditional.slots.get("special_wage") is True  # と of a condition


@pytest.mark.parametrize("text", ["おはようございます。今日もよろしくお願いします!", "助かりました〜!また何かあれば聞きますね"])
def test_chatting_around_thanks_and_greetings_is_small_talk(text: str) -> None:
    assert small_talk_reply(text) is not None


@pytest.mark.parametrize(("question", "yes"), [
    ("中古の機械も補助の対象になる?", "なります"),  # godan: なる → なります, never 「なます」
    ("申請できる?", "できます"),
])
def test_plain_endings_are_answered_politely(question: str, yes: str) -> None:
    assert question_form(question).yes == yes


@pytest.mark.slow
def test_a_modifier_the_documents_never_name_is_not_a_yes(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金で中古の機械を買った場合も補助の対象になる?")
    assert not lead(answer).split("】")[-1].startswith("はい")


@pytest.mark.slow
def test_a_round_the_documents_never_speak_of_is_not_answered(engine: Engine) -> None:
    answer = ask(engine, "輸出エコシステム補助金の二次公募はいつ始まりますか?")
    assert answer.found is False and "2025年5月30日" not in answer.answer


def test_words_typed_in_kana_are_read_as_the_documents_write_them() -> None:
    from assistant.spelling import build_readings, build_vocabulary, from_kana

    texts = ["補助上限額は2,000万円、補助率は2分の1です。", "申請は電子申請で行います。", "くるみん認定の加点があります。"]
    vocabulary, readings = build_vocabulary(texts), build_readings(texts)

    def read(text: str) -> str:
        return from_kana(text, vocabulary, lambda: readings)

    assert read("ほじょじょうげんがくはいくら?") == "補助上限額はいくら?"
    assert read("補助りつをおしえて") == "補助率をおしえて"  # the kanji before joins the reading
    assert read("しんせいはいつまで?") == "申請はいつまで?"
    assert read("くるみん認定はありますか") == "くるみん認定はありますか"  # the documents' own kana
    assert read("いくらもらえますか") == "いくらもらえますか"  # short readings and verbs stay


@pytest.mark.parametrize(("text", "changes"), [
    ("従業員が5人増えたら?", {"employees": ("add", 5)}),
    ("5人減ったら", {"employees": ("add", -5)}),
    ("投資額を倍にしたら?", {"investment": ("mul", 2)}),
    ("さっきの条件で経費が1.5倍になったら?", {"investment": ("mul", 1.5)}),
])
def test_changes_to_earlier_values_are_read_as_changes(text: str, changes: dict[str, object]) -> None:
    from assistant.understanding import understand

    u = understand(text, {})
    assert u.changes == changes and not u.slots and u.intent is None


@pytest.mark.slow
def test_a_change_applies_to_the_values_given_before_and_is_stated(engine: Engine) -> None:
    state = engine.new_state()
    engine.answer("新事業進出補助金で、従業員18人・投資額6,000万円だと補助額はいくら?", state)
    more = engine.answer("従業員が5人増えたら?", state)
    assert more.calculation is not None and more.calculation["amount"] == 30_000_000
    assert "常勤従業員数23人" in more.answer
    double = engine.answer("投資額を倍にしたら?", state)
    assert double.calculation is not None and double.calculation["amount"] == 40_000_000


def test_a_table_without_a_header_row_is_read_as_rows_and_months_keep_their_year() -> None:
    from assistant.compose import best_quotes, has_header
    from assistant.tokenizer import tokenize
    from assistant.types import Passage

    table = ["| 2025年1月 | – |", "| --- | --- |", "| 6月 | 公募開始 |", "| 7月 | 公募締切(7月10日18時) |",
             "| 10月 | 採択発表(ここから2ヵ月以内に交付申請) |", "| 12月 | 交付決定 |"]
    passage = Passage(node_id="n", text="\n".join(table), programme="p", doc="d", section="スケジュール",
                      source="d.txt", page=None, score=1.0)
    assert not has_header([line for line in table if "---" not in line])
    quotes = best_quotes(tokenize("採択発表はいつ?"), [passage], wants_value=True)
    assert quotes[0].text == "2025年10月: 採択発表(ここから2ヵ月以内に交付申請)。"
    assert quotes[0].sentence == "| 10月 | 採択発表(ここから2ヵ月以内に交付申請) |"  # cited verbatim


@pytest.mark.slow
def test_a_question_naming_two_programmes_is_answered_for_each(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金とエコシステム補助金の補助率はそれぞれ?")
    assert "【中小企業新事業進出補助金】補助率は2分の1" in answer.answer
    assert "【中堅・中小企業輸出支援エコシステム形成事業費補助金】補助率は2分の1以内" in answer.answer


@pytest.mark.slow
def test_a_list_answer_leads_with_the_sentence_introducing_its_items(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金の加点項目は?")
    assert "次の8つ" in lead(answer) and "くるみん加点" in answer.answer
    assert ask(engine, "新事業進出補助金の書類審査の審査項目はいくつありますか?").answer.split("】")[1].startswith(
        "書類審査では、主に次の6点")


def test_a_when_question_is_answered_by_a_dated_sentence_not_a_time_of_day_alone() -> None:
    from assistant.compose import asks_for_date, best_quotes
    from assistant.tokenizer import tokenize
    from assistant.types import Passage

    text = ("締切の17時直前ではなく、余裕をもって数日前には提出を終えるのがおすすめです。\n"
            "申請締切の2026年6月12日から逆算して、早めに準備を始めましょう。")
    passage = Passage(node_id="n", text=text, programme="p", doc="d", section="申請の締切", source="d.md",
                      page=None, score=1.0)
    question = "申請はいつ締め切られますか"
    quotes = best_quotes(tokenize(question), [passage], wants_value=True, wants_date=asks_for_date(question))
    assert "2026年6月12日" in quotes[0].sentence


@pytest.mark.slow
def test_a_range_inside_one_band_is_answered_and_one_across_bands_is_asked(engine: Engine) -> None:
    same = ask(engine, "新事業進出補助金で、従業員51〜100人の会社の上限額は?")
    assert "5,500万円" in lead(same) and "どの値でも同じ結果" in same.answer and not same.follow_up
    across = ask(engine, "新事業進出補助金で、従業員40〜60人の会社の上限額は?")
    assert across.follow_up and "範囲" in across.answer and "万円" not in across.answer


def test_review_fixes_figures_years_permission_and_changes() -> None:
    from assistant.compose import _dated_cells, has_header
    from assistant.dialog import DialogState, merge
    from assistant.types import Passage
    from assistant.understanding import understand
    from assistant.verdict import decide

    passage = Passage(node_id="n", text="従業員15人以上の事業者が対象です。", programme="p", doc="d", section="対象",
                      source="d.md", page=None, score=1.0)
    assert decide(question_form("従業員5人の事業者は対象ですか"), [passage], []).value is None  # 5人 is not 15人
    table = ["| 2025年10月 | 採択発表 |", "| 12月 | 交付決定 |", "| 2月 | 実績報告 |"]
    assert _dated_cells(table, table[2])[0] == "2026年2月"  # the year rolls over after 12月
    assert _dated_cells(["| 2025年度 | 予算 |", "| 1月 | 締切 |"], "| 1月 | 締切 |")[0] == "1月"  # 年度 is no year
    assert has_header(["| | 通常枠 | 特例 |", "| 上限 | 1,000万円 | 2,000万円 |"])  # an empty corner cell
    assert question_form("上限はありますか").yes == "あります"  # not a permission question
    assert not understand("売上が2倍になったら", {}).changes and not understand("投資額の何倍ですか", {}).changes
    state = DialogState(intent="amount", slots={"employees": 30, "investment": 40_000_000})
    assert merge(state, understand("50人減ったら", {})).slots["employees"] == 30  # never below one


@pytest.mark.slow
def test_a_repayment_from_our_own_formula_says_so_in_its_first_sentence(engine: Engine) -> None:
    answer = ask(engine, "新事業進出補助金で補助金3,000万円を受け取り、給与支給総額の目標成長率が2.5%で実績が1.5%だった場合の"
                         "返還額は?")
    assert answer.calculation is not None and answer.calculation["amount"] == 12_000_000  # target 2.5, actual 1.5
    assert "当方の試算" in lead(answer) and "1,200万円" in lead(answer)
