"""Validated models for sources and facts: drafts as people write them, facts as the engine serves them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from bot.core.limits import (
    ALIAS_MAX,
    ANSWER_MAX,
    FACT_ID_PATTERN,
    QUESTION_MAX,
    QUOTE_MAX,
    SOURCE_ID_PATTERN,
    SPEAKER_MAX,
    TAG_PATTERN,
)
from bot.core.quotes import FoldedSource, QuoteError, locate
from bot.core.text import collapse_whitespace, fold_text

__all__ = [
    "Citation",
    "CitationDraft",
    "Fact",
    "FactDraft",
    "FactError",
    "Provenance",
    "Source",
    "phrasing_key",
    "resolve_fact",
]

FactId = Annotated[str, StringConstraints(pattern=FACT_ID_PATTERN)]
SourceId = Annotated[str, StringConstraints(pattern=SOURCE_ID_PATTERN)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=TAG_PATTERN)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=QUESTION_MAX)]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=ALIAS_MAX)]
Answer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ANSWER_MAX)]
Quote = Annotated[str, StringConstraints(min_length=1, max_length=QUOTE_MAX)]
Speaker = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SPEAKER_MAX)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def phrasing_key(text: str) -> str:
    """The form under which two phrasings count as the same: folded, lower-cased, spaced, unpunctuated ends."""
    return collapse_whitespace(fold_text(text).lower()).strip(" ?!.")


def _no_control_characters(value: str) -> str:
    if any(ord(char) < 32 and char not in "\n\t" for char in value):
        raise ValueError("must not contain control characters")
    return value


class Source(BaseModel):
    """A registered source document and what is known about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: SourceId
    title: Line
    outlet: Line
    author: Line | None = None
    photo_credit: Line | None = None
    text: str = Field(repr=False, min_length=1)

    @cached_property
    def folded(self) -> FoldedSource:
        """The text folded for quote search (built once)."""
        return FoldedSource(self.text)


class CitationDraft(BaseModel):
    """A citation as written: the quotation, who said it, and in which source."""

    model_config = _FROZEN

    quote: Quote
    speaker: Speaker
    source: SourceId
    occurrence: int | None = Field(default=None, ge=1)

    _check_quote = field_validator("quote", "speaker")(_no_control_characters)

    @field_validator("quote")
    @classmethod
    def _quote_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Citation(BaseModel):
    """A verified citation: ``quote`` is exactly ``source.text[start:end]``."""

    model_config = _FROZEN

    quote: str
    speaker: str
    source: SourceId
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Provenance(BaseModel):
    """Where a fact came from: a curated data file, or a moderator at a time."""

    model_config = _FROZEN

    origin: Literal["curated", "moderator"]
    file: str | None = None
    actor: str | None = None
    at: datetime | None = None


class FactDraft(BaseModel):
    """A fact as a person writes it (data file, command line or Discord modal), before its quotes are checked."""

    model_config = _FROZEN

    id: FactId | None = None
    question: Question
    aliases: tuple[Alias, ...] = ()
    answer: Answer
    citations: tuple[CitationDraft, ...] = Field(min_length=1)
    tags: tuple[Tag, ...] = ()

    _check_text = field_validator("question", "answer")(_no_control_characters)

    @field_validator("aliases", mode="before")
    @classmethod
    def _drop_blank_aliases(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(item for item in value if not (isinstance(item, str) and not item.strip()))
        return value

    @model_validator(mode="after")
    def _aliases_distinct(self) -> FactDraft:
        seen = {phrasing_key(self.question): "the question"}
        for alias in self.aliases:
            _no_control_characters(alias)
            key = phrasing_key(alias)
            if key in seen:
                raise ValueError(f'alias "{alias}" repeats {seen[key]}')
            seen[key] = f'alias "{alias}"'
        return self

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The question followed by its aliases."""
        return (self.question, *self.aliases)


class Fact(BaseModel):
    """A fact the engine serves: every citation verified against its source."""

    model_config = _FROZEN

    id: FactId
    question: str
    aliases: tuple[str, ...]
    answer: str
    citations: tuple[Citation, ...] = Field(min_length=1)
    tags: tuple[str, ...] = ()
    provenance: Provenance = Provenance(origin="curated")

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The question followed by its aliases."""
        return (self.question, *self.aliases)

    def to_draft(self) -> FactDraft:
        """The editable form of this fact (quotes as stored, so they verify again unchanged)."""
        return FactDraft(
            id=self.id,
            question=self.question,
            aliases=self.aliases,
            answer=self.answer,
            citations=tuple(CitationDraft(quote=c.quote, speaker=c.speaker, source=c.source) for c in self.citations),
            tags=self.tags,
        )


class FactError(ValueError):
    """A fact that cannot be accepted; ``problems`` lists every reason, each saying what to fix."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def resolve_fact(draft: FactDraft, fact_id: str, sources: Mapping[str, Source], provenance: Provenance) -> Fact:
    """Verify every quotation of ``draft`` in its source and return the fact with exact spans.

    Raises FactError listing every citation that fails, with the closest passage for each quote not found.
    """
    citations: list[Citation] = []
    problems: list[str] = []
    for number, draft_citation in enumerate(draft.citations, start=1):
        source = sources.get(draft_citation.source)
        if source is None:
            known = ", ".join(sorted(sources)) or "none"
            problems.append(f'citation {number}: unknown source "{draft_citation.source}" (known: {known})')
            continue
        try:
            span = locate(source.folded, draft_citation.quote, draft_citation.occurrence)
        except QuoteError as error:
            problems.append(f"citation {number}: {error}")
            continue
        citations.append(
            Citation(
                quote=span.text,
                speaker=draft_citation.speaker,
                source=source.id,
                start=span.start,
                end=span.end,
            )
        )
    if problems:
        raise FactError(problems)
    return Fact(
        id=fact_id,
        question=draft.question,
        aliases=draft.aliases,
        answer=draft.answer,
        citations=tuple(citations),
        tags=draft.tags,
        provenance=provenance,
    )
