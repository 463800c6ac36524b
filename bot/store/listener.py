"""Following other processes' changes in PostgreSQL: ``LISTEN`` on a dedicated connection, and catching up.

Every transaction that writes to the change log announces itself on :data:`bot.store.pg_sql.CHANGES_CHANNEL`
when it commits. The listener holds its own connection (a pooled one would drop its ``LISTEN`` when released)
and, on each announcement, calls the service's catch-up, which applies every change after the last sequence
number the process has seen; announcements arriving meanwhile are folded into one more catch-up. A link that
breaks is opened again (with back-off) and followed by a catch-up, so nothing committed while it was down is
missed; and every ``DATABASE_CHECK_SECONDS`` the link is checked with a query (a link that died silently fails
it) and a catch-up runs whatever the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import asyncpg

from bot.settings import Settings
from bot.store import pg_sql
from bot.store.backend import CatchUp
from bot.store.errors import DatabaseUnusableError

__all__ = ["ChangeListener"]

logger = logging.getLogger(__name__)
_RETRY_FIRST_SECONDS = 0.1
_RETRY_MAX_SECONDS = 5.0
_CATCH_UP_RETRY_SECONDS = 1.0
_CONNECT_TIMEOUT_SECONDS = 10.0


class ChangeListener:
    """The task listening for changes for one process; :meth:`start`, then :meth:`stop`."""

    def __init__(self, settings: Settings, catch_up: CatchUp) -> None:
        if settings.database_url is None:
            raise ValueError("a change listener needs DATABASE_URL")
        self._url = settings.database_url.get_secret_value()
        self._application_name = f"{settings.database_application_name} listener"
        self._check_seconds = settings.database_check_seconds
        self._catch_up = catch_up
        self._announced = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start listening (in the background: a database out of reach is retried, not raised)."""
        self._task = asyncio.create_task(self._run(), name="change listener")

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        delay = _RETRY_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                await self._listen()
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
                if time.monotonic() - started > _RETRY_MAX_SECONDS:
                    delay = _RETRY_FIRST_SECONDS  # it had been listening: a new failure, not the same one again
                logger.warning("Lost the change notifications link (%s); reconnecting in %.1f s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _RETRY_MAX_SECONDS)

    async def _listen(self) -> None:
        """Listen on one connection until it breaks or fails a check."""
        connection = await asyncpg.connect(
            self._url,
            timeout=_CONNECT_TIMEOUT_SECONDS,
            server_settings={"application_name": self._application_name},
        )
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(pg_sql.CHANGES_CHANNEL, self._on_announcement)
            logger.info("Following changes (backend pid %d)", connection.get_server_pid())
            await self._catch_up_now()  # whatever was committed while not listening
            while not lost.is_set():
                if await _wait_for_either(self._announced, lost, self._check_seconds):
                    self._announced.clear()
                else:
                    await asyncio.wait_for(connection.fetchval("SELECT 1"), self._check_seconds)
                await self._catch_up_now()
            raise ConnectionResetError("the connection was closed by the server")
        finally:
            connection.terminate()

    def _on_announcement(self, *_: Any) -> None:
        self._announced.set()

    async def _catch_up_now(self) -> None:
        """Run the catch-up; a failure is logged and retried shortly (the process keeps answering meanwhile)."""
        try:
            await self._catch_up()
        except DatabaseUnusableError as error:  # the database out of reach for the moment
            logger.warning("Could not catch up with other processes' changes (%s); retrying", error)
        except Exception:  # anything else must not end the following for the process's lifetime
            logger.exception("Catching up with other processes' changes failed; retrying")
        else:
            return
        self._announced.set()
        await asyncio.sleep(_CATCH_UP_RETRY_SECONDS)


async def _wait_for_either(first: asyncio.Event, second: asyncio.Event, timeout: float) -> bool:
    """Wait until either event is set (True) or ``timeout`` seconds pass (False)."""
    waiters = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
    try:
        done, _ = await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return bool(done)
