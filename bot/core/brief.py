"""The short answer card members read at a glance (the Discord answer).

A lead of at most two of the answer's sentences that does not repeat a quote shown below it, at most two
quotes named by who said them, the rest kept for "More quotes", the source as one short credit, and no
numbers: a weak match is said in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.core.decision import MatchStatus
from bot.core.engine import AskResult, Suggestion
from bot.core.models import Citation, Fact, Source
from bot.core.render import answer_card
from bot.core.text import fold_text

__all__ = [
    "SHOWN_QUOTES",
    "WEAK_BELOW",
    "Brief",
    "QuoteView",
    "brief",
    "credit",
    "lead_and_quotes",
    "more_quotes",
    "repeats",
    "sentences",
    "speaker_label",
]

SHOWN_QUOTES = 2
_LEAD_SENTENCES = 2
# A second sentence joins the lead only while the lead stays this short.
_LEAD_MAX = 280
# A sentence sharing this many words in a row with a quote says the quote again.
_REPEAT_RUN = 5
# An answer less likely than this (0-100) to be right is a weak match, said in words ("closest match").
WEAK_BELOW = 95.0
_PICK_ONE = "That could mean more than one thing. Pick the question you meant:"
_WEAK_NOTE = "This is the closest match I found; rephrase if it is not what you asked."

# A sentence ends at . ! or ? (perhaps inside closing quotes) followed by a space and a capital or an
# opening quote; "U.S. national" does not end one, as the next word is lower-case.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:[\"\u201d\u2019']*)\s+(?=[A-Z\"\u201c\u2018])")
# A piece ending in a capital letter and a dot ("T.", "U.S.") was cut at an initial, not a sentence end.
_INITIAL = re.compile(r"(?:^|[\s(])(?:[A-Z]\.)+$")
_WORD = re.compile(r"[a-z0-9]+(?:['.-][a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote ready to show: who said it ("Reported by NOTUS" for the article's own words) and the words."""

    label: str
    quote: str


@dataclass(frozen=True, slots=True)
class Brief:
    """One question's answer as members see it, already worded."""

    status: MatchStatus
    title: str
    lead: str
    quotes: tuple[QuoteView, ...]
    more: int
    credit: str
    note: str | None
    choices: tuple[Suggestion, ...]
    fact_id: str | None
    also: tuple[str, ...] = ()  # the message's other questions the fact base answers: the first choices


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences; an initial or abbreviation ("John T. Seward", "U.S. Proposal") ends none."""
    cuts = [0] + [match.end() for match in _SENTENCE_END.finditer(text)] + [len(text)]
    pieces: list[str] = []
    for start, end in pairwise(cuts):
        piece = text[start:end].strip()
        if pieces and _INITIAL.search(pieces[-1]):
            pieces[-1] += " " + piece
        elif piece:
            pieces.append(piece)
    return pieces


def _words(text: str) -> list[str]:
    return _WORD.findall(fold_text(text).casefold())


def repeats(sentence: str, quote: str) -> bool:
    """Whether ``sentence`` says ``quote`` again: they share a run of several words (or all of a short quote)."""
    said, quoted = _words(sentence), _words(quote)
    run = min(_REPEAT_RUN, len(quoted))
    if run == 0:
        return False
    grams = {tuple(quoted[i : i + run]) for i in range(len(quoted) - run + 1)}
    return any(tuple(said[i : i + run]) in grams for i in range(len(said) - run + 1))


def speaker_label(citation: Citation, source: Source | None) -> str:
    """Who a quote is from: the speaker's name, or "Reported by OUTLET" for the article's own narration."""
    if source is not None and (citation.speaker == source.outlet or citation.speaker.startswith(source.outlet + " ")):
        return f"Reported by {source.outlet}"
    return citation.speaker


def lead_and_quotes(fact: Fact) -> tuple[str, tuple[Citation, ...], tuple[Citation, ...]]:
    """The lead, the citations shown under it, and the rest.

    The main (first) citation is always shown. The lead is the answer's opening sentences, up to two and
    stopping at the first that repeats the main quote (later sentences may lean on that one, so the lead
    stays a true opening of the curated answer). The second quote shown is the first other citation the
    lead does not repeat.
    """
    main, others = fact.citations[0], fact.citations[1:]
    kept: list[str] = []
    for sentence in sentences(fact.answer)[:_LEAD_SENTENCES]:
        too_long = kept and len(kept[0]) + len(sentence) > _LEAD_MAX
        if repeats(sentence, main.quote) or too_long:
            break
        kept.append(sentence)
    shown = [main]
    for citation in others:
        if len(shown) == SHOWN_QUOTES:
            break
        if citation.quote != main.quote and not any(repeats(sentence, citation.quote) for sentence in kept):
            shown.append(citation)
    rest = tuple(citation for citation in fact.citations if citation not in shown)
    return " ".join(kept), tuple(shown), rest


def _views(citations: Sequence[Citation], sources: Mapping[str, Source]) -> tuple[QuoteView, ...]:
    return tuple(QuoteView(speaker_label(c, sources.get(c.source)), c.quote) for c in citations)


def credit(citations: Sequence[Citation], sources: Mapping[str, Source]) -> str:
    """The sources of ``citations`` as one short line: outlet and author, each source once."""
    credits: dict[str, None] = {}
    for citation in citations:
        source = sources.get(citation.source)
        if source is not None:
            credits[f"{source.outlet}, {source.author}" if source.author else source.outlet] = None
    return "Source: " + "; ".join(credits) if credits else ""


def more_quotes(fact: Fact, sources: Mapping[str, Source]) -> tuple[QuoteView, ...]:
    """The quotes the card leaves for the "More quotes" button."""
    return _views(lead_and_quotes(fact)[2], sources)


def brief(result: AskResult, sources: Mapping[str, Source]) -> Brief:
    """Word ``result`` for a glance: the short answer card, or the explanation with the close questions."""
    fact = result.fact
    if fact is None:
        card = answer_card(result, sources)
        # The choices are buttons under the card, so the words only point at them.
        lead = _PICK_ONE if result.status is MatchStatus.AMBIGUOUS else card.body
        return Brief(result.status, card.heading, lead, (), 0, "", None, result.suggestions, None)
    lead, shown, rest = lead_and_quotes(fact)
    note = _WEAK_NOTE if result.score < WEAK_BELOW else None
    return Brief(
        result.status,
        fact.question,
        lead,
        _views(shown, sources),
        len(rest),
        credit(fact.citations, sources),
        note,
        result.also + result.suggestions,
        fact.id,
        tuple(s.question for s in result.also),
    )
