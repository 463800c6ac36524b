"""Text analysis shared by indexing and asking: words to canonical tokens, and typos against known words.

A text's words are rewritten by the lexicon (its phrases longest first, then single words), stop words dropped,
the rest stemmed. Typo correction aims at the vocabulary: the words of the indexed facts and of the lexicon.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import compress

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.lexicon import STOPWORDS, TEXT_BREAK, Lexicon, raw_tokens, stem

__all__ = ["Analyser"]

# Typo corrections remembered until the vocabulary changes; bounded, as questions bring endless new words.
_CORRECTIONS_KEPT = 4096
# Words whose token is remembered (see _WordTokens), and speakers whose words are: bounded for the same reason.
_WORD_TOKENS_KEPT = 1 << 18
_SPEAKERS_KEPT = 1 << 14
_LETTERS = re.compile(r"[^\W\d_]+")


class _WordTokens(dict[str, str | None]):
    """Each word's token outside a phrase of several words, computed once: its one-word concept, else the word
    stemmed, or None for a stop word. Forgotten all at once when full (questions bring endless new words)."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self._single = lexicon.single_words
        self._concepts = lexicon.concepts

    def __missing__(self, word: str) -> str | None:
        if word == TEXT_BREAK:  # stays between texts split together
            return word
        token = self._single.get(word, word)
        found = None if token in STOPWORDS else token if token in self._concepts else stem(token)
        if len(self) >= _WORD_TOKENS_KEPT:
            self.clear()
        self[word] = found
        return found


class Analyser:
    """The lexicon's reading of texts, and the vocabulary of the indexed facts that typos are corrected against.

    The index tells the analyser which raw words its facts hold (:meth:`count_words`); the vocabulary is rebuilt
    lazily when words came or went. ``real_word`` tells a real word the vocabulary lacks from a typo (see
    :meth:`correct`).
    """

    def __init__(self, lexicon: Lexicon, real_word: Callable[[str], bool] = lambda word: False) -> None:
        self.lexicon = lexicon
        self._lexicon_words = lexicon.words
        self._name_words = lexicon.name_words
        self._kind_words = lexicon.kind_words
        self._real_word = real_word
        self._word_tokens = _WordTokens(lexicon)
        self._phrase_starts = lexicon.phrase_starts
        self._speaker_words: dict[str, list[str]] = {}
        self.word_frequency: Counter[str] = Counter()  # raw words of the indexed facts -> how often they occur
        self._vocabulary: list[str] = []
        self._vocabulary_by_length: dict[int, list[str]] = {}
        self._corrections: dict[str, str] = {}
        self._vocabulary_stale = True

    # -- tokens -------------------------------------------------------------------------------------------

    def tokens(self, text: str, correct: bool = False) -> list[str]:
        """The canonical content tokens of ``text`` (typos corrected first when ``correct``)."""
        words = raw_tokens(text)
        if correct:
            words = [self.correct(word) for word in words]
        return self.canonical(words)

    def spelled(self, text: str, kept: Callable[[str], bool]) -> str:
        """``text`` with each word read as a typo of a known word spelt as that word ("who took the phot" -> "who
        took the photo"), except the words ``kept`` says are real words as they are (lower-cased)."""

        def spell(word: re.Match[str]) -> str:
            lowered = word.group().lower()
            corrected = self.correct(lowered)
            return word.group() if corrected == lowered or kept(lowered) else corrected

        return _LETTERS.sub(spell, text)

    def canonical(self, words: list[str]) -> list[str]:
        """``words`` rewritten by the lexicon (longest phrase first), stop words dropped, the rest stemmed.

        Word by word through a cache, as a word outside a phrase always becomes the same token (or none); then
        the phrases, found left to right from the words that start one, longest first.
        Tokens are never empty, so ``filter(None, ...)`` drops exactly the stop words' None.
        """
        starts = self._phrase_starts
        if starts.keys().isdisjoint(words):  # most texts hold no phrase of several words
            return list(filter(None, map(self._word_tokens.__getitem__, words)))
        token_of = self._word_tokens.__getitem__
        phrases = self.lexicon.phrases
        tokens: list[str] = []
        position = 0
        for start in compress(range(len(words)), map(starts.__contains__, words)):
            if start < position:  # inside a phrase already taken
                continue
            # From the longest phrase the word starts down to two words; none found, the word is read alone.
            for size in range(min(starts[words[start]], len(words) - start), 1, -1):
                concept = phrases.get(tuple(words[start : start + size]))
                if concept is not None:
                    tokens += filter(None, map(token_of, words[position:start]))
                    if concept not in STOPWORDS:
                        tokens.append(concept)
                    position = start + size
                    break
        tokens += filter(None, map(token_of, words[position:]))
        return tokens

    def words_of_speaker(self, speaker: str) -> list[str]:
        """``raw_tokens(speaker)``, remembered (a base has far fewer speakers than facts); not to be changed."""
        words = self._speaker_words.get(speaker)
        if words is None:
            if len(self._speaker_words) >= _SPEAKERS_KEPT:
                self._speaker_words.clear()
            words = self._speaker_words[speaker] = raw_tokens(speaker)
        return words

    # -- vocabulary -----------------------------------------------------------------------------------------

    def is_known(self, word: str) -> bool:
        """Whether ``word`` (a raw word) occurs in an indexed fact or the lexicon."""
        return word in self.word_frequency or word in self._lexicon_words

    def count_words(self, words: list[str], sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) a fact's raw words; the vocabulary is rebuilt when words come or go.
        TEXT_BREAK marks between texts are not words."""
        frequency = self.word_frequency
        if sign > 0:
            known = len(frequency)
            frequency.update(words)  # counted in C, breaks between texts too: dropped straight after
            frequency.pop(TEXT_BREAK, None)
            self._vocabulary_stale |= len(frequency) != known
            return
        for word, count in Counter(words).items():
            if word == TEXT_BREAK:
                continue
            left = frequency.get(word, 0) + sign * count
            if left > 0:
                self._vocabulary_stale |= word not in frequency
                frequency[word] = left
            else:
                del frequency[word]
                self._vocabulary_stale = True

    def add_word_counts(self, counts: dict[str, int]) -> None:
        """Add the raw word counts of facts indexed elsewhere (an absorbed index state)."""
        self.word_frequency.update(counts)
        self._vocabulary_stale = True

    def _refresh_vocabulary(self) -> None:
        """Rebuild the sorted vocabulary (words of the facts and the lexicon longer than three letters) and its
        buckets by length after words came or went; corrections made against the old one are forgotten."""
        if not self._vocabulary_stale:
            return
        known = {word for word in self.word_frequency if len(word) > 3}
        self._vocabulary = sorted(known | {word for word in self._lexicon_words if len(word) > 3})
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            by_length[len(word)].append(word)
        self._vocabulary_by_length = dict(by_length)
        self._corrections.clear()
        self._vocabulary_stale = False

    def correct(self, word: str) -> str:
        """The known word ``word`` was most likely meant as, or ``word`` itself (remembered until words change).
        A real word is not read as a word asking for a kind of answer ("started" is not "starred"): that reading
        would turn a question the article answers into one it does not."""
        if len(word) <= 3 or word.isdigit() or word in STOPWORDS:
            return word
        if self.is_known(word):
            return word
        self._refresh_vocabulary()
        corrected = self._corrections.get(word)
        if corrected is None:
            corrected = self._closest_known(word)
            if corrected in self._kind_words and self._real_word(word):
                corrected = word
            if len(self._corrections) >= _CORRECTIONS_KEPT:
                self._corrections.clear()
            self._corrections[word] = corrected
        return corrected

    def _closest_known(self, word: str) -> str:
        """The correction for an unknown word.

        Short words allow one dropped, added or swapped letter but no substituted one, since a substitution in
        a short word usually makes another real word ("held" is not "help"), except into a name ("rubyo",
        "walts"); longer words allow one edit of any kind, and words of eight letters or more two.
        """
        allowed = 2 if len(word) >= 8 else 1
        # A word more than `allowed` letters longer or shorter is more than `allowed` edits away: only the
        # buckets of nearby lengths are searched. Ties go to the alphabetically first word, as they would in
        # one sorted list.
        found: list[tuple[str, int, int]] = []
        for length in range(len(word) - allowed, len(word) + allowed + 1):
            bucket = self._vocabulary_by_length.get(length, [])
            found += process.extract(word, bucket, scorer=OSA.distance, score_cutoff=allowed, limit=None)
        found.sort(key=lambda item: (item[1], item[0]))
        for known, _, _ in found[:5]:
            substituted = len(known) == len(word) and sorted(known) != sorted(word)
            if len(word) >= 6 or not substituted or known in self._name_words:
                return str(known)
        return word

    def complete_word(self, prefix: str) -> str | None:
        """The most frequent known word starting with ``prefix`` (among the first fifty), if any."""
        self._refresh_vocabulary()
        vocabulary = self._vocabulary
        start = bisect_left(vocabulary, prefix)
        matches = []
        for word in vocabulary[start : start + 50]:
            if not word.startswith(prefix):
                break
            matches.append(word)
        return max(matches, key=lambda w: self.word_frequency[w], default=None)
