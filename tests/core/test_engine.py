"""The engine's lookups beside answering: picking a fact by id or words, and the topics with their counts."""

from __future__ import annotations

from collections import Counter

from bot.core.decision import MatchStatus
from bot.core.engine import Engine


def _counted(engine: Engine) -> dict[str, int]:
    return dict(Counter(tag for fact in engine.facts.values() for tag in fact.tags))


def test_topics_follow_every_change(fresh_engine: Engine) -> None:
    assert dict(fresh_engine.topics()) == _counted(fresh_engine)
    counts = [count for _, count in fresh_engine.topics()]
    assert counts == sorted(counts, reverse=True)
    fact = fresh_engine.fact("russia-position")
    assert fact is not None and fact.tags
    fresh_engine.put_fact(fact.model_copy(update={"tags": ("ceasefire-terms",)}))  # replaced: old tags go
    assert dict(fresh_engine.topics()) == _counted(fresh_engine)
    assert ("ceasefire-terms", 1) in fresh_engine.topics()
    fresh_engine.drop_fact(fact.id)
    assert dict(fresh_engine.topics()) == _counted(fresh_engine)
    assert "ceasefire-terms" not in dict(fresh_engine.topics())


def test_topics_of_an_engine_put_together_from_parts(curated_engine: Engine) -> None:
    facts = list(curated_engine.facts.values())
    part = Engine(curated_engine.lexicon, curated_engine.sources.values(), facts[10:])
    whole = Engine(curated_engine.lexicon, curated_engine.sources.values(), facts[:10])
    whole.absorb(facts[10:], part.index_state())
    assert whole.topics() == curated_engine.topics() and len(whole) == len(curated_engine)


def test_find_puts_the_fact_with_that_id_first_then_the_best_questions(curated_engine: Engine) -> None:
    found = curated_engine.find("rubio-mean-girls")
    assert found[0].id == "rubio-mean-girls" and len({fact.id for fact in found}) == len(found)
    assert curated_engine.find("what did rubio say about mean grls")[0].id == "rubio-mean-girls"
    assert [fact.id for fact in curated_engine.find("", limit=3)] == list(curated_engine.facts)[:3]
    assert curated_engine.find("zzzz qqqq") == []
    assert len(curated_engine.find("russia", limit=4)) <= 4


def test_a_chosen_fact_is_answered_with_its_own_score_and_the_other_close_questions(curated_engine: Engine) -> None:
    fact = curated_engine.fact("rubio-mean-girls")
    assert fact is not None
    chosen = curated_engine.choose(fact.id)
    asked = curated_engine.ask(fact.question)
    assert chosen is not None and chosen.fact == fact and chosen.status is MatchStatus.ANSWERED
    assert asked.fact == fact and chosen.score == asked.score
    assert all(s.fact_id != fact.id for s in chosen.suggestions) and len(chosen.suggestions) <= 3
    assert curated_engine.choose("no-such-fact") is None
