"""Information: ``/source``, ``/quote``, ``/facts`` and ``/help``."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.models import tag_of
from bot.core.passages import find_passages
from bot.discord_app.client import CeasefireBot
from bot.discord_app.exts.info._render import help_embed, quote_embed, source_embed, topic_of
from bot.discord_app.exts.info._views import FactPages
from bot.discord_app.members import is_moderator
from bot.discord_app.replies import reply
from bot.discord_app.safety import CHOICE_MAX, CHOICES_MAX, clip, user_text

__all__ = ["Info"]

Interaction = discord.Interaction[CeasefireBot]


class Info(commands.Cog):
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
        facts = sorted(
            (fact for fact in self.bot.service.engine.facts.values() if topic is None or topic in fact.tags),
            key=lambda fact: (topic or topic_of(fact), fact.question.casefold()),
        )
        pages = FactPages(interaction, facts, topic)
        await reply(interaction, embed=pages.embed(), view=pages, ephemeral=True)

    @facts.autocomplete("topic")
    async def _complete_topic(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(name=clip(f"{tag} ({count} facts)", CHOICE_MAX), value=tag)
            for tag, count in self.bot.service.engine.topics()
            if wanted in tag
        ][:CHOICES_MAX]

    @app_commands.command(name="help", description="What I can do, with examples")
    async def help(self, interaction: Interaction) -> None:
        moderator = is_moderator(interaction.user, self.bot.settings)
        await reply(interaction, embed=help_embed(moderator=moderator), ephemeral=True)
