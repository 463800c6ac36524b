"""The short answer card: sentences, repetition, the lead, the quotes shown and the rest, speakers, no numbers."""

from __future__ import annotations

import statistics

from bot.core.brief import (
    SHOWN_QUOTES,
    WEAK_BELOW,
    brief,
    credit,
    lead_and_quotes,
    more_quotes,
    repeats,
    sentences,
    speaker_label,
)
from bot.core.decision import MatchStatus
from bot.core.engine import AskResult, Engine


def test_sentences_are_not_cut_at_initials_or_abbreviations() -> None:
    text = "The article is by John T. Seward, a reporter. The U.S. Proposal stands. Putin said “yes.” He left."
    assert sentences(text) == [
        "The article is by John T. Seward, a reporter.",
        "The U.S. Proposal stands.",
        "Putin said “yes.”",
        "He left.",
    ]
    assert sentences("") == []


def test_a_sentence_repeats_a_quote_when_it_shares_a_run_of_words() -> None:
    quote = "Russia does “agree with the proposals for the ceasefire,” Putin said."
    assert repeats('Putin said Russia does "agree with the proposals for the ceasefire".', quote)
    assert not repeats("Russia agrees, with conditions, to proposals about a ceasefire.", quote)
    assert repeats("It was short: yes.", "yes")  # a quote shorter than the run repeats when said whole
    assert not repeats("Anything.", "")


def test_the_lead_and_quotes_of_every_fact(curated_engine: Engine) -> None:
    for fact in curated_engine.facts.values():
        lead, shown, rest = lead_and_quotes(fact)
        assert shown[0] == fact.citations[0] and 1 <= len(shown) <= SHOWN_QUOTES
        assert set(shown) | set(rest) == set(fact.citations) and not set(shown) & set(rest)
        assert fact.answer.startswith(lead)  # a true opening of the curated answer, never rewritten
        assert len(sentences(lead)) <= 2
        for citation in shown:
            assert not repeats(lead, citation.quote), fact.id


def test_the_card_names_speakers_credits_the_source_and_says_a_weak_match_in_words(curated_engine: Engine) -> None:
    fact = curated_engine.fact("russia-position")
    assert fact is not None
    card = brief(AskResult("did russia accept?", MatchStatus.ANSWERED, fact, 100.0), curated_engine.sources)
    assert card.title == fact.question and card.lead.startswith("Not clearly.")
    assert [quote.label for quote in card.quotes] == ["Vladimir Putin", "Reported by NOTUS"]
    assert card.more == len(fact.citations) - 2 == len(more_quotes(fact, curated_engine.sources))
    assert card.credit == "Source: NOTUS, John T. Seward" and card.note is None
    weak = brief(AskResult("russia?", MatchStatus.ANSWERED, fact, WEAK_BELOW - 1), curated_engine.sources)
    assert weak.note is not None and not any(ch.isdigit() for ch in weak.note)
    narration = fact.citations[1]
    assert speaker_label(narration, curated_engine.sources[narration.source]) == "Reported by NOTUS"
    assert speaker_label(narration, None) == narration.speaker
    assert credit((), curated_engine.sources) == ""


def test_without_an_answer_the_card_explains_and_offers_the_close_questions(curated_engine: Engine) -> None:
    result = curated_engine.ask("talks")  # a bare topic word: several facts are about the talks
    card = brief(result, curated_engine.sources)
    assert card.fact_id is None and not card.quotes and card.choices == result.suggestions
    assert result.status is MatchStatus.AMBIGUOUS and card.title == "Did you mean\u2026"


def test_typical_cards_are_short(curated_engine: Engine) -> None:
    sizes = []
    for fact in curated_engine.facts.values():
        card = brief(AskResult(fact.question, MatchStatus.ANSWERED, fact, 100.0), curated_engine.sources)
        sizes.append(len(card.title) + len(card.lead) + sum(len(q.label) + len(q.quote) for q in card.quotes))
    assert statistics.median(sizes) < 450 and max(sizes) < 700
