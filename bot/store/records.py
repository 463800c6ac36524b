"""Facts and sources as database rows: reading them into the core models and writing them back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Generic, Literal, TypeVar

from bot.core.models import Citation, Fact, Provenance, Source, phrasing_key, trusted, trusted_builder
from bot.core.storage import fact_snapshot
from bot.store.backend import Row, Session
from bot.store.errors import DatabaseUnusableError

__all__ = [
    "FactRecord",
    "Origin",
    "SourceOrigin",
    "load_fact_record",
    "load_fact_records",
    "load_removed_records",
    "load_served_facts",
    "load_source",
    "load_sources",
    "load_sync_records",
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
    """The fact as the audit log keeps it (:func:`bot.core.storage.fact_snapshot`) when served, None when absent or
    removed."""
    return fact_snapshot(record.fact) if record is not None and record.served else None


def occurrence_of(citation: Citation, source: Source) -> int | None:
    """Which occurrence (1-based) of its quote a stored citation points at, when the quote occurs more than once.

    A stored span is exact, but its quote alone may name several places; this keeps it pinned when re-checked.
    """
    spans = source.folded.find_all(citation.quote)
    if len(spans) < 2:
        return None
    return next((number for number, span in enumerate(spans, 1) if span.start == citation.start), None)


def _source(row: Row) -> Source:
    # Validated before it was stored (save_source takes a Source), so not again (see bot.core.models.trusted).
    fields = {"id": row["id"], "title": row["title"], "outlet": row["outlet"], "author": row["author"]}
    return trusted(Source, {**fields, "photo_credit": row["photo_credit"], "text": row["text"]})


async def load_sources(session: Session, ids: Iterable[str] | None = None) -> dict[str, Source]:
    """Every registered source by id, or only those with ``ids`` (when registered)."""
    if ids is None:
        rows = await session.fetch_all(session.sql.SELECT_SOURCES)
    else:
        rows = await session.fetch_all(session.sql.SELECT_SOURCES_OF, (json.dumps(list(ids)),))
    return {row["id"]: _source(row) for row in rows}


async def load_source(session: Session, source_id: str) -> Source | None:
    """One source, or None when the id is not registered."""
    row = await session.fetch_one(session.sql.SELECT_SOURCE, (source_id,))
    return None if row is None else _source(row)


async def save_source(
    session: Session, source: Source, origin: SourceOrigin, actor: str, at: datetime, *, exists: bool
) -> None:
    """Insert ``source``, or replace the stored one with the same id when ``exists``; and log the change."""
    values = (source.title, source.outlet, source.author, source.photo_credit, source.text, origin, actor)
    if exists:
        await session.execute(session.sql.UPDATE_SOURCE, (*values, timestamp(at), source.id))
    else:
        await session.execute(session.sql.INSERT_SOURCE, (source.id, *values, timestamp(at)))
    await session.execute(session.sql.INSERT_SOURCE_CHANGE, (source.id,))


_Item = TypeVar("_Item")


class _Reader:
    """Facts from rows, without validating them again: the store validated every fact before writing it, and
    the schema's constraints hold the rest (see :func:`bot.core.models.trusted`).

    Equal values within one load are shared rather than copied per fact: speakers, source ids, origins, actors
    and curated files, tag lists, and provenances (a curated sync stamps every fact it writes with one).
    """

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._provenances: dict[tuple[str, str | None, str, str], Provenance] = {}

    def shared(self, text: str) -> str:
        """``text``, or an equal string this load has seen before."""
        return self._strings.setdefault(text, text)

    def citation(self, row: Sequence[Any]) -> Citation:
        """A citation from a row of ``CITATION_COLUMNS`` (fact id and position first)."""
        _, _, quote, speaker, source_id, start, end = row
        shared = self._strings.setdefault
        speaker, source_id = shared(speaker, speaker), shared(source_id, source_id)
        return _citation({"quote": quote, "speaker": speaker, "source": source_id, "start": start, "end": end})

    def fact(self, row: Sequence[Any], aliases: Sequence[str], citations: Sequence[Citation]) -> Fact:
        """A fact from a row of SELECT_SERVED_FACTS's columns (id, question, answer, tags, origin, curated file,
        updated by, updated at) and its aliases and citations in position order."""
        fact_id, question, answer, stored_tags, origin, curated_file, updated_by, updated_at = row
        if not citations:  # a stored fact always has one; the matcher and every answer rely on it
            # A database error, reported as such by every front end: something outside the store changed the rows.
            raise DatabaseUnusableError(
                [
                    f"fact {fact_id!r} has no citations in the database, which was changed outside the bot; "
                    "restore a backup (see `db backup`)"
                ]
            )
        tags = self._tags.get(stored_tags)
        if tags is None:
            tags = self._tags_of(stored_tags)
        provenance = self._provenances.get((origin, curated_file, updated_by, updated_at))
        if provenance is None:
            provenance = self._provenance(origin, curated_file, updated_by, updated_at)
        return _fact(
            {
                "id": fact_id,
                "question": question,
                "aliases": tuple(aliases),
                "answer": answer,
                "citations": tuple(citations),
                "tags": tags,
                "provenance": provenance,
            }
        )

    def record(self, row: Sequence[Any], aliases: Sequence[str], citations: Sequence[Citation]) -> FactRecord:
        """A stored fact with its bookkeeping, from a row of ``FACT_COLUMNS`` and the same as :meth:`fact`."""
        curated_hash, created_by, created_at, updated_by, updated_at, removed_at, removed_by = row[6:]
        return FactRecord(
            fact=self.fact((*row[:6], updated_by, updated_at), aliases, citations),
            curated_hash=curated_hash,
            created_by=self.shared(created_by),
            created_at=parse_time(created_at),
            removed_by=removed_by,
            removed_at=None if removed_at is None else parse_time(removed_at),
        )

    def _provenance(self, origin: str, file: str | None, actor: str, at: str) -> Provenance:
        shared = self.shared
        fields: dict[str, Any] = {"origin": shared(origin), "file": None if file is None else shared(file)}
        fields |= {"actor": shared(actor), "at": parse_time(at)}
        provenance = self._provenances[origin, file, actor, at] = trusted(Provenance, fields)
        return provenance

    def _tags_of(self, stored: str) -> tuple[str, ...]:
        tags = self._tags[stored] = tuple(self.shared(tag) for tag in json.loads(stored))
        return tags


_citation, _fact = trusted_builder(Citation), trusted_builder(Fact)


class _Groups(Generic[_Item]):
    """Rows of (fact id, position, ...) in storage order, each built and grouped by fact, checking that each
    fact's rows come in position order 0, 1, 2, ... (as save_fact writes them); those that do not are read
    again in position order by :meth:`reorder`."""

    def __init__(self, build: Callable[[Sequence[Any]], _Item]) -> None:
        self.groups: dict[str, list[_Item]] = {}
        self._build = build
        self._disordered: set[str] = set()

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        groups, build, disordered = self.groups, self._build, self._disordered
        for row in rows:
            group = groups.get(row[0])
            if group is None:
                group = groups[row[0]] = []
            if row[1] != len(group):
                disordered.add(row[0])
            group.append(build(row))

    async def reorder(self, session: Session, statement: str) -> None:
        """Read the rows of each fact whose rows came out of order again with ``statement`` (by position)."""
        for fact_id in self._disordered:
            self.groups[fact_id] = [self._build(row) for row in await session.fetch_all(statement, (fact_id,))]


_alias: Callable[[Sequence[Any]], str] = itemgetter(2)  # of a row of aliases (fact id, position, alias)


async def _load(
    session: Session,
    build: Callable[[_Reader, Sequence[Any], Sequence[str], Sequence[Citation]], _Item],
    statement: str,
    parameters: Sequence[Any] = (),
    *,
    every: bool = False,
) -> list[_Item]:
    """What ``build`` makes of each fact ``statement`` selects (rows of ``FACT_COLUMNS``) with its aliases and
    citations, in the order the statement gives.

    ``every``: the statement selects (nearly) every fact, so all aliases and then all citations are read in one
    scan each, and the facts last, each built as soon as read; all in batches, so a large base never has every
    row in memory at once. Otherwise the facts are read first and their aliases and citations looked up.
    """
    reader = _Reader()
    aliases, citations = _Groups(_alias), _Groups(reader.citation)
    fact_batches: AsyncIterator[Sequence[Sequence[Any]]]
    if every:
        async for rows in session.fetch_batches(session.sql.SELECT_ALIASES):
            aliases.add(rows)
        async for rows in session.fetch_batches(session.sql.SELECT_CITATIONS):
            citations.add(rows)
        fact_batches = session.fetch_batches(statement, parameters)
    else:
        fact_rows = await session.fetch_all(statement, parameters)
        ids = (json.dumps([row[0] for row in fact_rows]),)
        aliases.add(await session.fetch_all(session.sql.SELECT_ALIASES_OF, ids))
        citations.add(await session.fetch_all(session.sql.SELECT_CITATIONS_OF, ids))
        fact_batches = _one_batch(fact_rows)
    await aliases.reorder(session, session.sql.SELECT_FACT_ALIASES)
    await citations.reorder(session, session.sql.SELECT_FACT_CITATIONS)
    built = []
    async for batch in fact_batches:
        for row in batch:  # each fact's lists are let go as soon as it is built
            built.append(build(reader, row, aliases.groups.pop(row[0], ()), citations.groups.pop(row[0], ())))
    return built


async def _one_batch(rows: Sequence[Sequence[Any]]) -> AsyncIterator[Sequence[Sequence[Any]]]:
    yield rows


async def load_fact_records(session: Session, ids: Iterable[str] | None = None) -> dict[str, FactRecord]:
    """Every stored fact, served or removed, by id (in the order they were first stored); or those with ``ids``."""
    if ids is None:
        loaded = await _load(session, _Reader.record, session.sql.SELECT_FACTS, every=True)
    else:
        loaded = await _load(session, _Reader.record, session.sql.SELECT_FACTS_OF, (json.dumps(list(ids)),))
    return {record.fact.id: record for record in loaded}


async def load_served_facts(session: Session, first: int = 0) -> list[Fact]:
    """Every served fact, in the order they were first stored (what the engine answers from); or only those from
    position ``first`` on."""
    if first:
        return await _load(session, _Reader.fact, session.sql.SELECT_SERVED_FACTS_FROM, (first,))
    return await _load(session, _Reader.fact, session.sql.SELECT_SERVED_FACTS, every=True)


async def load_removed_records(session: Session) -> list[FactRecord]:
    """Every removed fact, in the order they were first stored."""
    return await _load(session, _Reader.record, session.sql.SELECT_REMOVED_FACTS)


async def load_sync_records(
    session: Session, fact_ids: Iterable[str], source_ids: Iterable[str]
) -> dict[str, FactRecord]:
    """What a curated sync reads, by id in the order first stored: every curated fact, the facts with
    ``fact_ids`` and every fact citing one of ``source_ids``."""
    parameters = (json.dumps(list(fact_ids)), json.dumps(list(source_ids)))
    return {
        record.fact.id: record
        for record in await _load(session, _Reader.record, session.sql.SELECT_SYNC_FACTS, parameters)
    }


async def load_fact_record(session: Session, fact_id: str) -> FactRecord | None:
    """One stored fact, or None when no fact has that id."""
    row = await session.fetch_one(session.sql.SELECT_FACT, (fact_id,))
    if row is None:
        return None
    reader = _Reader()
    aliases = [_alias(alias) for alias in await session.fetch_all(session.sql.SELECT_FACT_ALIASES, (fact_id,))]
    citations = [reader.citation(c) for c in await session.fetch_all(session.sql.SELECT_FACT_CITATIONS, (fact_id,))]
    return reader.record(row, aliases, citations)


async def phrasing_clashes(session: Session, fact: Fact, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Phrasings of ``fact`` that another served fact (not in ``ignore``) already uses, one line each."""
    clashes = []
    for phrasing in fact.phrasings:
        owner = await session.fetch_value(session.sql.SELECT_PHRASING_OWNER, (phrasing_key(phrasing),))
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
        await session.execute(session.sql.UPDATE_FACT, (*content, *updated, *removed, fact.id))
        for statement in (session.sql.DELETE_ALIASES, session.sql.DELETE_CITATIONS, session.sql.DELETE_PHRASINGS):
            await session.execute(statement, (fact.id,))
    else:
        created = (record.created_by, timestamp(record.created_at))
        await session.execute(session.sql.INSERT_FACT, (fact.id, *content, *created, *updated, *removed))
    await session.execute_many(
        session.sql.INSERT_ALIAS, [(fact.id, position, alias) for position, alias in enumerate(fact.aliases)]
    )
    await session.execute_many(
        session.sql.INSERT_CITATION,
        [(fact.id, n, c.quote, c.speaker, c.source, c.start, c.end) for n, c in enumerate(fact.citations)],
    )
    if record.served:
        await session.execute_many(session.sql.INSERT_PHRASING, [(phrasing_key(p), fact.id) for p in fact.phrasings])


async def write_audit(
    session: Session, action: str, actor: str, at: datetime, *, before: FactRecord | None, after: FactRecord
) -> None:
    """Record one change to ``after.fact`` with the fact as it was and as it is now, in the audit log and in the
    change log (from which other processes apply it)."""
    before_json, after_json = snapshot(before), snapshot(after)
    await session.execute(
        session.sql.INSERT_AUDIT,
        (
            after.fact.id,
            action,
            actor,
            timestamp(at),
            None if before_json is None else json.dumps(before_json, ensure_ascii=False),
            None if after_json is None else json.dumps(after_json, ensure_ascii=False),
        ),
    )
    await session.execute(session.sql.INSERT_FACT_CHANGE, (after.fact.id,))
