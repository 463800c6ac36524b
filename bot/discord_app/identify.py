"""IDENTIFY pacing: Discord lets ``max_concurrency`` shards IDENTIFY per 5 seconds, one per rate-limit bucket
(``shard_id % max_concurrency``); going faster gets the session refused. Every process claims a bucket's slot
from one shared table before identifying, so the limit holds across processes, not only within one."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from bot.store.cluster import ClusterUnavailableError

__all__ = ["IDENTIFY_WINDOW", "IdentifyPacer", "IdentifySlots", "LocalSlots", "bucket_of"]

log = logging.getLogger(__name__)

# Discord's window is 5 s; the margin covers the time between claiming a slot and the IDENTIFY reaching Discord.
IDENTIFY_WINDOW = 5.5


def bucket_of(shard_id: int, max_concurrency: int) -> int:
    """The IDENTIFY rate-limit bucket of ``shard_id`` (Discord's rule)."""
    return shard_id % max_concurrency


class IdentifySlots(Protocol):
    """Where the last IDENTIFY of each bucket is recorded."""

    async def claim(self, bucket: int, window: float) -> float:
        """Take ``bucket``'s slot if its last IDENTIFY is at least ``window`` seconds old and return 0; otherwise
        take nothing and return the seconds until it frees."""
        ...


class LocalSlots:
    """Slots kept in this process: enough when this process runs every shard."""

    def __init__(self) -> None:
        self._last: dict[int, float] = {}

    async def claim(self, bucket: int, window: float) -> float:
        """See :meth:`IdentifySlots.claim`."""
        now = time.monotonic()
        last = self._last.get(bucket)
        if last is not None and now - last < window:
            return window - (now - last)
        self._last[bucket] = now
        return 0.0


class IdentifyPacer:
    """Waits until a shard may IDENTIFY, by claiming its bucket's slot."""

    def __init__(self, slots: IdentifySlots, max_concurrency: int, window: float = IDENTIFY_WINDOW) -> None:
        self._slots = slots
        self._fallback = LocalSlots()
        self._max_concurrency = max(1, max_concurrency)
        self._window = window

    async def wait_turn(self, shard_id: int) -> None:
        """Return once ``shard_id``'s bucket slot is ours (the IDENTIFY goes out right after)."""
        bucket = bucket_of(shard_id, self._max_concurrency)
        while (wait := await self._claim(bucket)) > 0:
            log.debug("Shard %d waits %.1f s for IDENTIFY bucket %d", shard_id, wait, bucket)
            await asyncio.sleep(wait)

    async def _claim(self, bucket: int) -> float:
        try:
            return await self._slots.claim(bucket, self._window)
        except ClusterUnavailableError:
            # Discord refuses an IDENTIFY too many with a delay, not a ban: pace this process alone meanwhile.
            log.warning("Shared IDENTIFY slots unavailable; pacing this process alone", exc_info=True)
            return await self._fallback.claim(bucket, self._window)
