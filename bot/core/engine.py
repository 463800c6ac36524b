"""The question-answering engine the command line and the bot share."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from bot.core.answer_kinds import (
    asked_of,
    asks_besides,
    lacks_asked,
    names_another_broker,
    worded_as_phrasing,
)
from bot.core.asked import ASKED_FILE, AskedIndex, load_asked
from bot.core.chatter import is_instruction, is_usage_request, strip_mentions
from bot.core.datafiles import LEXICON_FILE, load_fact_files, load_sources
from bot.core.decision import (
    DECISION_FILE,
    Calibration,
    Evidence,
    MatchStatus,
    Traits,
    decide,
    gather_evidence,
    load_calibration,
)
from bot.core.embedding import Encoder, Vectors, default_encoder
from bot.core.fact_vectors import FactVectors
from bot.core.lexical import LexicalIndex
from bot.core.lexical_state import IndexState
from bot.core.lexicon import Lexicon, load_lexicon, raw_tokens
from bot.core.limits import ASK_MAX
from bot.core.messages import asking_sentences, questions_in
from bot.core.models import Fact, Source
from bot.core.semantic import SemanticMatch

__all__ = ["AskResult", "Engine", "Reading", "Suggestion"]

_SUGGESTIONS = 3
# A message's questions read one by one, at most (each costs a reading; the answer shows one and names the others).
_QUESTIONS_READ = 3
# Facts each ranking puts forward for the decision to weigh.
_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A close question offered instead of (or beside) an answer."""

    fact_id: str
    question: str
    score: float


@dataclass(frozen=True, slots=True)
class Reading:
    """What the engine read in one question: a usage request, or the names it holds that the article never
    mentions and the evidence for each candidate fact (see :func:`gather_evidence`)."""

    question: str
    usage: bool = False
    off_topic: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    worded: tuple[str, ...] = ()  # the candidate facts the question is worded exactly as a phrasing of

    @property
    def worded_as(self) -> str | None:
        """The one fact the question is worded exactly as a phrasing of, if exactly one: a moderator's word for it."""
        return self.worded[0] if len(self.worded) == 1 else None


@dataclass(frozen=True, slots=True)
class AskResult:
    """What the engine says about one question: plain data, rendered by the CLI and the bot alike."""

    question: str
    status: MatchStatus
    fact: Fact | None
    score: float
    suggestions: tuple[Suggestion, ...] = ()
    off_topic: tuple[str, ...] = field(default=())
    # When the message asks more than one question: the facts answering the others, in the order asked.
    also: tuple[Suggestion, ...] = ()


class Engine:
    """Sources, facts and the matcher over them; every change to a fact is reflected at once."""

    def __init__(
        self,
        lexicon: Lexicon,
        sources: Iterable[Source],
        facts: Iterable[Fact] = (),
        calibration: Calibration | None = None,
        *,
        encoder: Encoder | None = None,
        asked: AskedIndex | None = None,
    ) -> None:
        self.lexicon = lexicon
        self._sources = {source.id: source for source in sources}
        self._facts: dict[str, Fact] = {}
        self._topic_counts: Counter[str] = Counter()
        self.calibration = calibration or load_calibration(DECISION_FILE)
        # The sentence model loads on the first text that needs a vector (see FactVectors.embed_pending), never before.
        encoder = encoder if encoder is not None else default_encoder()
        # A word of the model's vocabulary is a real word, not a typo of another (its tokenizer alone tells).
        self._lexical = LexicalIndex(lexicon, encoder.knows)
        # Questions asked before, for the decision (see bot.core.asked); none when made by another model.
        self.asked = asked if asked is not None else load_asked(ASKED_FILE, encoder.fingerprint)
        self.vectors = FactVectors(encoder)  # kept in step with the served facts by put_fact, absorb and drop_fact
        for fact in facts:
            self.put_fact(fact)

    @classmethod
    def with_index(
        cls,
        lexicon: Lexicon,
        sources: Iterable[Source],
        facts: list[Fact],
        state: IndexState,
        calibration: Calibration | None = None,
        *,
        encoder: Encoder | None = None,
    ) -> Engine:
        """The engine ``Engine(lexicon, sources, facts, calibration, encoder)`` builds, its index restored from
        ``state`` (what :meth:`index_state` gave for those facts under that lexicon) instead of analysing the facts
        again."""
        engine = cls(lexicon, sources, (), calibration, encoder=encoder)
        engine.absorb(facts, state)
        return engine

    def absorb(self, facts: list[Fact], state: IndexState) -> None:
        """Serve ``facts`` after those served already (none of them among them), their index taken from
        ``state``: what :meth:`index_state` gave for an engine over exactly those facts (see
        :meth:`LexicalIndex.absorb`). The result is the engine that serving them one by one would make."""
        for fact in facts:
            self._check_sources(fact)
        self._lexical.absorb(facts, state)
        self._facts.update((fact.id, fact) for fact in facts)
        self.vectors.absorb(facts)
        self._topic_counts.update(tag for fact in facts for tag in fact.tags)

    @property
    def lexical(self) -> LexicalIndex:
        """The lexical index over the served facts (to measure it; change facts through the engine)."""
        return self._lexical

    def index_state(self) -> IndexState:
        """The index as built from the facts given to the constructor, for :meth:`with_index` (see
        :meth:`LexicalIndex.state`)."""
        return self._lexical.state()

    @classmethod
    def from_data(cls, facts_dir: Path, seeds_dir: Path) -> Engine:
        """Load the lexicon, sources and curated facts from the data folders (raising on any invalid file)."""
        sources = load_sources(seeds_dir)
        return cls(load_lexicon(facts_dir / LEXICON_FILE), sources.values(), load_fact_files(facts_dir, sources))

    @property
    def sources(self) -> dict[str, Source]:
        """Registered sources by id (a copy)."""
        return dict(self._sources)

    @property
    def facts(self) -> dict[str, Fact]:
        """Served facts by id (a copy)."""
        return dict(self._facts)

    def source(self, source_id: str) -> Source:
        """The source with ``source_id``; KeyError when unknown."""
        return self._sources[source_id]

    def fact(self, fact_id: str) -> Fact | None:
        """The served fact with ``fact_id``, if any."""
        return self._facts.get(fact_id)

    def put_source(self, source: Source) -> None:
        """Register or replace a source document."""
        self._sources[source.id] = source

    def put_fact(self, fact: Fact) -> None:
        """Serve ``fact`` (new or changed); its citations must name registered sources."""
        self._check_sources(fact)
        self._forget_topics(self._facts.get(fact.id))
        self._facts[fact.id] = fact
        self._topic_counts.update(fact.tags)
        self._lexical.add(fact)
        self.vectors.put(fact)

    def _check_sources(self, fact: Fact) -> None:
        # Membership per citation: `set - dict.keys()` would walk every registered source on every fact.
        missing = {citation.source for citation in fact.citations if citation.source not in self._sources}
        if missing:
            raise ValueError(f"fact {fact.id!r} cites unknown sources {sorted(missing)}")

    def drop_fact(self, fact_id: str) -> None:
        """Stop serving ``fact_id`` (no-op when absent)."""
        self._forget_topics(self._facts.pop(fact_id, None))
        self._lexical.remove(fact_id)
        self.vectors.drop(fact_id)

    def _forget_topics(self, fact: Fact | None) -> None:
        if fact is not None:
            self._topic_counts.subtract(fact.tags)
            for tag in fact.tags:
                if self._topic_counts[tag] <= 0:
                    del self._topic_counts[tag]

    def topics(self) -> list[tuple[str, int]]:
        """Every topic (tag) of the served facts with how many facts have it, most common first."""
        return self._topic_counts.most_common()

    def __len__(self) -> int:
        """How many facts are served."""
        return len(self._facts)

    def clashes(self) -> list[str]:
        """Phrasings of different facts the matcher cannot tell apart (see :meth:`LexicalIndex.clashes`)."""
        return self._lexical.clashes()

    # -- meaning -----------------------------------------------------------------------------------------

    def embed(self, text: str) -> Vectors:
        """``text``'s unit vector (384 floats), read as :meth:`ask` reads a question: cleaned, typos spelt right."""
        vector: Vectors = self.vectors.encoder.encode([self._spelled(_clean(text))])[0]
        return vector

    def _spelled(self, text: str) -> str:
        """``text`` with the words the lexical index reads as typos of known words spelt as those words: the
        sentence model does not know that "ceasfire" is "ceasefire" or "phot" a photo. A word of the model's own
        vocabulary is a real word and stays ("committee" is no typo of "committed")."""
        return self._lexical.analyser.spelled(text, self.vectors.encoder.knows)

    def semantic_search(self, vector: Vectors, limit: int) -> list[SemanticMatch]:
        """The ``limit`` served facts closest in meaning to ``vector`` (from :meth:`embed`), best first, each with
        its best cosine similarity and which kind of text gave it (see :class:`SemanticMatch`)."""
        return self.vectors.search(vector, limit)

    def semantic_rank(self, question: str, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` served facts closest in meaning to ``question``, best first: (fact id, cosine similarity
        in [-1, 1])."""
        return [(match.fact_id, match.similarity) for match in self.semantic_search(self.embed(question), limit)]

    def read(self, question: str, asked: AskedIndex | None = None) -> Reading:
        """What the engine makes of ``question`` before deciding: the evidence for each candidate fact. ``asked``
        stands in for the engine's asked questions (when fitting, a set's questions are read without its own)."""
        question = _clean(question)
        content = strip_mentions(question)
        if is_usage_request(content) or is_instruction(content):
            return Reading(question, usage=True)
        lowered = content.lower()
        # A party the article never mentions, named as the broker, is a premise the article corrects.
        off_topic = () if names_another_broker(lowered) else tuple(self.lexicon.off_topic_names(raw_tokens(content)))
        query = self._lexical.prepare(content, known_only=True)
        lexical = [] if query is None else self._lexical.rank_query(query, _CANDIDATES)
        vector = self.embed(content)
        semantic = [(match.fact_id, match.similarity) for match in self.semantic_search(vector, _CANDIDATES)]
        candidates = list(dict.fromkeys([*(c.fact_id for c in lexical), *(fact_id for fact_id, _ in semantic)]))
        # What is asked, read with typos spelt right: "who wrote ths articel" asks for the article's author.
        asked_kind = asked_of(self._spelled(lowered))
        nearest = (asked if asked is not None else self.asked).nearest(vector, candidates, asks_besides(content))
        worded = tuple(f for f in candidates if worded_as_phrasing(asked_kind, self._facts[f]))
        nearest = nearest.with_phrasings(worded)
        unknown = 1.0 if query is None else query.unknown
        known_words = 0 if query is None else len(query.tokens)
        traits = Traits(unknown, known_words, bool(self._lexical.untold_kinds(content)))
        # The asked speaker and the narration's speaker recur for every candidate: each text is read once.
        names_in = functools.cache(self._names_in)
        evidence = gather_evidence(
            lexical,
            semantic,
            traits,
            nearest,
            lacking=lambda fact_id: lacks_asked(asked_kind, self._facts[fact_id], names_in),
            passage=lambda fact_id: self._facts[fact_id].citations[0].quote,
        )
        return Reading(question, False, off_topic, tuple(evidence), worded)

    def question_vectors(self, questions: Sequence[str]) -> Vectors:
        """The vectors :meth:`read` compares ``questions`` by (cleaned and without mentions), one row each."""
        return self.vectors.encoder.encode([self._spelled(strip_mentions(_clean(question))) for question in questions])

    def _names_in(self, text: str) -> frozenset[str]:
        """The people, places and bodies of the lexicon ``text`` names, canonical."""
        return frozenset(self._lexical.tokens(text, correct=True)) & self.lexicon.names

    def ask(self, question: str, asked: AskedIndex | None = None) -> AskResult:
        """Match ``question`` and return the answer, the close questions, or the usage reply (``asked`` as for
        :meth:`read`). A message asking several questions is answered by the first one answered, the facts
        answering the others (up to three questions in all) given as ``also``; when none is, the message is read
        whole. Unanswered whole, a message whose question follows sentences asking nothing (who the asker is, what
        they read) is answered by that question alone, if it is."""
        question = _clean(question)
        content = strip_mentions(question)
        parts = questions_in(content)[:_QUESTIONS_READ]
        if len(parts) > 1:
            answered = [r for r in (self._answer(part, asked) for part in parts) if r.status is MatchStatus.ANSWERED]
            if answered:
                return _first_with_others(question, answered)
        whole = self._answer(question, asked)
        asking = None if whole.status in (MatchStatus.ANSWERED, MatchStatus.USAGE) else asking_sentences(content)
        if asking is not None:
            alone = self._answer(asking, asked)
            if alone.status is MatchStatus.ANSWERED:
                return replace(alone, question=question)
        return whole

    def _answer(self, question: str, asked: AskedIndex | None) -> AskResult:
        """The answer to one question read whole."""
        reading = self.read(question, asked)
        if reading.usage:
            return AskResult(reading.question, MatchStatus.USAGE, None, 0.0)
        # Worded exactly as one fact's question or alias, it is that fact's (a moderator's word for it).
        worded = reading.worded_as
        match = decide(reading.evidence, reading.off_topic, self.calibration, _SUGGESTIONS, worded)
        fact = self._facts[match.best.fact_id] if match.best else None
        offered = [c for c in match.candidates if fact is None or c.fact_id != fact.id]
        suggestions = tuple(
            Suggestion(c.fact_id, self._facts[c.fact_id].question, c.score) for c in offered[:_SUGGESTIONS]
        )
        score = match.best.score if match.best else (match.candidates[0].score if match.candidates else 0.0)
        return AskResult(reading.question, match.status, fact, score, suggestions, match.off_topic)

    def choose(self, fact_id: str) -> AskResult | None:
        """The answer when the asker picked ``fact_id`` from the questions offered: that fact, asked by its own
        question and scored as asking it would score it, with the other close questions (None when not served)."""
        fact = self._facts.get(fact_id)
        if fact is None:
            return None
        reading = self.read(fact.question)
        worded = reading.worded_as
        ranked = decide(reading.evidence, (), self.calibration, _SUGGESTIONS, worded).candidates
        score = next((c.score for c in ranked if c.fact_id == fact_id), 0.0)
        others = [c for c in ranked if c.fact_id != fact_id]
        suggestions = tuple(Suggestion(c.fact_id, self._facts[c.fact_id].question, c.score) for c in others)
        return AskResult(fact.question, MatchStatus.ANSWERED, fact, score, suggestions[:_SUGGESTIONS])

    def complete(self, text: str, limit: int = 25) -> list[Suggestion]:
        """Questions to offer while ``text`` is being typed, best first (for autocomplete)."""
        if not text.strip():
            return [Suggestion(f.id, f.question, 0.0) for f in islice(self._facts.values(), limit)]
        candidates = self._lexical.complete(text, limit)
        return [Suggestion(c.fact_id, self._facts[c.fact_id].question, c.score) for c in candidates]

    def find(self, text: str, limit: int = 25) -> list[Fact]:
        """Served facts someone picking one may mean by ``text`` (an id or words of its question, perhaps still
        being typed): the fact with that id first, then the questions that fit best (see :meth:`complete`)."""
        exact = self._facts.get(text.strip())
        found = [] if exact is None else [exact]
        found += (self._facts[s.fact_id] for s in self.complete(text, limit) if s.fact_id != text.strip())
        return found[:limit]


def _first_with_others(message: str, answered: Sequence[AskResult]) -> AskResult:
    """The answer to a message of several questions: the first answered, with the other facts answered as
    ``also`` (each once) and out of its close questions."""
    first = answered[0]
    first_id = first.fact.id if first.fact else None
    others: dict[str, Suggestion] = {}
    for result in answered[1:]:
        if result.fact is not None and result.fact.id != first_id:
            others.setdefault(result.fact.id, Suggestion(result.fact.id, result.fact.question, result.score))
    suggestions = tuple(s for s in first.suggestions if s.fact_id not in others)
    return AskResult(
        message, first.status, first.fact, first.score, suggestions, first.off_topic, tuple(others.values())
    )


def _clean(question: str) -> str:
    """A question as the engine reads it: whitespace runs as one space, at most ASK_MAX characters, and what
    cannot be text (a lone surrogate from a broken client) as "?"."""
    cut = " ".join(question.split())[:ASK_MAX]
    return cut.encode("utf-8", "replace").decode("utf-8")
