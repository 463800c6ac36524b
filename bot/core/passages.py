"""Finding the article's own words: the paragraphs that contain a phrase, or the closest one when none does."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.models import Source
from bot.core.text import fold_text

__all__ = ["Passage", "find_passages"]


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph of ``source`` and the span of it that matched (``start``/``end`` within ``paragraph``)."""

    source: Source
    paragraph: str
    start: int
    end: int
    similarity: float  # 100 for a verbatim match

    @property
    def exact(self) -> bool:
        """Whether the phrase occurs in the paragraph word for word (typography aside)."""
        return self.similarity >= 100


def _paragraph(source: Source, start: int, end: int, similarity: float) -> Passage:
    text = source.text
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last == -1 else last
    return Passage(source, text[first:last], start - first, end - first, similarity)


def find_passages(sources: Iterable[Source], phrase: str, limit: int = 3) -> list[Passage]:
    """Up to ``limit`` paragraphs containing ``phrase`` (ignoring case, typography and spacing), in article
    order; when none does, the closest passage with its similarity (an empty list if nothing is alike)."""
    sources = list(sources)
    # fold_text keeps every index, so matches in the folded text are spans of the original.
    pattern = re.compile(r"\s+".join(re.escape(word) for word in fold_text(phrase).split()), re.IGNORECASE)
    found: dict[tuple[str, str], Passage] = {}
    if pattern.pattern:
        for source in sources:
            for match in pattern.finditer(fold_text(source.text)):
                passage = _paragraph(source, match.start(), match.end(), 100.0)
                found.setdefault((source.id, passage.paragraph), passage)
    if found:
        return list(found.values())[:limit]
    best: Passage | None = None
    for source in sources:
        span, similarity = source.folded.closest(phrase)
        if span is not None and (best is None or similarity > best.similarity):
            best = _paragraph(source, span.start, span.end, min(similarity, 99.0))
    return [best] if best is not None else []
