"""Information: ``/source``, ``/quote``, ``/facts`` and ``/help``."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import tag_of
from bot.core.passages import find_passages
from bot.discord_app.client import CeasefireBot
from bot.discord_app.cogs import INFO_COG
from bot.discord_app.exts.info._render import help_embed, quote_embed, source_embed, topic_of, topic_title
from bot.discord_app.exts.info._views import FactPages
from bot.discord_app.members import is_moderator
from bot.discord_app.replies import in_time, reply
from bot.discord_app.safety import CHOICE_MAX, CHOICES_MAX, clip, user_text

__all__ = ["Info"]

Interaction = discord.Interaction[CeasefireBot]
AnyInteraction = discord.Interaction[discord.Client]

log = logging.getLogger(__name__)


class Info(commands.Cog, name=INFO_COG):
    """What the bot knows and where it comes from."""

    def __init__(self, bot: CeasefireBot) -> None:
        self.bot = bot

    @app_commands.command(name="source", description="The article every answer comes from")
    async def source(self, interaction: Interaction) -> None:
        engine = self.bot.service.engine
        await reply(interaction, embed=source_embed(list(engine.sources.values()), engine.facts))

    @app_commands.command(name="quote", description="Find the article's exact words")
    @app_commands.describe(text="A phrase from the article, e.g. temporary breather")
    async def quote(self, interaction: Interaction, text: app_commands.Range[str, 3, 300]) -> None:
        passages = find_passages(self.bot.service.engine.sources.values(), text)
        await reply(interaction, embed=quote_embed(text, passages))

    @app_commands.command(name="facts", description="Browse every question I can answer, by topic")
    @app_commands.describe(topic="Only facts with this topic, e.g. russia")
    async def facts(self, interaction: Interaction, topic: str | None = None) -> None:
        if topic is not None:  # as facts store their topics ("Russia " is russia); no topic can be anything else
            topic = tag_of(topic) or user_text(topic, 40)
        await self._show_facts(interaction, topic)

    async def browse(self, interaction: AnyInteraction) -> None:
        """The "Browse questions" button: every question, privately, as ``/facts`` shows them."""
        await self._show_facts(interaction, None)

    async def _show_facts(self, interaction: AnyInteraction, topic: str | None) -> None:
        facts = sorted(
            (fact for fact in self.bot.service.engine.facts.values() if topic is None or topic in fact.tags),
            key=lambda fact: (topic or topic_of(fact), fact.question.casefold()),
        )
        moderator = is_moderator(interaction.user, self.bot.settings)
        pages = FactPages(interaction, facts, topic, show_ids=moderator)
        await reply(interaction, embed=pages.embed(), view=pages, ephemeral=True)

    @facts.autocomplete("topic")
    async def _complete_topic(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(name=clip(f"{topic_title(tag)} ({count} facts)", CHOICE_MAX), value=tag)
            for tag, count in self.bot.service.engine.topics()
            if wanted in tag or wanted in topic_title(tag).casefold()
        ][:CHOICES_MAX]

    @app_commands.command(name="help", description="What I can do, with examples")
    async def help(self, interaction: Interaction) -> None:
        moderator = is_moderator(interaction.user, self.bot.settings)
        mentions = await in_time(interaction, self._command_mentions(interaction.guild), ephemeral=True)
        me = self.bot.user.mention if self.bot.user is not None else None
        await reply(interaction, embed=help_embed(moderator=moderator, mentions=mentions, me=me), ephemeral=True)

    async def _command_mentions(self, guild: discord.abc.Snowflake | None) -> dict[str, str]:
        """Clickable mentions of the published slash commands (and their subcommands), by name: the
        server's own commands over the global ones. Empty when Discord cannot say (then names are shown)."""
        published: list[app_commands.AppCommand] = []
        try:
            published += await self.bot.tree.fetch_commands()
            if guild is not None:
                published += await self.bot.tree.fetch_commands(guild=guild)
        except discord.HTTPException:
            log.warning("Could not fetch the published commands for /help", exc_info=True)
        mentions: dict[str, str] = {}
        for command in published:
            if command.type is not discord.AppCommandType.chat_input:
                continue
            mentions[command.name] = command.mention
            for option in command.options:
                if isinstance(option, app_commands.AppCommandGroup):
                    mentions[option.qualified_name] = option.mention
        return mentions
