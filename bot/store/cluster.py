"""What bot processes share through PostgreSQL besides the facts: the IDENTIFY slot of each rate-limit bucket
(so shards in several processes start within Discord's ``max_concurrency``) and each member's recent questions
(so the ask rate limit holds whichever process a member reaches). Times are PostgreSQL's clock for the slots, so
processes on several machines agree, and Discord's (the interaction's creation) for the rate limit."""

from __future__ import annotations

from typing import Any

import asyncpg

from bot.settings import Settings
from bot.store import pg_sql
from bot.store.errors import DatabaseUnusableError
from bot.store.postgres import DRIVER_ERRORS

__all__ = ["ClusterLink", "ClusterUnavailableError"]

_POOL_MAX = 4
_FORGET_EVERY = 1000  # questions between clean-ups of the cooldown table


class ClusterUnavailableError(DatabaseUnusableError):
    """The shared state cannot be read or written now (the database is down or the link broke)."""

    def __init__(self, message: str) -> None:
        super().__init__([message])


class ClusterLink:
    """A small connection pool for the shared slots and counts; open with :meth:`open`, then :meth:`close`."""

    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool
        self._counted = 0

    @classmethod
    async def open(cls, settings: Settings) -> ClusterLink:
        """Connect to the database at ``DATABASE_URL`` (migrated: see :data:`bot.store.pg_sql.MIGRATIONS`);
        ClusterUnavailableError when it cannot be reached."""
        if settings.database_url is None:
            raise ValueError("shared state needs DATABASE_URL")
        try:
            pool = await asyncpg.create_pool(
                settings.database_url.get_secret_value(),
                min_size=1,
                max_size=_POOL_MAX,
                server_settings={"application_name": f"{settings.database_application_name} shared state"},
            )
        except DRIVER_ERRORS as error:
            raise ClusterUnavailableError(f"cannot reach the database for the shared state: {error}") from error
        return cls(pool)

    async def close(self) -> None:
        """Close every connection."""
        await self._pool.close()

    async def claim(self, bucket: int, window: float) -> float:
        """IDENTIFY slots (see :class:`bot.discord_app.identify.IdentifySlots`): take ``bucket``'s slot and
        return 0, or return the seconds until it frees."""
        try:
            wait = await self._pool.fetchval(pg_sql.CLAIM_IDENTIFY_SLOT, bucket, window)
        except DRIVER_ERRORS as error:
            raise ClusterUnavailableError(f"cannot claim an IDENTIFY slot: {error}") from error
        # No row: a process claimed the slot after this statement's snapshot was taken; look again shortly.
        return 0.1 if wait is None else float(wait)

    async def count_question(self, user_id: int, at: float, rate: int, per: float) -> float | None:
        """Count one question by ``user_id`` at ``at`` (epoch seconds) against ``rate`` per ``per`` seconds,
        shared by every process; the seconds to wait when over the limit, else None."""
        try:
            retry_after = await self._pool.fetchval(pg_sql.COUNT_QUESTION, user_id, at, rate, per)
            self._counted += 1
            if self._counted % _FORGET_EVERY == 0:
                await self._pool.execute(pg_sql.FORGET_CLOSED_WINDOWS, at - per)
        except DRIVER_ERRORS as error:
            raise ClusterUnavailableError(f"cannot count a question: {error}") from error
        return None if retry_after is None else float(retry_after)
