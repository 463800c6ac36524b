"""The asking extension: slash command, context menu, mentions and the components under answers."""

from __future__ import annotations

from bot.discord_app.client import CeasefireBot
from bot.discord_app.exts.asking._buttons import (
    BrowseButton,
    ChoiceButton,
    FeedbackButton,
    MoreQuotesButton,
    RelatedSelect,
)
from bot.discord_app.exts.asking._cog import Asking

__all__ = ["setup"]


async def setup(bot: CeasefireBot) -> None:
    """Add the cog and register the answer buttons, so old messages' buttons work after a restart."""
    bot.add_dynamic_items(ChoiceButton, RelatedSelect, MoreQuotesButton, FeedbackButton, BrowseButton)
    await bot.add_cog(Asking(bot))
