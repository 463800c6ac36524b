"""Turning an engine result into plain data: the JSON contract and a card the CLI and the bot display."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.decision import MatchStatus
from bot.core.engine import AskResult, Suggestion
from bot.core.models import Citation, Fact, Source

__all__ = [
    "AnswerCard",
    "CitationView",
    "answer_card",
    "card_text",
    "fact_json",
    "result_json",
    "source_line",
]


def _citation_json(citation: Citation) -> dict[str, Any]:
    return {
        "quote": citation.quote,
        "speaker": citation.speaker,
        "source": citation.source,
        "start": citation.start,
        "end": citation.end,
    }


def result_json(result: AskResult) -> dict[str, Any]:
    """The machine-readable answer: question, status, answer, fact_id, score, citations, suggestions, and the
    facts answering the message's other questions (``also``)."""
    fact = result.fact
    return {
        "question": result.question,
        "status": result.status.value,
        "answer": fact.answer if fact else None,
        "fact_id": fact.id if fact else None,
        "score": round(result.score, 1),
        "citations": [_citation_json(c) for c in fact.citations] if fact else [],
        "suggestions": [_suggestion_json(suggestion) for suggestion in result.suggestions],
        "also": [_suggestion_json(suggestion) for suggestion in result.also],
    }


def _suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {"fact_id": suggestion.fact_id, "question": suggestion.question, "score": round(suggestion.score, 1)}


def fact_json(fact: Fact) -> dict[str, Any]:
    """One fact as JSON-ready data, with its citations and provenance."""
    return {
        "id": fact.id,
        "question": fact.question,
        "aliases": list(fact.aliases),
        "answer": fact.answer,
        "citations": [_citation_json(c) for c in fact.citations],
        "tags": list(fact.tags),
        "provenance": fact.provenance.model_dump(mode="json", exclude_none=True),
    }


def source_line(source: Source) -> str:
    """ "Title", Outlet, by Author: how a source is credited under a quote."""
    byline = f", by {source.author}" if source.author else ""
    return f"\u201c{source.title}\u201d, {source.outlet}{byline}"


@dataclass(frozen=True, slots=True)
class CitationView:
    """A citation ready to show: the exact quote, who said it, and the source credited."""

    quote: str
    speaker: str
    source: str


@dataclass(frozen=True, slots=True)
class AnswerCard:
    """Everything a front end shows for one question, already worded."""

    status: MatchStatus
    heading: str
    body: str
    citations: tuple[CitationView, ...]
    confidence: str
    suggestions: tuple[str, ...]
    fact_id: str | None
    # What introduces the suggestions in text: "" when the body already does ("Did you mean one of these?").
    suggestions_heading: str = ""
    # The message's other questions the fact base answers, asked with it.
    also: tuple[str, ...] = ()


USAGE_TEXT = (
    "I answer questions about the US-brokered ceasefire talks between Russia and Ukraine from one NOTUS article, "
    'quoting its exact words. Ask in your own words, for example "did Russia accept the ceasefire?" or '
    '"who is Steve Witkoff?"'
)


def _confidence(result: AskResult) -> str:
    if result.status is MatchStatus.ANSWERED:
        strength = "strong" if result.score >= 80 else "fair"
        return f"Match {result.score:.0f}/100 ({strength}). Not what you asked? Try rephrasing."
    return f"Best match {result.score:.0f}/100, not enough to answer."


def answer_card(result: AskResult, sources: Mapping[str, Source]) -> AnswerCard:
    """Word ``result`` for display: an answer with its quotes, or an explanation with close questions."""
    questions = tuple(s.question for s in result.suggestions)
    if result.status is MatchStatus.USAGE:
        return AnswerCard(result.status, "How to ask", USAGE_TEXT, (), "", questions, None)
    if result.fact is not None:
        fact = result.fact
        views = tuple(CitationView(c.quote, c.speaker, source_line(sources[c.source])) for c in fact.citations)
        return AnswerCard(
            result.status,
            fact.question,
            fact.answer,
            views,
            _confidence(result),
            questions,
            fact.id,
            "Related questions:",
            tuple(s.question for s in result.also),
        )
    list_heading = ""
    if result.off_topic:
        names = " or ".join(result.off_topic)
        body = f"The article does not mention {names}, so I can't answer that from it."
        list_heading = "Close questions:"
    elif result.status is MatchStatus.AMBIGUOUS:
        body = "That could mean more than one thing. Did you mean one of these?"
    elif questions:
        body = "I couldn't find that in the article. Close questions I can answer:"
    else:
        body = "I couldn't find that in the article. Try asking about the ceasefire, Russia, Ukraine or the U.S. talks."
    heading = "Did you mean\u2026" if result.status is MatchStatus.AMBIGUOUS else "No answer in the article"
    return AnswerCard(result.status, heading, body, (), _confidence(result), questions, None, list_heading)


def card_text(card: AnswerCard) -> str:
    """A card as terminal text: each quote with its speaker, then the sources credited once each."""
    lines = [card.heading, "", card.body]
    for citation in card.citations:
        quoted = "\n".join(f"  > {line}" for line in citation.quote.splitlines() if line.strip())
        lines += ["", quoted, f"    \u2014 {citation.speaker}"]
    sources = dict.fromkeys(citation.source for citation in card.citations)
    if sources:
        lines += ["", *(f"Source: {source}" for source in sources)]
    if card.also:
        lines += ["", "You also asked (ask it on its own for its answer):"]
        lines += [f"  \u2022 {question}" for question in card.also]
    if card.suggestions:
        lines += ["", card.suggestions_heading] if card.suggestions_heading else [""]
        lines += [f"  \u2022 {question}" for question in card.suggestions]
    lines += ["", card.confidence]
    return "\n".join(lines)
