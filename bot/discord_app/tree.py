"""The command tree with the global app-command error handler."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_app.errors import report_error

if TYPE_CHECKING:
    from bot.discord_app.client import CeasefireBot

__all__ = ["ReportingTree"]


class ReportingTree(app_commands.CommandTree["CeasefireBot"]):
    """Every slash command, context menu and check failure ends in :func:`report_error`.

    Installed as the bot's ``tree_cls`` rather than assigned in ``setup_hook``, so the handler is in place
    before anything can fail (and test harnesses that wrap ``on_error`` see it).
    """

    async def on_error(
        self, interaction: discord.Interaction[CeasefireBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
