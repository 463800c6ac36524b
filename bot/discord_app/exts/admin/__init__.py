"""The owner's extension: publishing the commands from Discord."""

from __future__ import annotations

from bot.discord_app.client import CeasefireBot
from bot.discord_app.exts.admin._cog import Admin

__all__ = ["setup"]


async def setup(bot: CeasefireBot) -> None:
    """Add the cog."""
    await bot.add_cog(Admin(bot))
