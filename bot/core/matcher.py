"""Matching a free-text question to the fact that answers it.

Questions and facts pass through one normaliser: typography folded, typos corrected against the known
vocabulary (rapidfuzz), synonyms rewritten to the lexicon's concepts, light stemming, stop words dropped.
An inverted index over those tokens yields candidate facts, ranked by how much of the question each fact
covers (its phrasings count fully, its main quote and answer less). The best candidates are then scored
phrasing by phrasing: a rarity-weighted overlap (recall of the question, precision of the phrasing) blended
with rapidfuzz similarity of the token strings. Words the base has never seen count against a match, a
person the fact never mentions lowers it, and a name the article never mentions refuses it.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.lexicon import STOPWORDS, Lexicon, raw_tokens, stem
from bot.core.models import Fact

__all__ = ["Candidate", "Match", "MatchStatus", "Matcher", "Thresholds"]


class MatchStatus(StrEnum):
    """How confidently a question was matched."""

    ANSWERED = "answered"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fact and how well it matched (0-100)."""

    fact_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome for one question: the status, the best fact (if answered) and the runners-up."""

    status: MatchStatus
    best: Candidate | None
    candidates: tuple[Candidate, ...]
    off_topic: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs. A match is answered at ``answer`` or above when it leads the runner-up by ``margin``
    (by ``confident_margin`` at ``confident`` or above, the runner-up then offered beside it); a closer race
    at ``ambiguous`` or above offers the candidates; below ``suggest`` nothing is close enough to offer."""

    answer: float = 55.0
    margin: float = 6.0
    confident: float = 70.0
    confident_margin: float = 2.0
    ambiguous: float = 45.0
    suggest: float = 30.0


@dataclass(frozen=True, slots=True)
class _Phrasing:
    tokens: frozenset[str]
    text: str  # the canonical tokens joined, for rapidfuzz
    original: str


@dataclass(frozen=True, slots=True)
class _IndexedFact:
    fact_id: str
    phrasings: tuple[_Phrasing, ...]
    # How strongly each token speaks for this fact: 1.0 in a phrasing of its question, less when it occurs
    # only in the main quote or the answer (evidence for the fact, not a way of asking for it).
    evidence: dict[str, float]
    mentions: frozenset[str]  # every token anywhere in the fact, all citations included
    words: Counter[str]  # raw words, for typo correction


_QUOTE_CREDIT = 0.75
_ANSWER_CREDIT = 0.68
# A question covered only piecemeal (words spread over several phrasings, quote and answer) is worth this
# share of one covered by a single phrasing.
_SPREAD_SHARE = 0.65
# Recall of the question counts four times as much as precision of the phrasing (F-beta with beta = 2).
_BETA_SQUARED = 4.0
# Share of a phrasing's score from rapidfuzz similarity of the token strings (word order, partial words).
_FUZZY_SHARE = 0.25
# Each person or place the question names but the fact never mentions multiplies its score by this.
_ENTITY_PENALTY = 0.7
# Postings longer than this share of all facts are only added to facts a rarer token already found.
_COMMON_SHARE = 0.2
_SHORTLIST = 60


class Matcher:
    """An incrementally updated index of facts, answering questions with a :class:`Match`."""

    def __init__(self, lexicon: Lexicon, thresholds: Thresholds | None = None) -> None:
        self._lexicon = lexicon
        self._concepts = lexicon.concepts
        self._lexicon_words = lexicon.words
        self.thresholds = thresholds or Thresholds()
        self._facts: dict[str, _IndexedFact] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._word_frequency: Counter[str] = Counter()
        self._vocabulary: list[str] = []
        self._vocabulary_stale = True

    # -- building -----------------------------------------------------------------------------------------

    def tokens(self, text: str, correct: bool = False) -> list[str]:
        """The canonical content tokens of ``text`` (typos corrected first when ``correct``)."""
        words = raw_tokens(text)
        if correct:
            words = [self._correct(word) for word in words]
        return [
            token if token in self._concepts else stem(token)
            for token in self._lexicon.canonical(words)
            if token not in STOPWORDS
        ]

    def add(self, fact: Fact) -> None:
        """Index ``fact``, replacing any earlier version with the same id."""
        self.remove(fact.id)
        phrasings = []
        evidence: dict[str, float] = {}
        main = fact.citations[0]
        for text, credit in ((fact.answer, _ANSWER_CREDIT), (f"{main.quote} {main.speaker}", _QUOTE_CREDIT)):
            evidence.update(dict.fromkeys(self.tokens(text), credit))
        for text in fact.phrasings:
            tokens = self.tokens(text)
            if tokens:
                phrasings.append(_Phrasing(frozenset(tokens), " ".join(tokens), text))
                evidence.update(dict.fromkeys(tokens, 1.0))
        context = " ".join(f"{c.quote} {c.speaker}" for c in fact.citations[1:])
        words = Counter(word for text in (*fact.phrasings, fact.answer, main.quote) for word in raw_tokens(text))
        indexed = _IndexedFact(
            fact.id, tuple(phrasings), evidence, frozenset(evidence) | frozenset(self.tokens(context)), words
        )
        self._facts[fact.id] = indexed
        for token in evidence:
            self._postings[token].add(fact.id)
        self._word_frequency.update(words)
        self._vocabulary_stale = True

    def remove(self, fact_id: str) -> None:
        """Drop ``fact_id`` from the index (no-op when absent)."""
        indexed = self._facts.pop(fact_id, None)
        if indexed is None:
            return
        for token in indexed.evidence:
            postings = self._postings[token]
            postings.discard(fact_id)
            if not postings:
                del self._postings[token]
        self._word_frequency -= indexed.words  # `-=` also drops words whose count reaches zero
        self._vocabulary_stale = True

    def extend(self, facts: Iterable[Fact]) -> None:
        """Index many facts."""
        for fact in facts:
            self.add(fact)

    def clashes(self) -> list[str]:
        """Phrasings of different facts that normalise to the same words: the matcher cannot tell them apart."""
        first: dict[frozenset[str], tuple[str, _Phrasing]] = {}
        found = []
        for indexed in self._facts.values():
            for phrasing in indexed.phrasings:
                other_id, other = first.setdefault(phrasing.tokens, (indexed.fact_id, phrasing))
                if other_id != indexed.fact_id:
                    found.append(
                        f'"{phrasing.original}" ({indexed.fact_id}) reads the same as "{other.original}" '
                        f"({other_id}) once normalised to {sorted(phrasing.tokens)}; reword or remove one"
                    )
        return found

    def __len__(self) -> int:
        return len(self._facts)

    # -- typos and completion ------------------------------------------------------------------------------

    def _known_words(self) -> list[str]:
        """Sorted words of the indexed facts and the lexicon longer than three letters (rebuilt on change)."""
        if self._vocabulary_stale:
            known = {word for word in self._word_frequency if len(word) > 3}
            self._vocabulary = sorted(known | {word for word in self._lexicon_words if len(word) > 3})
            self._vocabulary_stale = False
        return self._vocabulary

    def _correct(self, word: str) -> str:
        """The known word ``word`` was most likely meant as, or ``word`` itself.

        Short words allow one dropped, added or swapped letter but no substituted one, since a substitution in
        a short word usually makes another real word ("held" is not "help"); longer words allow one edit of
        any kind, and words of eight letters or more two.
        """
        if len(word) <= 3 or word.isdigit() or word in STOPWORDS:
            return word
        if word in self._word_frequency or word in self._lexicon_words:
            return word
        allowed = 2 if len(word) >= 8 else 1
        for known, _, _ in process.extract(
            word, self._known_words(), scorer=OSA.distance, score_cutoff=allowed, limit=5
        ):
            substituted = len(known) == len(word) and sorted(known) != sorted(word)
            if len(word) >= 6 or not substituted:
                return str(known)
        return word

    def _complete_word(self, prefix: str) -> str | None:
        vocabulary = self._known_words()
        start = bisect.bisect_left(vocabulary, prefix)
        matches = []
        for word in vocabulary[start : start + 50]:
            if not word.startswith(prefix):
                break
            matches.append(word)
        return max(matches, key=lambda w: self._word_frequency[w], default=None)

    def complete(self, partial: str, limit: int = 25) -> list[Candidate]:
        """Facts for a question still being typed: the last word may be the start of a known word."""
        words = raw_tokens(partial)
        if words and partial[-1:].isalnum() and words[-1] not in self._word_frequency:
            completion = self._complete_word(words[-1])
            if completion:
                partial = f"{partial}{completion[len(words[-1]) :]}"
        return [c for c in self.rank(partial, limit) if c.score >= self.thresholds.suggest]

    # -- matching ------------------------------------------------------------------------------------------

    def _weight(self, token: str) -> float:
        """Rarity weight: a token in few facts says more than one in many; unknown tokens weigh most."""
        return math.log((len(self._facts) + 1) / (len(self._postings.get(token, ())) + 0.5)) + 1.0

    def match(self, question: str, limit: int = 5) -> Match:
        """Score ``question`` against every indexed fact and decide whether to answer."""
        off_topic = tuple(self._lexicon.off_topic_names(raw_tokens(question)))
        return self._decide(self.rank(question, limit), off_topic)

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """The best ``limit`` facts for ``question`` with their scores, best first."""
        query = set(self.tokens(question, correct=True))
        if not query:
            return []
        weights = {token: self._weight(token) for token in query}
        query_weight = sum(weights.values())
        coverage = self._coverage(query, weights)
        shortlist = sorted(coverage.items(), key=lambda item: item[1], reverse=True)[:_SHORTLIST]
        query_text = " ".join(sorted(query))
        entities = query & self._lexicon.entities
        scored = []
        for fact_id, covered in shortlist:
            indexed = self._facts[fact_id]
            score = max(
                100.0 * _SPREAD_SHARE * covered / query_weight,
                max(
                    (self._phrasing_score(p, query, weights, query_weight, query_text) for p in indexed.phrasings),
                    default=0.0,
                ),
            )
            score *= _ENTITY_PENALTY ** len(entities - indexed.mentions)
            scored.append(Candidate(fact_id, round(score, 1)))
        scored.sort(key=lambda c: (-c.score, c.fact_id))
        return scored[:limit]

    def _coverage(self, query: set[str], weights: dict[str, float]) -> dict[str, float]:
        """For each fact holding a query token: the weight of the query it covers, by its evidence credit."""
        covered: dict[str, float] = defaultdict(float)
        common = max(50, int(len(self._facts) * _COMMON_SHARE))
        for position, token in enumerate(sorted(query, key=lambda t: len(self._postings.get(t, ())))):
            postings = self._postings.get(token, set())
            # A very common token only adds to facts a rarer token already found, which bounds the work.
            facts = covered.keys() & postings if len(postings) > common and position > 0 and covered else postings
            for fact_id in facts:
                covered[fact_id] += weights[token] * self._facts[fact_id].evidence[token]
        return covered

    def _phrasing_score(
        self,
        phrasing: _Phrasing,
        query: set[str],
        weights: dict[str, float],
        query_weight: float,
        query_text: str,
    ) -> float:
        shared = sum(weights[token] for token in phrasing.tokens & query)
        if not shared:
            return 0.0
        recall = shared / query_weight
        precision = shared / sum(weights.get(token) or self._weight(token) for token in phrasing.tokens)
        f_score = (1 + _BETA_SQUARED) * precision * recall / (_BETA_SQUARED * precision + recall)
        similarity = fuzz.token_sort_ratio(query_text, phrasing.text) / 100.0
        # Similarity only refines a match the words already make; it cannot carry a question on its own.
        return 100.0 * ((1 - _FUZZY_SHARE) * f_score + _FUZZY_SHARE * similarity * recall)

    def _decide(self, ranked: list[Candidate], off_topic: tuple[str, ...]) -> Match:
        limits = self.thresholds
        close = tuple(c for c in ranked if c.score >= limits.suggest)
        if off_topic or not close:
            return Match(MatchStatus.NO_MATCH, None, close, off_topic)
        best = close[0]
        runner_up = close[1].score if len(close) > 1 else 0.0
        lead = best.score - runner_up
        if best.score >= limits.answer and (
            lead >= limits.margin or (best.score >= limits.confident and lead >= limits.confident_margin)
        ):
            return Match(MatchStatus.ANSWERED, best, close)
        if best.score >= limits.ambiguous and len(close) > 1:
            return Match(MatchStatus.AMBIGUOUS, None, close)
        return Match(MatchStatus.NO_MATCH, None, close)
