"""A per-user rate limit shared by every way of asking, so switching between them does not get around it."""

from __future__ import annotations

from datetime import datetime

from discord import app_commands
from discord.ext import commands

__all__ = ["AskLimiter"]


def _by_user(user_id: int) -> int:
    return user_id


class AskLimiter:
    """At most ``rate`` questions per ``per`` seconds for each user (``per == 0`` disables the limit)."""

    def __init__(self, rate: int, per: float) -> None:
        self._cooldown = app_commands.Cooldown(rate, per)
        self._buckets: commands.CooldownMapping[int] | None = (
            commands.CooldownMapping(self._cooldown, _by_user) if per > 0 else None
        )

    def retry_after(self, user_id: int, at: datetime) -> float | None:
        """Count one question by ``user_id`` at ``at``; the seconds to wait when over the limit, else None.

        The time comes from Discord (the interaction's or message's creation), not the local clock.
        """
        if self._buckets is None:
            return None
        return self._buckets.update_rate_limit(user_id, at.timestamp())
