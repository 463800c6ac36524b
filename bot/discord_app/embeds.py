"""Embed pieces shared by the answer card and the moderators' fact preview."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.render import CitationView
from bot.discord_app.safety import AUTHOR_MAX, FIELD_VALUE_MAX, block_quote, clip

__all__ = ["add_citations"]


def add_citations(embed: discord.Embed, citations: Sequence[CitationView]) -> None:
    """Each exact quote as a block quote with its speaker, and the sources credited in the author line.

    The author line holds the credit because it is never dropped when a long embed has to shed fields.
    """
    numbered = len(citations) > 1
    for number, citation in enumerate(citations, start=1):
        value = f"{block_quote(citation.quote)}\n\u2014 {citation.speaker}"
        embed.add_field(
            name=f"Quote {number}" if numbered else "Quote", value=clip(value, FIELD_VALUE_MAX), inline=False
        )
    credits = list(dict.fromkeys(citation.source for citation in citations))
    if credits:
        embed.set_author(name=clip("Source: " + "; ".join(credits), AUTHOR_MAX))
