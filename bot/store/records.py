"""Facts and sources as database rows: reading them into the core models and writing them back."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from bot.core.models import Citation, Fact, Provenance, Source, phrasing_key
from bot.core.render import fact_json
from bot.store import sql
from bot.store.database import Session

__all__ = [
    "FactRecord",
    "Origin",
    "SourceOrigin",
    "load_fact_record",
    "load_fact_records",
    "load_source",
    "load_sources",
    "now",
    "occurrence_of",
    "parse_time",
    "phrasing_clashes",
    "save_fact",
    "save_source",
    "snapshot",
    "stamped",
    "timestamp",
    "write_audit",
]

SourceOrigin = Literal["seed", "moderator"]
Origin = Literal["curated", "moderator"]


def now() -> datetime:
    """The current time in UTC (every stored time is UTC)."""
    return datetime.now(UTC)


def timestamp(at: datetime) -> str:
    """``at`` as stored: ISO 8601 in UTC with microseconds, so text order is time order."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(value: str) -> datetime:
    """A stored time back as an aware datetime."""
    return datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class FactRecord:
    """A stored fact with the bookkeeping the core model does not carry.

    ``fact.provenance`` holds the origin, curated file and the last change (actor, time).
    """

    fact: Fact
    curated_hash: str | None
    created_by: str
    created_at: datetime
    removed_by: str | None = None
    removed_at: datetime | None = None

    @property
    def served(self) -> bool:
        """Whether the fact is answered with (not soft-deleted)."""
        return self.removed_at is None


def stamped(fact: Fact, origin: Origin, file: str | None, actor: str, at: datetime) -> Fact:
    """``fact`` with its provenance set to this change."""
    return fact.model_copy(update={"provenance": Provenance(origin=origin, file=file, actor=actor, at=at)})


def snapshot(record: FactRecord | None) -> dict[str, Any] | None:
    """The fact as the audit log keeps it: its JSON when served, None when absent or removed."""
    return fact_json(record.fact) if record is not None and record.served else None


def occurrence_of(citation: Citation, source: Source) -> int | None:
    """Which occurrence (1-based) of its quote a stored citation points at, when the quote occurs more than once.

    A stored span is exact, but its quote alone may name several places; this keeps it pinned when re-checked.
    """
    spans = source.folded.find_all(citation.quote)
    if len(spans) < 2:
        return None
    return next((number for number, span in enumerate(spans, 1) if span.start == citation.start), None)


def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"],
        title=row["title"],
        outlet=row["outlet"],
        author=row["author"],
        photo_credit=row["photo_credit"],
        text=row["text"],
    )


async def load_sources(session: Session) -> dict[str, Source]:
    """Every registered source by id."""
    return {row["id"]: _source(row) for row in await session.fetch_all(sql.SELECT_SOURCES)}


async def load_source(session: Session, source_id: str) -> Source | None:
    """One source, or None when the id is not registered."""
    row = await session.fetch_one(sql.SELECT_SOURCE, (source_id,))
    return None if row is None else _source(row)


async def save_source(
    session: Session, source: Source, origin: SourceOrigin, actor: str, at: datetime, *, exists: bool
) -> None:
    """Insert ``source``, or replace the stored one with the same id when ``exists``."""
    values = (source.title, source.outlet, source.author, source.photo_credit, source.text, origin, actor)
    if exists:
        await session.execute(sql.UPDATE_SOURCE, (*values, timestamp(at), source.id))
    else:
        await session.execute(sql.INSERT_SOURCE, (source.id, *values, timestamp(at)))


def _record(row: sqlite3.Row, aliases: list[str], citations: list[Citation]) -> FactRecord:
    provenance = Provenance(
        origin=row["origin"], file=row["curated_file"], actor=row["updated_by"], at=parse_time(row["updated_at"])
    )
    fact = Fact(
        id=row["id"],
        question=row["question"],
        aliases=tuple(aliases),
        answer=row["answer"],
        citations=tuple(citations),
        tags=tuple(json.loads(row["tags"])),
        provenance=provenance,
    )
    removed_at = row["removed_at"]
    return FactRecord(
        fact=fact,
        curated_hash=row["curated_hash"],
        created_by=row["created_by"],
        created_at=parse_time(row["created_at"]),
        removed_by=row["removed_by"],
        removed_at=None if removed_at is None else parse_time(removed_at),
    )


def _citation(row: sqlite3.Row) -> Citation:
    return Citation(
        quote=row["quote"], speaker=row["speaker"], source=row["source_id"], start=row["start"], end=row["end"]
    )


async def load_fact_records(session: Session) -> dict[str, FactRecord]:
    """Every stored fact, served or removed, by id (in the order they were first stored)."""
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in await session.fetch_all(sql.SELECT_ALIASES):
        aliases[row["fact_id"]].append(row["alias"])
    citations: dict[str, list[Citation]] = defaultdict(list)
    for row in await session.fetch_all(sql.SELECT_CITATIONS):
        citations[row["fact_id"]].append(_citation(row))
    return {
        row["id"]: _record(row, aliases[row["id"]], citations[row["id"]])
        for row in await session.fetch_all(sql.SELECT_FACTS)
    }


async def load_fact_record(session: Session, fact_id: str) -> FactRecord | None:
    """One stored fact, or None when no fact has that id."""
    row = await session.fetch_one(sql.SELECT_FACT, (fact_id,))
    if row is None:
        return None
    aliases = [alias["alias"] for alias in await session.fetch_all(sql.SELECT_FACT_ALIASES, (fact_id,))]
    citations = [_citation(c) for c in await session.fetch_all(sql.SELECT_FACT_CITATIONS, (fact_id,))]
    return _record(row, aliases, citations)


async def phrasing_clashes(session: Session, fact: Fact, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Phrasings of ``fact`` that another served fact (not in ``ignore``) already uses, one line each."""
    clashes = []
    for phrasing in fact.phrasings:
        owner = await session.fetch_value(sql.SELECT_PHRASING_OWNER, (phrasing_key(phrasing),))
        if owner is not None and owner != fact.id and owner not in ignore:
            clashes.append(f'"{phrasing}" already leads to fact "{owner}"')
    return clashes


async def save_fact(session: Session, record: FactRecord, *, exists: bool) -> None:
    """Write ``record`` whole (fact row, aliases, citations, and its phrasings if served).

    Check :func:`phrasing_clashes` first; a clash left unchecked fails here on the phrasing key.
    """
    fact = record.fact
    provenance = fact.provenance
    if provenance.actor is None or provenance.at is None:
        raise ValueError(f"fact {fact.id!r} must say who changed it and when before it is stored")
    updated = (provenance.actor, timestamp(provenance.at))
    removed = (None if record.removed_at is None else timestamp(record.removed_at), record.removed_by)
    content = (
        fact.question,
        fact.answer,
        json.dumps(list(fact.tags)),
        provenance.origin,
        provenance.file,
        record.curated_hash,
    )
    if exists:
        await session.execute(sql.UPDATE_FACT, (*content, *updated, *removed, fact.id))
        for statement in (sql.DELETE_ALIASES, sql.DELETE_CITATIONS, sql.DELETE_PHRASINGS):
            await session.execute(statement, (fact.id,))
    else:
        created = (record.created_by, timestamp(record.created_at))
        await session.execute(sql.INSERT_FACT, (fact.id, *content, *created, *updated, *removed))
    await session.execute_many(
        sql.INSERT_ALIAS, [(fact.id, position, alias) for position, alias in enumerate(fact.aliases)]
    )
    await session.execute_many(
        sql.INSERT_CITATION,
        [(fact.id, n, c.quote, c.speaker, c.source, c.start, c.end) for n, c in enumerate(fact.citations)],
    )
    if record.served:
        await session.execute_many(sql.INSERT_PHRASING, [(phrasing_key(p), fact.id) for p in fact.phrasings])


async def write_audit(
    session: Session, action: str, actor: str, at: datetime, *, before: FactRecord | None, after: FactRecord
) -> None:
    """Record one change to ``after.fact`` with the fact as it was and as it is now."""
    before_json, after_json = snapshot(before), snapshot(after)
    await session.execute(
        sql.INSERT_AUDIT,
        (
            after.fact.id,
            action,
            actor,
            timestamp(at),
            None if before_json is None else json.dumps(before_json, ensure_ascii=False),
            None if after_json is None else json.dumps(after_json, ensure_ascii=False),
        ),
    )
