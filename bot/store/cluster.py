"""What bot processes share through PostgreSQL besides the facts: the IDENTIFY slot of each rate-limit bucket
(so shards in several processes start within Discord's ``max_concurrency``) and each member's recent questions
(so the ask rate limit holds whichever process a member reaches). Times are PostgreSQL's clock for the slots, so
processes on several machines agree, and Discord's (the interaction's creation) for the rate limit."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

__all__ = ["CLUSTER_SCHEMA", "ClusterLink", "ClusterUnavailableError"]

log = logging.getLogger(__name__)

CLUSTER_SCHEMA = (
    """
    CREATE TABLE identify_slots (
        bucket integer PRIMARY KEY CHECK (bucket >= 0),
        claimed_at timestamptz NOT NULL
    )
    """,
    """
    CREATE TABLE ask_cooldowns (
        user_id bigint PRIMARY KEY,
        window_start double precision NOT NULL,
        used integer NOT NULL CHECK (used >= 0)
    )
    """,
)

# Take the bucket's slot when its last claim is at least $2 seconds old (0 back); otherwise the seconds left.
# The upsert locks the row, so two processes racing for one slot cannot both win.
_CLAIM_IDENTIFY_SLOT = """
WITH claimed AS (
    INSERT INTO identify_slots AS slot (bucket, claimed_at) VALUES ($1, clock_timestamp())
    ON CONFLICT (bucket) DO UPDATE SET claimed_at = clock_timestamp()
        WHERE slot.claimed_at <= clock_timestamp() - make_interval(secs => $2)
    RETURNING 0::float8 AS wait
)
SELECT wait FROM claimed
UNION ALL
SELECT GREATEST(EXTRACT(EPOCH FROM claimed_at + make_interval(secs => $2) - clock_timestamp())::float8, 0.05)
FROM identify_slots WHERE bucket = $1 AND NOT EXISTS (SELECT 1 FROM claimed)
"""

# Count one question by $1 at $2 (epoch seconds): at most $3 per window of $4 seconds, the window opening at the
# first question after the last one closed (as discord.py's cooldowns count). The seconds to wait when over the
# limit, else NULL; a refused question is not counted.
_COUNT_QUESTION = """
INSERT INTO ask_cooldowns AS c (user_id, window_start, used) VALUES ($1, $2, 1)
ON CONFLICT (user_id) DO UPDATE SET
    window_start = CASE WHEN $2 >= c.window_start + $4 THEN $2 ELSE c.window_start END,
    used = CASE WHEN $2 >= c.window_start + $4 THEN 1 ELSE LEAST(c.used + 1, $3 + 1) END
RETURNING CASE WHEN used > $3 THEN window_start + $4 - $2 END AS retry_after
"""

# Windows that closed before $1: nobody's count depends on them any more.
_FORGET_CLOSED_WINDOWS = "DELETE FROM ask_cooldowns WHERE window_start < $1"

_POOL_MAX = 4
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_FORGET_EVERY = 1000  # questions between clean-ups of the cooldown table


class ClusterUnavailableError(RuntimeError):
    """The shared state cannot be read or written now (the database is down or the link broke)."""


class ClusterLink:
    """A small connection pool for the shared slots and counts; open with :meth:`open`, then :meth:`close`."""

    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool
        self._counted = 0

    @classmethod
    async def open(cls, url: str, application_name: str = "ceasefire-bot") -> ClusterLink:
        """Connect to the database at ``url`` (whose schema holds :data:`CLUSTER_SCHEMA`)."""
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=_POOL_MAX, server_settings={"application_name": application_name}
        )
        return cls(pool)

    async def close(self) -> None:
        """Close every connection."""
        await self._pool.close()

    async def claim(self, bucket: int, window: float) -> float:
        """IDENTIFY slots (see :class:`bot.discord_app.identify.IdentifySlots`): take ``bucket``'s slot and
        return 0, or return the seconds until it frees."""
        try:
            wait = await self._pool.fetchval(_CLAIM_IDENTIFY_SLOT, bucket, window)
        except _DRIVER_ERRORS as error:
            raise ClusterUnavailableError(f"cannot claim an IDENTIFY slot: {error}") from error
        # No row: a process claimed the slot after this statement's snapshot was taken; look again shortly.
        return 0.1 if wait is None else float(wait)

    async def count_question(self, user_id: int, at: float, rate: int, per: float) -> float | None:
        """Count one question by ``user_id`` at ``at`` (epoch seconds) against ``rate`` per ``per`` seconds,
        shared by every process; the seconds to wait when over the limit, else None."""
        try:
            retry_after = await self._pool.fetchval(_COUNT_QUESTION, user_id, at, rate, per)
            self._counted += 1
            if self._counted % _FORGET_EVERY == 0:
                await self._pool.execute(_FORGET_CLOSED_WINDOWS, at - per)
        except _DRIVER_ERRORS as error:
            raise ClusterUnavailableError(f"cannot count a question: {error}") from error
        return None if retry_after is None else float(retry_after)
