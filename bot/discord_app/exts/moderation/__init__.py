"""The moderation extension: the ``/mod`` command group."""

from __future__ import annotations

from bot.discord_app.client import CeasefireBot
from bot.discord_app.exts.moderation._cog import Moderation

__all__ = ["setup"]


async def setup(bot: CeasefireBot) -> None:
    """Add the cog (its group is registered with the tree by discord.py)."""
    await bot.add_cog(Moderation(bot))
