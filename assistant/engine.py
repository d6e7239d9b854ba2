"""The answer engine: one message in, one cited Answer out. Used by the CLI, the Chainlit UI and the eval.

    text -> sanitize -> understand -> merge into DialogState -> calculator and/or retrieval -> compose

Numbers only ever come from the calculator's result or from sentences quoted out of retrieved passages;
whether the documents cover a question is decided from the retriever's measured coverage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from assistant import compose
from assistant.calculator import calculate, calculator_for, uses_slots
from assistant.dialog import CALCULATION_INTENTS, DialogState, Turn, changed_inputs, merge
from assistant.names import normalise
from assistant.programmes import Programme
from assistant.settings import Settings, get_settings
from assistant.spelling import correct, from_kana, readings_of, vocabulary_of
from assistant.tokenizer import content_tokens
from assistant.types import Answer, Passage, Source
from assistant.understanding import Understanding, understand
from assistant.understanding.context import contains_any
from assistant.understanding.forms import Form, QuestionForm
from assistant.understanding.intents import cue_intent
from assistant.understanding.lexicon import DEADLINE_WORDS, INTENT_TOPICS, OTHER_MILESTONES
from assistant.understanding.manners import small_talk_reply
from assistant.verdict import decide
from assistant.verdict import lead as verdict_lead

if TYPE_CHECKING:  # pragma: no cover
    from assistant.retrieval.hybrid import HybridRetriever
    from assistant.retrieval.snapshot import StoreSnapshot

RESET_REPLY = "会話をリセットしました。新しいご質問をどうぞ。"
# With no programme named, a programme answers when one of its passages is among this many top results.
PROGRAMME_VOTE_DEPTH = 3
# Coverage is measured on the top passages only: over five, an off-topic question collects its words
# from unrelated passages (eval + retrieval set: top-2 at 0.45 refused every out-of-scope item and 19 of
# 211 in-scope ones; over the top 5, 0.55 was needed to refuse them all and then 24 in-scope were refused).
COVERAGE_DEPTH = 2
# Sentences quoted for a fact answer: the best one first, then the next best (chunks are ~125 characters).
QUOTES_PER_ANSWER = 3
# A call round named in a question or a document: 第2回, 第 3 回, 二次公募, 2次募集.
_ROUND = re.compile(r"第\s*(\d+|[一二三四五六七八九十]+)\s*回|(\d+|[一二三四五六七八九十]+)\s*次(?:公募|募集|締切|締め切り)")
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九十")}


def _rounds(text: str) -> list[str]:
    """The call rounds a text names, as digits: 「第2回」「二次公募」 → ["2"]."""
    found = []
    for match in _ROUND.finditer(text):
        number = match.group(1) or match.group(2)
        if not number.isdigit():
            number = str(_KANJI_DIGITS[number]) if len(number) == 1 else number
        found.append(number)
    return found
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
        """The store's catalogue: every programme some ingested document belongs to."""
        return self.retriever.snapshot().catalogue

    def _name(self, programme: str) -> str:
        found = self.programmes.get(programme)
        return found.official_name if found else programme

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
            answer = self._answer(text, state, programme)
        except StoreError as error:
            return Answer(answer=str(error), found=False, programme=state.programme)
        if answer.programme:
            answer.programme_name = self._name(answer.programme)
        return answer

    def _answer(self, text: str, state: DialogState, programme_override: str | None) -> Answer:
        u = understand(text, self.programmes)  # sanitises first: empty or huge input comes back as u.error
        if u.error:
            return Answer(answer=u.error, found=False, programme=state.programme)
        snapshot = self.retriever.snapshot()
        vocabulary = vocabulary_of(snapshot)
        corrected = correct(from_kana(u.text, vocabulary, lambda: readings_of(snapshot)), vocabulary)
        if corrected != u.text:
            # 「補助上減額」 and 「じょうげんがく」 read as the documents' 「補助上限額」「上限額」
            u = understand(corrected, self.programmes)
        clean = u.text
        if (reply := small_talk_reply(clean)) is not None:
            return Answer(answer=reply, found=False, programme=state.programme)  # not from the documents
        if u.reset:
            state.reset()
            if not (u.intent or u.slots or u.programme):
                return Answer(answer=RESET_REPLY, found=False, programme=None)
        mentioned = None  # a subsidy the store only speaks of (a predecessor, a comparison): answer from that
        if u.other_programme and self._store_mentions(u.other_programme):
            mentioned, u.other_programme = u.other_programme, None
        calculating = state.intent
        turn = merge(state, u, programme_override)
        # Search without the programme's own names (the filter knows it); keep them if nothing else is left.
        query = u.topic_text if _NOT_A_TOPIC.sub("", u.topic_text) else clean
        if not content_tokens(query) and u.intent in INTENT_TOPICS:
            query = f"{query} {INTENT_TOPICS[u.intent]}"  # only words of asking: search for what they ask
        if u.clarification and (settled := self._over_range(query, u, turn)) is not None:
            return settled  # 「従業員51〜100人の上限は?」: the same figure at both ends needs no single number
        if u.clarification:  # a figure we could not read exactly: ask, as for a missing input
            return Answer(answer=u.clarification, found=True, programme=turn.programme, follow_up=u.clarification)
        if mentioned:
            answer = self._fact_answer(query, u, turn)  # never a calculator: its rules are another programme's
            return answer if not answer.found or rests_on(answer, mentioned) else self._mentioned_only(mentioned)
        if len(u.programmes) > 1 and turn.intent in CALCULATION_INTENTS and not u.slots:
            return self._per_programme_calculation(query, u, turn, u.programmes)  # 「AとBの補助率は?」
        if turn.intent in CALCULATION_INTENTS and not _asks_passages(u, turn):
            answer = self._calculation_answer(query, u, turn)
            if state.programme is None and answer.calculation is not None:
                state.programme = answer.programme  # the follow-ups continue with the programme we chose
            if u.changes and answer.calculation is not None:
                answer.answer = compose.with_note(answer.answer, changed_inputs(u.changes, turn.slots))
            return answer
        if turn.intent in CALCULATION_INTENTS and not turn.is_follow_up:
            state.intent = calculating  # answered from passages: 「さっきの条件で」 goes back to the calculation
        return self._fact_answer(query, u, turn)

    def _over_range(self, query: str, u: Understanding, turn: Turn) -> Answer | None:
        """The calculation for a range that gives the same figures at both of its ends, else None."""
        if len(u.ranges) != 1 or u.clarification is None or u.clarification.count("\n") > 0:
            return None
        if turn.intent not in CALCULATION_INTENTS or turn.programme is None:
            return None
        slot, (low, high, typed) = next(iter(u.ranges.items()))
        ends = [self._calculation_answer(query, u, Turn(turn.programme, turn.intent, {**turn.slots, slot: value},
                                                        turn.is_follow_up)) for value in (low, high)]
        first, second = ends
        if first.calculation is None or second.calculation is None or first.follow_up or second.follow_up:
            return None
        if first.calculation.get("eligible") != second.calculation.get("eligible"):
            return None
        own = {f"{low:,}人", f"{high:,}人", f"{low}人", f"{high}人"}  # the ends themselves, as the answers show them
        if [f for f in compose.stated_figures(first.answer) if f not in own] != [
                f for f in compose.stated_figures(second.answer) if f not in own]:
            return None
        return replace(first, answer=compose.with_note(first.answer, compose.SAME_OVER_RANGE.format(range=typed)))

    def _store_mentions(self, name: str) -> bool:
        """Does any stored passage mention this subsidy name (folded the same way as the message)?"""
        wanted = normalise(name).lower()
        return any(wanted in normalise(node.text).lower() for node in self.retriever.snapshot().nodes)

    def _retrieve(self, query: str, programme: str | None) -> Retrieved:
        passages = self.retriever.search(query, programme=programme)
        covered = self.retriever.coverage(query, passages[:COVERAGE_DEPTH], programme) if passages else 0.0
        return Retrieved(passages, covered)

    def _covered(self, u: Understanding, retrieved: Retrieved, programme: str | None = None) -> bool:
        if u.other_programme or retrieved.coverage < self.settings.min_confidence:
            return False
        return self._rounds_known(u.text, programme or _only_programme(retrieved))

    def _part_covered(self, u: Understanding, programme: str) -> bool:
        """A multi-part question is answered when the documents cover one of its parts (the rest is said)."""
        return any(self._covered(u, self._retrieve(part, programme), programme) for part in u.form.parts)

    def _rounds_known(self, question: str, programme: str | None) -> bool:
        """A question about 第3回 is not answered from a programme's documents that never speak of 第3回."""
        rounds = set(_rounds(question))
        if not rounds or programme is None:
            return True
        return rounds <= _rounds_spoken(self.retriever.snapshot(), programme)

    def _mentioned_only(self, name: str) -> Answer:
        return Answer(answer=compose.mentioned_only(name), found=False, programme=None)

    def _not_covered(self, u: Understanding | None, programme: str | None) -> Answer:
        names = sorted(p.official_name for p in self.programmes.values())
        other = u.other_programme if u else None
        return Answer(answer=compose.not_covered(names, other), found=False, programme=programme)

    # --- facts from passages ----------------------------------------------------------------------
    def _fact_answer(self, query: str, u: Understanding, turn: Turn) -> Answer:
        if len(u.programmes) > 1:
            # 「新事業進出補助金とエコシステム補助金のGビズIDの違いは?」: each named programme answers for itself.
            answering = {pid: r for pid in u.programmes
                         if self._covered(u, r := self._retrieve(query, pid), pid) or self._part_covered(u, pid)}
            if answering:
                return self._quoted_answer(query, answering, None, named=True, u=u)
        if turn.programme:
            retrieved = self._retrieve(query, turn.programme)
            if not (self._covered(u, retrieved, turn.programme) or self._part_covered(u, turn.programme)):
                return self._not_covered(u, turn.programme)
            return self._quoted_answer(query, {turn.programme: retrieved}, turn.programme, named=bool(u.programme), u=u)
        answering = {
            pid: r for pid in self._programmes_ranked_for(query)
            if self._covered(u, r := self._retrieve(query, pid), pid) or self._part_covered(u, pid)
        }
        if not answering:
            return self._not_covered(u, None)
        # More than one programme speaks to it and they may differ (gBizID lead time...): answer each.
        return self._quoted_answer(query, answering, next(iter(answering)) if len(answering) == 1 else None,
                                   named=False, u=u)

    def _programmes_ranked_for(self, query: str) -> list[str]:
        """Programmes among the top passages of an unfiltered search, best first."""
        ranked = self.retriever.search(query, programme=None)[:PROGRAMME_VOTE_DEPTH]
        return list(dict.fromkeys(p.programme for p in ranked if p.programme in self.programmes))

    def _labelled(self, named: bool) -> bool:
        """Whether a lead must name its programme: the question named none, or the store holds several."""
        return not named or len(self.programmes) > 1

    def _quotes(self, query: str, passages: Sequence[Passage], programme: str, limit: int,
                wants_list: bool = False) -> list[compose.Quote]:
        from assistant.tokenizer import tokenize

        return compose.best_quotes(tokenize(query), passages, self._weight(programme), limit=limit,
                                   wants_value=compose.asks_for_value(query),
                                   wants_date=compose.asks_for_date(query),
                                   wants_negative=compose.asks_negative(query),
                                   literals=[f"第{n}回" for n in _rounds(query)], wants_list=wants_list)

    def _part_quotes(self, u: Understanding, programme: str) -> tuple[list[compose.Quote], list[str]]:
        """One answer per asked part (「予算の総額と、採択される社数は?」), each from its own search.

        Returns the quotes and the parts the documents do not cover, which the answer names.
        """
        found: list[compose.Quote] = []
        missing: list[str] = []
        for part in u.form.parts:
            retrieved = self._retrieve(part, programme)
            quotes = self._quotes(part, retrieved.passages, programme, limit=1)
            if not quotes or not self._covered(u, retrieved, programme):
                missing.append(part)
            for quote in quotes if part not in missing else []:
                if all(quote.sentence != q.sentence for q in found):
                    found.append(quote)
        return found, missing

    def _lead_text(self, u: Understanding, quotes: list[compose.Quote], passages: Sequence[Passage],
                   programme: str) -> tuple[str, list[compose.Quote]]:
        """The block for one programme, conclusion in the question's form first, and the quotes it shows."""
        from assistant.tokenizer import content_tokens

        opening = ""
        if u.form.parts and not is_list_quote(quotes):
            parts, missing = self._part_quotes(u, programme)
            extra = [q for q in quotes if all(q.sentence != p.sentence for p in parts)]
            quotes = [*parts, *extra][: len(parts) + 1] if parts else quotes
            if missing:
                tail = "".join(compose.PART_NOT_COVERED.format(part=part) for part in missing)
                return "\n".join(q.text for q in compose.standalone(quotes)) + "\n" + tail, quotes
        if u.form.form is Form.YES_NO:
            verdict = decide(u.form, passages, quotes, content_tokens(u.topic_text or u.text))
            if verdict is not None:
                opening = verdict_lead(verdict, u.form)
                if verdict.evidence is not None and all(q.sentence != verdict.evidence.sentence for q in quotes):
                    quotes = [verdict.evidence, *quotes[: QUOTES_PER_ANSWER - 1]]
        quotes = compose.standalone(quotes)
        body = "\n".join(q.text for q in quotes)
        return (f"{opening}\n{body}" if opening else body), quotes

    def _quoted_answer(self, query: str, retrieved: dict[str, Retrieved], programme: str | None,
                       named: bool, u: Understanding) -> Answer:
        blocks: list[str] = []
        sources: list[Source] = []
        passages: list[Passage] = []
        for pid, r in retrieved.items():
            quotes = self._quotes(query, r.passages, pid, limit=QUOTES_PER_ANSWER,
                                  wants_list=u.form.form is Form.LIST)
            if not quotes:
                continue
            text, quotes = self._lead_text(u, quotes, r.passages, pid)
            labelled = len(retrieved) > 1 or self._labelled(named)
            blocks.append(compose.labelled(self._name(pid), text) if labelled else text)
            sources.extend(compose.sources_from_quotes(quotes))
            passages.extend(dict.fromkeys([*r.passages, *(q.passage for q in quotes)]))
        if not blocks:
            return self._not_covered(None, programme)
        lead = blocks[0] if len(blocks) == 1 else "制度ごとにお答えします。"
        reasons = [] if len(blocks) == 1 else blocks
        # 「具体的な一覧はこの資料には記載がありません」 leading every block: the documents say they do not
        # cover it. The sentence is still shown (it is the honest answer), but the question is not answered.
        found = not all(compose.says_unstated(block) for block in blocks)
        return Answer(answer=compose.render(lead, reasons, sources), found=found, programme=programme,
                      sources=sources, passages=passages)

    def _weight(self, programme: str | None) -> Callable[[str], float]:
        """Rare words matter more when choosing which sentence answers: the IDF within that programme."""
        snapshot = self.retriever.snapshot()
        return lambda token: snapshot.idf(token, programme)

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
            candidates = self._calculation_candidates(query, turn)
            if not turn.slots and turn.intent == "amount" and len(self.programmes) > 1:
                candidates = list(dict.fromkeys([*candidates, *sorted(self.programmes)]))  # nothing to go by
            if len(candidates) == 1:
                turn = Turn(candidates[0], turn.intent, turn.slots, turn.is_follow_up)
            elif turn.intent in {"schedule", "cap"} and not turn.slots and candidates:
                return self._per_programme_calculation(query, u, turn, candidates)
            else:
                names = "、".join(f"「{self._name(p)}」" for p in (candidates or sorted(self.programmes)))
                question = compose.ASK_PROGRAMME.format(names=names)
                return Answer(answer=question, found=True, programme=None, follow_up=question)
        assert turn.programme is not None
        programme = self.programmes.get(turn.programme)
        spec = calculator_for(programme)
        if spec is None or turn.intent not in spec.handlers:
            return self._fact_answer(query, u, turn)  # no rules for it: answered from its own passages
        retrieved = self._retrieve(query, turn.programme)
        result = calculate(turn.programme, turn.intent, turn.slots, today=self.settings.effective_today(),
                           rules_file=programme.rules_file if programme else None, question=query)
        if not result.applicable:
            return self._fact_answer(query, u, turn)
        label = self._name(turn.programme) if self._labelled(bool(u.programme)) else None
        return self._render_calculation(query, result.to_dict(), retrieved, turn.programme, label, u.form)

    def _calculation_candidates(self, query: str, turn: Turn) -> list[str]:
        """Programmes a numeric question with no programme named may be about, best first.

        Those whose passages rank high for it, plus those whose calculator reads the values given; a
        programme whose calculator cannot take this question or these values is not it (a 連携体 has no
        従業員数 band). A programme without rules stays a candidate: its passages may answer.
        """
        ranked = self._programmes_ranked_for(query)
        given = set(turn.slots)
        used = {pid: len(given & uses_slots(spec)) for pid, programme in self.programmes.items()
                if (spec := calculator_for(programme)) is not None and turn.intent in spec.handlers}
        # The calculators that read the most of what was given (a stray 業種 read from 「物流の中堅企業」
        # does not rule out the only calculator that reads the members).
        best = max(used.values(), default=0)
        calculable = sorted(pid for pid, n in used.items() if given and n == best and n > 0)
        candidates = []
        for pid in dict.fromkeys([*ranked, *calculable]):
            spec = calculator_for(self.programmes.get(pid))
            if spec is not None and (pid not in used or (given and used[pid] < best)):
                continue
            if spec is None and self._retrieve(query, pid).coverage < self.settings.min_confidence:
                continue  # no rules, and its passages do not speak to it (「大幅賃上げ特例」 is not in them)
            candidates.append(pid)
        return candidates

    def _render_calculation(self, query: str, calc: dict[str, Any], retrieved: Retrieved,
                            programme: str, label: str | None, form: QuestionForm | None = None) -> Answer:
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
                for q in compose.best_quotes(tokenize(query), retrieved.passages, self._weight(programme), 2)
            ]
        else:
            conclusion = calc["conclusion"]
            failed = [c if c.endswith(("。", ")", ")")) else c + "。" for c in calc.get("failed_conditions", [])]
            reasons = [calc.get("calculation_line") or "", *failed]
            reasons += _explanation_details(calc)
        if form is not None and form.form is Form.YES_NO and isinstance(calc.get("eligible"), bool) and not (
                calc["invalid_inputs"] or calc["missing_inputs"]):
            conclusion = ("はい、" if calc["eligible"] else "いいえ、") + conclusion  # the verdict, in so many words
        if label:
            conclusion = compose.labelled(label, conclusion)
        return Answer(answer=compose.render(conclusion, reasons, sources, follow_up), found=True,
                      programme=programme, calculation=calc, sources=sources, follow_up=follow_up,
                      passages=retrieved.passages)

    def _per_programme_calculation(self, query: str, u: Understanding, turn: Turn,
                                   candidates: Sequence[str]) -> Answer:
        from assistant.tokenizer import tokenize

        blocks: list[str] = []
        sources: list[Source] = []
        passages: list[Passage] = []
        for pid in candidates:
            programme = self.programmes[pid]
            spec = calculator_for(programme)
            calc = (calculate(pid, turn.intent, {}, today=self.settings.effective_today(),
                              rules_file=programme.rules_file, question=query).to_dict() if spec else {})
            retrieved = self._retrieve(query, pid)
            if not calc.get("conclusion"):
                # No rules, or the figure depends on inputs we lack (the employee band): quote the passage.
                if not self._covered(u, retrieved, pid):
                    continue
                quotes = compose.best_quotes(tokenize(query), retrieved.passages, self._weight(pid), 2)
                if quotes:
                    blocks.append(compose.labelled(programme.official_name, "\n".join(q.text for q in quotes)))
                    sources.extend(compose.sources_from_quotes(quotes))
                    passages.extend(retrieved.passages)
                continue
            blocks.append(compose.labelled(programme.official_name, calc["conclusion"]))
            sources.extend(compose.sources_from_trace(calc))
            passages.extend(retrieved.passages)
        if not blocks:
            return self._fact_answer(query, u, turn)
        if len(blocks) == 1:
            return Answer(answer=compose.render(blocks[0], [], sources), found=True,
                          programme=candidates[0] if len(candidates) == 1 else None, sources=sources,
                          passages=passages)
        text = compose.render("制度ごとにお答えします。", blocks, sources)
        return Answer(answer=text, found=True, programme=None, sources=sources, passages=passages)


# Checks that need facts about the applicant: asked as a plain yes/no with none given
# (「大学も連携体に加われますか?」「付加価値額が未達なら返還ですか?」), the passages answer, not the
# calculator's general rule.
_CHECK_INTENTS = CALCULATION_INTENTS - {"schedule"}  # 「締切は過ぎていますか」 is the calculator's to tell


def _asks_passages(u: Understanding, turn: Turn) -> bool:
    """A calculator intent whose question the passages answer better: several parts and no inputs, a
    schedule milestone other than the deadline, or a yes/no check with no facts given."""
    if turn.is_follow_up:
        return False
    if u.form.parts and not turn.slots and any(cue_intent(part)[0] not in CALCULATION_INTENTS
                                               for part in u.form.parts):
        return True  # 「補助率と補助上限は?」: the calculator would answer one part only
    if turn.intent == "schedule" and contains_any(u.text, OTHER_MILESTONES) and not contains_any(
            u.text, DEADLINE_WORDS):
        return True
    return turn.intent in _CHECK_INTENTS and u.form.form is Form.YES_NO and not u.slots


def rests_on(answer: Answer, name: str) -> bool:
    """Does an answer about a subsidy the store only mentions rest on text about it?

    Some cited passage must name it (in its text or its headings), and every figure the answer states must
    be in such a passage: the passage beside it (the programme that mentions it) would otherwise lend it
    its own figures.
    """
    wanted = normalise(name).lower()
    texts = [normalise(f"{p.section}\n{p.text}") for p in answer.passages]
    about = "".join(t for t in texts if wanted in t.lower())
    if not about:
        return False
    return all(normalise(figure) in about for figure in compose.stated_figures(answer.answer))


def is_list_quote(quotes: Sequence[compose.Quote]) -> bool:
    """Quotes that are one whole list: a multi-part question over a list is answered by the list."""
    return len(quotes) > 1 and len({q.passage.node_id for q in quotes}) == 1 and compose.is_list_like(quotes[0].passage)


@lru_cache(maxsize=64)
def _rounds_spoken(snapshot: StoreSnapshot, programme: str) -> frozenset[str]:
    """The call rounds a programme's documents speak of, once per store generation (snapshots never change)."""
    return frozenset(_rounds("".join(n.text + n.section for n in snapshot.nodes if n.programme == programme)))


def _only_programme(retrieved: Retrieved) -> str | None:
    found = {p.programme for p in retrieved.passages}
    return found.pop() if len(found) == 1 else None


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
