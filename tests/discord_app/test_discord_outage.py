"""Discord failing is not the bot's bug: it is logged as a warning pointing at Discord's status, no traceback."""

from __future__ import annotations

import logging

import discord
import pytest
import simcord

from bot.discord_app.errors import DISCORD_STATUS
from tests.discord_app.world import World, embed_of


async def test_discord_server_errors_are_a_warning_naming_discords_status(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # Every reply to an interaction fails as during an outage (discord.py retries, then gives up).
    world.env.inject_error("*", "/interactions/*", status=503, message="Service Unavailable", times=None)
    world.env.inject_error("*", "/webhooks/*", status=503, message="Service Unavailable", times=None)
    with caplog.at_level(logging.WARNING, logger="bot.discord_app"):
        await world.member.slash(world.channel, "ask", question="Did Russia accept?")
    ours = [record for record in caplog.records if record.name.startswith("bot.")]
    assert ours and all(record.levelno == logging.WARNING for record in ours), [r.getMessage() for r in ours]
    assert all(record.exc_info is None for record in ours)
    assert any("503" in record.getMessage() and DISCORD_STATUS in record.getMessage() for record in ours)
    assert not any("Unhandled error" in record.getMessage() for record in ours)
    simcord.assert_error(world.env, discord.HTTPException, contains="503")
    world.env.backend.faults.clear()
    assert embed_of(await world.member.slash(world.channel, "ask", question="Did Russia accept?")).title
