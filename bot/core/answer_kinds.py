"""What kind of detail a question asks for, and whether a fact's own words give it.

A question can name exactly what a fact is about and still ask for something the fact does not say: "where is the
reporter from" against the byline, "how much is the minerals deal worth" against a fact with no figure, "what did
Witkoff say in Moscow" against a fact that quotes nobody. Both rankings score such a near miss as high as a real
question about the fact, so the decision is told, per candidate fact, whether the asked kind is missing from it.

The kinds are read from the question's wording (``where``, ``when``, ``how much``, ``how long``, ``what did X
say``, ``which ones exactly``) and looked for in the fact's quotes and speakers, not in its phrasings: an alias that
asks "when did it happen" does not make a fact give a time. Only a question worded exactly as one of its phrasings is
taken at the fact's word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.lexicon import raw_tokens
from bot.core.messages import NEXT_QUESTION, QUESTION_WORDS
from bot.core.models import Fact

__all__ = [
    "AnswerKind",
    "Asked",
    "Asking",
    "asked_of",
    "asks_besides",
    "given_kinds",
    "lacks_asked",
    "names_another_broker",
    "worded_as_phrasing",
]


class AnswerKind(StrEnum):
    """A kind of detail a question can ask for."""

    PLACE = "place"
    ORIGIN = "origin"  # where someone is from, which a place they went to does not give
    TIME = "time"
    DATE = "date"  # a calendar date, which a weekday or "last month" does not give
    YEAR = "year"  # which year, which a weekday or "last month" does not give either
    DAY = "day"  # which day: a weekday or a date, which "early last week" does not give
    QUANTITY = "quantity"
    DURATION = "duration"
    WORDS = "words"  # what someone said: a quotation
    MEMBERS = "members"  # which ones of a group, by name: "which lawmakers exactly", "which regions, name them"
    OTHER_WORKS = "other works"  # what else someone wrote: no quote of the article gives that
    OUTCOME = "outcome"  # what came of something: a quote telling what followed it ("resulted in", "after")


@dataclass(frozen=True, slots=True)
class Asked:
    """The kinds of detail a question asks for, and whose words, when it asks what someone named said."""

    kinds: frozenset[AnswerKind] = frozenset()
    speaker: str = ""  # the subject of "what did X say" (people it names as possessors left out), or ""
    named: str = ""  # the part's words, when it asks for someone besides those it names ("who else"), or ""
    group: str = ""  # the plural noun of "which lawmakers ...": who or what of that group, by name, or ""
    work: tuple[str, ...] = ()  # the words naming what "who wrote ..." asks the author of, unless it is the article
    words: frozenset[str] = frozenset()  # the part's own words, when it asks for a place: a place it names is no answer


@dataclass(frozen=True, slots=True)
class Asking:
    """What a whole question asks for: its words, and what each of its parts asks for (see :func:`asked_of`)."""

    words: tuple[str, ...]
    parts: tuple[Asked, ...]


_SPEECH = (
    r"(?:say|said|tell|told|respond|responded|reply|replied|answer|answered|comment|commented|speak|spoke|discuss|"
    r"discussed)"
)
_AUXILIARY = r"(?:did|does|do|has|have|had|would|will)"
# Making a work: writing, reporting, photographing.
_MAKING = r"written|wrote|write|published|covered|reported|shot|photographed|taken|took|made"
# What a reporter writes.
_WORKS = r"articles|article|pieces|piece|stories|story|reports|report|posts|post|columns|column|work|works|reporting"
# The subject between an auxiliary and a speech verb: one to four words, none a question word, so "did Putin walk
# back what his adviser said" is not read as asking what Putin said. Words are separated by exactly one space, so
# there is one way to read any stretch of text (a long run of letters cannot be split in many ways: no backtracking
# blow-up on a 300-character question).
_SUBJECT_WORD = r"(?!(?:what|who|whom|which|that|how|when|where|why)\b)[\w'\u2019.-]+"
_SUBJECT = rf"(?P<subject>{_SUBJECT_WORD}(?: {_SUBJECT_WORD}){{0,3}}?)"
_ADVERB = r"(?:actually|exactly|really|just|even|ever|first|then|also|originally|publicly|later) "
_ASKED_SPEAKER = re.compile(rf"\b{_AUXILIARY} {_SUBJECT} (?:{_ADVERB})?{_SPEECH}\b")
_ASKED_WORDS = re.compile(rf"\bwhat (?:\w+ )?(?:was|were|is|got|gets) {_SPEECH}\b")
# Words asking for the members of a group one by one.
_CALL_FOR_NAMES = r"specific|specifically|exactly|by name|name them|names|list|listed"
_ASKED = {
    AnswerKind.PLACE: re.compile(
        r"\bwhere\b(?!.*\b(?:stands?|work|works|worked)\b)(?! (?:are|do|does|is) things\b)|"
        r"\b(?:which|what) (?:city|place|town|location|venue|hotel|restaurant|building|airport)\b(?!['\u2019])"
        r"|\blocated\b"
    ),
    AnswerKind.ORIGIN: re.compile(
        r"\boriginally from\b|\bfrom originally\b|\bwhere(?:'s|s| is| was| are| were) (?:\S+ ){1,4}?from\b"
    ),
    AnswerKind.TIME: re.compile(
        r"\bwhen\b(?! it comes to)|\b(?:what|which) (?:day|date|time|year|month|week)\b|\bhow long ago\b"
    ),
    AnswerKind.DATE: re.compile(r"\bdates?\b|\bday of the month\b"),
    AnswerKind.YEAR: re.compile(r"\b(?:what|which) year\b|\byear (?:was|were|did|does|is)\b"),
    AnswerKind.DAY: re.compile(r"\b(?:what|which) (?:exact |specific |particular )?day\b"),
    AnswerKind.QUANTITY: re.compile(
        r"\bhow (?:many|much)\b(?! (?:longer|time))|\b(?:what|which) (?:percent|percentage|share|amount)\b|%|"
        r"\bnumber of\b|\bworth\b|\bhow (?:big|large|far|wide|populous)\b(?! (?:of )?an? )"
    ),
    AnswerKind.DURATION: re.compile(r"\bhow long\b(?! ago)"),
    # "which" with a call for names: "specifically", "by name", "names pls", "Donetsk and Luhansk or more?".
    AnswerKind.MEMBERS: re.compile(rf"\bwhich\b.*\b(?:{_CALL_FOR_NAMES}|or more|like [\w ]+ or what)\b"),
    AnswerKind.OTHER_WORKS: re.compile(
        rf"\b(?:other|previous|earlier|past|more|recent) (?:{_WORKS})\b|"
        rf"\belse (?:has|have|did|does) (?:\S+ ){{1,4}}?(?:{_MAKING})\b|\b(?:{_MAKING}) (?:anything|something) else\b"
    ),
    # "what came out of Witkoff's trip", "what resulted from Ukraine's commitment".
    AnswerKind.OUTCOME: re.compile(
        r"\bwhat came (?:out )?of\b|\bcome out of\b|\bcame of\b|\boutcomes?\b|\bresults? of\b|"
        r"\bwhat (?:was|is|were) the results?\b|\bwhat resulted\b|\bwhat happened (?:after|once|as a result|next)\b|"
        r"\bwhat did (?:\S+ ){1,4}?(?:achieve|accomplish|yield)\b"
    ),
}
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|"
    "million|billion|trillion|dozen|percent|half"
)
# A place is named after a preposition, capitalised: "arrived in Russia", "in the Oval Office".
_PLACE_NAMED = re.compile(
    r"\b(?:in|at|to|from|into|inside|near|visited) (?:the )?(?P<place>[A-Z][a-z][\w\u2019'-]*(?: [A-Z][\w\u2019'-]*)*)"
)
_GIVEN = {
    AnswerKind.PLACE: _PLACE_NAMED,
    AnswerKind.ORIGIN: re.compile(r"\b(?:born|grew up|native of|hails from|hometown|originally from)\b", re.IGNORECASE),
    AnswerKind.TIME: re.compile(
        rf"\b(?:{_WEEKDAYS}|{_MONTHS}|"
        r"yesterday|today|tomorrow|tonight|ago|(?:last|next|this) (?:week|month|year)|earlier|later|(?:19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    AnswerKind.DATE: re.compile(
        rf"\b(?:{_MONTHS}) \d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})\b|"
        r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b",
        re.IGNORECASE,
    ),
    AnswerKind.DAY: re.compile(
        rf"\b(?:{_WEEKDAYS}|yesterday|today|tomorrow|(?:{_MONTHS}) \d{{1,2}})\b",
        re.IGNORECASE,
    ),
    AnswerKind.YEAR: re.compile(r"\b(?:19|20)\d\d\b"),
    AnswerKind.QUANTITY: re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE),
    AnswerKind.DURATION: re.compile(
        rf"\b(?:\d+|{_NUMBER_WORDS})[- ](?:day|week|month|year|hour)s?\b|\b(?:days|weeks|months|years)\b",
        re.IGNORECASE,
    ),
    AnswerKind.WORDS: re.compile('["“”]'),
    AnswerKind.OUTCOME: re.compile(
        r"\bresult(?:s|ed)?\b|\b(?:lead|led|leads) to\b|\bafter\b|\bearlier\b|\blater\b|\bnow\b|\bthen\b",
        re.IGNORECASE,
    ),
    # Names listed ("Rubio and Waltz", "Donetsk, Luhansk and Zaporizhzhia"), or members introduced ("demands for
    # any deal, including assurances that...").
    AnswerKind.MEMBERS: re.compile(
        r"\b[A-Z][\w\u2019'-]+(?:, [A-Z][\w\u2019'-]+)*,? and [A-Z][\w\u2019'-]+|\b(?:including|such as)\b"
    ),
}
# "which lawmakers", "which two officials": the members of a group are asked for. Words ending in "s" that are not
# plural nouns are left out.
_ASKED_GROUP = re.compile(r"\bwhich (?:(?:two|three|other|specific|particular|exact) )?(?P<group>[a-z]+[^s\W]s)\b")
# "what exactly are the 'questions on both sides'", "what were the questions, did he list them": the same, when the
# question calls for them one by one.
_ASKED_CONTENTS = re.compile(
    r"\bwhat (?:(?P<call>exactly|specifically) )?(?:are|were) (?:the |those |these )?['\u2018\u201c\"]?"
    r"(?P<group>[a-z]+[^s\W]s)\b"
)
_CALLED_FOR = re.compile(rf"\b(?:{_CALL_FOR_NAMES})\b")
_NOT_GROUPS = frozenset({"was", "has", "does", "his", "its", "this", "thus", "plus", "yes", "news"})
# A group's members are named when a name (a capitalised word inside a sentence) or a possessor ("the adviser's
# comments") stands within this many words of the group's word in a quote.
_NAMED_WITHIN = 3
_QUOTE_WORD = re.compile(r"[\w\u2019'-]+")
# "who else was there": someone besides the people the question names.
# "who did Witkoff meet with" asks the same: someone the question does not name.
_ASKED_OTHERS = re.compile(
    r"\b(?:who|anyone|anybody|someone|somebody) else\b|"
    r"\bwhom? (?:did|does|will|would|is|was) (?:\S+ ){1,3}?(?:meet|meeting|meet with|sit down with|see|seeing)\b"
)
# "who wrote X": the author of X, which the byline gives only when X is the article (or a part of it, or "it").
_ASKED_AUTHOR = re.compile(
    r"\bwho (?:wrote|writes|authored|penned|is the (?:author|writer) of|was the (?:author|writer) of) (?P<work>.+)"
)
# "The one about the truce" is the article; "one of the Brontes" is not.
_THE_ARTICLE = re.compile(rf"\b(?:{_WORKS}|headline|title|this|that|it|notus|one(?! of\b)|thing)\b")
_NOT_NAMING = frozenset({"the", "a", "an", "about", "on", "of", "for", "lol", "pls", "please", "tho", "though"})
# Asking for something besides what the question names ("nothing other than" and "before anything else" do not).
# It is searched in lower-cased text, after a test for its words (_BESIDES_WORDS).
_BESIDES = re.compile(
    r"\b(?:what|who|which|anyone|anybody) else\b|(?<!before )\b(?:anything|something) else\b|\bbesides\b|"
    r"\b(?:apart|aside) from\b|\bin addition to\b|\balongside\b|\badditional\b"
)
_BESIDES_WORDS = ("else", "besides", "apart", "aside", "addition", "alongside")
# Within one question, a comma before a question word also starts a clause asking for its own detail ("if not a
# breather, what does Russia want"); it does not start a question of its own.
_PARTS = re.compile(rf"{NEXT_QUESTION}|, (?=(?:what|who|when|where|why|how|which)\b)")
# Someone named just before a verb of speaking in a quote: "Putin said", "Yuri Ushakov told reporters", "Putin
# presented demands" (a fact's speaker is who is quoted, and narration often reports someone's words in its own).
_QUOTED_SPEAKER = re.compile(
    r"((?:[A-Z][\w\u2019'.-]+ ){1,3})(?:has |had )?(?:said|says|told|tells|presented|called|described|endorsed|warned|"
    r"insisted|argued|added|asked)\b"
)
# Possessors ("Putin's aide") name someone other than the speaker asked about.
_POSSESSOR = re.compile(r"\b\w+['\u2019]s\b")


# "wasn't it the EU that brokered this deal?", "brokered by China?": another party named as the deal's broker or
# mediator. The article answers it (a U.S.-brokered deal, U.S. intermediaries), so that name does not make the question
# one about something the article never mentions.
_OTHER_BROKER = re.compile(
    r"\b(?:wasn'?t|isn'?t|weren'?t|aren'?t|is it not|was it not)\b.{0,40}?\b(?:broker|mediat|intermediar|go-between)"
    r"|\b(?:brokered|mediated|arranged) by\b|\b\w+-brokered\b"
)


def names_another_broker(question: str) -> bool:
    """Whether ``question`` (lower-cased) asks whether someone else brokered or mediates the deal."""
    return _OTHER_BROKER.search(question) is not None


def asked_of(question: str) -> Asking:
    """What ``question`` (lower-cased, mentions removed) asks for. Each part is read apart: two questions in one
    ("how long is the truce and did Russia agree") ask for different details, and a fact may answer either."""
    question = " ".join(question.split())  # the patterns take words one space apart
    asked = [(_asked_in(part), part) for part in _PARTS.split(question) if part]
    # A part of one or two words that asks for nothing ("lol", "names pls") is an aside, not a second question.
    parts = tuple(one for one, part in asked if one.kinds or one.speaker or len(part.split()) >= QUESTION_WORDS)
    return Asking(tuple(raw_tokens(question)), parts)


def asks_besides(question: str) -> bool:
    """Whether ``question`` asks for something besides what it names ("what else did Ukraine commit to besides the
    ceasefire"): it is answered by another fact than the one it names, and reads much like a question about that
    one to the sentence model, which does not weigh "besides"."""
    lowered = question.lower()
    # Most questions hold none of the pattern's words: a substring test is much faster than the search.
    return any(word in lowered for word in _BESIDES_WORDS) and _BESIDES.search(lowered) is not None


def _asked_in(question: str) -> Asked:
    kinds = {kind for kind, pattern in _ASKED.items() if pattern.search(question)}
    group = _group_asked(question)
    named = question if _ASKED_OTHERS.search(question) else ""
    work = _work_asked(question)
    words = frozenset(raw_tokens(question)) if AnswerKind.PLACE in kinds else frozenset()
    said = _ASKED_SPEAKER.search(question)
    if said:
        speaker = _POSSESSOR.sub(" ", said.group("subject")).strip()
        return Asked(frozenset(kinds), speaker, named, group, work, words)
    if _ASKED_WORDS.search(question):  # "what was said": someone's words, whoever's
        kinds.add(AnswerKind.WORDS)
    return Asked(frozenset(kinds), named=named, group=group, work=work, words=words)


def _work_asked(question: str) -> tuple[str, ...]:
    """The words naming what "who wrote ..." asks the author of, or () when it asks for none or for the article
    ("who wrote this", "who wrote the piece about the truce")."""
    authored = _ASKED_AUTHOR.search(question)
    if authored is None or _THE_ARTICLE.search(authored.group("work")):
        return ()
    return tuple(word for word in raw_tokens(authored.group("work")) if word not in _NOT_NAMING)


def _group_asked(question: str) -> str:
    """The plural noun whose members ``question`` asks for by name, or ""."""
    grouped = _ASKED_GROUP.search(question)
    if grouped is None:
        grouped = _ASKED_CONTENTS.search(question)
        if grouped and not (grouped.group("call") or _CALLED_FOR.search(question, grouped.end())):
            grouped = None
    return grouped.group("group") if grouped and grouped.group("group") not in _NOT_GROUPS else ""


# Facts are immutable, and the same few candidates come back question after question.
@functools.lru_cache(maxsize=4096)
def given_kinds(fact: Fact) -> frozenset[AnswerKind]:
    """The kinds of detail ``fact``'s quotes give (its answer may name things from around them, such as the
    ceasefire's length beside the minerals deal)."""
    text = " ".join(citation.quote for citation in fact.citations)
    return frozenset(kind for kind, pattern in _GIVEN.items() if pattern.search(text))


def lacks_asked(asking: Asking, fact: Fact, names_in: Callable[[str], Iterable[str]]) -> bool:
    """Whether ``fact`` lacks a detail every part of a question asks for. A question worded as one of the fact's
    own phrasings asks what the fact answers, whatever its quotes hold (a moderator's word for it)."""
    if not asking.parts or worded_as_phrasing(asking, fact):
        return False
    return all(_lacks(part, fact, names_in) for part in asking.parts)


def worded_as_phrasing(asking: Asking, fact: Fact) -> bool:
    """Whether the question is worded as ``fact``'s question or one of its aliases (case and punctuation aside)."""
    return asking.words in _phrasings(fact)


@functools.lru_cache(maxsize=4096)
def _phrasings(fact: Fact) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(raw_tokens(text)) for text in (fact.question, *fact.aliases))


def _lacks(asked: Asked, fact: Fact, names_in: Callable[[str], Iterable[str]]) -> bool:
    """Whether ``fact`` lacks a detail ``asked`` for: a kind its words do not give, or the words of someone it does
    not quote. ``names_in`` gives the people, places and bodies a text names (canonical, so "the Russian president"
    and "Putin" compare equal); a speaker asked about is only checked when it names someone ("what did the article
    say" asks for no one's words)."""
    if asked.kinds - given_kinds(fact) or (asked.group and _unnamed_group(fact, asked.group, names_in)):
        return True
    if asked.work and not set(asked.work) <= _quote_words(fact):
        return True  # "who wrote To Kill a Mockingbird": a work its quotes do not name
    if AnswerKind.PLACE in asked.kinds and all(place <= asked.words for place in _places_named(fact)):
        return True  # "which city in Russia did Witkoff fly into": the only place its quotes name is asked within
    if asked.named and not _named_in_quotes(fact, names_in) - set(names_in(asked.named)):
        return True  # "who else": its quotes name no one the question does not
    asked_names = set(names_in(asked.speaker)) if asked.speaker else set()
    if not asked_names:
        return False
    return not asked_names & _speakers(fact, names_in)


def _unnamed_group(fact: Fact, group: str, names_in: Callable[[str], Iterable[str]]) -> bool:
    """Whether a quote of ``fact`` speaks of ``group`` (a plural noun) without naming its members: "a move that had
    caught lawmakers by surprise" says that lawmakers were surprised, not which; "Crimea and regions in the Donbas"
    and "Putin presented demands" name them."""
    for citation in fact.citations:
        words = list(_QUOTE_WORD.finditer(citation.quote))
        for number, word in enumerate(words):
            if word.group().lower() != group:
                continue
            near = words[max(0, number - _NAMED_WITHIN) : number] + words[number + 1 : number + 1 + _NAMED_WITHIN]
            if not any(_names(citation.quote, other, names_in) for other in near):
                return True
    return False


def _names(quote: str, word: re.Match[str], names_in: Callable[[str], Iterable[str]]) -> bool:
    """Whether ``word`` of ``quote`` names someone or something: capitalised where a sentence does not start, a
    name the lexicon knows where one does, or a possessor."""
    text = word.group()
    if text.endswith(("\u2019s", "'s")):
        return True
    if not text[:1].isupper():
        return False
    before = quote[: word.start()].rstrip(' \u201c"')
    return (bool(before) and not before.endswith((".", "!", "?"))) or any(True for _ in names_in(text))


@functools.lru_cache(maxsize=4096)
def _places_named(fact: Fact) -> tuple[frozenset[str], ...]:
    """The words of each place ``fact``'s quotes name ("Russia", "Oval Office")."""
    return tuple(
        frozenset(raw_tokens(match.group("place")))
        for citation in fact.citations
        for match in _PLACE_NAMED.finditer(citation.quote)
    )


@functools.lru_cache(maxsize=4096)
def _quote_words(fact: Fact) -> frozenset[str]:
    return frozenset(word for citation in fact.citations for word in raw_tokens(citation.quote))


def _named_in_quotes(fact: Fact, names_in: Callable[[str], Iterable[str]]) -> set[str]:
    """The people, places and bodies ``fact``'s quotes name."""
    return {name for citation in fact.citations for name in names_in(citation.quote)}


def _speakers(fact: Fact, names_in: Callable[[str], Iterable[str]]) -> set[str]:
    """Everyone whose words ``fact`` gives: its citations' speakers and the people its quotes say spoke."""
    spoken = [citation.speaker for citation in fact.citations]
    spoken += [match.group(1) for citation in fact.citations for match in _QUOTED_SPEAKER.finditer(citation.quote)]
    return {name for text in spoken for name in names_in(text)}
