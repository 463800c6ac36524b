"""Moderators' buttons: confirming a removal, and reopening a refused form with what was typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord_app.replies import update
from bot.discord_app.ui import OwnedView

__all__ = ["ConfirmRemoval", "RetryForm"]


class ConfirmRemoval(OwnedView):
    """Remove / Cancel under the fact about to be removed."""

    def __init__(
        self,
        origin: discord.Interaction[discord.Client],
        remove: Callable[[discord.Interaction[discord.Client]], Awaitable[str]],
    ) -> None:
        super().__init__(origin, timeout=120)
        self._remove = remove

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        # Acknowledge first: the removal writes to the database. The message is then edited in place.
        await interaction.response.defer()
        outcome = await self._remove(interaction)
        self.stop()
        await update(interaction, outcome, embed=None, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await update(interaction, "Nothing was removed.", embed=None, view=None)


class RetryForm(OwnedView):
    """One button that reopens the refused form, filled with what the moderator typed, to fix it."""

    def __init__(self, origin: discord.Interaction[discord.Client], reopen: Callable[[], discord.ui.Modal]) -> None:
        super().__init__(origin, timeout=600)
        self._reopen = reopen

    @discord.ui.button(label="Edit and try again", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(self._reopen())
