"""What the extensions ask of each other, found at click time (so each extension can load on its own)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import discord
from discord.ext import commands

__all__ = ["ASKING_COG", "INFO_COG", "Answering", "Browsing", "answering", "browsing"]

ASKING_COG = "Asking"
INFO_COG = "Info"


@runtime_checkable
class Answering(Protocol):
    """What buttons and menus ask of the asking extension."""

    async def answer_fact(
        self, interaction: discord.Interaction[discord.Client], fact_id: str, *, replace: bool = False
    ) -> None:
        """Answer the fact's own question: privately for the clicker, or in place of the clicked message."""

    async def record_feedback(
        self, interaction: discord.Interaction[discord.Client], asked_id: int, helpful: bool
    ) -> None:
        """Record whether the answer to ``asked_id`` helped."""

    async def show_more_quotes(self, interaction: discord.Interaction[discord.Client], fact_id: str) -> None:
        """Show the quotes an answer card left out, privately."""


@runtime_checkable
class Browsing(Protocol):
    """What the "Browse questions" button asks of the information extension."""

    async def browse(self, interaction: discord.Interaction[discord.Client]) -> None:
        """Show every question the bot can answer, privately (as ``/facts`` does)."""


def _cog(interaction: discord.Interaction[discord.Client], name: str) -> commands.Cog | None:
    return interaction.client.get_cog(name) if isinstance(interaction.client, commands.Bot) else None


def answering(interaction: discord.Interaction[discord.Client]) -> Answering:
    """The asking extension's cog; RuntimeError when that extension is not loaded."""
    cog = _cog(interaction, ASKING_COG)
    if not isinstance(cog, Answering):
        raise RuntimeError("the asking extension is not loaded")
    return cog


def browsing(interaction: discord.Interaction[discord.Client]) -> Browsing:
    """The information extension's cog; RuntimeError when that extension is not loaded."""
    cog = _cog(interaction, INFO_COG)
    if not isinstance(cog, Browsing):
        raise RuntimeError("the information extension is not loaded")
    return cog
