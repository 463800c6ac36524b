"""Who is acting: the moderator check and how a member is named in the audit log."""

from __future__ import annotations

import discord

from bot.discord_app.errors import NotModerator
from bot.settings import Settings

__all__ = ["actor", "ensure_moderator", "is_moderator"]


def actor(user: discord.abc.User) -> str:
    """How a Discord member is recorded as asker or actor: the name for people, the id to be certain."""
    return f"discord:{user.name} ({user.id})"


def is_moderator(user: discord.abc.User, settings: Settings) -> bool:
    """The Manage Server permission, or a role listed in ``MODERATOR_ROLE_IDS`` (never in DMs)."""
    if not isinstance(user, discord.Member):
        return False
    if user.guild_permissions.manage_guild:
        return True
    return any(role.id in settings.moderator_role_ids for role in user.roles)


def ensure_moderator(interaction: discord.Interaction[discord.Client], settings: Settings) -> None:
    """The second gate behind Discord's default member permissions, checked again at every change."""
    if not is_moderator(interaction.user, settings):
        raise NotModerator
