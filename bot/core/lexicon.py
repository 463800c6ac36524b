"""The curated lexicon (synonyms, entities, off-topic names) and the text normaliser built on it."""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.problems import ProblemsError
from bot.core.text import fold_char

__all__ = [
    "STOPWORDS",
    "TEXT_BREAK",
    "Lexicon",
    "LexiconError",
    "load_lexicon",
    "raw_tokens",
    "raw_tokens_joined",
    "stem",
]

# Function words and chat filler: they say how a question is asked, not what it is about.
_STOPWORD_TEXT = """
a about above after again against all also am an and any anything are around as at be been before
being below between both but by can cant could couldnt did didnt do does doesnt doing done dont down
during each either else ever exactly few for from further go goes going gone had hadnt has hasnt
have havent having he hed hell her here hers herself hes him himself his how hows i id if ill im in
into is isnt it its itself ive just know let lets like likely me more most much must my myself no
nor not now of off on once only or other ought our ours ourselves out over own please pls plz really
right same see shall she should shouldnt so some something such than thank thanks that thats the
their theirs them themselves then there theres these they theyd theyll theyre think this those
though through thus to too under until up upon very was wasnt way we wed well were werent weve what
whats when whens where wheres whether which while who whod whom whos whose why whys will with wont
would wouldnt yeah yes yet you youd youll your youre yours yourself yourselves hi hey hello bot okay
ok k explain anyone someone somebody thing things stuff mean means meant happen happened happening
happens actually basically ever even still already yet latest update news info information set sets
make makes made put puts need needs keep kept seem seems seemed use used try tried look looks looked
find found currently today anyway kind sort
rn tbh wdym ppl nah lol lmao lmfao im u ur pls thx btw imo imho idk iirc fr ngl omg wait exactly gonna wanna
gotta confused guys guy folks ya yo huh hmm uh um again really tho though regarding concerning re
mention mentions mentioned name named full one ones besides
honestly literally lowkey highkey bruh bro bros fam dude dudes sis yall frfr deadass smh fyi tbf istg rly srsly
plss pleasee lmaoo lmaooo lolol haha hahaha xd sooo soo sorta kinda mr mrs ms dr sir okay kk hii hiii
wat wut wot wen wer abt teh da tha shud shuld cud wud cuz coz bc
sorry bother bothering wondering wonder curious quick
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | frozenset("bcdefghjklmnopqrstuvwxyz")  # stray letters ("w/", "u")

_POSSESSIVE = re.compile(r"'s\b")
_US_ABBREVIATION = re.compile(r"\bu\.s\.(?:a\.)?")
_WORD = re.compile(r"[a-z0-9]+")
_MAX_PHRASE = 6


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class _CharacterFolds(dict[int, str]):
    """Each character (by code point) folded and stripped of its accents, worked out once, for ``str.translate``.

    Per character is the same as per text: NFKD decomposes each character on its own and then only reorders
    combining marks, which are all dropped. Forgotten all at once when full (questions bring any character).
    """

    def __missing__(self, code: int) -> str:
        folded = _strip_accents(fold_char(chr(code)))
        if len(self) >= _CHARACTER_FOLDS_KEPT:
            self.clear()
        self[code] = folded
        return folded


_CHARACTER_FOLDS_KEPT = 1 << 14
_CHARACTER_FOLDS = _CharacterFolds()
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(found: re.Match[str]) -> str:
    return found.group().translate(_CHARACTER_FOLDS)


def _fold(text: str) -> str:
    """``text`` with typography and accents folded, character by character: the backtick is the only ASCII
    character folded, and the others are looked up run by run (a name's letter, curly quotes)."""
    if "`" in text:
        text = text.replace("`", "'")
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_run, text)
    return text


def _lower(text: str) -> str:
    """Folded ``text`` lower-cased, with "U.S." spelt "us" and possessives dropped."""
    text = text.lower()
    # Each rewrite runs only when its pattern's literal part is there (most texts have neither).
    if "u.s." in text:
        text = _US_ABBREVIATION.sub(" us ", text)
    if "'" in text:
        text = _POSSESSIVE.sub("", text).replace("'", "")
    return text


# ASCII bytes to themselves when they are part of a word (``_WORD``), to a space otherwise.
_ASCII_WORDS = bytes(code if re.fullmatch(_WORD, chr(code)) else ord(" ") for code in range(256))


def raw_tokens(text: str) -> list[str]:
    """Lower-cased word tokens with typography, accents and possessives folded away."""
    # The words are what is left between spaces once every other character is a space (outside ASCII, as "?").
    return _lower(_fold(text)).encode("ascii", "replace").translate(_ASCII_WORDS).decode("ascii").split()


# Stands between the texts of raw_tokens_joined: a control character no validated text holds, which every fold
# keeps as it is and every rewrite treats as the end of a text ("\\b" matches beside it; no pattern spans it).
TEXT_BREAK = "\x00"
_JOINER = f" {TEXT_BREAK} "
_ASCII_WORDS_AND_BREAKS = bytes(
    ord(TEXT_BREAK) if code == ord(TEXT_BREAK) else byte for code, byte in enumerate(_ASCII_WORDS)
)


def raw_tokens_joined(texts: Sequence[str]) -> list[str]:
    """The raw tokens of each text in turn with TEXT_BREAK between one text's and the next's, folded in one pass:
    ``[*raw_tokens(texts[0]), TEXT_BREAK, *raw_tokens(texts[1]), ...]``."""
    joined = _JOINER.join(texts)
    if joined.count(TEXT_BREAK) != len(texts) - 1:  # a text holds the break itself: one at a time
        words: list[str] = []
        for number, text in enumerate(texts):
            if number:
                words.append(TEXT_BREAK)
            words += raw_tokens(text)
        return words
    # Folding and lower-casing go character by character, and no rewrite spans the break: one pass over all the
    # texts gives what each text alone would.
    joined = _lower(_fold(joined))
    # A character outside ASCII is never part of a word: as "?", it becomes a space like any other.
    return joined.encode("ascii", "replace").translate(_ASCII_WORDS_AND_BREAKS).decode("ascii").split()


@functools.lru_cache(maxsize=1 << 16)  # bounded: user questions bring endless new words
def stem(token: str) -> str:
    """A light, conservative suffix stripper so that agree/agrees/agreed meet; both sides use it."""
    if len(token) <= 3 or token.isdigit():
        return token
    for suffix, replacement, minimum in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "e", 5),
        ("s", "", 4),
    ):
        if token.endswith(suffix) and len(token) >= minimum and not token.endswith(("ss", "us", "is")):
            token = token[: len(token) - len(suffix)] + replacement
            break
    if len(token) > 4 and token.endswith("e"):
        token = token[:-1]
    if len(token) > 4 and token[-1] == token[-2] and token[-1] not in "aeiousl":
        token = token[:-1]
    return token


class LexiconError(ProblemsError):
    """The lexicon file is invalid; ``problems`` lists every reason."""

    heading = "the data files are invalid (run `python -m bot facts check`)"


class _LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concepts: dict[str, list[str]] = {}
    entities: dict[str, list[str]] = {}
    off_topic: dict[str, list[str]] = {}


@dataclass(frozen=True)
class Lexicon:
    """Synonym phrases mapped to canonical concept tokens, and names the article never mentions."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    off_topic: dict[tuple[str, ...], str] = field(default_factory=dict)  # their words, and how each is written
    entities: frozenset[str] = frozenset()  # concepts a matching fact must mention: names and kinds of answer
    names: frozenset[str] = frozenset()  # the entities that are people, places or bodies

    @classmethod
    def from_mapping(
        cls,
        concepts: dict[str, list[str]],
        off_topic: Iterable[str],
        names: Iterable[str] = (),
        kinds: Iterable[str] = (),
    ) -> Lexicon:
        """Build from ``{canonical: [variants]}``, off-topic names and entity concepts; reports every problem."""
        phrases: dict[tuple[str, ...], str] = {}
        problems: list[str] = []
        for canonical, variants in concepts.items():
            concept = "_".join(raw_tokens(canonical))
            for variant in (canonical, *variants):
                key = tuple(raw_tokens(variant))
                if not key:
                    problems.append(f"concept {canonical!r}: variant {variant!r} has no words")
                elif len(key) > _MAX_PHRASE:
                    problems.append(f"concept {canonical!r}: variant {variant!r} is longer than {_MAX_PHRASE} words")
                elif phrases.get(key, concept) != concept:
                    problems.append(f"concept {canonical!r}: variant {variant!r} already belongs to {phrases[key]!r}")
                else:
                    phrases[key] = concept
        off_topic_names = {tuple(raw_tokens(name)): name for name in off_topic}
        for name in off_topic_names:
            if name in phrases:
                problems.append(f"off-topic name {' '.join(name)!r} is also a variant of {phrases[name]!r}")
        name_tokens = frozenset("_".join(raw_tokens(name)) for name in names)
        kind_tokens = frozenset("_".join(raw_tokens(kind)) for kind in kinds)
        problems += [
            f"entity {entity!r} is not a concept; add it under [concepts]"
            for entity in sorted((name_tokens | kind_tokens) - set(phrases.values()))
        ]
        if problems:
            raise LexiconError(problems)
        return cls(phrases=phrases, off_topic=off_topic_names, entities=name_tokens | kind_tokens, names=name_tokens)

    @property
    def concepts(self) -> frozenset[str]:
        """The canonical concept tokens."""
        return frozenset(self.phrases.values())

    @cached_property
    def kinds(self) -> frozenset[str]:
        """The entities that ask for a kind of answer (a number, a time, a personal detail), not names."""
        return self.entities - self.names

    @property
    def name_words(self) -> frozenset[str]:
        """The words of the names' variants ("rubio", "marco", "waltz"...): words people misspell freely."""
        return self._variant_words(self.names)

    @property
    def words(self) -> set[str]:
        """Every single word that occurs in a variant (part of the vocabulary typo correction aims at)."""
        return {word for key in self.phrases for word in key}

    @property
    def kind_words(self) -> frozenset[str]:
        """The words of the kinds' variants ("birthday", "starring"...): words that ask for a kind of answer."""
        return self._variant_words(self.kinds)

    def _variant_words(self, concepts: frozenset[str]) -> frozenset[str]:
        """Every word of the variants of ``concepts``."""
        return frozenset(word for key, concept in self.phrases.items() if concept in concepts for word in key)

    def off_topic_names(self, tokens: list[str]) -> list[str]:
        """The off-topic names that occur in ``tokens``, as the lexicon writes them ("China", "UN")."""
        found: dict[int, str] = {}  # by where each starts, so they come in the question's order
        covered: set[int] = set()
        # Longest first: "Kim Jong Un" is one name, not also "UN".
        for size in range(_MAX_PHRASE, 0, -1):
            for start in range(len(tokens) - size + 1):
                window = tuple(tokens[start : start + size])
                if window in self.off_topic and covered.isdisjoint(range(start, start + size)):
                    found[start] = self.off_topic[window]
                    covered.update(range(start, start + size))
        return [found[start] for start in sorted(found)]

    @cached_property
    def single_words(self) -> dict[str, str]:
        """One-word variants and their concepts."""
        return {key[0]: concept for key, concept in self.phrases.items() if len(key) == 1}

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything that turns words into tokens (phrases, entities, names); off-topic names, which
        are only checked when answering, are left out."""
        parts = (sorted(self.phrases.items()), sorted(self.entities), sorted(self.names))
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

    @cached_property
    def phrase_starts(self) -> dict[str, int]:
        """For each word that starts a phrase of two words or more, the length of the longest it starts."""
        longest: dict[str, int] = {}
        for key in self.phrases:
            if len(key) > 1:
                longest[key[0]] = max(longest.get(key[0], 1), len(key))
        return longest


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate the lexicon file; raises LexiconError naming every problem."""
    try:
        with path.open("rb") as handle:
            data = _LexiconFile.model_validate(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LexiconError([f"{path}: cannot read: {error}"]) from error
    except ValidationError as error:
        raise LexiconError([f"{path}: {item['loc']}: {item['msg']}" for item in error.errors()]) from error
    try:
        return Lexicon.from_mapping(
            data.concepts,
            data.off_topic.get("terms", []),
            data.entities.get("names", []),
            data.entities.get("kinds", []),
        )
    except LexiconError as error:
        raise LexiconError([f"{path}: {problem}" for problem in error.problems]) from error
