"""What FactService takes and gives: its refusals, the records it returns, and the checks on what people type
before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from bot.core.engine import AskResult
from bot.core.models import FactDraft
from bot.core.problems import ProblemsError
from bot.core.text import fold_text
from bot.core.validation import format_validation_error
from bot.store.records import FactRecord

__all__ = [
    "ACTOR_MAX",
    "AskRecord",
    "AuditEntry",
    "FactNotFoundError",
    "ModerationError",
    "UnansweredQuestion",
    "check_actor",
    "fact_slug",
    "parse_draft",
    "printable",
    "unchanged",
]

ACTOR_MAX = 100
_SLUG_MAX = 40


class ModerationError(ProblemsError):
    """A change that cannot be made; ``problems`` lists each reason, saying what is wrong and how to fix it."""


class FactNotFoundError(ModerationError):
    """No fact has the given id."""

    def __init__(self, fact_id: str) -> None:
        self.fact_id = fact_id
        super().__init__([f'There is no fact "{fact_id}"; check the id (fact ids are listed by `facts list`).'])


@dataclass(frozen=True)
class AskRecord:
    """The engine's answer and, when the question was recorded, its id (to attach feedback to)."""

    result: AskResult
    asked_id: int | None


@dataclass(frozen=True)
class AuditEntry:
    """One change to a fact: who, when, and the fact before and after (None when absent or removed)."""

    id: int
    fact_id: str
    action: str
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question people asked that got no answer: how often, when last, and the closest fact."""

    question: str
    count: int
    last_asked: datetime
    best_fact_id: str | None


def parse_draft(data: Mapping[str, object], labels: Mapping[str, str] | None = None) -> FactDraft:
    """A FactDraft from raw fields; invalid fields raise ModerationError with one readable line each, naming each
    field as ``labels`` does (how the person typed it, e.g. ``--answer``)."""
    try:
        return FactDraft.model_validate(data)
    except ValidationError as error:
        raise ModerationError(format_validation_error(error, labels)) from error


def check_actor(actor: str) -> str:
    """``actor`` trimmed, or ModerationError when it is not a name that can be stored."""
    actor = actor.strip()
    valid = 1 <= len(actor) <= ACTOR_MAX and all(ord(char) >= 32 for char in actor)
    try:
        # Python strings may hold lone surrogates (undecodable command-line bytes); SQLite cannot store them.
        actor.encode("utf-8")
    except UnicodeEncodeError:
        valid = False
    if not valid:
        raise ModerationError([f"actor: give a name of 1 to {ACTOR_MAX} characters of text on one line"])
    return actor


def fact_slug(question: str) -> str:
    """An id made from the words of ``question`` (lower case, joined by hyphens), or ``fact``."""
    words = re.findall(r"[a-z0-9]+", fold_text(question).lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > _SLUG_MAX:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "fact"


def printable(text: str | None) -> str | None:
    """``text`` safe to store when it is only a record of what was typed (undecodable characters and NUL, which
    PostgreSQL cannot store, replaced)."""
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def unchanged(before: FactRecord, after: FactRecord) -> bool:
    """Whether a change leaves the fact as it was (who changed it and when aside)."""
    unstamped = after.fact.model_copy(update={"provenance": before.fact.provenance})
    return unstamped == before.fact and before.served == after.served
