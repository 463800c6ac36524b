"""Asking: ``/ask`` with autocomplete, the "Ask about this message" menu, mentions, and the answer's components.

Every way of asking runs one pipeline (:meth:`Asking.deliver`): rate limit, ask, record, render, reply.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.brief import brief, credit, more_quotes
from bot.core.limits import ASK_MAX
from bot.discord_app.client import CeasefireBot
from bot.discord_app.cogs import ASKING_COG
from bot.discord_app.errors import cooldown_message, report_message_error
from bot.discord_app.exts.asking._buttons import answer_view
from bot.discord_app.exts.asking._complete import question_choices
from bot.discord_app.exts.asking._cooldown import AskLimiter
from bot.discord_app.exts.asking._pipeline import InteractionTarget, MessageTarget, Outgoing, Target
from bot.discord_app.exts.asking._render import Via, about_line, answer_embed, is_private, quotes_embed
from bot.discord_app.members import actor
from bot.discord_app.replies import defer, reply
from bot.discord_app.safety import CHOICES_MAX
from bot.store.service import AskRecord

__all__ = ["Asking"]

Interaction = discord.Interaction[CeasefireBot]
AnyInteraction = discord.Interaction[discord.Client]
Ask = Callable[[str | None, str | None], Awaitable[AskRecord | None]]

_GONE = "That question is no longer in the fact base; try `/ask`."


class Asking(commands.Cog, name=ASKING_COG):
    """Every way of asking a question ends in the same cited answer card."""

    def __init__(self, bot: CeasefireBot) -> None:
        self.bot = bot
        self.limiter = AskLimiter(bot.settings.ask_cooldown_rate, bot.settings.ask_cooldown_seconds, bot.shared)
        self._menu = app_commands.ContextMenu(name="Ask about this message", callback=self.ask_about_message)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self._menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self._menu.name, type=self._menu.type)

    # -- the ways in ---------------------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask about the Russia-Ukraine ceasefire talks; I quote the article")
    @app_commands.describe(question="For example: Did Russia accept the ceasefire?")
    async def ask(self, interaction: Interaction, question: str) -> None:
        await self.deliver(InteractionTarget(interaction, Via.SLASH), self._asking(question))

    @ask.autocomplete("question")
    async def _complete_question(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        # Pure in-memory matching (no database), well inside Discord's 3-second limit.
        typed = current[:ASK_MAX]
        return question_choices(typed, self.bot.service.engine.complete(typed, 2 * CHOICES_MAX))

    async def ask_about_message(self, interaction: Interaction, message: discord.Message) -> None:
        """The "Ask about this message" context menu: the message's text is the question."""
        question = message.content.strip()
        if not question:
            await reply(interaction, "That message has no text I can read; try `/ask`.", ephemeral=True)
            return
        about = about_line(message.author.display_name, message.jump_url)
        await self.deliver(InteractionTarget(interaction, Via.MENU), self._asking(question), about=about)

    @commands.Cog.listener("on_message")
    async def answer_mention(self, message: discord.Message) -> None:
        """``@bot did Russia accept?``: only direct mentions of the bot (not @everyone, not replies)."""
        me = self.bot.user
        if message.author.bot or me is None or me.id not in message.raw_mentions:
            return
        question = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        try:  # a bare mention is a usage request: the engine answers it with how to ask
            await self.deliver(MessageTarget(message), self._asking(question))
        except Exception as error:  # a listener's errors would only be logged: the asker hears of them too
            await report_message_error(message, error)

    async def answer_fact(self, interaction: AnyInteraction, fact_id: str, *, replace: bool = False) -> None:
        """A question offered was picked: answered in place of the message for its asker, else privately."""
        target = InteractionTarget(interaction, Via.REPLACE if replace else Via.PICK)
        await self.deliver(
            target, lambda asker, channel: self.bot.service.ask_fact(fact_id, asker=asker, channel=channel)
        )

    # -- the pipeline ----------------------------------------------------------------------------------------

    def _asking(self, question: str) -> Ask:
        return lambda asker, channel: self.bot.service.ask(question, asker=asker, channel=channel)

    async def deliver(self, target: Target, ask: Ask, *, about: str | None = None) -> None:
        """Rate limit, ask (recording the question), render, reply: the one path every way of asking takes."""
        retry_after = await self.limiter.retry_after(target.user.id, target.created_at)
        if retry_after is not None:
            await target.send(Outgoing(cooldown_message(retry_after)), private=True)
            return
        channel = None if target.channel_id is None else str(target.channel_id)
        record = await target.within_time(ask(actor(target.user), channel))
        if record is None:
            await target.send(Outgoing(_GONE), private=True)
            return
        card = brief(record.result, self.bot.service.engine.sources)
        view = answer_view(card, record.asked_id, target.user.id)
        outgoing = Outgoing(about, answer_embed(card), view)
        await target.send(outgoing, private=is_private(target.via, record.result.status))

    # -- the other components --------------------------------------------------------------------------------

    async def show_more_quotes(self, interaction: AnyInteraction, fact_id: str) -> None:
        """The quotes an answer card left out, privately."""
        engine = self.bot.service.engine
        fact = engine.fact(fact_id)
        if fact is None:
            await reply(interaction, _GONE, ephemeral=True)
            return
        embed = quotes_embed(fact.question, more_quotes(fact, engine.sources), credit(fact.citations, engine.sources))
        await reply(interaction, embed=embed, ephemeral=True)

    async def record_feedback(self, interaction: AnyInteraction, asked_id: int, helpful: bool) -> None:
        """Helpful / not helpful was clicked under an answer."""
        await defer(interaction, ephemeral=True)
        await self.bot.service.record_feedback(asked_id, helpful, actor(interaction.user))
        verdict = "helpful" if helpful else "not helpful"
        await reply(interaction, f"Thanks! I noted that this answer was {verdict}.", ephemeral=True)
