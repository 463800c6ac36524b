"""A bot on a read-only database keeps answering; a moderator's change is refused with a word, and the operator
gets a warning saying what to fix (not an error: nothing is wrong with the bot)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import simcord

from bot.settings import Settings
from bot.store import open_service
from bot.store.errors import DatabaseUnusableError
from tests.conftest import read_only_file
from tests.discord_app.world import World, embed_of, response


@pytest.fixture
async def settings(tmp_path: Path) -> AsyncIterator[Settings]:
    """A database made by an earlier start, then read-only for the bot under test."""
    fields = Settings(discord_token=None, database_path=tmp_path / "bot.db", ask_cooldown_rate=100)
    await (await open_service(fields)).close()
    with read_only_file(fields.database_path):
        yield fields


async def test_a_read_only_database_answers_and_refuses_changes_with_a_warning(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        asked = await world.member.slash(world.channel, "ask", question="Did Russia accept the ceasefire?")
        refused = await world.moderator.slash(world.channel, "mod alias", fact="witkoff-trip", alias="did he fly")
    assert embed_of(asked).title  # answered, though the question could not be recorded
    assert refused.ephemeral and "database can't take that right now" in response(refused).content
    simcord.assert_error(world.env, DatabaseUnusableError, contains="read-only")
    ours = [record for record in caplog.records if record.name.startswith("bot.")]
    assert any("read-only" in record.getMessage() for record in ours)
    assert all(record.levelno == logging.WARNING and record.exc_info is None for record in ours)
