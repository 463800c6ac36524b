"""Base classes for views and modals: errors reported like command errors, buttons kept to their owner."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord_app.errors import report_error
from bot.discord_app.replies import reply
from bot.discord_app.safety import NO_MENTIONS

__all__ = ["GuardedModal", "OwnedView"]

log = logging.getLogger(__name__)


class OwnedView(discord.ui.View):
    """A short-lived view only the member who opened it may use; its buttons go away when it times out."""

    def __init__(self, origin: discord.Interaction[discord.Client], *, timeout: float = 300) -> None:
        super().__init__(timeout=timeout)
        self._origin = origin

    async def interaction_check(self, interaction: discord.Interaction[discord.Client], /) -> bool:
        if interaction.user.id == self._origin.user.id:
            return True
        await reply(interaction, "Those buttons belong to someone else's command; run it yourself.", ephemeral=True)
        return False

    async def on_timeout(self) -> None:
        try:
            await self._origin.edit_original_response(view=None, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.debug("Could not remove the buttons of an expired view", exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)


class GuardedModal(discord.ui.Modal):
    """A modal whose submit errors reach the user as an ephemeral explanation."""

    # discord.py's Modal itself narrows BaseView.on_error (no item argument); this mirrors Modal's signature.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[discord.Client], error: Exception, /
    ) -> None:
        await report_error(interaction, error)
