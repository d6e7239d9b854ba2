"""The shipped corpus keeps every key fact of the seed articles, in our own words, and the retrieval eval
points at headings that really exist.

Facts are compared after NFKC and with commas/spaces removed, so 2,000万円 and 2000万円 are the same fact;
the calculator's quotable sentences are checked verbatim because the rules YAML quotes them as written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from assistant.programmes import split_front_matter

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SEEDS = REPO.parent / "shared" / "seeds"
EVAL_FILE = REPO / "eval" / "retrieval.jsonl"

SHIN = "shinjigyo"
EXPORT = "export_ecosystem"
OFFICIAL_NAMES = {
    SHIN: "中小企業新事業進出補助金",
    EXPORT: "中堅・中小企業輸出支援エコシステム形成事業費補助金",
}
AS_OF = {SHIN: date(2025, 6, 10), EXPORT: date(2025, 4, 30)}
MIN_COPIED_LENGTH = 25  # a shared run of this many characters is copying, not a shared term
MAX_SECTION_CHARS = 500  # chunks must stay <= 600 characters including the heading path


def normalise(text: str) -> str:
    """NFKC, no whitespace or thousands separators, one kind of range tilde."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s,]", "", text)
    return text.replace("〜", "~").replace("~", "~")


@cache
def corpus_files(programme: str) -> tuple[Path, ...]:
    return tuple(sorted((CORPUS / programme).glob("*.md")))


@cache
def corpus_body(programme: str) -> str:
    """All Markdown bodies of one programme, front matter removed."""
    return "\n".join(split_front_matter(p.read_text(encoding="utf-8"))[1] for p in corpus_files(programme))


@cache
def headings(programme: str) -> tuple[str, ...]:
    """Text of every ## and ### heading of one programme, in file order."""
    return tuple(
        m.group(2).strip() for m in re.finditer(r"^(#{2,3}) (.+)$", corpus_body(programme), flags=re.M)
    )


def sections(programme: str) -> list[tuple[str, str]]:
    """(### heading, body) pairs: the units a chunker turns into passages."""
    found: list[tuple[str, str]] = []
    for path in corpus_files(programme):
        body = split_front_matter(path.read_text(encoding="utf-8"))[1]
        parts = re.split(r"^(#{1,3} .+)$", body, flags=re.M)
        for heading, text in zip(parts[1::2], parts[2::2], strict=True):
            if heading.startswith("### "):
                found.append((heading[4:].strip(), text.strip()))
    return found


# (programme, fact) pairs taken from the two seed articles. Each must survive in the corpus.
KEY_FACTS: list[tuple[str, str]] = [
    # 新事業進出補助金: amounts, rates, bands
    (SHIN, "中小企業新事業進出補助金"),
    (SHIN, "7,000万円"),
    (SHIN, "9,000万円"),
    (SHIN, "2分の1"),
    (SHIN, "1/2"),
    (SHIN, "20人以下"),
    (SHIN, "2,500万円"),
    (SHIN, "3,000万円"),
    (SHIN, "21人以上50人以下"),
    (SHIN, "4,000万円"),
    (SHIN, "5,000万円"),
    (SHIN, "51人以上100人以下"),
    (SHIN, "5,500万円"),
    (SHIN, "101人以上"),
    (SHIN, "1,500万円以上"),
    (SHIN, "約750万円"),
    (SHIN, "最大2,000万円"),
    (SHIN, "大幅賃上げ特例"),
    # SME definition
    (SHIN, "日本国内に本社"),
    (SHIN, "資本金または常勤従業員数"),
    (SHIN, "製造業、建設業、運輸業"),
    (SHIN, "3億円以下"),
    (SHIN, "300人以下"),
    (SHIN, "卸売業"),
    (SHIN, "1億円以下"),
    (SHIN, "小売業"),
    (SHIN, "50人以下"),
    (SHIN, "ゴム製品製造業"),
    (SHIN, "900人以下"),
    (SHIN, "自動車・航空機用タイヤ及びチューブ製造業"),
    (SHIN, "工業用ベルト製造業"),
    (SHIN, "ソフトウェア業、情報処理サービス業"),
    (SHIN, "旅館業"),
    (SHIN, "200人以下"),
    (SHIN, "その他の業種"),
    # requirements and wages
    (SHIN, "3〜5年"),
    (SHIN, "6項目"),
    (SHIN, "給与支給総額"),
    (SHIN, "+2.5%"),
    (SHIN, "事業場内最低賃金"),
    (SHIN, "地域別最低賃金+30円以上"),
    (SHIN, "+6.0%"),
    (SHIN, "+50円"),
    # expenses
    (SHIN, "機械装置・システム構築費"),
    (SHIN, "建物費"),
    (SHIN, "運搬費"),
    (SHIN, "技術導入費"),
    (SHIN, "知的財産権等関連経費"),
    (SHIN, "専門家経費"),
    (SHIN, "クラウドサービス利用費"),
    (SHIN, "広告宣伝・販売促進費"),
    (SHIN, "事業資産"),
    (SHIN, "交付申請の段階で精査"),
    # review
    (SHIN, "補助対象事業としての適格性"),
    (SHIN, "新規事業の新市場性・高付加価値性"),
    (SHIN, "新規事業の有望度"),
    (SHIN, "事業の実現可能性"),
    (SHIN, "公的補助の必要性"),
    (SHIN, "政策面"),
    (SHIN, "過剰投資の抑制"),
    (SHIN, "認定支援機関の関与は要件になっていません"),
    (SHIN, "不採択、採択取消し、または交付決定取消し"),
    (SHIN, "応募締切日の時点"),
    (SHIN, "パートナーシップ構築宣言"),
    (SHIN, "くるみん認定"),
    (SHIN, "えるぼし認定"),
    (SHIN, "アトツギ甲子園"),
    (SHIN, "健康経営優良法人2025"),
    (SHIN, "技術情報管理認証制度"),
    (SHIN, "成長加速マッチングサービス"),
    (SHIN, "中小企業活性化協議会"),
    (SHIN, "過去3年以内"),
    (SHIN, "オンライン"),
    (SHIN, "1名だけ"),
    # adoption, schedule, budget
    (SHIN, "26.5%"),
    (SHIN, "約6,000社"),
    (SHIN, "4回程度"),
    (SHIN, "2026年度末"),
    (SHIN, "2025年7月10日18時"),
    (SHIN, "2025年10月"),
    (SHIN, "2ヵ月以内"),
    (SHIN, "2025年12月"),
    (SHIN, "14ヵ月以内"),
    (SHIN, "16ヵ月"),
    (SHIN, "1,500億円"),
    (SHIN, "収益納付"),
    (SHIN, "10〜15ページ"),
    (SHIN, "AGS"),
    (SHIN, "GビズIDプライム"),
    (SHIN, "メンバー"),
    (SHIN, "エントリー"),
    (SHIN, "1週間程度"),
    (SHIN, "約1ヵ月"),
    # repayment
    (SHIN, "付加価値額の年平均成長率"),
    (SHIN, "未達成率に応じて"),
    (SHIN, "営業利益が赤字"),
    (SHIN, "天災"),
    # predecessor 事業再構築補助金
    (SHIN, "事業再構築補助金"),
    (SHIN, "1兆1,485億円"),
    (SHIN, "2020年度第3次補正予算"),
    (SHIN, "13回"),
    (SHIN, "2兆円"),
    (SHIN, "80,691事業者"),
    (SHIN, "2025年3月26日"),
    (SHIN, "パソナ"),
    (SHIN, "博報堂"),
    (SHIN, "2025年2月19日"),
    (SHIN, "計4社のコンソーシアム"),
    (SHIN, "2021年6月18日"),
    (SHIN, "8,016者"),
    (SHIN, "2022年6月9日"),
    (SHIN, "9,707者"),
    (SHIN, "2024年11月9日"),
    (SHIN, "2,031者"),
    (SHIN, "DX"),
    (SHIN, "中小企業基盤整備機構"),
    # 輸出支援エコシステム補助金
    (EXPORT, "中堅・中小企業輸出支援エコシステム形成事業費補助金"),
    (EXPORT, "日本貿易振興機構"),
    (EXPORT, "ジェトロ"),
    (EXPORT, "令和7年度"),
    (EXPORT, "個社のみに裨益する案件"),
    (EXPORT, "2,000万円"),
    (EXPORT, "1/2以内"),
    (EXPORT, "4件程度"),
    (EXPORT, "2026年1月31日"),
    (EXPORT, "全世界"),
    (EXPORT, "危険情報がレベル3以上"),
    (EXPORT, "コア事業者"),
    (EXPORT, "中小企業・中堅企業"),
    (EXPORT, "特定非営利活動法人"),
    (EXPORT, "NPO"),
    (EXPORT, "一般社団法人"),
    (EXPORT, "商工会議所、商工会、都道府県商工会連合会"),
    (EXPORT, "2者以上"),
    (EXPORT, "大企業や大学"),
    (EXPORT, "過半数"),
    (EXPORT, "契約や書面"),
    (EXPORT, "外注"),
    (EXPORT, "一時的な売り買い"),
    (EXPORT, "親会社と子会社"),
    (EXPORT, "同一グループ"),
    (EXPORT, "コンソーシアム協定書"),
    (EXPORT, "地域商社×IP(コンテンツ)連携型"),
    (EXPORT, "インバウンド×越境EC連動型"),
    (EXPORT, "物流効率化・共有プラットフォーム型"),
    (EXPORT, "デジタル技術(AI/DX)活用型"),
    (EXPORT, "人件費、旅費、会議費、謝金、備品費、借料・損料、消耗品費、外注費等"),
    (EXPORT, "jGrants"),
    (EXPORT, "gBizIDプライム"),
    (EXPORT, "2週間程度"),
    (EXPORT, "5つのステップ"),
    (EXPORT, "輸出拡大への寄与度"),
    (EXPORT, "KPI"),
    (EXPORT, "相乗効果"),
    (EXPORT, "持続可能性"),
    (EXPORT, "行政書士"),
    (EXPORT, "実績報告"),
    (EXPORT, "2025年5月30日"),
    (EXPORT, "20.0%"),
    (EXPORT, "約14日"),
    (EXPORT, "2025年4月時点"),
]

# Sentences the calculator's rules quote as their source: they must exist exactly as written.
QUOTABLE: list[tuple[str, str]] = [
    (SHIN, "常勤従業員数が20人以下の場合、補助上限額は2,500万円です。"),
    (SHIN, "常勤従業員数が21人以上50人以下の場合、補助上限額は4,000万円です。"),
    (SHIN, "常勤従業員数が51人以上100人以下の場合、補助上限額は5,500万円です。"),
    (SHIN, "常勤従業員数が101人以上の場合、補助上限額は7,000万円です。"),
    (SHIN, "大幅賃上げ特例を適用する場合、20人以下の補助上限額は3,000万円です。"),
    (SHIN, "大幅賃上げ特例を適用する場合、21人以上50人以下の補助上限額は5,000万円です。"),
    (SHIN, "大幅賃上げ特例を適用する場合、51人以上100人以下の補助上限額は7,000万円です。"),
    (SHIN, "大幅賃上げ特例を適用する場合、101人以上の補助上限額は9,000万円です。"),
    (SHIN, "補助率は2分の1(1/2)です。"),
    (SHIN, "補助対象経費の合計が1,500万円以上であることが必要です。"),
    (
        SHIN,
        "製造業、建設業、運輸業は、資本金3億円以下または常勤従業員数300人以下であれば中小企業に該当します。",
    ),
    (SHIN, "卸売業は、資本金1億円以下または常勤従業員数100人以下であれば中小企業に該当します。"),
    (SHIN, "小売業は、資本金5,000万円以下または常勤従業員数50人以下であれば中小企業に該当します。"),
    (
        SHIN,
        "サービス業(ソフトウェア業、情報処理サービス業、旅館業を除く)は、"
        "資本金5,000万円以下または常勤従業員数100人以下であれば中小企業に該当します。",
    ),
    (
        SHIN,
        "ソフトウェア業、情報処理サービス業は、資本金3億円以下または常勤従業員数300人以下であれば中小企業に該当します。",
    ),
    (SHIN, "旅館業は、資本金5,000万円以下または常勤従業員数200人以下であれば中小企業に該当します。"),
    (SHIN, "ゴム製品製造業は、資本金3億円以下または常勤従業員数900人以下であれば中小企業に該当します。"),
    (
        SHIN,
        "その他の業種(上記のどれにも当たらない業種)は、"
        "資本金3億円以下または常勤従業員数300人以下であれば中小企業に該当します。",
    ),
    (SHIN, "日本国内に本社がある中小企業です。"),
    (SHIN, "第1回公募の締切は2025年7月10日18時です。"),
    (EXPORT, "補助上限額は1件あたり2,000万円です。"),
    (EXPORT, "補助率は2分の1以内(1/2以内)です。"),
    (EXPORT, "連携体には、コア事業者の要件を満たす組織が2者以上参加していることが必要です。"),
    (EXPORT, "連携体の構成員の過半数は、コア事業者の要件を満たす組織である必要があります。"),
    (EXPORT, "大企業や大学も連携体に加わることができます。"),
    (EXPORT, "親会社と子会社など、同一グループ内の企業だけで構成する連携体は認められません。"),
    (EXPORT, "公募締切は2025年5月30日です。"),
]


def test_fact_table_is_large_enough():
    assert len(KEY_FACTS) >= 80
    assert len(set(KEY_FACTS)) == len(KEY_FACTS), "duplicate rows hide a missing fact"


@pytest.mark.parametrize(("programme", "fact"), KEY_FACTS)
def test_key_fact_is_in_programme_corpus(programme: str, fact: str):
    assert normalise(fact) in normalise(corpus_body(programme)), f"{programme}: missing {fact!r}"


@pytest.mark.parametrize(("programme", "sentence"), QUOTABLE)
def test_quotable_sentence_is_verbatim(programme: str, sentence: str):
    assert sentence in corpus_body(programme)


@pytest.mark.parametrize("word", ["浄化槽", "観光誘客", "自治会", "愛知県"])
def test_unrelated_subsidies_from_seed_comparison_are_left_out(word: str):
    assert word not in corpus_body(EXPORT) + corpus_body(SHIN)


@pytest.mark.parametrize("programme", [SHIN, EXPORT])
def test_front_matter_fields(programme: str):
    files = corpus_files(programme)
    assert 2 <= len(files) <= 4
    for path in files:
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        assert meta.get("programme") == programme, path.name
        assert meta.get("official_name") == OFFICIAL_NAMES[programme], path.name
        assert isinstance(meta.get("title"), str) and OFFICIAL_NAMES[programme] in meta["title"], path.name
        aliases = meta.get("aliases")
        assert isinstance(aliases, list) and len(aliases) >= 3, path.name
        assert meta.get("as_of") == AS_OF[programme], path.name
        assert body.lstrip().startswith("# "), path.name


def test_export_aliases_include_the_short_names_users_type():
    meta, _ = split_front_matter(corpus_files(EXPORT)[0].read_text(encoding="utf-8"))
    for alias in ("輸出支援エコシステム補助金", "輸出エコシステム補助金", "エコシステム補助金"):
        assert alias in meta["aliases"]


def _prose_sentences(body: str) -> list[str]:
    """Sentences of running text: tables and headings are facts laid out, not our wording."""
    found: list[str] = []
    for line in body.splitlines():
        if line.startswith(("|", "#")):
            continue
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s*", "", line)
        found.extend(s for s in re.split(r"[。!?]", line) if s.strip())
    return found


def _copy_key(text: str) -> str:
    return normalise(text).replace("、", "")


@pytest.mark.parametrize("programme", [SHIN, EXPORT])
def test_no_sentence_copied_from_seeds(programme: str):
    seed_files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seed_files:
        pytest.skip("seed articles not available next to the repository")
    seeds = _copy_key("".join(p.read_text(encoding="utf-8") for p in seed_files))
    copied = [
        s
        for s in _prose_sentences(corpus_body(programme))
        if len(_copy_key(s)) >= MIN_COPIED_LENGTH and _copy_key(s) in seeds
    ]
    assert copied == []


@pytest.mark.parametrize("programme", [SHIN, EXPORT])
def test_sections_are_short_enough_for_one_chunk(programme: str):
    too_long = [(h, len(b)) for h, b in sections(programme) if len(b) > MAX_SECTION_CHARS]
    assert too_long == []


@pytest.mark.parametrize("programme", [SHIN, EXPORT])
def test_headings_are_unique_within_programme(programme: str):
    names = headings(programme)
    assert len(names) == len(set(names)), [h for h in names if names.count(h) > 1]


@cache
def eval_items() -> tuple[dict, ...]:
    lines = EVAL_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def test_retrieval_eval_items_are_well_formed():
    items = eval_items()
    assert len(items) >= 70
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    for item in items:
        assert set(item) == {"id", "question", "programme", "section"}, item["id"]
        assert item["programme"] in (SHIN, EXPORT), item["id"]
        assert item["question"].strip(), item["id"]


def test_retrieval_eval_sections_are_real_headings():
    wrong = [
        (item["id"], item["section"])
        for item in eval_items()
        if item["section"] not in headings(item["programme"])
    ]
    assert wrong == []


@pytest.mark.parametrize("programme", [SHIN, EXPORT])
def test_retrieval_eval_covers_every_section(programme: str):
    asked = {item["section"] for item in eval_items() if item["programme"] == programme}
    unasked = [heading for heading, _ in sections(programme) if heading not in asked]
    assert unasked == []


def test_retrieval_eval_questions_often_omit_the_programme_name():
    """About a third of real questions name no programme; the set must exercise that path."""
    names = [OFFICIAL_NAMES[SHIN], OFFICIAL_NAMES[EXPORT], "新事業進出", "エコシステム", "輸出支援"]
    unnamed = [item for item in eval_items() if not any(n in item["question"] for n in names)]
    assert len(eval_items()) // 4 <= len(unnamed) <= len(eval_items()) // 2
