"""``/sync``: the bot's owner publishes the commands from Discord (``python -m bot sync`` does it from a shell).

Hidden from everyone but administrators, and refused at run time to anyone but the application's owner.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.client import CeasefireBot
from bot.discord_app.errors import NotOwner
from bot.discord_app.replies import in_time, reply
from bot.discord_app.runner import sync_tree

__all__ = ["Admin"]

Interaction = discord.Interaction[CeasefireBot]


class Admin(commands.Cog):
    """Commands for the bot's owner."""

    def __init__(self, bot: CeasefireBot) -> None:
        self.bot = bot

    @app_commands.command(name="sync", description="Publish the bot's commands (owner only)")
    @app_commands.describe(scope="here: this server, at once; everywhere: every server (takes a while to show)")
    @app_commands.default_permissions(administrator=True)
    async def sync(self, interaction: Interaction, scope: Literal["here", "everywhere"]) -> None:
        if not await self.bot.is_owner(interaction.user):
            raise NotOwner
        if scope == "here" and interaction.guild is None:
            await reply(interaction, "`here` works in a server; use `everywhere` in a direct message.", ephemeral=True)
            return
        guild_id = interaction.guild.id if scope == "here" and interaction.guild is not None else None
        names = await in_time(interaction, sync_tree(self.bot, guild_id), ephemeral=True)
        where = "this server" if guild_id is not None else "every server"
        await reply(interaction, f"Published {len(names)} commands to {where}: {', '.join(names)}.", ephemeral=True)
