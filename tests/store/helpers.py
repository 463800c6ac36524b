"""Shared by the store tests: drafts that verify, a full consistency check of a database, and its contents."""

from __future__ import annotations

import json
from typing import Any

from bot.core.models import FactDraft
from bot.settings import Settings
from bot.store import FactService, parse_draft, records
from bot.store.backend import open_backend

__all__ = ["SOURCE_ID", "TABLES", "WITKOFF", "audit_count", "consistency_problems", "contents", "draft"]

# Every table the store keeps (both backends have them all).
TABLES = (
    "sources",
    "facts",
    "aliases",
    "phrasings",
    "citations",
    "audit_log",
    "asked_questions",
    "feedback",
    "changes",
)

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


async def contents(settings: Settings) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table of the settings' database, sorted (to compare two moments)."""
    database = await open_backend(settings, migrate=False)
    try:
        async with database.read() as session:
            tables = {table: await session.fetch_all(f"SELECT * FROM {table}") for table in TABLES}
    finally:
        await database.close()
    return {table: sorted(tuple(repr(value) for value in row) for row in rows) for table, rows in tables.items()}


async def consistency_problems(settings: Settings) -> list[str]:
    """Everything wrong with the settings' database: its own checks, quotes not verbatim in their source,
    phrasing rows out of step with the served facts, and facts whose latest audit entry is not their state."""
    database = await open_backend(settings)
    try:
        problems = await database.check()
        async with database.read() as session:
            sources = await records.load_sources(session)
            stored = await records.load_fact_records(session)
            counted = await session.fetch_all(session.sql.SELECT_PHRASING_COUNTS)
            counts = {row["fact_id"]: row["phrasings"] for row in counted}
            audit = await session.fetch_all(session.sql.SELECT_AUDIT, (1_000_000_000,))
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
