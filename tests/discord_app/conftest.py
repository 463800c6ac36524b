"""The real bot, built by ``create_bot`` over a temporary database, in a SimCord world.

``@pytest.mark.bot_settings(name=value, ...)`` changes a setting for one test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord

from bot.discord_app.client import CeasefireBot, create_bot
from bot.discord_app.runner import sync_tree
from bot.settings import Settings
from tests.discord_app.world import World, request_problems


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bot_settings(**fields): settings the bot under test is built with")


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """A fresh database per test; a cooldown loose enough not to interfere unless a test asks for one."""
    fields: dict[str, Any] = {
        "discord_token": None,
        "database_path": tmp_path / "bot.db",
        "ask_cooldown_rate": 100,
        "ask_cooldown_seconds": 60,
    }
    marker = request.node.get_closest_marker("bot_settings")
    if marker is not None:
        fields.update(marker.kwargs)
    return Settings(**fields)


@pytest.fixture
def simcord_bot(settings: Settings) -> CeasefireBot:
    """A fresh, unstarted bot; SimCord's ``simcord_env`` logs it in, which runs its ``setup_hook``."""
    return create_bot(settings)


@pytest.fixture
async def world(simcord_env: simcord.Env) -> AsyncIterator[World]:
    """The world, with the commands synced the way an operator does it (``python -m bot sync``)."""
    env = simcord_env
    bot = env.bot
    assert isinstance(bot, CeasefireBot)
    await sync_tree(bot)
    guild = env.create_guild("Newsroom")
    channel = guild.create_text_channel("general")
    managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    member = guild.add_member(env.create_user("alice"))
    moderator = guild.add_member(env.create_user("mo"), roles=[managers])
    yield World(env, bot, guild, channel, member, moderator)
    # Whatever the test did, no request the bot sent may ping anyone or exceed a Discord limit.
    assert request_problems(env.http_requests) == []
    # SimCord detaches the bot without closing it; closing it closes the database, as a shutdown does.
    await bot.close()
