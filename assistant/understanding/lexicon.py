"""The words understanding listens for, kept as data in one place (the glossary of the understanding layer).

Each table maps what people type to one canonical value. Matching is longest-first, so the specific
term wins over the word inside it (情報処理サービス業 over サービス業, 商工会議所 over 商工会).
"""

from __future__ import annotations

# Well-known subsidies, as users name them → the name we repeat back. A hint only: a name found in the
# store's catalogue is answered from the store; one the store never mentions is refused by its name.
OTHER_PROGRAMMES: dict[str, str] = {
    "IT導入補助金": "IT導入補助金",
    "デジタル化・AI導入補助金": "デジタル化・AI導入補助金",
    "ものづくり・商業・サービス生産性向上促進補助金": "ものづくり補助金",
    "ものづくり補助金": "ものづくり補助金",
    "もの補助": "ものづくり補助金",
    "小規模事業者持続化補助金": "小規模事業者持続化補助金",
    "持続化補助金": "小規模事業者持続化補助金",
    "事業承継・引継ぎ補助金": "事業承継・引継ぎ補助金",
    "事業承継・M&A補助金": "事業承継・M&A補助金",
    "事業承継補助金": "事業承継・引継ぎ補助金",
    "中小企業省力化投資補助金": "中小企業省力化投資補助金",
    "省力化投資補助金": "中小企業省力化投資補助金",
    "省力化補助金": "中小企業省力化投資補助金",
    "中小企業成長加速化補助金": "中小企業成長加速化補助金",
    "成長加速化補助金": "中小企業成長加速化補助金",
    "キャリアアップ助成金": "キャリアアップ助成金",
    "業務改善助成金": "業務改善助成金",
    "雇用調整助成金": "雇用調整助成金",
    "人材開発支援助成金": "人材開発支援助成金",
    "両立支援等助成金": "両立支援等助成金",
    "省エネ補助金": "省エネ補助金",
    "創業補助金": "創業補助金",
    "創業助成金": "創業助成金",
    "JAPANブランド育成支援等事業": "JAPANブランド育成支援等事業",
    "事業継続力強化": "事業継続力強化計画",
    "持続化給付金": "持続化給付金",
    "家賃支援給付金": "家賃支援給付金",
}

# Industry words → the canonical 業種 of the 中小企業の定義 table.
INDUSTRY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "タイヤ・チューブ製造業": ("タイヤ・チューブ製造業", "タイヤ製造", "チューブ製造", "タイヤメーカー", "タイヤ"),
    "工業用ベルト製造業": ("工業用ベルト製造業", "工業用ベルト", "ベルト製造"),
    "ゴム製品製造業": ("ゴム製品製造業", "ゴム製品", "ゴム製造", "ゴム工業", "ゴムメーカー"),
    "情報処理サービス業": ("情報処理サービス業", "情報処理サービス", "情報処理", "データセンター", "データ入力"),
    "ソフトウェア業": (
        "ソフトウェア業", "ソフトウェア開発", "ソフトウエア", "ソフトウェア", "ソフト開発", "システム開発",
        "アプリ開発", "受託開発", "IT企業", "IT会社", "IT業", "IT", "SaaS", "SIer", "システム会社",
    ),
    "旅館業": ("旅館業", "旅館", "ホテル", "民宿", "宿泊業", "宿泊施設", "ゲストハウス", "簡易宿所", "ペンション"),
    "製造業": (
        "製造業", "メーカー", "町工場", "工場", "製造", "ものづくり", "加工業", "部品加工", "金属加工",
        "食品加工", "製作所",
    ),
    "建設業": ("建設業", "建設", "建築", "工務店", "土木", "ゼネコン", "リフォーム", "内装工事", "設備工事", "工事業"),
    "運輸業": ("運輸業", "運輸", "物流", "運送", "トラック", "配送", "倉庫業", "タクシー", "バス会社", "引越"),
    "卸売業": ("卸売業", "卸売", "卸業", "卸", "問屋", "商社"),
    "小売業": (
        "小売業", "小売", "店舗", "ショップ", "スーパー", "商店", "販売店", "コンビニ", "ドラッグストア",
        "ネットショップ", "通販", "EC事業",
    ),
    "サービス業": (
        "サービス業", "飲食店", "飲食", "レストラン", "カフェ", "居酒屋", "美容院", "美容室", "美容", "理容",
        "エステ", "介護", "福祉", "コンサルティング", "コンサル", "学習塾", "塾", "清掃", "広告代理店",
        "デザイン事務所", "士業", "税理士事務所", "整骨院", "クリーニング",
    ),
    "その他": ("その他の業種", "上記以外の業種", "上記以外", "農業", "林業", "漁業", "不動産", "医療"),
}

# Organisation words → the member types of a 連携体 (the calculator's vocabulary).
MEMBER_TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "都道府県商工会連合会": ("都道府県商工会連合会", "県商工会連合会", "商工会連合会"),
    "商工会議所": ("商工会議所", "会議所"),
    "商工会": ("商工会",),
    "中堅企業": ("中堅企業", "中堅"),
    # 中堅・中小企業: both kinds can be コア事業者, so counting them as 中小企業 keeps the verdict.
    "中小企業": ("中堅・中小企業", "中小企業者", "中小企業", "小規模事業者", "中小", "零細企業"),
    "NPO": ("特定非営利活動法人", "NPO法人", "NPO"),
    "一般社団法人": ("一般社団法人", "一般社団", "社団法人"),
    "大企業": ("大企業", "大手企業", "大手"),
    "大学": ("国立大学", "私立大学", "大学法人", "大学"),
    "その他": (
        "地域商社", "商社", "研究機関", "高専", "自治体", "市役所", "金融機関", "銀行", "信用金庫",
        "個人事業主", "財団法人", "公益社団法人", "協同組合", "組合",
    ),
}

# What a question asks about when its own words name nothing the documents could contain
# (「Xっていくらまで出る?」: only the programme and words of asking): the guideline terms for its intent.
INTENT_TOPICS: dict[str, str] = {
    "cap": "補助上限額",
    "amount": "補助上限額 補助率",
    "min_investment": "補助対象経費の下限",
    "schedule": "申請の締切",
    "repayment": "補助金の返還",
    "wage_requirement": "賃上げの要件",
}

# Intent cue words, checked in the order of INTENT_PRIORITY (the first intent with a cue wins).
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "repayment": (
        "返還", "返す", "返さ", "返せ", "返金", "返納", "返済", "払い戻", "返却", "へんかん",
        "達成できなかった", "達成できない場合", "未達の場合", "未達だと", "未達成",
    ),
    "schedule": (
        # Deadline questions only: the calculator answers whether a call is open. Other "when" questions
        # (採択発表はいつ頃, 事業計画の期間, 情報はいつ時点) are facts quoted from the schedule passages.
        "締切", "締め切", "〆切", "しめきり", "いつまで", "期限", "次回の公募", "次の公募", "まだ申請",
        "まだ応募", "間に合", "もう過ぎ", "過ぎて", "受付中",
        # Lead times (GビズIDの取得にどれくらい…) are facts quoted from passages, not calculator dates.
    ),
    "min_investment": (
        "最低投資", "最低でも", "最低いくら", "最低限", "最低額", "最低金額", "自己負担", "持ち出し",
        "いくら以上", "以上の投資", "以上投資", "投資額の下限", "投資の下限", "必要投資額", "下限", "最低なんぼ",
    ),
    "cap": (
        "上限", "最大いくら", "最大で", "最大額", "最大", "最高額", "最高で", "いくらまで", "限度額", "満額",
        "マックス", "MAX", "max", "なんぼまで", "最大なんぼ",
    ),
    "amount": (
        "補助額", "補助金額", "補助される額", "補助金はいくら", "補助金っていくら", "いくらもら", "いくら貰",
        "いくら受け取", "いくら補助", "いくら出", "いくらにな", "いくらぐらい", "いくら位", "ほじょがく",
        "補助がく", "支給額", "交付額", "もらえる額", "もらえる金額", "貰える金額", "受け取れる額",
        "補助を受けられ", "補助が受けられ", "補助が出", "もらえ", "貰え", "受給でき", "受け取れ",
        "なんぼ出", "なんぼもら",
    ),
    "consortium_check": (
        "連携体", "コンソーシアム", "組めます", "組める", "組めな", "組んで", "組む", "共同申請", "共同で申請",
        "連携して申請", "構成員", "座組",
    ),
    "sme_check": (
        # Whether one company is an SME; 「中小企業の定義は?」 asks for the rule and is a fact question.
        "中小企業に該当", "中小企業に当た", "中小企業にあた", "中小企業になり", "中小企業に入", "中小企業扱い",
        "中小企業と言え", "中小企業といえ", "中小企業ですか", "中小企業に含まれ", "中小企業か", "中小企業?",
        "大企業に該当", "中小企業者に該当",
    ),
    "wage_requirement": (
        "賃上げ要件", "賃金要件", "給与要件", "給与支給総額", "事業場内最低賃金", "最低賃金", "賃上げ率",
        "特例の要件", "特例の条件", "特例とは", "特例って", "給与", "給料", "賃金", "賃上げ",
    ),
}
INTENT_PRIORITY: tuple[str, ...] = (
    "repayment", "schedule", "min_investment", "cap", "amount", "consortium_check", "sme_check",
    "wage_requirement",
)

# 「対象になりますか」-style questions: an SME check with company facts, a minimum-investment check
# with an investment, a consortium check with members.
ELIGIBILITY_CUES: tuple[str, ...] = (
    "対象にな", "対象とな", "対象ですか", "対象でしょうか", "対象外", "対象者", "該当しますか", "該当する",
    "申請できます", "申請できる", "申請可能", "応募できます", "応募できる", "応募可能", "申し込め", "使えます",
    "使える", "利用できます", "利用できる", "大丈夫", "認められ", "いいですか", "OKですか", "足ります", "足りる",
    "満たし", "条件を満た", "要件を満た", "組めます", "組める", "可能ですか", "可能でしょうか", "いいの", "アリ", "OK?",
)

# Words that make a message a new question rather than a follow-up supplying values.
# 「どうなりますか」「どうでしょうか」 are deliberately absent: they close follow-ups (「30人だとどうなりますか」).
QUESTION_CUES: tuple[str, ...] = (
    "何", "なに", "どこ", "誰", "だれ", "とは", "って", "必要", "教えて", "書類", "方法", "手続", "なぜ",
    "理由", "ありますか", "違い", "比較", "いくら", "要件", "条件", "満たし", "大丈夫", "足り",
    "どれくらい", "どのくらい", "どれだけ", "どんな", "どのよう", "どうやって", "どういう", "どちら", "なれ",
)
# What a follow-up may say besides its values (「では投資額が1億円なら?」); anything more is a question.
FOLLOW_UP_FILLERS: tuple[str, ...] = (
    "では", "じゃあ", "それでは", "それなら", "なら", "だったら", "でしたら", "の場合", "場合", "としたら",
    "とすると", "にしたら", "にすると", "どうなりますか", "どうですか", "どうでしょうか", "どうなる", "どう",
    "です", "ます", "でお願いします", "お願いします", "の方", "のほう", "方", "について", "で", "は", "が", "を",
    "に", "の", "と", "も", "ね", "よ", "か",
)
# 「いくら」 alone asks for the subsidy amount when no more specific cue spoke (「最低いくら」「上限はいくら」)
# and the message is about a subsidy or an investment (not 「予算はいくら」「株価はいくら」).
FALLBACK_AMOUNT_CUE = "いくら"
FALLBACK_AMOUNT_CONTEXT: tuple[str, ...] = (
    "補助額", "補助金は", "補助金って", "補助金が", "補助は", "補助が", "補助され", "もら", "貰", "投資", "事業費",
    "経費", "受け取",
)
# Words that contain an industry word but name something else (地域商社 is a kind of consortium member).
NOT_INDUSTRY_WORDS: tuple[str, ...] = ("地域商社", "商社機能")

# Words that point back to what was said before (「さっきの条件で特例を使うと?」): the earlier inputs
# still hold, and they are no question words themselves (条件 alone is one).
REFERENCE_CUES: tuple[str, ...] = (
    "さっきの条件", "先ほどの条件", "先程の条件", "前の条件", "同じ条件", "その条件", "上記の条件", "この条件",
    "さっきの", "先ほどの", "先程の", "その場合", "この場合", "それで", "同条件", "前回の条件",
)
# Milestones of a programme's schedule other than the application deadline: a question about one of
# them (「採択のあと交付申請はいつまで?」) is answered from the schedule passages, not the deadline check.
OTHER_MILESTONES: tuple[str, ...] = (
    "交付申請", "採択発表", "採択結果", "採択通知", "交付決定", "事業期間", "実施期間", "補助事業期間", "実績報告",
    "公募開始", "受付開始", "計画期間", "準備期間", "口頭審査", "審査結果", "精算", "支払",
)
DEADLINE_WORDS: tuple[str, ...] = ("締切", "締め切", "〆切", "応募期限", "申請期限", "公募期間", "受付期間", "応募期間")
RESET_CUES: tuple[str, ...] = (
    "/reset", "最初から", "はじめから", "初めから", "リセット", "やり直", "新しい相談", "別の相談", "会話をクリア",
)

# Words guidelines use interchangeably for one concept, as Sudachi normalized forms: a 助成金's
# 助成限度額 is a 補助金's 補助上限額. Retrieval, coverage and sentence choice treat each group as one word.
TERM_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"補助", "助成"}),
    frozenset({"補助金", "助成金"}),
    frozenset({"上限", "限度"}),
    frozenset({"上限額", "限度額"}),
    frozenset({"期限", "締め切り", "受け付け", "受け付ける"}),  # a 申請期限 is stated as the end of the 受付期間
    # Everyday words for what guidelines name formally (家賃 is a 賃借料, a PC a パソコン).
    frozenset({"家賃", "賃料", "賃借", "賃借料", "賃貸料"}),
    frozenset({"パソコン", "pc"}),
    frozenset({"ホームページ", "ウェブサイト", "web", "hp"}),
    frozenset({"宣伝", "広告"}),
    frozenset({"全員", "全て", "皆"}),
    frozenset({"最低", "下限", "最低額", "下限額"}),
    frozenset({"ネットショップ", "ec", "ecサイト", "通販", "ネット通販", "オンラインショップ"}),
    frozenset({"個人事業主", "個人事業者"}),
)
