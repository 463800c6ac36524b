"""Shared by the store tests: drafts that verify, and a full consistency check of a database file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.core.models import FactDraft
from bot.store import FactService, parse_draft, records, sql
from bot.store.database import Database

__all__ = ["SOURCE_ID", "WITKOFF", "audit_count", "consistency_problems", "draft"]

SOURCE_ID = "notus-ceasefire"
# Printed in the article exactly like this (no typographic characters), so it is stored as typed.
WITKOFF = "U.S. special envoy Steve Witkoff arrived in Russia on Thursday"


def draft(**fields: Any) -> FactDraft:
    """A valid moderator draft citing the Witkoff sentence, with ``fields`` overriding the defaults."""
    base: dict[str, Any] = {
        "question": "Where did Witkoff travel on Thursday?",
        "answer": "He arrived in Russia.",
        "citations": [{"quote": WITKOFF, "speaker": "NOTUS", "source": SOURCE_ID}],
    }
    return parse_draft({**base, **fields})


async def audit_count(service: FactService) -> int:
    """How many audit entries the database holds."""
    return len(await service.history(limit=1_000_000))


async def consistency_problems(path: Path) -> list[str]:
    """Everything wrong with the database at ``path``: SQLite's checks, quotes not verbatim in their source,
    phrasing rows out of step with the served facts, and facts whose latest audit entry is not their state."""
    database = await Database.open(path)
    try:
        problems = await database.check()
        async with database.read() as session:
            sources = await records.load_sources(session)
            stored = await records.load_fact_records(session)
            counts = {row["fact_id"]: row["phrasings"] for row in await session.fetch_all(sql.SELECT_PHRASING_COUNTS)}
            audit = await session.fetch_all(sql.SELECT_AUDIT, (1_000_000_000,))
    finally:
        await database.close()
    latest: dict[str, Any] = {}
    for row in audit:  # newest first
        latest.setdefault(row["fact_id"], row)
    for fact_id, record in stored.items():
        fact = record.fact
        problems += [
            f"{fact_id}: quote {c.quote!r} is not {c.source}[{c.start}:{c.end}]"
            for c in fact.citations
            if sources[c.source].text[c.start : c.end] != c.quote
        ]
        expected = len(fact.phrasings) if record.served else 0
        if counts.get(fact_id, 0) != expected:
            problems.append(f"{fact_id}: {counts.get(fact_id, 0)} phrasing rows, expected {expected}")
        entry = latest.get(fact_id)
        after = None if entry is None or entry["after"] is None else json.loads(entry["after"])
        if entry is None or after != records.snapshot(record):
            problems.append(f"{fact_id}: its latest audit entry does not describe its stored state")
    return problems
