"""Validated models for sources and facts: drafts as people write them, facts as the engine serves them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.limits import (
    ALIAS_MAX,
    ANSWER_MAX,
    FACT_ID_PATTERN,
    QUESTION_MAX,
    QUOTE_MAX,
    SOURCE_ID_PATTERN,
    SOURCE_TEXT_MAX,
    SPEAKER_MAX,
    TAG_PATTERN,
)
from bot.core.problems import ProblemsError
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
    "tag_of",
    "trusted",
    "trusted_builder",
]

FactId = Annotated[str, StringConstraints(pattern=FACT_ID_PATTERN)]
SourceId = Annotated[str, StringConstraints(pattern=SOURCE_ID_PATTERN)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=TAG_PATTERN)]
_TAG = TypeAdapter(Tag)


def tag_of(text: str) -> str | None:
    """``text`` as a topic tag (trimmed and lower-cased, as facts store them); None when it cannot be one."""
    try:
        return _TAG.validate_python(text.strip().lower())  # the pattern is checked on the text as given
    except ValidationError:
        return None


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


# Control characters no text document holds (whitespace ones aside).
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Markdown's masked link, "[text](https://...)": Discord shows only the text, hiding where the link goes.
_MASKED_LINK = re.compile(r"\[[^\]]*\]\(\s*<?\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _no_masked_links(value: str) -> str:
    if _MASKED_LINK.search(value):
        raise ValueError("must not hide a link behind text ([text](address)); write the address itself")
    return value


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
    text: str = Field(repr=False, min_length=1, max_length=SOURCE_TEXT_MAX)

    @field_validator("text")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if _BINARY.search(value):
            raise ValueError("must be plain text: it holds control characters (a binary file?)")
        return value

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
    _check_links = field_validator("answer")(_no_masked_links)

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


class FactError(ProblemsError):
    """A fact that cannot be accepted; ``problems`` lists every reason, each saying what to fix."""


_Model = TypeVar("_Model", bound=BaseModel)
# Per model: its field names in declaration order, and the one fields-set every instance :func:`trusted` makes
# shares (each is every field of the model).
_PLAIN_FIELDS: dict[type[BaseModel], tuple[tuple[str, ...], set[str]]] = {}


def trusted(model: type[_Model], fields: dict[str, Any]) -> _Model:
    """An instance of ``model`` from values validated before (a row the store wrote after validating it), not
    validated again: what ``model.model_construct(**fields)`` makes when ``fields`` gives every field, in the
    order the model declares them. Unlike model_construct, every instance shares one fields-set (a set of
    names is 200-700 bytes, several times a small model's own size) and ``fields`` becomes its ``__dict__``.

    Only for plain models like these: frozen, no aliases, private attributes or post-init hook (checked once
    per model). Pydantic never changes a fields-set in place: a frozen model refuses assignment, and
    ``model_copy`` copies the set before adding to it.
    """
    names = (_PLAIN_FIELDS.get(model) or _plain_fields(model))[0]
    if tuple(fields) != names:
        raise ValueError(f"{model.__name__} needs the fields {list(names)} in that order, not {list(fields)}")
    return trusted_builder(model)(fields)


def trusted_builder(model: type[_Model]) -> Callable[[dict[str, Any]], _Model]:
    """:func:`trusted` for many instances: the builder checks nothing, so give it every field in order."""
    names = (_PLAIN_FIELDS.get(model) or _plain_fields(model))[1]
    new, assign = model.__new__, object.__setattr__

    def build(fields: dict[str, Any]) -> _Model:
        instance = new(model)
        assign(instance, "__dict__", fields)
        assign(instance, "__pydantic_fields_set__", names)
        assign(instance, "__pydantic_extra__", None)
        assign(instance, "__pydantic_private__", None)
        return instance

    return build


def _plain_fields(model: type[BaseModel]) -> tuple[tuple[str, ...], set[str]]:
    """The field names of ``model``, after checking that :func:`trusted` makes what model_construct would."""
    fields = model.model_fields
    plain = (
        model.model_config.get("frozen")
        and model.model_config.get("extra") != "allow"
        and not model.__private_attributes__
        and not model.__pydantic_post_init__
        and not model.__pydantic_root_model__
        and all(field.alias is None and field.validation_alias is None for field in fields.values())
    )
    if not plain:
        raise TypeError(f"{model.__name__} is not a plain frozen model; validate it instead")
    names = _PLAIN_FIELDS[model] = (tuple(fields), set(fields))
    return names


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
