"""The JSON objects the loopback Discord sends: users, guilds, members, interactions and messages, with the fields
discord.py reads (Discord's own field names)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import discord

__all__ = [
    "APPLICATION_ID",
    "BOT_USER_ID",
    "application",
    "bot_user",
    "command_interaction",
    "guild_create",
    "guild_id_on_shard",
    "message",
    "modal_submit",
    "shard_of",
    "snowflake",
    "user",
]

APPLICATION_ID = 1_100_000_000_000_000_001
BOT_USER_ID = APPLICATION_ID
_DISCORD_EPOCH_MS = 1_420_070_400_000
_counter = itertools.count(1)
_MEMBER_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, read_message_history=True)
_MODERATOR_PERMISSIONS = _MEMBER_PERMISSIONS | discord.Permissions(manage_guild=True)
_BOT_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, embed_links=True, read_message_history=True
)


def snowflake(at: datetime | None = None) -> int:
    """A fresh id whose timestamp is ``at`` (default now), as Discord makes them."""
    moment = at or datetime.now(UTC)
    milliseconds = int(moment.timestamp() * 1000) - _DISCORD_EPOCH_MS
    return (milliseconds << 22) | (next(_counter) & 0x3FFFFF)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


def guild_id_on_shard(shard_id: int, shard_count: int) -> int:
    """A fresh guild id that falls on ``shard_id``."""
    guild_id = snowflake()
    while shard_of(guild_id, shard_count) != shard_id:
        guild_id += 1 << 22  # one millisecond later: the next shard
    return guild_id


def _now() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, is_bot: bool = False) -> dict[str, Any]:
    """A user object."""
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": is_bot,
        "public_flags": 0,
        "flags": 0,
    }


def bot_user() -> dict[str, Any]:
    """The bot's own user."""
    return user(BOT_USER_ID, "Ceasefire Bot", is_bot=True)


def application() -> dict[str, Any]:
    """``GET /oauth2/applications/@me``."""
    return {
        "id": str(APPLICATION_ID),
        "name": "Ceasefire Bot",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(1_100_000_000_000_000_002, "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "team": None,
    }


def _member(member_user: dict[str, Any]) -> dict[str, Any]:
    return {"user": member_user, "roles": [], "joined_at": _now(), "deaf": False, "mute": False, "flags": 0}


def _channel(channel_id: int, guild_id: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "nsfw": False,
    }


def channel_of(guild_id: int) -> int:
    """Each loopback guild has one text channel, whose id is the guild's plus one."""
    return guild_id + 1


def moderator_role_of(guild_id: int) -> int:
    """Each loopback guild has a role with Manage Server, whose id is the guild's plus two."""
    return guild_id + 2


def _role(role_id: int, name: str, permissions: discord.Permissions, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions.value),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_create(guild_id: int, name: str) -> dict[str, Any]:
    """A ``GUILD_CREATE`` for a guild with one text channel, a moderators' role (Manage Server) and the bot as its
    only cached member."""
    roles = [
        _role(guild_id, "@everyone", _MEMBER_PERMISSIONS, 0),
        _role(moderator_role_of(guild_id), "Moderators", _MODERATOR_PERMISSIONS, 1),
    ]
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": "1100000000000000002",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": _now(),
        "large": False,
        "unavailable": False,
        "member_count": 2,
        "voice_states": [],
        "members": [_member(bot_user())],
        "channels": [_channel(channel_of(guild_id), guild_id)],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    }


def _interaction(
    interaction_type: int, guild_id: int, user_id: int, data: dict[str, Any], *, moderator: bool
) -> dict[str, Any]:
    member = _member(user(user_id, f"member{user_id % 10_000}"))
    if moderator:
        member["roles"] = [str(moderator_role_of(guild_id))]
    member["permissions"] = str((_MODERATOR_PERMISSIONS if moderator else _MEMBER_PERMISSIONS).value)
    interaction_id = snowflake()
    return {
        "id": str(interaction_id),
        "application_id": str(APPLICATION_ID),
        "type": interaction_type,
        "token": f"token-{interaction_id}",
        "version": 1,
        "data": data,
        "guild_id": str(guild_id),
        "channel_id": str(channel_of(guild_id)),
        "channel": _channel(channel_of(guild_id), guild_id),
        "member": member,
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": str(_BOT_PERMISSIONS.value),
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": 25 * 1024 * 1024,
    }


def command_interaction(
    guild_id: int,
    user_id: int,
    name: str,
    options: dict[str, str],
    *,
    group: str | None = None,
    moderator: bool = False,
) -> dict[str, Any]:
    """A slash command ``/[group] name option:value...`` used in ``guild_id``'s channel (string options only)."""
    leaf = [{"name": key, "type": 3, "value": value} for key, value in options.items()]
    data: dict[str, Any] = {"id": str(snowflake()), "type": 1}
    if group is None:
        data |= {"name": name, "options": leaf}
    else:
        data |= {"name": group, "options": [{"name": name, "type": 1, "options": leaf}]}
    return _interaction(2, guild_id, user_id, data, moderator=moderator)


def modal_submit(guild_id: int, user_id: int, modal: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The submission of ``modal`` (a modal callback's data) with ``values`` by input custom id, laid out as it was
    sent (labels or action rows)."""
    components: list[dict[str, Any]] = []
    for component in modal.get("components", []):
        inputs = [component["component"]] if "component" in component else component.get("components", [])
        filled = [
            {"type": field["type"], "custom_id": field["custom_id"], "value": values.get(field["custom_id"], "")}
            for field in inputs
        ]
        if "component" in component:
            components.append({"type": component["type"], "component": filled[0]})
        else:
            components.append({"type": component["type"], "components": filled})
    data = {"custom_id": modal["custom_id"], "components": components}
    return _interaction(5, guild_id, user_id, data, moderator=True)


def message(channel_id: str, body: dict[str, Any], *, interaction_id: str | None = None) -> dict[str, Any]:
    """A message object for what the bot sent (``body`` is its request payload)."""
    return {
        "id": str(snowflake()),
        "channel_id": channel_id,
        "author": bot_user(),
        "content": body.get("content") or "",
        "timestamp": _now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 20 if interaction_id else 0,
        "flags": body.get("flags", 0),
        "application_id": str(APPLICATION_ID),
        "webhook_id": str(APPLICATION_ID) if interaction_id else None,
    }
