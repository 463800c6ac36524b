"""Locating a quotation in its source: tolerant of typography, exact in what it returns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.text import fold_char, fold_text

__all__ = ["FoldedSource", "QuoteAmbiguousError", "QuoteError", "QuoteNotFoundError", "QuoteSpan", "locate"]


_PARAGRAPH_PIECE = re.compile(r"(?:(?!\n\s*\n).)+", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """An exact span of a source: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


class QuoteError(ValueError):
    """A quotation could not be pinned to exactly one span of its source."""


class QuoteNotFoundError(QuoteError):
    """The quotation is not in the source; ``closest`` is the nearest passage, for the error message."""

    def __init__(self, quote: str, closest: QuoteSpan | None, similarity: float) -> None:
        self.quote = quote
        self.closest = closest
        self.similarity = similarity
        hint = f' The closest passage ({similarity:.0f}% alike) is: "{closest.text}"' if closest else ""
        super().__init__(f'Quote not found in the source: "{quote}".{hint}')


class QuoteAmbiguousError(QuoteError):
    """The quotation occurs more than once, so it does not say which passage it cites."""

    def __init__(self, quote: str, spans: list[QuoteSpan]) -> None:
        self.quote = quote
        self.spans = spans
        where = ", ".join(f"at {span.start}" for span in spans)
        super().__init__(
            f'Quote "{quote}" occurs {len(spans)} times in the source ({where}); '
            "quote a longer passage so it names one place, or give its occurrence number."
        )


class FoldedSource:
    """A source text folded for searching, with a map from every folded index back to the original."""

    __slots__ = ("_folded", "_origin", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        folded: list[str] = []
        origin: list[int] = []
        previous_space = True  # drops leading whitespace
        for index, char in enumerate(text):
            is_space = char.isspace()
            if is_space and previous_space:
                continue
            folded.append(" " if is_space else fold_char(char))
            origin.append(index)
            previous_space = is_space
        self._folded = "".join(folded)
        self._origin = origin

    def _span(self, folded_start: int, folded_end: int) -> QuoteSpan:
        start = self._origin[folded_start]
        end = self._origin[folded_end - 1] + 1
        return QuoteSpan(start, end, self.text[start:end])

    def find_all(self, quote: str) -> list[QuoteSpan]:
        """Every span whose folded text equals the folded ``quote``, in source order."""
        needle = _fold_query(quote)
        if not needle:
            return []
        spans = []
        position = self._folded.find(needle)
        while position != -1:
            spans.append(self._span(position, position + len(needle)))
            position = self._folded.find(needle, position + 1)
        return spans

    def closest(self, quote: str) -> tuple[QuoteSpan | None, float]:
        """The passage most like ``quote`` and how alike it is (0-100), for error messages."""
        needle = _fold_query(quote)
        if not needle or not self._folded:
            return None, 0.0
        alignment = fuzz.partial_ratio_alignment(needle, self._folded)
        if alignment is None or alignment.dest_end <= alignment.dest_start:
            return None, 0.0
        # Widen to whole words so the moderator sees a passage they can copy.
        start, end = alignment.dest_start, alignment.dest_end
        while start > 0 and self._folded[start - 1] != " ":
            start -= 1
        while end < len(self._folded) and self._folded[end] != " ":
            end += 1
        span = self._span(start, end)
        # Keep to one paragraph: the longest piece between blank lines, its ends stripped.
        piece = max(_PARAGRAPH_PIECE.finditer(span.text), key=lambda m: len(m.group().strip()))
        text = piece.group()
        offset = span.start + piece.start() + (len(text) - len(text.lstrip()))
        text = text.strip()
        return QuoteSpan(offset, offset + len(text), text), alignment.score


def _fold_query(quote: str) -> str:
    return " ".join(fold_text(quote).split())


def locate(source: FoldedSource, quote: str, occurrence: int | None = None) -> QuoteSpan:
    """Find ``quote`` in ``source`` ignoring typography and whitespace; return the source's own span.

    ``occurrence`` (1-based) picks one place when the quotation occurs more than once.
    """
    spans = source.find_all(quote)
    if not spans:
        closest, similarity = source.closest(quote)
        raise QuoteNotFoundError(quote, closest, similarity)
    if occurrence is not None:
        if not 1 <= occurrence <= len(spans):
            raise QuoteError(f'Quote "{quote}" occurs {len(spans)} time(s); occurrence {occurrence} is out of range.')
        return spans[occurrence - 1]
    if len(spans) > 1:
        raise QuoteAmbiguousError(quote, spans)
    return spans[0]
