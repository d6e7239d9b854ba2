"""The answer engine: one message in, one cited Answer out. Used by the CLI, the Chainlit UI and the eval.

    text -> sanitize -> understand -> merge into DialogState -> calculator and/or retrieval -> compose

Numbers only ever come from the calculator's result or from sentences quoted out of retrieved passages;
whether the documents cover a question is decided from the retriever's measured coverage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant import compose
from assistant.calculator import calculate
from assistant.dialog import CALCULATION_INTENTS, DialogState, Turn, merge
from assistant.programmes import Programme, load_programmes
from assistant.settings import Settings, get_settings
from assistant.types import Answer, Passage, Source
from assistant.understanding import Understanding, understand

if TYPE_CHECKING:  # pragma: no cover
    from assistant.retrieval.hybrid import HybridRetriever

RESET_REPLY = "会話をリセットしました。新しいご質問をどうぞ。"
# With no programme named, a programme answers when one of its passages is among this many top results.
PROGRAMME_VOTE_DEPTH = 3
# Coverage is measured on the top passages only: over five, an off-topic question collects its words
# from unrelated passages (eval + retrieval set: top-2 at 0.45 refused every out-of-scope item and 19 of
# 211 in-scope ones; over the top 5, 0.55 was needed to refuse them all and then 24 in-scope were refused).
COVERAGE_DEPTH = 2
# Sentences quoted for a fact answer: the best one first, then the next best (chunks are ~125 characters).
QUOTES_PER_ANSWER = 3
# What may remain of a question once the programme's names are gone, without a topic left to search.
_NOT_A_TOPIC = re.compile(r"[\s、。??!!]|について|とは|って|どんな|制度|ですか|です|の|は|を")


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]
    coverage: float


class Engine:
    """Cheap to construct; the retriever (models, store) opens on first use or warm_up()."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retriever: HybridRetriever | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Engine:
        return cls(settings or get_settings())

    # --- components -------------------------------------------------------------------------------
    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            from assistant.components import get_retriever

            self._retriever = get_retriever(self.settings)
        return self._retriever

    @property
    def programmes(self) -> dict[str, Programme]:
        return load_programmes(self.settings.corpus_dir)

    def warm_up(self) -> None:
        """Open the store and load models now rather than on the first question (safe to call twice)."""
        self.retriever.warm_up()
        self.answer("補助上限額はいくらですか", self.new_state())

    def new_state(self) -> DialogState:
        return DialogState()

    # --- answering --------------------------------------------------------------------------------
    def answer(self, text: str, state: DialogState, programme: str | None = None) -> Answer:
        """Answer one message of the conversation `state` (updated in place)."""
        from assistant.retrieval import StoreError

        try:
            return self._answer(text, state, programme)
        except StoreError as error:
            return Answer(answer=str(error), found=False, programme=state.programme)

    def _answer(self, text: str, state: DialogState, programme_override: str | None) -> Answer:
        u = understand(text, self.programmes)  # sanitises first: empty or huge input comes back as u.error
        if u.error:
            return Answer(answer=u.error, found=False, programme=state.programme)
        clean = u.text
        if u.reset:
            state.reset()
            if not (u.intent or u.slots or u.programme):
                return Answer(answer=RESET_REPLY, found=False, programme=None)
        turn = merge(state, u, programme_override)
        # Search without the programme's own names (the filter knows it); keep them if nothing else is left.
        query = u.topic_text if _NOT_A_TOPIC.sub("", u.topic_text) else clean
        if turn.intent in CALCULATION_INTENTS:
            return self._calculation_answer(query, u, turn)
        return self._fact_answer(query, u, turn)

    def _retrieve(self, query: str, programme: str | None) -> Retrieved:
        passages = self.retriever.search(query, programme=programme)
        covered = self.retriever.coverage(query, passages[:COVERAGE_DEPTH]) if passages else 0.0
        return Retrieved(passages, covered)

    def _covered(self, u: Understanding, retrieved: Retrieved) -> bool:
        return not u.other_programme and retrieved.coverage >= self.settings.min_confidence

    def _not_covered(self, u: Understanding, programme: str | None) -> Answer:
        names = [p.official_name for p in self.programmes.values()]
        return Answer(answer=compose.not_covered(names, u.other_programme), found=False, programme=programme)

    # --- facts from passages ----------------------------------------------------------------------
    def _fact_answer(self, query: str, u: Understanding, turn: Turn) -> Answer:
        if turn.programme:
            retrieved = self._retrieve(query, turn.programme)
            if not self._covered(u, retrieved):
                return self._not_covered(u, turn.programme)
            return self._quoted_answer(query, {turn.programme: retrieved}, turn.programme)
        answering = {
            pid: r for pid in self._programmes_ranked_for(query)
            if self._covered(u, r := self._retrieve(query, pid))
        }
        if not answering:
            return self._not_covered(u, None)
        # More than one programme speaks to it and they may differ (gBizID lead time...): answer each.
        return self._quoted_answer(query, answering, next(iter(answering)) if len(answering) == 1 else None)

    def _programmes_ranked_for(self, query: str) -> list[str]:
        """Programmes among the top passages of an unfiltered search, best first."""
        ranked = self.retriever.search(query, programme=None)[:PROGRAMME_VOTE_DEPTH]
        return list(dict.fromkeys(p.programme for p in ranked if p.programme in self.programmes))

    def _quoted_answer(self, query: str, retrieved: dict[str, Retrieved], programme: str | None) -> Answer:
        from assistant.tokenizer import tokenize

        query_tokens = tokenize(query)
        blocks: list[str] = []
        sources: list[Source] = []
        passages: list[Passage] = []
        for pid, r in retrieved.items():
            quotes = compose.best_quotes(query_tokens, r.passages, self._weight(), limit=QUOTES_PER_ANSWER)
            if not quotes:
                continue
            text = "\n".join(q.text for q in quotes)
            blocks.append(text if len(retrieved) == 1 else f"【{self.programmes[pid].official_name}】\n{text}")
            sources.extend(compose.sources_from_quotes(quotes))
            passages.extend(r.passages)
        if not blocks:
            return Answer(answer=compose.not_covered([p.official_name for p in self.programmes.values()]),
                          found=False, programme=programme)
        lead = blocks[0] if len(blocks) == 1 else "制度ごとにお答えします。"
        reasons = [] if len(blocks) == 1 else blocks
        return Answer(answer=compose.render(lead, reasons, sources), found=True, programme=programme,
                      sources=sources, passages=passages)

    def _weight(self) -> Callable[[str], float]:
        """Rare words matter more when choosing which sentence answers: the open store's IDF."""
        return self.retriever.snapshot().idf

    # --- numbers from the calculator --------------------------------------------------------------
    def _calculation_answer(self, query: str, u: Understanding, turn: Turn) -> Answer:
        if u.other_programme and not u.programme:
            return self._not_covered(u, None)
        if not u.slots and not turn.is_follow_up and not u.programme:
            # Nothing the calculator could use was given: first make sure the documents speak to it at all
            # (「東京都の最低賃金はいくら?」 reads like a wage question but is not covered).
            if not self._covered(u, self._retrieve(query, turn.programme)):
                return self._not_covered(u, turn.programme)
        if turn.programme is None:
            if turn.intent in {"schedule", "cap"} and not turn.slots:
                return self._per_programme_calculation(query, u, turn)
            names = "、".join(f"「{p.official_name}」" for p in self.programmes.values())
            question = compose.ASK_PROGRAMME.format(names=names)
            return Answer(answer=question, found=True, programme=None, follow_up=question)
        retrieved = self._retrieve(query, turn.programme)
        result = calculate(turn.programme, turn.intent, turn.slots, today=self.settings.effective_today(),
                           corpus_dir=self.settings.corpus_dir)
        if not result.applicable:
            return self._fact_answer(query, u, turn)
        return self._render_calculation(query, result.to_dict(), retrieved, turn.programme)

    def _render_calculation(self, query: str, calc: dict[str, Any], retrieved: Retrieved,
                            programme: str) -> Answer:
        from assistant.tokenizer import tokenize

        sources = compose.sources_from_trace(calc)
        follow_up = None
        if calc["invalid_inputs"]:
            conclusion = "\n".join(item["message"] for item in calc["invalid_inputs"])
            reasons: list[str] = []
        elif calc["missing_inputs"]:
            follow_up = calc.get("missing_question") or "計算に必要な情報を教えてください。"
            # The calculator still states the general rule (the cap table, the thresholds): lead with it.
            conclusion = calc.get("conclusion") or follow_up
            reasons = [] if calc.get("conclusion") else [
                "参考: " + q.text
                for q in compose.best_quotes(tokenize(query), retrieved.passages, self._weight(), 2)
            ]
        else:
            conclusion = calc["conclusion"]
            failed = [c if c.endswith(("。", ")", ")")) else c + "。" for c in calc.get("failed_conditions", [])]
            reasons = [calc.get("calculation_line") or "", *failed]
            reasons += _explanation_details(calc)
        return Answer(answer=compose.render(conclusion, reasons, sources, follow_up), found=True,
                      programme=programme, calculation=calc, sources=sources, follow_up=follow_up,
                      passages=retrieved.passages)

    def _per_programme_calculation(self, query: str, u: Understanding, turn: Turn) -> Answer:
        from assistant.tokenizer import tokenize

        blocks: list[str] = []
        sources: list[Source] = []
        passages: list[Passage] = []
        for pid, programme in self.programmes.items():
            calc = calculate(pid, turn.intent, {}, today=self.settings.effective_today(),
                             corpus_dir=self.settings.corpus_dir).to_dict()
            retrieved = self._retrieve(query, pid)
            passages.extend(retrieved.passages)
            if not calc.get("conclusion"):
                # The figure depends on inputs we lack (e.g. the employee band): quote the passage instead.
                quotes = compose.best_quotes(tokenize(query), retrieved.passages, self._weight(), 2)
                if quotes:
                    blocks.append(f"【{programme.official_name}】\n" + "\n".join(q.text for q in quotes))
                    sources.extend(compose.sources_from_quotes(quotes))
                continue
            blocks.append(f"【{programme.official_name}】\n{calc['conclusion']}")
            sources.extend(compose.sources_from_trace(calc))
        if not blocks:
            return self._fact_answer(query, u, turn)
        text = compose.render("制度ごとにお答えします。", blocks, sources)
        return Answer(answer=text, found=True, programme=None, sources=sources, passages=passages)


def _explanation_details(calc: dict[str, Any]) -> Sequence[str]:
    """Lines of the calculator's explanation beyond its conclusion and calculation line, up to the sources."""
    details = []
    skip = {calc.get("conclusion"), calc.get("calculation_line")}
    for line in (calc.get("explanation") or "").splitlines():
        if line.startswith(("出典", "根拠", "- ", "・")):
            break
        if line.strip() and line not in skip and line not in calc.get("failed_conditions", []):
            details.append(line)
    return details
