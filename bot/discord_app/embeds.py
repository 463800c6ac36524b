"""Embed pieces shared by the answer card and the moderators' fact preview."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.brief import QuoteView
from bot.discord_app.safety import FIELD_VALUE_MAX, block_quote, clip

__all__ = ["add_quotes"]


def add_quotes(embed: discord.Embed, quotes: Sequence[QuoteView]) -> None:
    """Each quote as a field named by who said it, the exact words as a block quote."""
    for quote in quotes:
        embed.add_field(name=quote.label, value=clip(block_quote(quote.quote), FIELD_VALUE_MAX), inline=False)
