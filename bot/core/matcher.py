"""Matching a free-text question to the fact that answers it.

Both questions and fact phrasings pass through one normaliser: typography folded, typos corrected against the
known vocabulary (rapidfuzz), synonyms rewritten to the lexicon's concepts, light stemming, stop words dropped.
Candidates come from an inverted index over those tokens; each is scored by a rarity-weighted overlap
(recall of the question, precision of the phrasing) blended with rapidfuzz similarity of the token strings.
Words the base has never seen count against a match, and names the article never mentions refuse it.
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

__all__ = ["MatchStatus", "Candidate", "Match", "Matcher", "Thresholds"]


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
    (by ``confident_margin`` at ``confident`` or above, the runner-up then offered beside it); a closer race at ``ambiguous`` or above offers the candidates; below
    ``suggest`` nothing is close enough to offer."""

    answer: float = 55.0
    margin: float = 6.0
    confident: float = 70.0
    confident_margin: float = 2.0
    ambiguous: float = 45.0
    suggest: float = 30.0


@dataclass(frozen=True, slots=True)
class _Phrasing:
    fact_id: str
    tokens: frozenset[str]
    text: str  # the canonical tokens joined, for rapidfuzz
    original: str
    # 1.0 for the question and its aliases; for the main quote and the answer, the discount below. Those are
    # evidence for a match, not phrasings of the question, so only how much of the question they hold counts.
    evidence_weight: float

    @property
    def recall_only(self) -> bool:
        return self.evidence_weight < 1.0


# What a match on the main quote or on the answer alone is worth next to a match on a phrasing of the question.
# The quote ranks above the answer: it is the evidence, while an answer may mention a neighbouring topic.
_QUOTE_WEIGHT = 0.75
_ANSWER_WEIGHT = 0.68
# Recall of the question counts four times as much as precision of the phrasing (F-beta with beta = 2).
_BETA_SQUARED = 4.0
# Share of a phrasing's score from rapidfuzz similarity of the token strings (word order, partial words).
_FUZZY_SHARE = 0.25
# Query tokens as common as this share of phrasings add little; skipping their postings bounds the work.
_COMMON_SHARE = 0.2
_RESCORE_LIMIT = 400


class Matcher:
    """An incrementally updated index of fact phrasings, answering questions with a :class:`Match`."""

    def __init__(self, lexicon: Lexicon, thresholds: Thresholds | None = None) -> None:
        self._lexicon = lexicon
        self._concepts = lexicon.concepts
        self.thresholds = thresholds or Thresholds()
        self._phrasings: dict[int, _Phrasing] = {}
        self._by_fact: dict[str, list[int]] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._fact_frequency: Counter[str] = Counter()  # in how many facts each token occurs
        self._word_frequency: Counter[str] = Counter()  # raw words, for typo correction
        self._words_by_fact: dict[str, Counter[str]] = {}
        self._vocabulary: list[str] = []
        self._vocabulary_stale = True
        self._next_id = 0
        self._lexicon_words = lexicon.words

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
        ids: list[int] = []
        fact_tokens: set[str] = set()
        # The main quote and the answer are evidence too; further citations are context, and counting them
        # would let a fact that merely mentions a topic compete with the fact about it.
        main = fact.citations[0]
        texts = [(phrasing, 1.0) for phrasing in fact.phrasings]
        texts += [(f"{main.quote} {main.speaker}", _QUOTE_WEIGHT), (fact.answer, _ANSWER_WEIGHT)]
        words: Counter[str] = Counter()
        for text, evidence_weight in texts:
            words.update(raw_tokens(text))
            tokens = self.tokens(text)
            if not tokens:
                continue
            phrasing = _Phrasing(fact.id, frozenset(tokens), " ".join(tokens), text, evidence_weight)
            self._phrasings[self._next_id] = phrasing
            for token in phrasing.tokens:
                self._postings[token].add(self._next_id)
            fact_tokens |= phrasing.tokens
            ids.append(self._next_id)
            self._next_id += 1
        self._fact_frequency.update(fact_tokens)
        self._word_frequency.update(words)
        self._words_by_fact[fact.id] = words
        self._by_fact[fact.id] = ids
        self._vocabulary_stale = True

    def remove(self, fact_id: str) -> None:
        """Drop ``fact_id`` from the index (no-op when absent)."""
        ids = self._by_fact.pop(fact_id, None)
        if ids is None:
            return
        fact_tokens: set[str] = set()
        for phrasing_id in ids:
            phrasing = self._phrasings.pop(phrasing_id)
            for token in phrasing.tokens:
                self._postings[token].discard(phrasing_id)
                if not self._postings[token]:
                    del self._postings[token]
            fact_tokens |= phrasing.tokens
        self._fact_frequency -= Counter(fact_tokens)  # `-=` also drops tokens whose count reaches zero
        self._word_frequency -= self._words_by_fact.pop(fact_id)
        self._vocabulary_stale = True

    def extend(self, facts: Iterable[Fact]) -> None:
        """Index many facts."""
        for fact in facts:
            self.add(fact)

    def clashes(self) -> list[str]:
        """Phrasings of different facts that normalise to the same words: the matcher cannot tell them apart."""
        first: dict[frozenset[str], _Phrasing] = {}
        found = []
        for phrasing in self._phrasings.values():
            if phrasing.recall_only:
                continue
            other = first.setdefault(phrasing.tokens, phrasing)
            if other.fact_id != phrasing.fact_id:
                found.append(
                    f'"{phrasing.original}" ({phrasing.fact_id}) reads the same as "{other.original}" '
                    f"({other.fact_id}) once normalised to {sorted(phrasing.tokens)}; reword or remove one"
                )
        return found

    def __len__(self) -> int:
        return len(self._by_fact)

    # -- matching ------------------------------------------------------------------------------------------

    def _correct(self, word: str) -> str:
        """The known word ``word`` was most likely meant as, allowing one edit in short words, two in long."""
        if len(word) <= 3 or word.isdigit() or word in STOPWORDS or word in self._word_frequency:
            return word
        if word in self._lexicon_words:
            return word
        allowed = 1 if len(word) <= 5 else 2
        best = process.extractOne(word, self._known_words(), scorer=OSA.distance, score_cutoff=allowed)
        return word if best is None else best[0]

    def _known_words(self) -> list[str]:
        """Sorted words of the indexed facts and the lexicon longer than three letters (rebuilt on change)."""
        if self._vocabulary_stale:
            known = {w for w, count in self._word_frequency.items() if count > 0 and len(w) > 3}
            self._vocabulary = sorted(known | {w for w in self._lexicon_words if len(w) > 3})
            self._vocabulary_stale = False
        return self._vocabulary

    def _weight(self, token: str) -> float:
        """Rarity weight: a word in few facts says more than one in many; unknown words weigh most."""
        return math.log((len(self._by_fact) + 1) / (self._fact_frequency.get(token, 0) + 0.5)) + 1.0

    def match(self, question: str, limit: int = 5) -> Match:
        """Score ``question`` against every indexed fact and decide whether to answer."""
        off_topic = tuple(self._lexicon.off_topic_names(raw_tokens(question)))
        return self._decide(self.rank(question, limit), off_topic)

    def complete(self, partial: str, limit: int = 25) -> list[Candidate]:
        """Facts for a question still being typed: the last word may be the start of a known word."""
        words = raw_tokens(partial)
        if words and partial[-1:].isalnum() and words[-1] not in self._word_frequency:
            completion = self._complete_word(words[-1])
            if completion:
                partial = f"{partial}{completion[len(words[-1]) :]}"
        return [c for c in self.rank(partial, limit) if c.score >= self.thresholds.suggest]

    def _complete_word(self, prefix: str) -> str | None:
        vocabulary = self._known_words()
        start = bisect.bisect_left(vocabulary, prefix)
        matches = []
        for word in vocabulary[start : start + 50]:
            if not word.startswith(prefix):
                break
            matches.append(word)
        return max(matches, key=lambda w: self._word_frequency[w], default=None)

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """The best ``limit`` facts for ``question`` with their scores, best first."""
        query = set(self.tokens(question, correct=True))
        if not query:
            return []
        weights = {token: self._weight(token) for token in query}
        query_weight = sum(weights.values())
        common = max(50, int(len(self._phrasings) * _COMMON_SHARE))
        overlap: dict[int, float] = defaultdict(float)
        rare_first = sorted(query, key=lambda t: len(self._postings.get(t, ())))
        for position, token in enumerate(rare_first):
            postings = self._postings.get(token, set())
            # A very common word only adds to phrasings a rarer word already found (if there was one).
            if len(postings) > common and position > 0 and overlap:
                for phrasing_id in overlap.keys() & postings:
                    overlap[phrasing_id] += weights[token]
                continue
            for phrasing_id in postings:
                overlap[phrasing_id] += weights[token]
        best_by_fact: dict[str, float] = {}
        query_text = " ".join(sorted(query))
        shortlist = sorted(overlap.items(), key=lambda item: item[1], reverse=True)[:_RESCORE_LIMIT]
        for phrasing_id, shared in shortlist:
            phrasing = self._phrasings[phrasing_id]
            score = self._score(phrasing, shared, query_weight, query_text)
            if score > best_by_fact.get(phrasing.fact_id, 0.0):
                best_by_fact[phrasing.fact_id] = score
        return sorted(
            (Candidate(fact_id, round(score, 1)) for fact_id, score in best_by_fact.items()),
            key=lambda c: (-c.score, c.fact_id),
        )[:limit]

    def _score(self, phrasing: _Phrasing, shared: float, query_weight: float, query_text: str) -> float:
        recall = shared / query_weight
        if phrasing.recall_only:
            return 100.0 * phrasing.evidence_weight * recall
        precision = shared / sum(self._weight(token) for token in phrasing.tokens)
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
