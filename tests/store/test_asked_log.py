"""The question log written in batches on PostgreSQL: ids at once, rows together, nothing waiting lost on close,
answers given while the database is away."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.store import DatabaseUnusableError, FactService, open_service
from bot.store.asked_log import AskedLog
from bot.store.backend import open_backend

postgresql_only = pytest.mark.parametrize("backend", ["postgresql"])


def _row(n: int) -> tuple[object, ...]:
    return (f"question {n}", f"question {n}", "no_match", None, 0.0, "alice", None, "2025-01-01T00:00:00+00:00")


async def _stored(settings: Settings) -> list[int]:
    database = await open_backend(settings)
    try:
        async with database.read() as session:
            rows = await session.fetch_all("SELECT id FROM asked_questions ORDER BY id")
    finally:
        await database.close()
    return [row["id"] for row in rows]


@postgresql_only
async def test_ids_come_at_once_and_rows_are_written_together(settings: Settings) -> None:
    database = await open_backend(settings)
    log = AskedLog(database, batch=5, flush_seconds=60)
    try:
        ids = [await log.add(_row(n)) for n in range(4)]
        assert await _stored(settings) == []  # not yet: below a batch, before the next flush
        ids.append(await log.add(_row(4)))  # a full batch is written at once
        given = [asked_id for asked_id in ids if asked_id is not None]
        assert len(set(given)) == 5 and await _stored(settings) == sorted(given)
        last = await log.add(_row(5))
        assert last is not None
    finally:
        await log.close()  # writes what waits
        await database.close()
    assert await _stored(settings) == sorted([*given, last])


@postgresql_only
async def test_without_the_database_questions_wait_and_get_no_id(settings: Settings) -> None:
    database = await open_backend(settings)
    log = AskedLog(database, batch=2, flush_seconds=60)
    await database.close()
    assert await log.add(_row(1)) is None
    with pytest.raises(DatabaseUnusableError):
        await log.flush()
    await log.close()  # logged, not raised


@postgresql_only
async def test_the_service_batches_on_postgresql_and_feedback_and_misses_see_fresh_questions(
    settings: Settings,
) -> None:
    service: FactService = await open_service(settings)
    try:
        asked = await service.ask("what did the ambassador of Peru say?", asker="alice")
        assert asked.asked_id is not None
        await service.record_feedback(asked.asked_id, helpful=False, actor="alice")
        await service.ask("what does Peru think?", asker="bob")
        assert "what does Peru think?" in [miss.question for miss in await service.unanswered()]
    finally:
        await service.close()
