"""Word material for synthetic news: real news words, invented words to widen the vocabulary, and names.

The real words give questions the shape people type; the invented ones (built from syllables, like place
names and jargon) take the vocabulary to a few thousand words, so typo correction and the inverted index
face a vocabulary as large as a newsroom's many articles would bring.
"""

from __future__ import annotations

import random

from bot.core.lexicon import STOPWORDS

__all__ = ["ADJECTIVES", "FIRST_NAMES", "MONTHS", "NOUNS", "OFF_TOPIC_NAMES", "SURNAMES", "VERBS", "invented_words"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NOUNS = _words(
    """
    agreement alliance ambassador amendment army audit bank barrier battle bill blockade border bridge budget
    cabinet campaign candidate capital cargo charter city coalition committee company contract convoy corridor
    council court crisis currency customs dam deadline debt defence deficit delegation deployment dispute
    district drought economy election embargo embassy energy envoy evacuation exports factory farmers ferry
    festival fishery flood forest fuel funding garrison grain grid harbour hospital housing immigrants inflation
    inquiry investment investors island journalists judges labour lawmakers lawsuit lease loan market merger
    militia mine ministry mission monument negotiators network oil parliament pension pipeline platform police
    port power prices prison project protest province railway referendum refinery reform refugees regulator
    reservoir road salaries sanctions satellite school sector senate settlement shipment shipyard strike subsidy
    summit supply surplus tariff taxes teachers tender terminal tourism trade treaty tribunal tunnel union
    university vaccine valley villages voters wages warehouse water wheat
    """
)
VERBS = _words(
    """
    approve block boost build cancel close delay deliver double expand extend finance freeze fund halt inspect
    launch limit lower monitor move oppose postpone privatise protect raise rebuild reduce reopen repair replace
    restore restrict review sell shut sign suspend tax transfer triple upgrade veto widen
    """
)
ADJECTIVES = _words(
    """
    annual central coastal controversial costly cross-border disputed eastern emergency federal foreign historic
    independent interim joint local long-awaited major military national northern offshore provisional public
    regional rural secret southern strategic temporary western
    """
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
FIRST_NAMES = _words(
    """
    Amara Anton Beatriz Chen Dalia Dmitri Elena Farid Grace Hana Ibrahim Ingrid Jonas Kemal Lena Luis Maren
    Mateo Nadia Noor Olga Omar Pavel Priya Rafael Rosa Samir Sofia Tomas Uma Viktor Yara Yusuf Zofia
    """
)
SURNAMES = _words(
    """
    Abara Adeyemi Alvarez Andersen Baptiste Barros Bergstrom Castell Chowdhury Costa Dahl Delacroix Duarte
    Eriksen Ferreira Fischer Gallo Haddad Halloran Ibsen Ivanova Jansen Kaur Kovac Lindqvist Lopes Marchetti
    Moreau Mwangi Nakamura Novak Okafor Olsen Ortega Petrov Quintero Rahman Rossi Salazar Santos Schreiber
    Sorensen Tanaka Teixeira Varga Vidal Weber Yilmaz Zeller
    """
)
# People no synthetic article mentions: a question naming one must be refused.
OFF_TOPIC_NAMES = _words(
    """
    Bramwell Corvino Dunmore Esterhazy Fairbairn Glanville Hargreave Kilbride
    """
)

_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ou")
_CODAS = ("", "", "", "", "n", "r", "l", "s", "t", "m", "nd")


def invented_words(rng: random.Random, count: int, avoid: set[str]) -> list[str]:
    """``count`` distinct pronounceable words of two or three syllables, none of them in ``avoid``."""
    words: list[str] = []
    seen = set(avoid) | STOPWORDS
    while len(words) < count:
        syllables = rng.choice((2, 2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words
