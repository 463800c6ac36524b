"""Reading the change log: what changed after a given sequence number, as the stored facts and sources now are.

Every change to a fact or a source adds a row to the change log in its own transaction (see
:func:`bot.store.records.write_audit` and :func:`bot.store.records.save_source`). A process that applied the log
up to sequence ``n`` brings its engine up to date with :func:`changes_since` ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import Source
from bot.store import records
from bot.store.backend import Session
from bot.store.records import FactRecord

__all__ = ["Changes", "changes_since", "last_change"]


@dataclass(frozen=True)
class Changes:
    """The sources and facts changed after a sequence number, as now stored, and the last number read."""

    last_seq: int
    sources: list[Source]
    facts: list[FactRecord]


async def last_change(session: Session) -> int:
    """The sequence number of the latest change (0 before any)."""
    value: int = await session.fetch_value(session.sql.SELECT_LAST_CHANGE)
    return value


async def changes_since(session: Session, seq: int) -> Changes:
    """Every source and fact changed after ``seq``, each once, as stored in this session's snapshot."""
    rows = await session.fetch_all(session.sql.SELECT_CHANGES_SINCE, (seq,))
    if not rows:
        return Changes(seq, [], [])
    source_ids = dict.fromkeys(row["source_id"] for row in rows if row["source_id"] is not None)
    fact_ids = dict.fromkeys(row["fact_id"] for row in rows if row["fact_id"] is not None)
    sources = await records.load_sources(session, source_ids) if source_ids else {}
    facts = await records.load_fact_records(session, fact_ids) if fact_ids else {}
    return Changes(rows[-1]["seq"], list(sources.values()), list(facts.values()))
