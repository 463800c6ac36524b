"""Deterministic synthetic fact bases: news-like sources, facts quoting them, and a realistic question mix.

Every source is an invented news article about one topic (a handful of people, places, nouns and verbs drawn
from a Zipf-distributed vocabulary, as real coverage repeats common words and rarely uses rare ones). Each
fact quotes one sentence of its source, so its citation goes through :func:`resolve_fact` like a curated
fact's, and is asked in about six ways: full questions, names with topics, and short sloppy fragments. The
same seed always gives the same base and the same questions, so runs can be compared.
"""

from __future__ import annotations

import itertools
import json
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.bench.words import (
    ADJECTIVES,
    FIRST_NAMES,
    MONTHS,
    NOUNS,
    OFF_TOPIC_NAMES,
    SURNAMES,
    VERBS,
    invented_words,
)
from bot.core.lexicon import Lexicon
from bot.core.models import CitationDraft, Fact, FactDraft, Provenance, Source, phrasing_key, resolve_fact

__all__ = ["FACTS_PER_SOURCE", "BenchQuestion", "QuestionKind", "SyntheticBase", "Vocabulary", "generate"]

FACTS_PER_SOURCE = 50
_PROVENANCE = Provenance(origin="curated", file="synthetic")


class QuestionKind(StrEnum):
    """How a benchmark question was made."""

    PARAPHRASE = "paraphrase"  # a phrasing of a known fact with words dropped, reordered or swapped for synonyms
    TYPO = "typo"  # a paraphrase with misspelt words
    OUT_OF_SCOPE = "out_of_scope"  # about nothing in the base


@dataclass(frozen=True, slots=True)
class BenchQuestion:
    """One question of the mix and the fact it was made from (None when out of scope)."""

    text: str
    kind: QuestionKind
    fact_id: str | None


class _Zipf:
    """Draws from a word list with Zipf-like frequencies: the first words are common, the last rare."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)
        self._cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))

    def sample(self, rng: random.Random, count: int) -> list[str]:
        """``count`` distinct words."""
        chosen: dict[str, None] = {}
        while len(chosen) < count:
            chosen[rng.choices(self.words, cum_weights=self._cumulative)[0]] = None
        return list(chosen)


@dataclass(frozen=True)
class Vocabulary:
    """The words every base of one seed shares, whatever its size."""

    nouns: _Zipf
    verbs: _Zipf
    adjectives: _Zipf
    places: _Zipf
    surnames: _Zipf
    synonyms: dict[str, str]  # a word -> another word the lexicon maps to it
    unknown: tuple[str, ...]  # words no fact uses, for out-of-scope questions

    @classmethod
    def build(cls, seed: int) -> Vocabulary:
        """A few thousand words: the real news words first (most frequent), then invented ones."""
        rng = random.Random(seed)
        real = {word.lower() for word in (*NOUNS, *VERBS, *ADJECTIVES, *SURNAMES, *FIRST_NAMES, *OFF_TOPIC_NAMES)}
        invented = invented_words(rng, 4000, real)
        nouns, verbs, adjectives = invented[:2300], invented[2300:2600], invented[2600:2900]
        places, surnames = invented[2900:3300], invented[3300:3600]
        synonym_words = invented[3600:3800]
        common = [*NOUNS[:120], *VERBS[:40], *ADJECTIVES[:20]]
        return cls(
            nouns=_Zipf([*NOUNS, *nouns]),
            verbs=_Zipf([*VERBS, *verbs]),
            adjectives=_Zipf([*ADJECTIVES, *adjectives]),
            places=_Zipf([place.capitalize() for place in places]),
            surnames=_Zipf([*SURNAMES, *(name.capitalize() for name in surnames)]),
            synonyms=dict(zip(common, synonym_words, strict=False)),
            unknown=tuple(invented[3800:]),
        )

    def lexicon_mapping(self) -> tuple[dict[str, list[str]], list[str], list[str]]:
        """Concepts, off-topic names and entities: synonyms as concepts, and every surname and place as an
        entity ("Kaur" and "Priya Kaur" meet)."""
        concepts = {word: [synonym] for word, synonym in self.synonyms.items()}
        for surname in self.surnames.words:
            concepts[surname.lower()] = [f"{first} {surname}".lower() for first in FIRST_NAMES]
        concepts.update({place.lower(): [] for place in self.places.words})
        return concepts, list(OFF_TOPIC_NAMES), [*self.surnames.words, *self.places.words]

    def lexicon(self) -> Lexicon:
        """The lexicon built from :meth:`lexicon_mapping`."""
        concepts, off_topic, entities = self.lexicon_mapping()
        return Lexicon.from_mapping(concepts, off_topic, entities)

    def lexicon_toml(self) -> str:
        """:meth:`lexicon_mapping` in the format of ``facts/lexicon.toml`` (JSON strings are valid TOML strings)."""
        concepts, off_topic, entities = self.lexicon_mapping()
        lines = ["[concepts]"]
        lines += [f"{json.dumps(word)} = {json.dumps(variants)}" for word, variants in concepts.items()]
        lines += ["", "[entities]", f"names = {json.dumps(entities)}", "", "[off_topic]"]
        lines.append(f"terms = {json.dumps(off_topic)}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class _Slots:
    """What one fact is about; its quote, answer and phrasings are all written from these."""

    first: str
    surname: str
    verb: str
    noun: str
    other: str
    adjective: str
    place: str
    month: str
    number: int

    @property
    def person(self) -> str:
        return f"{self.first} {self.surname}"


_QUOTES: tuple[Callable[[_Slots], str], ...] = (
    lambda s: f"{s.person} said the {s.adjective} {s.noun} would {s.verb} the {s.other} in {s.place} by {s.month}.",
    lambda s: f"The {s.noun} will {s.verb} {s.number} {s.other} contracts in {s.place}, {s.person} told reporters.",
    lambda s: (
        f"\u201cWe will {s.verb} the {s.adjective} {s.other},\u201d {s.person} said of the {s.noun} "
        f"in {s.place}, citing {s.number} complaints."
    ),
    lambda s: (
        f"According to {s.person}, {s.place} plans to {s.verb} the {s.other} before the {s.noun} meets "
        f"in {s.month}, at a cost of {s.number} million."
    ),
)
_PHRASINGS: tuple[Callable[[_Slots], str], ...] = (
    lambda s: f"Will the {s.noun} {s.verb} the {s.other}?",
    lambda s: f"Did {s.surname} say the {s.noun} would {s.verb} the {s.other}?",
    lambda s: f"What did {s.surname} say about the {s.adjective} {s.other}?",
    lambda s: f"When will {s.place} {s.verb} the {s.other}?",
    lambda s: f"{s.noun} {s.other} {s.place}",
    lambda s: f"Who wants to {s.verb} the {s.other} in {s.place}?",
    lambda s: f"{s.surname} {s.other} {s.verb}",
    lambda s: f"Why does {s.place} want to {s.verb} the {s.noun} {s.other}?",
    lambda s: f"is the {s.other} plan in {s.place} going ahead",
)
_FILLERS: tuple[Callable[[_Slots], str], ...] = (
    lambda s: f"{s.person} declined to comment on the {s.other}.",
    lambda s: f"The {s.noun} has been {s.adjective} for years.",
    lambda s: f"Officials in {s.place} did not respond to questions about the {s.noun}.",
)
_OUT_OF_SCOPE: tuple[Callable[[random.Random, Vocabulary], str], ...] = (
    lambda r, v: f"what did {r.choice(OFF_TOPIC_NAMES)} say about the {r.choice(v.unknown)}?",
    lambda r, v: f"who won the {r.choice(v.unknown)} {r.choice(v.unknown)}",
    lambda r, v: f"is the {r.choice(v.unknown)} {r.choice(v.unknown)} open on sundays",
    lambda r, v: f"how do i {r.choice(v.unknown)} my {r.choice(NOUNS)}",
    lambda r, v: f"did {r.choice(OFF_TOPIC_NAMES)} {r.choice(VERBS)} the {r.choice(NOUNS)}?",
    lambda r, v: f"{r.choice(v.unknown)} {r.choice(v.unknown)}",
)
_FILLER_OPENINGS = ("hey", "quick question", "do you know", "so", "bot")


class SyntheticBase:
    """Sources and facts of one size and seed, with the lexicon that goes with them."""

    def __init__(self, vocabulary: Vocabulary, sources: list[Source], facts: list[Fact], seed: int) -> None:
        self.vocabulary = vocabulary
        self.lexicon = vocabulary.lexicon()
        self.sources = sources
        self.facts = facts
        self.seed = seed

    def questions(self, count: int) -> list[BenchQuestion]:
        """A reproducible mix: half paraphrases of known facts, a quarter typo'd ones, a quarter out of scope."""
        rng = random.Random(self.seed * 7919 + count)
        kinds = [QuestionKind.PARAPHRASE] * 2 + [QuestionKind.TYPO, QuestionKind.OUT_OF_SCOPE]
        questions = []
        for number in range(count):
            kind = kinds[number % len(kinds)]
            if kind is QuestionKind.OUT_OF_SCOPE:
                questions.append(BenchQuestion(rng.choice(_OUT_OF_SCOPE)(rng, self.vocabulary), kind, None))
                continue
            fact = rng.choice(self.facts)
            text = self._paraphrase(rng, rng.choice(fact.phrasings))
            if kind is QuestionKind.TYPO:
                text = _misspell(rng, text)
            questions.append(BenchQuestion(text, kind, fact.id))
        return questions

    def _paraphrase(self, rng: random.Random, phrasing: str) -> str:
        words = phrasing.lower().rstrip("?").split()
        if len(words) > 3 and rng.random() < 0.6:
            del words[rng.randrange(len(words))]
        if len(words) > 2 and rng.random() < 0.4:
            position = rng.randrange(len(words) - 1)
            words[position], words[position + 1] = words[position + 1], words[position]
        swappable = [i for i, word in enumerate(words) if word in self.vocabulary.synonyms]
        if swappable and rng.random() < 0.5:
            position = rng.choice(swappable)
            words[position] = self.vocabulary.synonyms[words[position]]
        if rng.random() < 0.2:
            words.insert(0, rng.choice(_FILLER_OPENINGS))
        return " ".join(words) + ("?" if rng.random() < 0.5 else "")


def _misspell(rng: random.Random, text: str) -> str:
    """One or two words of five letters or more with a letter dropped, doubled, swapped or replaced."""
    words = text.split()
    long_words = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    for position in rng.sample(long_words, min(len(long_words), rng.choice((1, 1, 2)))):
        word = words[position]
        at = rng.randrange(1, len(word) - 1)
        edit = rng.randrange(4)
        if edit == 0:
            word = word[:at] + word[at + 1 :]
        elif edit == 1:
            word = word[:at] + word[at] + word[at:]
        elif edit == 2:
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            word = word[:at] + rng.choice(string.ascii_lowercase) + word[at + 1 :]
        words[position] = word
    return " ".join(words)


def _source_and_facts(
    rng: random.Random, vocabulary: Vocabulary, number: int, count: int, taken: set[str]
) -> tuple[Source, list[Fact]]:
    """One article and ``count`` facts quoting it, none asked in a way ``taken`` (updated) already holds."""
    nouns, verbs = vocabulary.nouns.sample(rng, 20), vocabulary.verbs.sample(rng, 8)
    adjectives, places = vocabulary.adjectives.sample(rng, 6), vocabulary.places.sample(rng, 2)
    people = [(rng.choice(FIRST_NAMES), surname) for surname in vocabulary.surnames.sample(rng, 4)]
    slots: list[_Slots] = []
    while len(slots) < count:
        verb, (noun, other) = rng.choice(verbs), rng.sample(nouns, 2)
        first, surname = rng.choice(people)
        candidate = _Slots(first, surname, verb, noun, other, rng.choice(adjectives), rng.choice(places),
                           rng.choice(MONTHS), rng.randrange(2, 1000))  # fmt: skip
        # The first phrasing (verb, noun, other) must be free: every fact then has at least one way to be asked.
        if phrasing_key(_PHRASINGS[0](candidate)) not in taken:
            taken.add(phrasing_key(_PHRASINGS[0](candidate)))
            slots.append(candidate)
    quotes = [rng.choice(_QUOTES)(s) for s in slots]
    paragraphs = []
    for start in range(0, count, 3):
        sentences = [*quotes[start : start + 3], rng.choice(_FILLERS)(slots[start])]
        paragraphs.append(" ".join(sentences))
    lead = slots[0]
    source_id = f"syn-{number:05d}"
    source = Source(
        id=source_id,
        title=f"{lead.place} weighs {lead.adjective} {lead.noun} plan",
        outlet="Synthetic Gazette",
        author=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
        text="\n\n".join(paragraphs) + "\n",
    )
    facts = []
    for index, (s, quote) in enumerate(zip(slots, quotes, strict=True)):
        # The store refuses a phrasing another fact already has (it could not tell them apart), so a clashing
        # template is skipped (the first was checked free above).
        phrasings: dict[str, str] = {phrasing_key(_PHRASINGS[0](s)): _PHRASINGS[0](s)}
        for template in rng.sample(_PHRASINGS[1:], len(_PHRASINGS) - 1):
            key = phrasing_key(template(s))
            if key not in taken and key not in phrasings and len(phrasings) < 6:
                phrasings[key] = template(s)
        taken.update(phrasings)
        question, *aliases = phrasings.values()
        draft = FactDraft(
            question=question,
            aliases=tuple(aliases),
            answer=f"{s.surname} says {s.place} will {s.verb} the {s.other} ({s.adjective} {s.noun}) by {s.month}.",
            citations=(CitationDraft(quote=quote, speaker=s.person, source=source_id),),
            tags=(s.noun, s.place.lower()),
        )
        facts.append(resolve_fact(draft, f"{source_id}-{index:02d}", {source_id: source}, _PROVENANCE))
    return source, facts


def generate(size: int, seed: int = 1) -> SyntheticBase:
    """A base of ``size`` facts, :data:`FACTS_PER_SOURCE` to a source (quotes verified against their source)."""
    vocabulary = Vocabulary.build(seed)
    rng = random.Random(seed * 1_000_003 + size)
    sources, facts = [], []
    taken: set[str] = set()
    for number, start in enumerate(range(0, size, FACTS_PER_SOURCE)):
        count = min(FACTS_PER_SOURCE, size - start)
        source, source_facts = _source_and_facts(rng, vocabulary, number, count, taken)
        sources.append(source)
        facts += source_facts
    return SyntheticBase(vocabulary, sources, facts, seed)
