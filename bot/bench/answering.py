"""Timing the engine on a question mix, and the brute-force scan it is compared with.

The brute force scores every phrasing of the base with ``rapidfuzz.process.extract`` and the matcher's own
phrasing scorer (:meth:`LexicalIndex.phrasing_score`: the rarity-weighted overlap of the normalised tokens blended
with ``fuzz.token_sort_ratio`` of the token strings), after the same normalisation and typo correction
(:meth:`LexicalIndex.prepare`). That is "the same scorer": what it leaves out is only the index (candidate
generation and the shortlist), so top-1 agreement measures what the index loses.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process

from bot.bench.stats import Latency
from bot.bench.synthetic import BenchQuestion, QuestionKind
from bot.core.decision import MatchStatus
from bot.core.engine import Engine
from bot.core.lexical import LexicalIndex
from bot.core.lexical_scoring import Query

__all__ = ["AnsweringFigures", "BruteForce", "measure_answering"]


class BruteForce:
    """Every phrasing of a base, scored one by one for each question."""

    def __init__(self, matcher: LexicalIndex) -> None:
        self._matcher = matcher
        pairs = list(matcher.phrasings())
        self._fact_ids = [fact_id for fact_id, _ in pairs]
        self._keys = [key for _, key in pairs]

    def best(self, question: str) -> tuple[str | None, float]:
        """The fact of the best-scoring phrasing and its score (None, 0 when nothing scores)."""
        query = self._matcher.prepare(question)
        if query is None:
            return None, 0.0
        scorer = _scorer(self._matcher, query)
        found = process.extract(query.text, self._keys, scorer=scorer, processor=None, limit=1)
        if not found or found[0][1] <= 0.0:
            return None, 0.0
        _, score, index = found[0]
        return self._fact_ids[index], float(score)


def _scorer(matcher: LexicalIndex, query: Query) -> Callable[..., float]:
    def score(_query_text: str, key: str, **_options: Any) -> float:
        return matcher.phrasing_score(query, key)

    return score


@dataclass(frozen=True, slots=True)
class AnsweringFigures:
    """The engine and the brute force on the same questions."""

    engine: Latency
    brute_force: Latency
    compared: int  # questions the brute force also answered
    speedup: float  # brute force time over the index's ranking by words, on the compared questions
    in_scope: int
    agreement: float  # share of compared in-scope questions where both rank the same fact first
    correct: float | None  # share of in-scope questions answered with the fact they were made from, if known
    false_answers: float  # share of out-of-scope questions answered

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for the JSON report."""
        return {
            "engine": self.engine.as_dict(),
            "brute_force": self.brute_force.as_dict(),
            "compared_questions": self.compared,
            "speedup": round(self.speedup, 1),
            "in_scope_compared": self.in_scope,
            "top1_agreement": round(self.agreement, 4),
            "engine_correct": None if self.correct is None else round(self.correct, 4),
            "false_answers": round(self.false_answers, 4),
        }


def measure_answering(
    engine: Engine, matcher: LexicalIndex, questions: Sequence[BenchQuestion], brute_questions: int
) -> AnsweringFigures:
    """Time ``engine.ask`` on every question, then the brute force on the first ``brute_questions``.

    ``matcher`` is the engine's (``Engine.lexical``); it supplies the brute force's scorer and the engine's
    top-ranked fact for the agreement. The engine is timed first, so the brute force finds its caches warm.
    """
    timings = []
    results = []
    for question in questions:
        started = time.perf_counter()
        results.append(engine.ask(question.text))
        timings.append(time.perf_counter() - started)
    in_scope = [(q, r) for q, r in zip(questions, results, strict=True) if q.kind is not QuestionKind.OUT_OF_SCOPE]
    out_of_scope = [r for q, r in zip(questions, results, strict=True) if q.kind is QuestionKind.OUT_OF_SCOPE]
    known = [(q, r) for q, r in in_scope if q.fact_id is not None]  # the curated sets name passages, not facts
    correct = sum(1 for q, r in known if r.fact is not None and r.fact.id == q.fact_id)
    answered = sum(1 for r in out_of_scope if r.status is MatchStatus.ANSWERED)

    brute = BruteForce(matcher)
    compared = list(questions[:brute_questions])
    brute_timings, agreed, in_scope_compared = [], 0, 0
    for question in compared:
        started = time.perf_counter()
        fact_id, score = brute.best(question.text)
        brute_timings.append(time.perf_counter() - started)
        if question.kind is QuestionKind.OUT_OF_SCOPE:
            continue
        in_scope_compared += 1
        agreed += _agrees(matcher, question.text, fact_id, score)
    # Like with like: the brute force ranks by words alone, so it is compared with the index's ranking by words on
    # the same questions (answering adds the ranking by meaning and the decision, which it does not do).
    ranking_time = 0.0
    for question in compared:
        started = time.perf_counter()
        matcher.rank(question.text)
        ranking_time += time.perf_counter() - started
    return AnsweringFigures(
        engine=Latency.of(timings),
        brute_force=Latency.of(brute_timings),
        compared=len(compared),
        speedup=sum(brute_timings) / ranking_time,
        in_scope=in_scope_compared,
        agreement=agreed / in_scope_compared if in_scope_compared else 1.0,
        correct=correct / len(known) if known else None,
        false_answers=answered / len(out_of_scope) if out_of_scope else 0.0,
    )


def _agrees(matcher: LexicalIndex, question: str, brute_fact: str | None, brute_score: float) -> bool:
    """Whether the matcher's first fact is the brute force's: the same fact, or one whose best phrasing ties
    the brute force's best score (several facts can share a phrasing's words, and either is a right pick)."""
    ranked = matcher.rank(question, 1)
    if not ranked or brute_fact is None:
        return not ranked and brute_fact is None
    if ranked[0].fact_id == brute_fact:
        return True
    query = matcher.prepare(question)
    assert query is not None
    keys = [key for _, key in matcher.phrasings(ranked[0].fact_id)]
    return any(abs(matcher.phrasing_score(query, key) - brute_score) < 1e-9 for key in keys)
