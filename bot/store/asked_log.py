"""The question log on PostgreSQL, written in batches: with many processes answering, one round trip per question
would make the database the bottleneck (and an answer wait for it).

Each question gets its id at once, from ids reserved from the table's own sequence a block at a time, so the
helpful / not helpful buttons can carry it; the rows are written together every ``FLUSH_SECONDS`` or ``BATCH``
rows, before anything reads the log (feedback, the unanswered list) and on close. While the database is away
questions are still answered: they wait in memory (up to ``MAX_WAITING`` rows, the oldest dropped beyond that)
and get their id when written, so they carry no feedback buttons. A process killed outright loses at most its
last ``FLUSH_SECONDS`` of questions: a log for curators, not a change anyone was told is saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

from bot.store.backend import Backend
from bot.store.errors import DatabaseUnusableError

__all__ = ["AskedLog"]

logger = logging.getLogger(__name__)

BATCH = 200
FLUSH_SECONDS = 0.25
MAX_WAITING = 50_000
RETRY_MAX_SECONDS = 10.0


class AskedLog:
    """Questions recorded through :meth:`add`, written by :meth:`flush` (also in the background); :meth:`close`."""

    def __init__(self, database: Backend, *, batch: int = BATCH, flush_seconds: float = FLUSH_SECONDS) -> None:
        self._database = database
        self._batch = batch
        self._flush_seconds = flush_seconds
        self._ids: deque[int] = deque()
        self._waiting: deque[tuple[int | None, tuple[Any, ...]]] = deque()
        self._writing = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def add(self, row: tuple[Any, ...]) -> int | None:
        """Queue one ``asked_questions`` row (the columns of ``INSERT_ASKED``); its id, or None while the
        database cannot hand out ids."""
        if self._task is None:
            self._task = asyncio.create_task(self._flush_regularly(), name="asked log")
        asked_id = await self._next_id()
        if len(self._waiting) >= MAX_WAITING:
            self._waiting.popleft()
            logger.warning("The question log holds %d unwritten questions; dropping the oldest", MAX_WAITING)
        self._waiting.append((asked_id, row))
        if len(self._waiting) >= self._batch:
            await self.flush()
        return asked_id

    async def flush(self) -> None:
        """Write every waiting row (DatabaseUnusableError, keeping them, when the database cannot take them)."""
        async with self._writing:
            rows = list(self._waiting)
            if not rows:
                return
            async with self._database.write(serialised=False) as session:
                with_id = [(asked_id, *row) for asked_id, row in rows if asked_id is not None]
                if with_id:
                    await session.execute_many(session.sql.INSERT_ASKED_WITH_ID, with_id)
                without_id = [row for asked_id, row in rows if asked_id is None]
                if without_id:
                    await session.execute_many(session.sql.INSERT_ASKED, without_id)
            for _ in rows:
                self._waiting.popleft()

    async def close(self) -> None:
        """Stop the background writing and write what waits (logged, not raised, if the database is away)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.flush()
        except DatabaseUnusableError:
            logger.exception("%d asked questions could not be written before closing", len(self._waiting))

    async def _next_id(self) -> int | None:
        if not self._ids:
            try:
                async with self._database.write(serialised=False) as session:  # nextval writes
                    rows = await session.fetch_all(session.sql.RESERVE_ASKED_IDS, (self._batch,))
            except DatabaseUnusableError:
                return None
            self._ids.extend(row[0] for row in rows)
        return self._ids.popleft()

    async def _flush_regularly(self) -> None:
        delay = self._flush_seconds
        while True:
            await asyncio.sleep(delay)
            try:
                await self.flush()
            except DatabaseUnusableError as error:
                # Retried less and less often while the database is away, so the log is not flooded.
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                logger.warning("The question log cannot be written now (%s); retrying in %.1f s", error, delay)
            else:
                delay = self._flush_seconds
