"""The shortcuts that make indexing and answering fast give what the plain algorithms give.

Reference implementations here are the normaliser and the scorer as first written (one text at a time, every
phrasing scored): the fast paths must agree with them on any text, not only on the data shipped.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.core.lexical as matching
import bot.core.lexical_scoring as scoring
from bot.bench.synthetic import generate
from bot.core.decision import Candidate
from bot.core.lexical import LexicalIndex
from bot.core.lexicon import TEXT_BREAK, raw_tokens, raw_tokens_joined
from bot.core.text import fold_text

_POSSESSIVE = re.compile(r"'s\b")
_US_ABBREVIATION = re.compile(r"\bu\.s\.(?:a\.)?")
_WORD = re.compile(r"[a-z0-9]+")


def reference_raw_tokens(text: str) -> list[str]:
    text = fold_text(text)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    text = text.lower()
    text = _US_ABBREVIATION.sub(" us ", text)
    text = _POSSESSIVE.sub("", text).replace("'", "")
    return _WORD.findall(text)


# Letters, apostrophes, "U.S.", curly quotes, accents (precomposed and combining), other scripts, controls.
_PIECES = st.sampled_from(
    ["a", "s", "u", "U", "S", ".", "'", "`", "\u2019", "\u201c", " ", "\n", "-", "\u2014", "\u00e9", "e\u0301",
     "\u00df", "\u0130", "\u212a", "\u1fef", "\u03a3", "\u0416", "7", "\x00", "\x1f", "\u00a0", "s.", "u.s.a."]
)  # fmt: skip
_TEXTS = st.one_of(st.text(max_size=30), st.lists(_PIECES, max_size=20).map("".join))


@settings(max_examples=500, deadline=None)
@given(_TEXTS)
def test_raw_tokens_are_the_plain_normalisers(text: str) -> None:
    assert raw_tokens(text) == reference_raw_tokens(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=6))
def test_texts_split_together_are_split_as_each_alone(texts: list[str]) -> None:
    expected: list[str] = []
    for number, text in enumerate(texts):
        expected += [TEXT_BREAK] if number else []
        expected += reference_raw_tokens(text)
    assert raw_tokens_joined(texts) == expected


def _postings_by_fact(matcher: LexicalIndex) -> dict[str, list[list[str]]]:
    """Each token's postings by credit, as fact ids (slots differ with the history)."""
    ids = {slot: fact_id for fact_id, slot in matcher._slots.items()}
    return {
        token: [sorted(ids[slot] for slot in slots) for slots in by_credit]
        for token, by_credit in matcher._postings.items()
    }


def test_the_index_after_removals_is_the_index_built_afresh() -> None:
    base = generate(300, seed=5)
    kept = [fact for number, fact in enumerate(base.facts) if number % 3]
    churned = LexicalIndex(base.lexicon)
    churned.extend(base.facts)
    for number, fact in enumerate(base.facts):
        if not number % 3:
            churned.remove(fact.id)
    fresh = LexicalIndex(base.lexicon)
    fresh.extend(kept)
    assert dict(churned.analyser.word_frequency) == dict(fresh.analyser.word_frequency)
    assert _postings_by_fact(churned) == _postings_by_fact(fresh)
    questions = [question.text for question in base.questions(60)]
    assert [churned.rank(q, 10) for q in questions] == [fresh.rank(q, 10) for q in questions]


def _plain_rank(matcher: LexicalIndex, question: str, limit: int) -> list[Candidate]:
    """rank() as first written: the 60 facts covering most, every phrasing of each scored."""
    query = matcher.prepare(question)
    if query is None:
        return []
    coverage = matcher._coverage(query, 0.0)
    entities = query.tokens & matcher._lexicon.entities
    scored = []
    for slot, covered in coverage.best(60):
        indexed = matcher._facts[slot]
        assert indexed is not None
        phrasings = indexed.keys.split("|") if indexed.keys else []
        best = max((matcher.phrasing_score(query, key) for key in phrasings), default=0.0)
        score = max(100.0 * scoring._SPREAD_SHARE * covered / query.weight, best)
        score *= matching._ENTITY_PENALTY ** len(entities.difference(indexed.mentions))
        scored.append(Candidate(indexed.fact_id, round(score, 1)))
    scored.sort(key=lambda c: (-c.score, c.fact_id))
    return scored[:limit]


def test_ranking_scores_each_fact_as_its_best_phrasing_would(monkeypatch: pytest.MonkeyPatch) -> None:
    """rank() inlines phrasing_score and stops at facts that cannot reach the top: the plain way's results."""
    base = generate(400, seed=7)
    matcher = LexicalIndex(base.lexicon)
    matcher.extend(base.facts)
    questions = [question.text for question in base.questions(120)]
    with_ties = {q: matcher.rank(q, 5) for q in questions}
    monkeypatch.setattr(matching, "_SHORTLIST_MOST", 60)  # no facts tied with the 60th beyond it
    for question in questions:
        for limit in (1, 5, 25):
            assert matcher.rank(question, limit) == _plain_rank(matcher, question, limit)
        # Facts tied with the 60th are scored too: the best can only get better.
        plain = _plain_rank(matcher, question, 1)
        assert not plain or with_ties[question][0].score >= plain[0].score
