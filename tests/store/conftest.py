"""Fixtures for the store tests: settings over a temporary database and an open service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.store import FactService, open_service
from tests.conftest import FACTS_DIR, SEEDS_DIR


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The shipped data with a database in a fresh temporary folder (not yet created)."""
    return Settings(database_path=tmp_path / "data" / "bot.db", facts_dir=FACTS_DIR, seeds_dir=SEEDS_DIR)


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[FactService]:
    """An open service over ``settings``, closed after the test."""
    opened = await open_service(settings)
    yield opened
    await opened.close()
