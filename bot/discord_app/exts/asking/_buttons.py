"""The buttons under an answer: close questions to pick, and helpful / not helpful.

They are dynamic items: everything a click needs is in the custom id, so the buttons keep working on old
messages and after a restart, with nothing held in memory.
"""

from __future__ import annotations

import re
from typing import Protocol, Self, runtime_checkable

import discord
from discord.ext import commands

from bot.core.engine import AskResult
from bot.discord_app.errors import guarded
from bot.discord_app.safety import BUTTON_LABEL_MAX, clip

__all__ = ["ASKING_COG", "Answering", "FeedbackButton", "SuggestionButton", "answer_view"]

ASKING_COG = "Asking"

Button = discord.ui.Button[discord.ui.View]


@runtime_checkable
class Answering(Protocol):
    """What the buttons ask of the asking cog."""

    async def answer_fact(self, interaction: discord.Interaction[discord.Client], fact_id: str) -> None:
        """Answer the fact's own question for whoever clicked."""

    async def record_feedback(
        self, interaction: discord.Interaction[discord.Client], asked_id: int, helpful: bool
    ) -> None:
        """Record whether the answer to ``asked_id`` helped."""


def _answering(interaction: discord.Interaction[discord.Client]) -> Answering:
    cog = interaction.client.get_cog(ASKING_COG) if isinstance(interaction.client, commands.Bot) else None
    if not isinstance(cog, Answering):
        raise RuntimeError("the asking extension is not loaded")
    return cog


class SuggestionButton(discord.ui.DynamicItem[Button], template=r"ask:fact:(?P<fact_id>[a-z0-9-]{1,64})"):
    """A close question; clicking it answers that question."""

    def __init__(self, fact_id: str, question: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(question, BUTTON_LABEL_MAX),
                custom_id=f"ask:fact:{fact_id}",
                style=discord.ButtonStyle.primary,
            )
        )
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[discord.Client],
        item: discord.ui.Item[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(match["fact_id"], getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        await guarded(interaction, lambda: _answering(interaction).answer_fact(interaction, self.fact_id))


class FeedbackButton(
    discord.ui.DynamicItem[Button], template=r"ask:feedback:(?P<asked_id>[0-9]{1,19}):(?P<helpful>[yn])"
):
    """Helpful or not helpful, for the asked question the answer came from."""

    def __init__(self, asked_id: int, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not helpful",
                emoji="\N{THUMBS UP SIGN}" if helpful else "\N{THUMBS DOWN SIGN}",
                custom_id=f"ask:feedback:{asked_id}:{'y' if helpful else 'n'}",
                style=discord.ButtonStyle.secondary,
            )
        )
        self.asked_id = asked_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[discord.Client],
        item: discord.ui.Item[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["asked_id"]), match["helpful"] == "y")

    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        await guarded(
            interaction, lambda: _answering(interaction).record_feedback(interaction, self.asked_id, self.helpful)
        )


def answer_view(result: AskResult, asked_id: int | None) -> discord.ui.View | None:
    """Buttons for the close questions (first row) and, for a logged answer, feedback (second row)."""
    view = discord.ui.View(timeout=None)
    for suggestion in result.suggestions:
        view.add_item(SuggestionButton(suggestion.fact_id, suggestion.question))
    if asked_id is not None and result.fact is not None:
        for helpful in (True, False):
            item = FeedbackButton(asked_id, helpful)
            item.item.row = 1
            view.add_item(item)
    return view if view.children else None
