"""The lexical index: matching a free-text question to facts by their words.

Questions and facts pass through one normaliser: typography folded, typos corrected against the known
vocabulary (rapidfuzz), synonyms rewritten to the lexicon's concepts, light stemming, stop words dropped.
An inverted index over those tokens yields candidate facts, ranked by how much of the question each fact
covers (its phrasings count fully, its main quote and answer less). The best candidates are then scored
phrasing by phrasing: a rarity-weighted overlap (recall of the question, precision of the phrasing) blended
with rapidfuzz similarity of the token strings. Words the base has never seen count against a match, a
person the fact never mentions lowers it, and a name the article never mentions refuses it.

This module holds the index and the search; the scores are :mod:`bot.core.lexical_scoring`'s, and what is kept
per fact (and saved in the index file) is :mod:`bot.core.lexical_state`'s.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator

from bot.core import lexical_scoring
from bot.core.analysis import Analyser
from bot.core.coverage import Coverage
from bot.core.decision import Candidate
from bot.core.lexical_scoring import Query, RarityWeights, best_possible, fact_score, facts_holding
from bot.core.lexical_state import (
    PHRASING_SEPARATOR,
    IndexedFact,
    IndexState,
    further_texts,
    own_texts,
)
from bot.core.lexicon import TEXT_BREAK, Lexicon, raw_tokens, raw_tokens_joined
from bot.core.models import Fact

__all__ = ["SUGGEST_FLOOR", "LexicalIndex"]

# Below this score (0-100) a fact is not close enough to a question to offer it while it is typed.
SUGGEST_FLOOR = 30.0


# Evidence credits: 1.0 for a token in a phrasing of the question, less when it occurs only in the main quote
# or the answer (evidence for the fact, not a way of asking for it). Postings are kept per credit.
_CREDITS = (1.0, 0.75, 0.68)
# Each person or place the question names but the fact never mentions multiplies its score by this.
_ENTITY_PENALTY = 0.6
# Only the facts covering most of the question are scored phrasing by phrasing: this many, and those tied with
# the last of them up to _SHORTLIST_MOST in all.
_SHORTLIST = 60
_SHORTLIST_MOST = 120
# A fact's phrasings can recall no more of the question than the fact covers; this allows for the two sums being
# taken in different orders (a few units in the last place).
_ROUNDING_MARGIN = 1.0 + 1e-9
# Slack for float rounding when ruling out that a fact can still reach the shortlist.
_EPSILON = 1e-9
# Scores are rounded to one decimal before they are compared with a threshold.
_SCORE_SLACK = 0.1


class LexicalIndex:
    """An incrementally updated index of facts, answering questions with a :class:`Match`.

    Facts live in numbered slots (reused after removal); each token's postings are sorted arrays of slots, one
    per evidence credit, which keeps the index to a few bytes per posting and makes add and remove cheap.
    """

    def __init__(self, lexicon: Lexicon, real_word: Callable[[str], bool] = lambda word: False) -> None:
        self._lexicon = lexicon
        self.analyser = Analyser(lexicon, real_word)
        self._slots: dict[str, int] = {}  # fact id -> slot, in the order facts were (last) added
        self._facts: list[IndexedFact | None] = []  # by slot
        self._free_slots: list[int] = []
        self._postings: dict[str, tuple[array[int], ...]] = {}  # token -> slots, one array per credit
        self._weights = RarityWeights(self._slots, self._postings)  # valid until the index changes

    # -- building -----------------------------------------------------------------------------------------

    def tokens(self, text: str, correct: bool = False) -> list[str]:
        """The canonical content tokens of ``text`` (typos corrected first when ``correct``)."""
        return self.analyser.tokens(text, correct)

    def _analyse(self, texts: tuple[str, ...]) -> tuple[dict[str, int], list[str], list[str]]:
        """From a fact's ``texts``: its tokens with the index of their credit, its phrasing keys, and the raw words
        of its phrasings, answer and main quote (the vocabulary typo correction aims at; with a TEXT_BREAK
        between texts, which :meth:`Analyser.count_words` skips). The texts are split in one pass.

        Later credits overwrite earlier ones: a token of a phrasing counts fully even if the quote has it too.
        """
        phrasings = len(texts) - 3  # the question and its aliases come first
        words = raw_tokens_joined((texts[-3], texts[-2], *texts[:phrasings]))
        quote_at = words.index(TEXT_BREAK) + 1
        phrasings_at = words.index(TEXT_BREAK, quote_at) + 1
        canonical = self.analyser.canonical
        evidence = dict.fromkeys(canonical(words[: quote_at - 1]), 2)
        # The quote and its speaker are read as one text ("... said Putin"); words never run across the space.
        evidence.update(
            dict.fromkeys(canonical(words[quote_at : phrasings_at - 1] + self.analyser.words_of_speaker(texts[-1])), 1)
        )
        # The phrasings' tokens in one list, a TEXT_BREAK after each phrasing's but the last (no phrase spans it).
        tokens = canonical(words[phrasings_at:])
        keys = []
        start = 0
        for _ in range(phrasings - 1):
            end = tokens.index(TEXT_BREAK, start)
            if end > start:
                keys.append(" ".join(sorted(tokens[start:end])))
            start = end + 1
        if len(tokens) > start:
            keys.append(" ".join(sorted(tokens[start:])))
        evidence.update(dict.fromkeys(tokens, 0))
        evidence.pop(TEXT_BREAK, None)
        return evidence, keys, words

    def add(self, fact: Fact) -> None:
        """Index ``fact``, replacing any earlier version with the same id."""
        if fact.id in self._slots:
            self.remove(fact.id)
        texts = own_texts(fact)
        evidence, keys, words = self._analyse(texts)
        entities = self._lexicon.entities
        named = entities.intersection(evidence)
        if len(fact.citations) > 1:
            named |= entities.intersection(self.tokens(" ".join(further_texts(fact))))
        mentions = tuple(sorted(named))
        indexed = IndexedFact(fact.id, PHRASING_SEPARATOR.join(keys), mentions, fact)
        postings_of = self._postings
        if self._free_slots:
            slot = self._free_slots.pop()
            self._facts[slot] = indexed
            for token, credit in evidence.items():
                postings = postings_of.get(token)
                if postings is None:
                    postings = postings_of[token] = (array("i"), array("i"), array("i"))  # one per credit
                insort(postings[credit], slot)
        else:  # a new slot, above every slot in use: last in every postings array, no search
            slot = len(self._facts)
            self._facts.append(indexed)
            for token, credit in evidence.items():
                postings = postings_of.get(token)
                if postings is None:
                    postings = postings_of[token] = (array("i"), array("i"), array("i"))
                postings[credit].append(slot)
        self._slots[fact.id] = slot
        self.analyser.count_words(words, 1)
        self._weights.clear()

    def remove(self, fact_id: str) -> None:
        """Drop ``fact_id`` from the index (no-op when absent)."""
        slot = self._slots.pop(fact_id, None)
        if slot is None:
            return
        indexed = self._facts[slot]
        assert indexed is not None
        self._facts[slot] = None
        self._free_slots.append(slot)
        evidence, _, words = self._analyse(indexed.texts)
        for token, credit in evidence.items():
            postings = self._postings[token]
            del postings[credit][bisect_left(postings[credit], slot)]
            if not any(postings):
                del self._postings[token]
        self.analyser.count_words(words, -1)
        self._weights.clear()

    def extend(self, facts: Iterable[Fact]) -> None:
        """Index many facts."""
        for fact in facts:
            self.add(fact)

    def state(self) -> IndexState:
        """What indexing computed, to rebuild this matcher with :meth:`absorb`. Only for a matcher that facts were
        added to and never removed from (no slot free), as built from a list of facts; it shares this matcher's
        arrays and counts, so encode it before the matcher changes."""
        if self._free_slots or len(self._slots) != len(self._facts):
            raise ValueError("the index has had facts removed; build it afresh to take its state")
        facts = [indexed for indexed in self._facts if indexed is not None]  # all of them: no slot is free
        return IndexState(
            fact_ids=[indexed.fact_id for indexed in facts],
            keys=[indexed.keys for indexed in facts],
            mentions=[indexed.mentions for indexed in facts],
            postings=self._postings,
            word_frequency=self.analyser.word_frequency,
        )

    def absorb(self, facts: list[Fact], state: IndexState) -> None:
        """Index ``facts`` after those already here, taking their analysis from ``state``: what a matcher over
        exactly those facts (same lexicon and code) gave. The result is what adding them one by one would make,
        so an index can be built in parts (say, in two processes) and put together; a ``state`` numbering its
        facts from the slot the first of them gets here (see :meth:`IndexState.moved_to`) needs no renumbering.
        Raises ValueError when ``state`` is not of ``facts`` or a fact is indexed already.
        """
        if self._free_slots or len(self._slots) != len(self._facts):
            raise ValueError("the index has had facts removed; build it afresh to add an index state to it")
        if [fact.id for fact in facts] != state.fact_ids:
            raise ValueError("the index state is of other facts")
        if not len(state.keys) == len(state.mentions) == len(facts):
            raise ValueError("the index state has a record per fact missing")
        first = len(self._facts)
        if not self._slots.keys().isdisjoint(state.fact_ids) or len(set(state.fact_ids)) != len(facts):
            raise ValueError("facts with the same id: build the index afresh")
        if state.first_slot != first:  # before anything changes: it may refuse
            state = state.moved_to(first)
        self._facts += [
            IndexedFact(fact.id, keys, mentions, fact)
            for fact, keys, mentions in zip(facts, state.keys, state.mentions, strict=True)
        ]
        self._slots.update((fact.id, slot) for slot, fact in enumerate(facts, start=first))
        for token, postings in state.postings.items():  # copied: the state's arrays may be another index's
            held = self._postings.get(token)
            if held is None:
                held = self._postings[token] = (array("i"), array("i"), array("i"))
            for credit, slots in zip(held, postings, strict=True):
                credit.extend(slots)  # the new slots are above every slot held: the arrays stay sorted
        self.analyser.add_word_counts(state.word_frequency)
        self._weights.clear()

    def _indexed(self) -> Iterator[IndexedFact]:
        """The indexed facts in the order they were (last) added."""
        for slot in self._slots.values():
            indexed = self._facts[slot]
            assert indexed is not None
            yield indexed

    def clashes(self) -> list[str]:
        """Phrasings of different facts that normalise to the same words: the matcher cannot tell them apart."""
        first: dict[frozenset[str], tuple[str, str]] = {}
        found = []
        for indexed in self._indexed():
            for text in indexed.texts[:-3]:
                tokens = frozenset(self.tokens(text))
                if not tokens:
                    continue
                other_id, other = first.setdefault(tokens, (indexed.fact_id, text))
                if other_id != indexed.fact_id:
                    found.append(
                        f'"{text}" ({indexed.fact_id}) reads the same as "{other}" '
                        f"({other_id}) once normalised to {sorted(tokens)}; reword or remove one"
                    )
        return found

    def phrasings(self, fact_id: str | None = None) -> Iterator[tuple[str, str]]:
        """Every indexed phrasing (or only those of ``fact_id``) as ``(fact id, key)``, the key being what
        :meth:`phrasing_score` scores."""
        slot = self._slots.get(fact_id) if fact_id is not None else None
        chosen = self._indexed() if fact_id is None else [] if slot is None else [self._facts[slot]]
        for indexed in chosen:
            if indexed and indexed.keys:
                for key in indexed.keys.split(PHRASING_SEPARATOR):
                    yield indexed.fact_id, key

    def __len__(self) -> int:
        return len(self._slots)

    def complete(self, partial: str, limit: int = 25) -> list[Candidate]:
        """Facts for a question still being typed: the last word may be the start of a known word."""
        words = raw_tokens(partial)
        if words and partial[-1:].isalnum() and words[-1] not in self.analyser.word_frequency:
            completion = self.analyser.complete_word(words[-1])
            if completion:
                partial = f"{partial}{completion[len(words[-1]) :]}"
        return [c for c in self.rank(partial, limit, SUGGEST_FLOOR) if c.score >= SUGGEST_FLOOR]

    # -- matching ------------------------------------------------------------------------------------------

    def _frequency(self, token: str) -> int:
        """How many facts hold ``token``."""
        return facts_holding(self._postings, token)

    def prepare(self, question: str, known_only: bool = False) -> Query | None:
        """``question`` normalised (typos corrected) and weighed for scoring; None when it has no content.

        With ``known_only``, words no fact holds are left out of the query (how much of the question they weighed
        is kept in :attr:`Query.unknown`), so a stray word ("honestly", "asdf") lowers no fact's score: whether it
        changes what is asked is for the decision to weigh.
        """
        tokens = sorted(set(self.tokens(question, correct=True)))
        if not tokens:
            return None
        # In alphabetical order, so every sum over the weights is taken in the same order in every process (a
        # set's order follows string hashes, which differ from process to process).
        weights = {token: self._weights[token] for token in tokens}
        total = sum(weights.values())
        known = {token: weight for token, weight in weights.items() if token in self._postings}
        unknown = 1.0 - sum(known.values()) / total
        if known_only:
            if not known:
                return None
            weights, tokens = known, list(known)
        return Query(set(tokens), weights, sum(weights.values()), " ".join(tokens), unknown)

    def untold_kinds(self, question: str) -> set[str]:
        """The kinds of answer ``question`` asks for (the lexicon's entities that are not names: a number, a time,
        a personal detail) that no indexed fact gives."""
        kinds = self._lexicon.kinds
        return {
            token for token in self.tokens(question, correct=True) if token in kinds and token not in self._postings
        }

    def rank(self, question: str, limit: int = 5, floor: float = 0.0) -> list[Candidate]:
        """The best ``limit`` facts for ``question`` with their scores, best first.

        A caller that drops every score under ``floor`` lets the search skip facts that cannot reach it.
        """
        query = self.prepare(question)
        return [] if query is None else self.rank_query(query, limit, floor)

    def rank_query(self, query: Query, limit: int = 5, floor: float = 0.0) -> list[Candidate]:
        """:meth:`rank` for a question already prepared."""
        coverage = self._coverage(query, floor)
        entities = query.tokens & self._lexicon.entities
        scored = []
        kept: list[float] = []  # the best `limit` rounded scores so far, lowest first (a heap)
        for slot, covered in self._shortlist(coverage):
            # Facts come by coverage, best first, so once one cannot beat the `limit` best so far (with its words
            # in one phrasing, nothing else, and no penalty), none after it can: they would not be returned.
            if len(kept) >= limit > 0 and round(best_possible(covered / query.weight * _ROUNDING_MARGIN), 1) < kept[0]:
                break
            indexed = self._facts[slot]
            assert indexed is not None
            score = fact_score(query, indexed.keys, covered, self._weights)
            score *= _ENTITY_PENALTY ** len(entities.difference(indexed.mentions))
            candidate = Candidate(indexed.fact_id, round(score, 1))
            scored.append(candidate)
            if len(kept) < limit:
                heapq.heappush(kept, candidate.score)
            elif candidate.score > kept[0]:
                heapq.heapreplace(kept, candidate.score)
        scored.sort(key=lambda c: (-c.score, c.fact_id))
        return scored[:limit]

    def _shortlist(self, coverage: Coverage) -> list[tuple[int, float]]:
        """The facts to score phrasing by phrasing, by coverage, best first: the best ``_SHORTLIST``, and those tied
        with the last of them, up to ``_SHORTLIST_MOST`` in all (questions of common words often tie hundreds)."""
        longer = coverage.best(_SHORTLIST_MOST)  # ties in the order the facts were first covered
        if len(longer) <= _SHORTLIST:
            return longer
        cut = longer[_SHORTLIST - 1][1]
        return longer[:_SHORTLIST] + [item for item in longer[_SHORTLIST:] if item[1] == cut]

    def _coverage(self, query: Query, floor: float) -> Coverage:
        """For each fact (by slot) that may make the shortlist: the weight of the question it covers, by credit.

        Tokens are taken rarest first. Once the shortlist is full, a fact whose coverage plus everything the
        remaining tokens could add stays below the shortlist's lowest cannot enter it, so only facts that still
        can are updated. The shortlist comes out exactly as if every posting had been added. Nor does a token bring
        in new facts when all it and the rarer ones after it could give them scores under ``floor`` ("say" in "what
        did Macron say about tariffs" names thousands of facts, none of which could be offered).
        """
        weights = query.weights
        order = sorted(weights, key=self._frequency)  # ties stay alphabetical
        # reach[i]: the most a fact can gain from token i on, summed in the order it would be.
        reach = []
        for position in range(len(order)):
            total = 0.0
            for token in order[position:]:
                total += weights[token]
            reach.append(total)
        covered = Coverage(len(self._facts))
        for position, token in enumerate(order):
            postings = self._postings.get(token)
            if postings is None:
                continue
            weight = weights[token]
            lowest = covered.nth_highest(_SHORTLIST) if len(covered) >= _SHORTLIST else -1.0
            hopeless = best_possible(reach[position] / query.weight) < floor - _SCORE_SLACK
            if hopeless or reach[position] < lowest - _EPSILON:
                contenders = covered.contenders(reach[position], lowest - _EPSILON)
                for credit, slots in zip(_CREDITS, postings, strict=True):
                    covered.add_to_contenders(contenders, slots, weight * credit)
                continue
            for credit, slots in zip(_CREDITS, postings, strict=True):
                covered.add(slots, weight * credit)
        return covered

    def phrasing_score(self, query: Query, key: str) -> float:
        """How well one phrasing (its key from :meth:`phrasings`) asks ``query``, 0-100 (see
        :func:`bot.core.lexical_scoring.phrasing_score`)."""
        return lexical_scoring.phrasing_score(query, key, self._weights)
