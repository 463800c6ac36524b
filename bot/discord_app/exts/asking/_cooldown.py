"""A per-user rate limit shared by every way of asking, so switching between them does not get around it; with
several processes (PostgreSQL), shared by them too, so reaching another shard does not get around it either."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from discord import app_commands
from discord.ext import commands

from bot.store.cluster import ClusterUnavailableError

__all__ = ["AskLimiter", "SharedCounts"]

log = logging.getLogger(__name__)


class SharedCounts(Protocol):
    """Question counts every process sees (:class:`bot.store.cluster.ClusterLink`)."""

    async def count_question(self, user_id: int, at: float, rate: int, per: float) -> float | None:
        """Count one question; the seconds to wait when over ``rate`` per ``per`` seconds, else None."""
        ...


def _by_user(user_id: int) -> int:
    return user_id


class AskLimiter:
    """At most ``rate`` questions per ``per`` seconds for each user (``per == 0`` disables the limit), counted in
    ``shared`` when given, else in this process."""

    def __init__(self, rate: int, per: float, shared: SharedCounts | None = None) -> None:
        self._cooldown = app_commands.Cooldown(rate, per)
        self._shared = shared
        self._buckets: commands.CooldownMapping[int] | None = (
            commands.CooldownMapping(self._cooldown, _by_user) if per > 0 else None
        )

    async def retry_after(self, user_id: int, at: datetime) -> float | None:
        """Count one question by ``user_id`` at ``at``; the seconds to wait when over the limit, else None.

        The time comes from Discord (the interaction's or message's creation), not the local clock, so every
        process counts on the same clock.
        """
        if self._buckets is None:
            return None
        if self._shared is not None:
            try:
                return await self._shared.count_question(
                    user_id, at.timestamp(), self._cooldown.rate, self._cooldown.per
                )
            except ClusterUnavailableError:  # limit in this process rather than refuse to answer
                log.warning("Shared rate limit unavailable; counting in this process", exc_info=True)
        return self._buckets.update_rate_limit(user_id, at.timestamp())
