"""How well a fact's phrasings ask a prepared question: the lexical index's scores, 0-100.

A phrasing scores a rarity-weighted overlap with the question (recall of the question, precision of the phrasing)
blended with rapidfuzz similarity of the token strings; a fact scores its best phrasing, or its coverage of the
question spread over all its texts, whichever is higher. A token weighs more the fewer facts hold it
(:class:`RarityWeights`, over the index's postings).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.lexical_state import PHRASING_SEPARATOR

__all__ = ["Query", "RarityWeights", "best_possible", "fact_score", "facts_holding", "phrasing_score"]

# A question covered only piecemeal (words spread over several phrasings, quote and answer) is worth this
# share of one covered by a single phrasing.
_SPREAD_SHARE = 0.65
# Recall of the question counts four times as much as precision of the phrasing (F-beta with beta = 2).
_BETA_SQUARED = 4.0
# Share of a phrasing's score from rapidfuzz similarity of the token strings (word order, partial words).
_FUZZY_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Query:
    """A question prepared for scoring: its distinct canonical tokens, their rarity weights and sorted text."""

    tokens: set[str]
    weights: dict[str, float]  # in alphabetical order of the tokens: sums are taken in that order
    weight: float  # the weights summed: the whole question
    text: str  # the tokens sorted and joined, as rapidfuzz's token_sort_ratio would arrange them
    unknown: float = 0.0  # the share of the question's weight in words no fact holds (dropped when known only)


def facts_holding(postings: dict[str, tuple[array[int], ...]], token: str) -> int:
    """How many facts hold ``token``, by the index's ``postings``."""
    return sum(len(slots) for slots in postings.get(token, ()))


class RarityWeights(dict[str, float]):
    """Each token's rarity weight: a token in few facts says more than one in many; unknown tokens weigh most.

    Computed on first use, and kept for indexed tokens only (questions bring endless unknown ones). A dictionary so
    that scoring looks a known token up at dictionary speed; the index clears it whenever it changes.
    """

    __slots__ = ("_postings", "_slots")

    def __init__(self, slots: dict[str, int], postings: dict[str, tuple[array[int], ...]]) -> None:
        super().__init__()
        # The index's own dictionaries, changed in place (never replaced): the weights see every fact added.
        self._slots = slots
        self._postings = postings

    def __missing__(self, token: str) -> float:
        weight = math.log((len(self._slots) + 1) / (facts_holding(self._postings, token) + 0.5)) + 1.0
        if token in self._postings:
            self[token] = weight
        return weight


def fact_score(query: Query, keys: str, covered: float, rarity: Mapping[str, float]) -> float:
    """A fact's score before the entity penalty: its spread coverage (``covered``, the weight of the question its
    texts hold) or its best phrasing (``keys`` as the index joins them, each scored as :func:`phrasing_score` does),
    whichever is higher. A phrasing whose score could not beat the best so far even with identical token strings is
    not compared character by character."""
    best = 100.0 * _SPREAD_SHARE * covered / query.weight
    if not keys:
        return best
    asked = query.weights.keys()
    for key in keys.split(PHRASING_SEPARATOR):
        tokens = key.split()
        if asked.isdisjoint(tokens):
            continue
        recall, f_score = _overlap(query, tokens, rarity)
        if _blend(f_score, recall, 1.0) <= best:  # similarity is at most 1
            continue
        best = max(best, _blend(f_score, recall, fuzz.ratio(query.text, key) / 100.0))
    return best


def phrasing_score(query: Query, key: str, rarity: Mapping[str, float]) -> float:
    """How well one phrasing (its key: canonical tokens sorted and joined by spaces) asks ``query``, 0-100.

    A rarity-weighted overlap, recall of the question and precision of the phrasing, blended with rapidfuzz
    similarity of the token strings (both sorted, so ``fuzz.ratio`` here is ``fuzz.token_sort_ratio``).
    """
    tokens = key.split()
    if query.weights.keys().isdisjoint(tokens):
        return 0.0
    recall, f_score = _overlap(query, tokens, rarity)
    return _blend(f_score, recall, fuzz.ratio(query.text, key) / 100.0)


def best_possible(recall: float) -> float:
    """The highest score a fact can get when the query tokens it holds weigh ``recall`` of the question: its
    spread coverage, or a phrasing with those tokens and nothing else (precision 1, identical token strings)."""
    return max(100.0 * _SPREAD_SHARE * recall, _blend(_f_score(1.0, recall), recall, 1.0))


def _overlap(query: Query, tokens: list[str], rarity: Mapping[str, float]) -> tuple[float, float]:
    """Recall of the question and the F-score of recall and precision, both weighted by rarity, of a phrasing
    with these sorted ``tokens``, one of them at least in the question."""
    weights = query.weights
    shared = 0.0
    total = 0.0
    previous = ""
    for token in tokens:
        if token == previous:  # the key is sorted, so a repeated token follows itself
            continue
        previous = token
        weight = weights.get(token)  # never 0.0: a weight is above 1
        if weight is not None:
            shared += weight
        else:
            weight = rarity[token]
        total += weight
    recall = shared / query.weight
    precision = shared / total
    return recall, _f_score(precision, recall)


def _blend(f_score: float, recall: float, similarity: float) -> float:
    """A phrasing's score, 0-100: its word overlap, refined by the similarity of the token strings. Similarity
    counts in proportion to recall, so it only refines a match the words already make."""
    return 100.0 * ((1 - _FUZZY_SHARE) * f_score + _FUZZY_SHARE * similarity * recall)


def _f_score(precision: float, recall: float) -> float:
    """The F-beta score of ``precision`` and ``recall``, recall weighing more (beta = 2)."""
    return (1 + _BETA_SQUARED) * precision * recall / (_BETA_SQUARED * precision + recall)
