"""Paging through the fact list, and asking one of the questions shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.core.models import Fact
from bot.discord_app.cogs import answering
from bot.discord_app.exts.info._render import facts_page, page_count, page_facts
from bot.discord_app.replies import update
from bot.discord_app.safety import CHOICE_MAX, clip
from bot.discord_app.ui import OwnedView

__all__ = ["FactPages"]


class FactPages(OwnedView):
    """A menu of the page's questions to ask one, and Previous / Next buttons, over a fixed list of facts
    (the list as it was when it was opened)."""

    def __init__(
        self,
        origin: discord.Interaction[discord.Client],
        facts: Sequence[Fact],
        topic: str | None,
        *,
        show_ids: bool = False,
    ) -> None:
        super().__init__(origin)
        self._facts = facts
        self._topic = topic
        self._show_ids = show_ids
        self._page = 0
        self.ask_one = discord.ui.Select[FactPages](placeholder="Ask one of these questions", row=0)
        self.ask_one.callback = self._ask_one  # type: ignore[method-assign]
        self.add_item(self.ask_one)
        self._sync_items()

    def embed(self) -> discord.Embed:
        """The current page."""
        return facts_page(self._facts, self._topic, self._page, show_ids=self._show_ids)

    def _sync_items(self) -> None:
        self.previous.disabled = self._page == 0
        self.next.disabled = self._page >= page_count(len(self._facts)) - 1
        shown = page_facts(self._facts, self._page)
        self.ask_one.options = [
            discord.SelectOption(label=clip(fact.question, CHOICE_MAX), value=fact.id) for fact in shown
        ]
        self.ask_one.disabled = not shown
        if not shown:  # Discord wants at least one option, even in a disabled menu
            self.ask_one.options = [discord.SelectOption(label="No questions", value="-")]

    async def _turn(self, interaction: discord.Interaction[discord.Client], step: int) -> None:
        self._page += step
        self._sync_items()
        await update(interaction, embed=self.embed(), view=self)

    async def _ask_one(self, interaction: discord.Interaction[discord.Client]) -> None:
        await answering(interaction).answer_fact(interaction, self.ask_one.values[0])

    @discord.ui.button(
        label="Previous", emoji="\N{BLACK LEFT-POINTING TRIANGLE}", style=discord.ButtonStyle.secondary, row=1
    )
    async def previous(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(
        label="Next", emoji="\N{BLACK RIGHT-POINTING TRIANGLE}", style=discord.ButtonStyle.secondary, row=1
    )
    async def next(self, interaction: discord.Interaction[discord.Client], button: discord.ui.Button[Any]) -> None:
        await self._turn(interaction, 1)
