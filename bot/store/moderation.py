"""Moderators' changes to the stored facts and sources: what each change does and what it refuses.

Each change is made inside the write transaction :class:`bot.store.service.FactService` opens for it: it reads
the fact as stored, builds the record after the change, and :func:`write_change` checks that record and saves it
with its audit entry and change-log row. Applying the committed change to the engine is the service's part.
The look-ups here refuse, in the moderator's words, a fact that is missing or (for a change) removed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from pydantic import ValidationError

from bot.core.engine import Engine
from bot.core.limits import FACT_ID_PATTERN
from bot.core.models import Fact, FactDraft, FactError, Provenance, Source, phrasing_key, resolve_fact
from bot.core.validation import format_validation_error
from bot.store import records
from bot.store.backend import Session
from bot.store.records import FactRecord, now, stamped
from bot.store.terms import FactNotFoundError, ModerationError, fact_slug, parse_draft, unchanged

__all__ = [
    "FactChange",
    "alias_added",
    "alias_removed",
    "checked_source",
    "edited_fact",
    "new_fact",
    "removed_fact",
    "restored_fact",
    "save_new_source",
    "served_record",
    "stored_record",
    "write_change",
]

FactChange = Callable[[Session, str, datetime], Awaitable[tuple[FactRecord | None, FactRecord]]]
"""A change to one fact, made in a session by an actor at a time: the stored record before (None for a new fact)
and the record after."""

_FACT_ID = re.compile(FACT_ID_PATTERN)


async def write_change(session: Session, action: str, actor: str, change: FactChange) -> FactRecord:
    """Make ``change`` and save the fact with its audit entry and change-log row; refused when it changes nothing
    or gives the fact a phrasing another served fact has."""
    at = now()
    before, after = await change(session, actor, at)
    if before is not None and unchanged(before, after):
        raise ModerationError(
            [f'That changes nothing: fact "{after.fact.id}" already reads like that, so nothing was saved.']
        )
    if after.served:
        clashes = await records.phrasing_clashes(session, after.fact)
        if clashes:
            raise ModerationError([*clashes, "Remove that phrasing from the other fact first, or use another."])
    await records.save_fact(session, after, exists=before is not None)
    await records.write_audit(session, action, actor, at, before=before, after=after)
    return after


def new_fact(draft: FactDraft, engine: Engine) -> FactChange:
    """A new moderator fact from ``draft``, its quotes found in ``engine``'s sources; its id comes from the
    question when ``draft.id`` is None."""

    async def change(session: Session, actor: str, at: datetime) -> tuple[FactRecord | None, FactRecord]:
        if draft.id is not None and await records.load_fact_record(session, draft.id) is not None:
            raise ModerationError([f'The id "{draft.id}" is taken; choose another or leave the id out.'])
        fact_id = draft.id or await _free_id(session, draft.question)
        fact = _resolve(draft, fact_id, None, engine.sources)
        return None, FactRecord(stamped(fact, "moderator", None, actor, at), None, actor, at)

    return change


def edited_fact(fact_id: str, draft: FactDraft, engine: Engine, unless_changed: Fact | None) -> FactChange:
    """A served fact with ``draft``'s question, aliases, answer, citations and tags, its quotes found in
    ``engine``'s sources; refused at once when the draft names another id, and when made if the fact no longer
    equals ``unless_changed`` (when given)."""
    if draft.id is not None and draft.id != fact_id:
        raise ModerationError([f'A fact\'s id cannot change ("{fact_id}" to "{draft.id}"); add a new fact.'])

    async def change(session: Session, actor: str, at: datetime) -> tuple[FactRecord | None, FactRecord]:
        before = await served_record(session, fact_id)
        if unless_changed is not None and before.fact != unless_changed:
            changed_by = before.fact.provenance.actor or "someone"
            raise ModerationError(
                [f'Fact "{fact_id}" was changed by {changed_by} since you opened it; open it again to edit it.']
            )
        fact = _resolve(draft, fact_id, before.fact, engine.sources)
        origin = before.fact.provenance
        return before, dataclasses.replace(before, fact=stamped(fact, origin.origin, origin.file, actor, at))

    return change


def removed_fact(fact_id: str) -> FactChange:
    """A served fact no longer served (kept, to be restored)."""

    async def change(session: Session, actor: str, at: datetime) -> tuple[FactRecord | None, FactRecord]:
        before = await served_record(session, fact_id)
        return before, dataclasses.replace(before, removed_by=actor, removed_at=at)

    return change


def restored_fact(fact_id: str) -> FactChange:
    """A removed fact served again."""

    async def change(session: Session, actor: str, at: datetime) -> tuple[FactRecord | None, FactRecord]:
        before = await stored_record(session, fact_id)
        if before.served:
            raise ModerationError([f'Fact "{fact_id}" is not removed, so there is nothing to restore.'])
        return before, dataclasses.replace(before, removed_by=None, removed_at=None)

    return change


def alias_added(fact_id: str, alias: str) -> FactChange:
    """A served fact with ``alias`` as another phrasing; refused at once when ``alias`` is blank."""
    if not alias.strip():
        raise ModerationError(['alias: give the other phrasing to add (it is blank), e.g. "did moscow agree"'])

    def aliases(fact: Fact) -> list[str]:
        return [*fact.aliases, alias]

    return _aliases_changed(fact_id, aliases)


def alias_removed(fact_id: str, alias: str) -> FactChange:
    """A served fact without the alias ``alias`` (matched the way questions are: case, spacing and end
    punctuation aside)."""

    def aliases(fact: Fact) -> list[str]:
        key = phrasing_key(alias)
        if key == phrasing_key(fact.question):
            raise ModerationError([f'"{alias}" is the question of fact "{fact.id}"; edit the question instead.'])
        kept = [existing for existing in fact.aliases if phrasing_key(existing) != key]
        if len(kept) == len(fact.aliases):
            known = ", ".join(f'"{a}"' for a in fact.aliases) or "none"
            raise ModerationError([f'Fact "{fact.id}" has no alias "{alias}" (its aliases: {known}).'])
        return kept

    return _aliases_changed(fact_id, aliases)


def _aliases_changed(fact_id: str, aliases: Callable[[Fact], list[str]]) -> FactChange:
    """A served fact with the aliases ``aliases`` gives for it, checked like a draft's."""

    async def change(session: Session, actor: str, at: datetime) -> tuple[FactRecord | None, FactRecord]:
        before = await served_record(session, fact_id)
        fact = before.fact
        draft = parse_draft({**fact.to_draft().model_dump(), "aliases": aliases(fact)})
        origin = fact.provenance
        changed = stamped(fact.model_copy(update={"aliases": draft.aliases}), origin.origin, origin.file, actor, at)
        return before, dataclasses.replace(before, fact=changed)

    return change


def checked_source(
    source_id: str, title: str, outlet: str, text: str, *, author: str | None, labels: Mapping[str, str] | None
) -> Source:
    """A plain-text source document from what a moderator gave, or ModerationError naming each field as
    ``labels`` does (control characters, NUL among them, are refused by the model: no plain-text document holds
    one, and no PostgreSQL text column can)."""
    try:
        source = Source(id=source_id, title=title, outlet=outlet, author=author, text=text)
    except ValidationError as error:
        raise ModerationError(format_validation_error(error, labels)) from error
    if not text.strip():
        raise ModerationError([f"{(labels or {}).get('text', 'text')}: the source document is blank"])
    return source


async def save_new_source(session: Session, source: Source, actor: str) -> None:
    """Register ``source`` (with its change-log row); refused when its id is taken."""
    if await records.load_source(session, source.id) is not None:
        raise ModerationError([f'A source "{source.id}" is already registered; choose another id.'])
    await records.save_source(session, source, "moderator", actor, now(), exists=False)


async def stored_record(session: Session, fact_id: str) -> FactRecord:
    """A stored fact's record, served or removed; FactNotFoundError when no fact has the id."""
    record = None if not _FACT_ID.match(fact_id) else await records.load_fact_record(session, fact_id)
    if record is None:
        raise FactNotFoundError(fact_id)
    return record


async def served_record(session: Session, fact_id: str) -> FactRecord:
    """A served fact's record; FactNotFoundError when no fact has the id, ModerationError when it is removed."""
    record = await stored_record(session, fact_id)
    if not record.served:
        raise ModerationError([f'Fact "{fact_id}" is removed; restore it first.'])
    return record


def _resolve(draft: FactDraft, fact_id: str, current: Fact | None, sources: Mapping[str, Source]) -> Fact:
    """``draft`` with its quotes verified in ``sources`` (quotes ``current`` has unchanged kept in place)."""
    if current is not None:
        kept = {(c.quote, c.source): c for c in current.citations}
        pinned = []
        for citation in draft.citations:
            stored = kept.get((citation.quote, citation.source))
            if stored is None or citation.occurrence is not None or stored.source not in sources:
                pinned.append(citation)
            else:
                occurrence = records.occurrence_of(stored, sources[stored.source])
                pinned.append(citation.model_copy(update={"occurrence": occurrence}))
        draft = draft.model_copy(update={"citations": tuple(pinned)})
    try:
        return resolve_fact(draft, fact_id, sources, Provenance(origin="moderator"))
    except FactError as error:
        raise ModerationError(error.problems) from error
    except ValidationError as error:
        raise ModerationError(format_validation_error(error)) from error


async def _free_id(session: Session, question: str) -> str:
    """An id made from ``question`` that no stored fact has (a number added when the plain one is taken)."""
    slug = fact_slug(question)
    candidate, number = slug, 1
    while await session.fetch_value(session.sql.FACT_EXISTS, (candidate,)) is not None:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate
