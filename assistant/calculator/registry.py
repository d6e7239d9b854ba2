"""The shared intent names: a contract with the understanding module (keep exactly these strings)."""

from __future__ import annotations

INTENTS: dict[str, str] = {
    "amount": "補助額",
    "cap": "補助上限額",
    "sme_check": "中小企業該当性",
    "consortium_check": "連携体の要件",
    "min_investment": "最低投資額・自己負担",
    "wage_requirement": "賃上げ要件",
    "repayment": "返還",
    "schedule": "締切・期間",
}
