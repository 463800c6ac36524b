"""Bringing the reviewed data files (``seeds/`` and ``facts/``) into the database on start.

The rule for curated facts: a curated file is the source of truth for what it says, and the database keeps a
moderator's word until the file says something new. Each curated fact stores a fingerprint of the file's
version it was last synced from; a sync rewrites the fact only when that version changed (or the fact is new,
comes back to the files, or was a moderator's fact the file now adopts). So a moderator's edit, removal or
restore of a curated fact survives restarts, and a reviewed change to the file replaces it (audited).
A curated fact whose entry leaves the files is soft-deleted once. Moderators' facts are never touched, except
that a changed source text moves their quotes to where the same words now stand.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from bot.core.models import Fact, Source
from bot.core.problems import ProblemsError
from bot.core.storage import curated_fingerprint
from bot.store.backend import Session
from bot.store.records import (
    FactRecord,
    load_sources,
    load_sync_records,
    phrasing_clashes,
    save_fact,
    save_source,
    stamped,
    write_audit,
)

__all__ = ["SYNC_ACTOR", "SyncError", "sync_curated"]

SYNC_ACTOR = "curated-sync"

# The fingerprint of a curated fact whose entry left the files: removed once, then the moderators' to keep.
_GONE = "gone"

log = logging.getLogger(__name__)


class SyncError(ProblemsError):
    """The data files cannot be synced without breaking stored facts; ``problems`` says what to fix."""

    heading = "the data files cannot be synced into the database"


def _needs_applying(stored: FactRecord | None, fingerprint: str) -> bool:
    return stored is None or stored.curated_hash != fingerprint or stored.fact.provenance.origin != "curated"


async def _sync_sources(session: Session, sources: Mapping[str, Source], at: datetime) -> list[Source]:
    """Store new or changed seed sources; returns those whose text changed."""
    stored = await load_sources(session, sources)  # the seeds only: moderators' sources are not synced
    moved = []
    for source in sources.values():
        old = stored.get(source.id)
        if old is not None and old.model_dump() == source.model_dump():
            continue
        await save_source(session, source, "seed", SYNC_ACTOR, at, exists=old is not None)
        if old is not None and old.text != source.text:
            moved.append(source)
    return moved


def _relocated(fact: Fact, source: Source, problems: list[str]) -> Fact:
    """``fact`` with its quotes from ``source`` pointing where the same words stand in its new text."""
    citations = []
    for citation in fact.citations:
        spans = source.folded.find_all(citation.quote) if citation.source == source.id else []
        if citation.source != source.id:
            citations.append(citation)
        elif spans:
            span = min(spans, key=lambda s: abs(s.start - citation.start))
            citations.append(citation.model_copy(update={"quote": span.text, "start": span.start, "end": span.end}))
        else:
            problems.append(
                f'fact "{fact.id}": the quote "{citation.quote}" is no longer in source "{source.id}"; '
                "edit or remove the fact with the old seed text in place, or restore that text"
            )
    return fact.model_copy(update={"citations": tuple(citations)})


async def _select(session: Session, applying: dict[str, Fact], removing: Iterable[str]) -> list[str]:
    """Drop from ``applying`` every curated fact whose phrasing a fact not being rewritten holds; warn."""
    removing = frozenset(removing)
    warnings: list[str] = []
    while True:  # each round can free a phrasing a later round relied on, so repeat until stable
        rewriting = frozenset(applying) | removing
        skipped = {fact.id: await phrasing_clashes(session, fact, rewriting) for fact in applying.values()}
        skipped = {fact_id: clashes for fact_id, clashes in skipped.items() if clashes}
        if not skipped:
            return warnings
        for fact_id, clashes in skipped.items():
            file = applying.pop(fact_id).provenance.file
            warnings.append(
                f'curated fact "{fact_id}" ({file}) not synced: {"; ".join(clashes)}. '
                "Remove that phrasing from the other fact, or reword the file."
            )


async def sync_curated(session: Session, sources: Mapping[str, Source], facts: Sequence[Fact], at: datetime) -> int:
    """Sync seed ``sources`` and curated ``facts`` (as loaded from the files) inside ``session``.

    Returns how many facts changed; writes nothing when nothing changed. Phrasing clashes with moderators'
    facts are logged as warnings and the clashing curated fact is left as it was; quotes a changed source
    text no longer contains raise SyncError (nothing is written).
    """
    moved_sources = await _sync_sources(session, sources, at)
    in_files = {fact.id for fact in facts}
    # Only the facts a sync can touch: curated ones, those in the files, and those quoting a source that changed.
    records = await load_sync_records(session, in_files, [source.id for source in moved_sources])
    fingerprints = {fact.id: curated_fingerprint(fact) for fact in facts}
    applying = {f.id: f for f in facts if _needs_applying(records.get(f.id), fingerprints[f.id])}
    removing = [
        r.fact.id
        for r in records.values()
        if r.fact.provenance.origin == "curated" and r.served and r.curated_hash != _GONE and r.fact.id not in in_files
    ]
    warnings = await _select(session, applying, removing)
    for warning in warnings:
        log.warning(warning)

    problems: list[str] = []
    changes = 0
    for source in moved_sources:
        for fact_id, record in records.items():
            if fact_id in applying or all(c.source != source.id for c in record.fact.citations):
                continue
            fact = _relocated(record.fact, source, problems)
            if fact != record.fact:
                records[fact_id] = dataclasses.replace(record, fact=fact)
                await save_fact(session, records[fact_id], exists=True)
                await write_audit(session, "relocated", SYNC_ACTOR, at, before=record, after=records[fact_id])
                changes += 1
    if problems:
        raise SyncError(problems)

    for fact_id in removing:
        before = records[fact_id]
        after = dataclasses.replace(before, curated_hash=_GONE, removed_by=SYNC_ACTOR, removed_at=at)
        await save_fact(session, after, exists=True)
        await write_audit(session, "removed", SYNC_ACTOR, at, before=before, after=after)
        changes += 1
    # A phrasing may move between facts being rewritten (a reviewer moved an alias from one to another): free every
    # rewritten fact's phrasings before any is written again, or the first written would clash with one not yet.
    for fact_id in applying.keys() & records.keys():
        await session.execute(session.sql.DELETE_PHRASINGS, (fact_id,))
    for fact in applying.values():
        previous = records.get(fact.id)
        applied = FactRecord(
            fact=stamped(fact, "curated", fact.provenance.file, SYNC_ACTOR, at),
            curated_hash=fingerprints[fact.id],
            created_by=SYNC_ACTOR if previous is None else previous.created_by,
            created_at=at if previous is None else previous.created_at,
        )
        await save_fact(session, applied, exists=previous is not None)
        action = "created" if previous is None else "edited" if previous.served else "restored"
        await write_audit(session, action, SYNC_ACTOR, at, before=previous, after=applied)
        changes += 1
    return changes
