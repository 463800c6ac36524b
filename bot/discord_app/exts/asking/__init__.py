"""The asking extension: slash command, context menu, mentions and answer buttons."""

from __future__ import annotations

from bot.discord_app.client import CeasefireBot
from bot.discord_app.exts.asking._buttons import FeedbackButton, SuggestionButton
from bot.discord_app.exts.asking._cog import Asking

__all__ = ["setup"]


async def setup(bot: CeasefireBot) -> None:
    """Add the cog and register the answer buttons, so old messages' buttons work after a restart."""
    bot.add_dynamic_items(SuggestionButton, FeedbackButton)
    await bot.add_cog(Asking(bot))
