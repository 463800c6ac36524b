"""An answer as Discord shows it, and who sees it: pure formatting and decisions, every part inside the limits."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import discord

from bot.core.brief import Brief, QuoteView
from bot.core.decision import MatchStatus
from bot.discord_app.embeds import add_quotes
from bot.discord_app.safety import fit_embed, user_text

__all__ = ["Via", "about_line", "answer_embed", "is_private", "quotes_embed"]

_COLOURS = {
    MatchStatus.ANSWERED: discord.Colour.green(),
    MatchStatus.AMBIGUOUS: discord.Colour.gold(),
    MatchStatus.NO_MATCH: discord.Colour.light_grey(),
    MatchStatus.USAGE: discord.Colour.blurple(),
}


class Via(Enum):
    """How a question reached the bot, which decides who sees the answer and where it goes."""

    SLASH = "slash"  # /ask
    MENU = "menu"  # the "Ask about this message" context menu
    MENTION = "mention"  # @bot question
    PICK = "pick"  # someone picked a question offered under a message
    REPLACE = "replace"  # the asker picked one of their "Did you mean" choices


def is_private(via: Via, status: MatchStatus) -> bool:
    """Whether only the asker sees the reply: a pick, and a slash command's "no answer" or usage reply (no
    channel noise; ``/help`` is private too).

    Mentions and the context menu stay public (a mention's reply cannot be private), and a replaced
    message keeps its visibility.
    """
    if via is Via.PICK:
        return True
    return via is Via.SLASH and status in {MatchStatus.NO_MATCH, MatchStatus.USAGE}


def answer_embed(brief: Brief) -> discord.Embed:
    """The matched question as title, the lead, each quote named by its speaker, the credit in the footer;
    a weak match says so in words. Without an answer: the explanation (the choices are buttons)."""
    description = brief.lead
    if brief.note:
        description = f"{description}\n\n*{brief.note}*".strip()
    embed = discord.Embed(title=brief.title, description=description or None, colour=_COLOURS[brief.status])
    add_quotes(embed, brief.quotes)
    if brief.also:
        asked = "\n".join(f"\u2022 {question}" for question in brief.also)
        embed.add_field(name="You also asked", value=f"{asked}\nPick it from the menu below.", inline=False)
    if brief.credit:
        embed.set_footer(text=brief.credit)
    return fit_embed(embed)


def quotes_embed(title: str, quotes: Sequence[QuoteView], credit: str) -> discord.Embed:
    """The quotes an answer card left out, for the "More quotes" button."""
    embed = discord.Embed(title=f"More quotes: {title}", colour=discord.Colour.green())
    add_quotes(embed, quotes)
    if not quotes:
        embed.description = "Every quote for this answer is already shown."
    if credit:
        embed.set_footer(text=credit)
    return fit_embed(embed)


def about_line(author: str, jump_url: str) -> str:
    """The line above a context-menu answer: whose message it answers, linked (the name echoed escaped)."""
    name = user_text(author.replace("[", "").replace("]", ""), 80)  # brackets would end the link text
    return f"Answering [{name}'s message]({jump_url})"
