"""Hundreds of concurrent questions and dozens of concurrent moderator writes, on one service and a second
connection: no "database is locked", no lost write, and every answer is a committed version of its fact."""

from __future__ import annotations

import asyncio

from bot.core.models import Fact
from bot.core.storage import fact_snapshot
from bot.settings import Settings
from bot.store import AskRecord, FactService, open_service
from tests.store.helpers import consistency_problems, draft

ASKS = 300
WRITERS = 30
OTHER_WRITERS = 10


def question(n: int) -> str:
    return f"Concurrent write {n}: where did Witkoff go?"


async def moderate(service: FactService, n: int) -> Fact:
    """Add a fact, give it an alias, and remove every fifth: three writes in a row."""
    fact = await service.add_fact(draft(id=f"concurrent-{n}", question=question(n)), f"mod-{n}")
    fact = await service.add_alias(fact.id, f"concurrent alias {n}", f"mod-{n}")
    if n % 5 == 0:
        await service.remove_fact(fact.id, f"mod-{n}")
    return fact


async def test_concurrent_asks_and_writes(service: FactService, settings: Settings) -> None:
    curated = [fact.question for fact in service.engine.facts.values()]
    asked = [curated[n % len(curated)] if n % 3 else question(n % WRITERS) for n in range(ASKS)]
    async with await open_service(settings) as other:
        outcomes = await asyncio.gather(
            *(service.ask(q, asker=f"user-{n}") for n, q in enumerate(asked)),
            *(moderate(service, n) for n in range(WRITERS)),
            *(moderate(other, n) for n in range(WRITERS, WRITERS + OTHER_WRITERS)),
            service.add_alias("who-is-rubio", "concurrent rubio alias", "mod"),
            other.add_alias("who-is-trump", "concurrent trump alias", "mod"),
        )
    records = [outcome for outcome in outcomes if isinstance(outcome, AskRecord)]
    assert len(records) == ASKS
    assert len({record.asked_id for record in records} - {None}) == ASKS

    for n in range(WRITERS + OTHER_WRITERS):
        answer = (await service.ask(question(n))).result.fact
        stored = await service.get_fact(f"concurrent-{n}")
        assert stored.aliases == (f"concurrent alias {n}",)
        assert service.engine.fact(stored.id) == (None if n % 5 == 0 else stored)
        if n % 5:
            assert answer == stored
    assert "concurrent trump alias" in service.engine.facts["who-is-trump"].aliases
    assert "concurrent rubio alias" in service.engine.facts["who-is-rubio"].aliases

    for record in records:
        fact = record.result.fact
        if fact is not None:
            committed = [entry.after for entry in await service.history(fact.id, limit=1000)]
            assert fact_snapshot(fact) in committed, f"{fact.id} was answered in a version never committed"
    assert await consistency_problems(settings) == []
