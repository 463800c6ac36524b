"""The engine's lookups beside answering: picking a fact by id or words, and the topics with their counts."""

from __future__ import annotations

from collections import Counter

from bot.core.decision import MatchStatus
from bot.core.embedding import OnnxEncoder
from bot.core.engine import Engine
from bot.core.models import CitationDraft, FactDraft, Provenance, resolve_fact


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


def test_semantic_rank_follows_every_change_and_loads_the_model_only_when_asked(curated_engine: Engine) -> None:
    encoder = OnnxEncoder()
    engine = Engine(
        curated_engine.lexicon, curated_engine.sources.values(), curated_engine.facts.values(), encoder=encoder
    )
    assert not encoder.loaded  # serving facts needs no vectors until a question does
    ranked = engine.semantic_rank("has moscow said yes to the truce", 3)
    assert encoder.loaded and ranked[0][0] == "russia-position" and len(ranked) == 3
    assert all(-1.0 <= similarity <= 1.0 for _, similarity in ranked)

    draft = FactDraft(
        question="Which fellowship does the author hold?",
        answer="He is an Allbritton Journalism Institute fellow.",
        citations=(
            CitationDraft(quote="an Allbritton Journalism Institute fellow", speaker="NOTUS", source="notus-ceasefire"),
        ),
    )
    fact = resolve_fact(draft, "author-fellowship", engine.sources, Provenance(origin="moderator"))
    engine.put_fact(fact)
    assert engine.semantic_rank("is the reporter part of some journalism programme", 1)[0][0] == "author-fellowship"
    engine.put_fact(fact.model_copy(update={"question": "Where does the sun rise?", "answer": "In the east."}))
    assert engine.semantic_rank("where does the sun come up", 1)[0][0] == "author-fellowship"
    engine.drop_fact(fact.id)
    assert all(fact_id != fact.id for fact_id, _ in engine.semantic_rank("where does the sun come up", len(engine)))
    assert len(engine.vectors.index) == len(engine)


def test_a_message_of_two_questions_is_answered_by_the_first_with_the_other_as_also(curated_engine: Engine) -> None:
    first, second = curated_engine.fact("photo-credit"), curated_engine.fact("rubio-mean-girls")
    assert first is not None and second is not None
    result = curated_engine.ask(f"<@123> {first.question} also {second.question.lower()}")
    assert result.status is MatchStatus.ANSWERED and result.fact == first
    assert [s.fact_id for s in result.also] == [second.id]
    assert all(s.fact_id != second.id for s in result.suggestions)
    asked_twice = curated_engine.ask(f"{first.question} {first.question}")
    assert asked_twice.fact == first and asked_twice.also == ()


def test_a_message_whose_questions_are_all_unanswered_is_read_whole(curated_engine: Engine) -> None:
    message = "what is putin's favourite food? and is marco rubio married?"
    assert curated_engine.ask(message).status is not MatchStatus.ANSWERED
    assert curated_engine.ask(message).question == message


def test_a_message_of_many_questions_reads_only_its_first_three(curated_engine: Engine) -> None:
    ids = ["photo-credit", "rubio-mean-girls", "article-author", "who-is-waltz"]
    facts = [curated_engine.fact(fact_id) for fact_id in ids]
    assert all(fact is not None for fact in facts)
    result = curated_engine.ask(" ".join(fact.question for fact in facts if fact is not None))
    assert result.fact == facts[0]
    assert [s.fact_id for s in result.also] == ids[1:3]


def test_what_a_question_asks_for_is_read_with_its_typos_spelt_right(curated_engine: Engine) -> None:
    # "who wrote X" asks for the author of X: misspelt, "ths articel" must still be this article, not another work.
    def lacking(question: str) -> float:
        evidence = {item.fact_id: item for item in curated_engine.read(question).evidence}
        return evidence["article-author"].feature("lacking")

    assert lacking("who wrote ths articel") == lacking("who wrote this article") == 0.0
    assert lacking("who wrote harry potter") == 1.0


def test_a_question_after_the_askers_preamble_is_answered_alone(curated_engine: Engine) -> None:
    fact = curated_engine.fact("ukraine-agreed")
    assert fact is not None
    # The preamble names a country the article never mentions: read whole, the message would be refused.
    preamble = "Good afternoon. As an officer who spent two tours in Germany, I have followed this closely."
    assert curated_engine.ask(preamble + " Why is the sky blue?").status is not MatchStatus.ANSWERED
    result = curated_engine.ask(f"{preamble} {fact.question}")
    assert result.status is MatchStatus.ANSWERED and result.fact == fact
    assert result.question == f"{preamble} {fact.question}"
    assert curated_engine.ask(f"{preamble} How old is Putin?").status is not MatchStatus.ANSWERED
