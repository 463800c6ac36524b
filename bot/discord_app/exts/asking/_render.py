"""An answer card as a Discord embed: pure formatting, every part inside Discord's limits."""

from __future__ import annotations

import discord

from bot.core.decision import MatchStatus
from bot.core.render import AnswerCard
from bot.discord_app.embeds import add_citations
from bot.discord_app.safety import FIELD_VALUE_MAX, block_quote, clip, fit_embed, user_text

__all__ = ["answer_embed"]

_COLOURS = {
    MatchStatus.ANSWERED: discord.Colour.green(),
    MatchStatus.AMBIGUOUS: discord.Colour.gold(),
    MatchStatus.NO_MATCH: discord.Colour.light_grey(),
    MatchStatus.USAGE: discord.Colour.blurple(),
}


def answer_embed(card: AnswerCard, *, about: str | None = None) -> discord.Embed:
    """The matched question as title, the answer, each exact quote with its speaker, the source and the
    confidence note; when nothing answers, the close questions. ``about`` is the message text asked about
    (echoed escaped, since anyone may have written it)."""
    body = card.body
    if card.fact_id is None and card.suggestions:
        body += "\n" + "\n".join(f"\u2022 {question}" for question in card.suggestions)
    embed = discord.Embed(title=card.heading, description=body, colour=_COLOURS[card.status])
    if about is not None:
        embed.add_field(
            name="About this message",
            value=clip(block_quote(user_text(about, FIELD_VALUE_MAX)) or "\u200b", FIELD_VALUE_MAX),
            inline=False,
        )
    add_citations(embed, card.citations)
    embed.set_footer(text=card.confidence)
    return fit_embed(embed)
