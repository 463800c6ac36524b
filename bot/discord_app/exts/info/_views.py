"""Paging through the fact list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.core.models import Fact
from bot.discord_app.exts.info._render import facts_page, page_count
from bot.discord_app.replies import update
from bot.discord_app.ui import OwnedView

__all__ = ["FactPages"]


class FactPages(OwnedView):
    """Previous / Next buttons over a fixed list of facts (the list as it was when ``/facts`` ran)."""

    def __init__(self, origin: discord.Interaction[discord.Client], facts: Sequence[Fact], topic: str | None) -> None:
        super().__init__(origin)
        self._facts = facts
        self._topic = topic
        self._page = 0
        self._sync_buttons()

    def embed(self) -> discord.Embed:
        """The current page."""
        return facts_page(self._facts, self._topic, self._page)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self._page == 0
        self.next.disabled = self._page >= page_count(len(self._facts)) - 1

    async def _turn(self, interaction: discord.Interaction[discord.Client], step: int) -> None:
        self._page += step
        self._sync_buttons()
        await update(interaction, embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", emoji="\N{BLACK LEFT-POINTING TRIANGLE}", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", emoji="\N{BLACK RIGHT-POINTING TRIANGLE}", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, 1)
