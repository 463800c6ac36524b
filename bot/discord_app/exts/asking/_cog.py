"""Asking: ``/ask`` with autocomplete, the "Ask about this message" menu, mentions, and the answer buttons."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.engine import AskResult
from bot.core.limits import ASK_MAX
from bot.core.render import answer_card
from bot.discord_app.client import CeasefireBot
from bot.discord_app.errors import cooldown_message, report_message_error
from bot.discord_app.exts.asking._buttons import ASKING_COG, answer_view
from bot.discord_app.exts.asking._cooldown import AskLimiter
from bot.discord_app.exts.asking._render import answer_embed
from bot.discord_app.members import actor
from bot.discord_app.replies import defer, in_time, reply
from bot.discord_app.safety import CHOICE_MAX, CHOICES_MAX, NO_MENTIONS, clip

__all__ = ["Asking"]

Interaction = discord.Interaction[CeasefireBot]

_MENTION_HELP = (
    "Ask me a question after the mention, for example: did Russia accept the ceasefire? "
    "Or use `/ask`; `/help` lists everything I can do."
)


class Asking(commands.Cog, name=ASKING_COG):
    """Every way of asking a question ends in the same cited answer card."""

    def __init__(self, bot: CeasefireBot) -> None:
        self.bot = bot
        self.limiter = AskLimiter(bot.settings.ask_cooldown_rate, bot.settings.ask_cooldown_seconds)
        self._menu = app_commands.ContextMenu(name="Ask about this message", callback=self.ask_about_message)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self._menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self._menu.name, type=self._menu.type)

    @app_commands.command(name="ask", description="Ask about the Russia-Ukraine ceasefire talks; I quote the article")
    @app_commands.describe(question="For example: Did Russia accept the ceasefire?")
    async def ask(self, interaction: Interaction, question: str) -> None:
        await self._answer(interaction, question)

    @ask.autocomplete("question")
    async def _complete_question(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        # Pure in-memory matching (no database), well inside Discord's 3-second limit.
        suggestions = self.bot.service.engine.complete(current[:ASK_MAX], CHOICES_MAX)
        questions = dict.fromkeys(clip(suggestion.question, CHOICE_MAX) for suggestion in suggestions)
        return [app_commands.Choice(name=question, value=question) for question in questions][:CHOICES_MAX]

    async def ask_about_message(self, interaction: Interaction, message: discord.Message) -> None:
        """The "Ask about this message" context menu: the message's text is the question."""
        question = message.content.strip()
        if not question:
            await reply(interaction, "That message has no text I can read; try `/ask`.", ephemeral=True)
            return
        await self._answer(interaction, question, about=question)

    @commands.Cog.listener("on_message")
    async def answer_mention(self, message: discord.Message) -> None:
        """``@bot did Russia accept?``: only direct mentions of the bot (not @everyone, not replies)."""
        me = self.bot.user
        if message.author.bot or me is None or me.id not in message.raw_mentions:
            return
        question = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        try:
            await self._answer_mention(message, question)
        except Exception as error:  # a listener's errors would only be logged: the asker hears of them too
            await report_message_error(message, error)

    async def _answer_mention(self, message: discord.Message, question: str) -> None:
        if not question:
            await message.reply(_MENTION_HELP, allowed_mentions=NO_MENTIONS)
            return
        retry_after = await self.limiter.retry_after(message.author.id, message.created_at)
        if retry_after is not None:
            await message.reply(cooldown_message(retry_after), allowed_mentions=NO_MENTIONS)
            return
        result, asked_id = await self._ask(question, message.author, message.channel.id)
        embed, view = self._render(result, asked_id)
        if view is None:  # discord.py's overloads take a view or no view argument at all, not None
            await message.reply(embed=embed, allowed_mentions=NO_MENTIONS)
        else:
            await message.reply(embed=embed, view=view, allowed_mentions=NO_MENTIONS)

    async def answer_fact(self, interaction: discord.Interaction[discord.Client], fact_id: str) -> None:
        """A close question was clicked: answer it for the clicker, privately (others may click too)."""
        await self.limiter.check(interaction)
        await defer(interaction, ephemeral=True)
        record = await self.bot.service.ask_fact(
            fact_id, asker=actor(interaction.user), channel=_channel(interaction.channel_id)
        )
        if record is None:
            await reply(interaction, "That question is no longer in the fact base; try `/ask`.", ephemeral=True)
            return
        embed, view = self._render(record.result, record.asked_id)
        await reply(interaction, embed=embed, view=view, ephemeral=True)

    async def record_feedback(
        self, interaction: discord.Interaction[discord.Client], asked_id: int, helpful: bool
    ) -> None:
        """Helpful / not helpful was clicked under an answer."""
        await defer(interaction, ephemeral=True)
        await self.bot.service.record_feedback(asked_id, helpful, actor(interaction.user))
        verdict = "helpful" if helpful else "not helpful"
        await reply(interaction, f"Thanks! I noted that this answer was {verdict}.", ephemeral=True)

    async def _answer(self, interaction: Interaction, question: str, *, about: str | None = None) -> None:
        await self.limiter.check(interaction)
        result, asked_id = await in_time(
            interaction, self._ask(question, interaction.user, interaction.channel_id), ephemeral=False
        )
        embed, view = self._render(result, asked_id, about=about)
        await reply(interaction, embed=embed, view=view)

    async def _ask(
        self, question: str, asker: discord.abc.User, channel_id: int | None
    ) -> tuple[AskResult, int | None]:
        record = await self.bot.service.ask(question, asker=actor(asker), channel=_channel(channel_id))
        return record.result, record.asked_id

    def _render(
        self, result: AskResult, asked_id: int | None, *, about: str | None = None
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        card = answer_card(result, self.bot.service.engine.sources)
        return answer_embed(card, about=about), answer_view(result, asked_id)


def _channel(channel_id: int | None) -> str | None:
    """How a channel is recorded beside a question."""
    return None if channel_id is None else str(channel_id)
