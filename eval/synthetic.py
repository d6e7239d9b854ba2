"""Synthetic Japanese guideline corpora for the scale benchmark (`python -m eval.bench --scale N`).

Programmes, headings and sentences are drawn from guideline vocabulary with varied figures, dates and
names, so that Sudachi, BM25's vocabulary and chunk lengths look like real 公募要領 (about one chunk per
section at the default chunk size), not one sentence copied N times. Deterministic for a given N.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import numpy as np

SECTIONS_PER_FILE = 100
REGIONS = ["あおば", "さくら", "ひばり野", "みなと", "かえで", "しらかわ", "つばき", "ほしの", "やまぶき", "なぎさ",
           "こまち", "わかば", "いずみ", "あさひ", "すずらん", "ときわ"]
SCOPES = ["県", "市", "町", "地域", "広域連携"]
PURPOSES = ["省力化投資", "DX推進", "賃上げ促進", "創業支援", "販路開拓", "事業承継", "省エネ設備導入", "海外展開",
            "人材育成", "観光振興", "農商工連携", "研究開発", "BCP策定", "物流効率化", "脱炭素化", "商店街活性化"]
KINDS = ["補助金", "助成金", "支援事業", "奨励金"]
TOPICS: list[tuple[str, list[str]]] = [
    ("補助上限額", ["補助上限額は{a}万円です。", "従業員{n}人以下の事業者は上限が{b}万円となります。",
               "賃上げ特例を満たす場合は上限が{c}万円上乗せされます。"]),
    ("補助率", ["補助率は補助対象経費の{f}以内です。", "小規模事業者は{g}に引き上げられます。",
             "1,000万円を超える部分の補助率は{h}です。"]),
    ("補助対象経費", ["対象となる経費は{e1}、{e2}、{e3}です。", "{e4}は補助の対象になりません。",
               "見積書は{n}社以上から取得してください。"]),
    ("申請受付期間", ["申請は{m}月{d}日から{m2}月{d2}日午後5時まで受け付けます。", "締切を過ぎた申請は受理しません。",
                "電子申請にはGビズIDプライムのアカウントが必要です。"]),
    ("補助対象者", ["{r}内に事業所を有する中小企業者が対象です。", "資本金{b}万円以下、または従業員{n}人以下の事業者に限ります。",
               "みなし大企業は対象外です。"]),
    ("審査項目", ["審査は書類審査と面接審査で行います。", "事業の{q1}、{q2}、実施体制を総合的に評価します。",
              "面接審査は{m}月中旬に実施します。"]),
    ("加点項目", ["{p1}を行っている事業者は加点の対象です。", "{p2}に取り組む計画には加点します。",
              "加点は最大{n}点です。"]),
    ("事業実施期間", ["事業実施期間は交付決定日から{n}か月以内です。", "期間内に発注・支払いを終えた経費が対象です。",
                "やむを得ない事情による延長は事前の承認が必要です。"]),
    ("実績報告と支払い", ["事業完了後{n}日以内に実績報告書を提出してください。", "検査で額が確定した後に精算払いで支払います。",
                  "概算払いは原則として行いません。"]),
    ("財産処分の制限", ["取得価格{b}万円以上の設備は処分制限財産になります。", "耐用年数の期間内に処分する場合は承認が必要です。",
                 "無断で処分した場合は補助金の返還を求めます。"]),
    ("問い合わせ先", ["問い合わせは{r}産業振興センター(電話 000-{n}-{d}{m})までお願いします。", "受付は平日9時から17時です。",
                "メールでの問い合わせにも対応します。"]),
    ("賃上げ要件", ["給与支給総額を年率{g2}%以上増加させる計画が必要です。", "事業場内最低賃金を地域別最低賃金より{n}0円以上高くしてください。",
               "要件を達成できない場合は補助金の一部を返還します。"]),
]
EXPENSES = ["機械装置費", "システム構築費", "外注費", "専門家経費", "広告宣伝費", "研修費", "委託費", "クラウド利用費",
            "建物改修費", "知的財産権等関連経費", "展示会出展費", "運搬費"]
EXCLUDED = ["汎用パソコン", "車両", "土地の購入費", "飲食・接待の費用", "役員の人件費", "消費税"]
QUALITIES = ["新規性", "市場性", "収益性", "実現可能性", "地域への波及効果", "政策との整合性"]
POINTS = ["パートナーシップ構築宣言", "健康経営", "事業継続力強化計画の認定", "えるぼし認定", "くるみん認定", "地域の雇用創出"]
FRACTIONS = ["2分の1", "3分の2", "4分の3", "3分の1"]


def programme_name(index: int) -> str:
    rng = random.Random(index)
    return f"{rng.choice(REGIONS)}{rng.choice(SCOPES)}{rng.choice(PURPOSES)}{rng.choice(KINDS)}"


def _fill(template: str, rng: random.Random, region: str) -> str:
    values = {
        "a": f"{rng.randrange(50, 3000, 50):,}", "b": f"{rng.randrange(100, 9000, 100):,}",
        "c": f"{rng.randrange(50, 1000, 50):,}", "n": str(rng.randint(2, 300)), "d": str(rng.randint(1, 28)),
        "m": str(rng.randint(1, 12)), "m2": str(rng.randint(1, 12)), "d2": str(rng.randint(1, 28)),
        "f": rng.choice(FRACTIONS), "g": rng.choice(FRACTIONS), "h": rng.choice(FRACTIONS),
        "g2": f"{rng.randint(10, 60) / 10:.1f}", "r": region,
        "e1": rng.choice(EXPENSES), "e2": rng.choice(EXPENSES), "e3": rng.choice(EXPENSES), "e4": rng.choice(EXCLUDED),
        "q1": rng.choice(QUALITIES), "q2": rng.choice(QUALITIES), "p1": rng.choice(POINTS), "p2": rng.choice(POINTS),
    }
    return template.format(**values)


def guideline_file(index: int, sections: int = SECTIONS_PER_FILE) -> str:
    """One programme's guideline in Markdown with front matter: `sections` sections of 3-5 sentences."""
    rng = random.Random(1_000_003 * index + 7)
    name = programme_name(index)
    region = name[: next(i for i, ch in enumerate(name) if name[i:].startswith(tuple(SCOPES)))] or "本"
    lines = ["---", f"programme: synth{index:05d}", f"title: {name} 公募要領(第{index % 9 + 1}回)",
             f"official_name: {name}", "---", f"# {name} 公募要領", ""]
    for number in range(sections):
        topic, templates = TOPICS[number % len(TOPICS)]
        lines.append(f"## {number // len(TOPICS) + 1}-{topic}({name[:6]})")
        sentences = [_fill(t, rng, region) for t in templates]
        sentences += [_fill(rng.choice(templates), rng, region) for _ in range(rng.randint(0, 2))]
        lines.append("".join(sentences))
        lines.append("")
    return "\n".join(lines)


def write_corpus(root: Path, chunks: int) -> Path:
    """About `chunks` chunks as Markdown files under root/ (one programme per file); returns root."""
    root.mkdir(parents=True, exist_ok=True)
    files = max(1, round(chunks / SECTIONS_PER_FILE))
    for index in range(files):
        path = root / f"synth{index:05d}.md"
        if not path.is_file():
            path.write_text(guideline_file(index), encoding="utf-8")
    return root


class SyntheticVectors:
    """Unit vectors shaped like a real embedding space: a topic direction plus per-text noise.

    Used only where embedding every chunk would take too long (100k chunks with e5 ≈ 80 min here):
    HNSW's search cost depends on the dimension and on how clustered the points are, not on meaning.
    """

    def __init__(self, dim: int = 384, topics: int = 64, seed: int = 0):
        rng = np.random.default_rng(seed)
        centres = rng.normal(size=(topics, dim))
        self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)
        self.dim = dim

    def __call__(self, texts: list[str]) -> list[list[float]]:
        rows = []
        for text in texts:
            lines = text.split("\n")
            topic = zlib.crc32((lines[1] if len(lines) > 2 else text).encode()) % len(self.centres)
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            vector = self.centres[topic] + 2.4 * rng.normal(size=self.dim) / np.sqrt(self.dim)
            rows.append((vector / np.linalg.norm(vector)).tolist())
        return rows
