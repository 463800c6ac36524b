"""The information extension: the article, quote search, the fact list and help."""

from __future__ import annotations

from bot.discord_app.client import CeasefireBot
from bot.discord_app.exts.info._cog import Info

__all__ = ["setup"]


async def setup(bot: CeasefireBot) -> None:
    """Add the cog."""
    await bot.add_cog(Info(bot))
