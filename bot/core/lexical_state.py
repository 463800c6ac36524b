"""What the lexical index records per fact, and the state an index can be rebuilt from without analysing again.

Indexing reads a fixed set of each fact's texts (:func:`indexed_texts`); the index keeps per fact its phrasing keys
and the entities it names (:class:`IndexedFact`), and :class:`IndexState` is all of it apart from the facts: what
the index file stores and what an index built in parts is put together from.
"""

from __future__ import annotations

import dataclasses
from array import array
from dataclasses import dataclass

from bot.core.models import Fact

__all__ = ["PHRASING_SEPARATOR", "IndexState", "IndexedFact", "further_texts", "indexed_texts", "own_texts"]

PHRASING_SEPARATOR = "|"  # joins a fact's phrasing keys; never part of a token, which is letters, digits and "_"
# The highest slot an array("i") of postings can hold.
_SLOT_MAX = 2**31 - 1


@dataclass(frozen=True, slots=True)
class IndexState:
    """What indexing a list of facts computed, apart from the facts themselves: enough to rebuild the same
    :class:`~bot.core.lexical.LexicalIndex` without analysing their texts again (see its ``state``)."""

    fact_ids: list[str]  # in slot order: the order the facts were added
    keys: list[str]  # per fact, its phrasing keys joined (see IndexedFact)
    mentions: list[tuple[str, ...]]  # per fact, the lexicon's entities it names
    postings: dict[str, tuple[array[int], ...]]  # token -> slots, one sorted array per evidence credit
    word_frequency: dict[str, int]  # raw words of the facts' texts -> how often they occur
    first_slot: int = 0  # the slot of the first fact: the postings number the facts from it

    def moved_to(self, first_slot: int) -> IndexState:
        """The same state with the facts numbered from ``first_slot``: as a part of an index built in parts
        holds them (see ``LexicalIndex.absorb``)."""
        for first in (self.first_slot, first_slot):  # both numberings must fit the postings' arrays
            if not 0 <= first <= _SLOT_MAX - len(self.fact_ids):
                raise ValueError(f"facts cannot be numbered from slot {first}")
        offset = first_slot - self.first_slot
        postings = {
            token: tuple(array("i", map(offset.__add__, slots)) for slots in lists)
            for token, lists in self.postings.items()
        }
        return dataclasses.replace(self, postings=postings, first_slot=first_slot)


def indexed_texts(fact: Fact) -> tuple[str, ...]:
    """Every text of ``fact`` that indexing reads: its phrasings, answer, main quote and speaker, then the quote and
    speaker of each further citation. A fact with the same texts is indexed the same way."""
    return (*own_texts(fact), *further_texts(fact))


def own_texts(fact: Fact) -> tuple[str, ...]:
    """The texts a fact is matched on: its phrasings (question first), answer, main quote and its speaker."""
    main = fact.citations[0]
    return (fact.question, *fact.aliases, fact.answer, main.quote, main.speaker)


def further_texts(fact: Fact) -> tuple[str, ...]:
    """The quotes and speakers of a fact's further citations: read only for the people and places they name."""
    if len(fact.citations) == 1:  # most facts: no generator to run
        return ()
    return tuple(text for citation in fact.citations[1:] for text in (citation.quote, citation.speaker))


@dataclass(slots=True)  # not frozen: a plain __init__ is cheaper, and only the index makes them
class IndexedFact:
    """One fact as the index holds it in its slot."""

    fact_id: str
    # Each phrasing's canonical tokens sorted and joined by spaces (repeats kept, as token_sort_ratio sees them),
    # the phrasings joined by PHRASING_SEPARATOR: one string per fact instead of a set and a string per phrasing.
    keys: str
    mentions: tuple[str, ...]  # the lexicon's entities named anywhere in the fact, all citations included
    # The fact itself, by reference: removing it derives its postings and words from its own texts again (see
    # own_texts) instead of storing them (a tuple of them per fact was 11 MB at 100,000 facts).
    fact: Fact

    @property
    def texts(self) -> tuple[str, ...]:
        """The fact's own texts: phrasings, answer, main quote and its speaker."""
        return own_texts(self.fact)
