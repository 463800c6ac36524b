"""Fixtures for the store tests: each runs on both backends, over a fresh database, with an open service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings
from bot.store import FactService, open_service
from tests.conftest import FACTS_DIR, SEEDS_DIR


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test's settings choose (a test pins one with ``@pytest.mark.parametrize``)."""
    name: str = request.param
    return name


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    """The shipped data with a fresh database: a SQLite file in a new temporary folder (not yet created), or a
    new PostgreSQL database (empty)."""
    url = SecretStr(request.getfixturevalue("postgres_url")) if backend == "postgresql" else None
    return Settings(
        database_path=tmp_path / "data" / "bot.db", database_url=url, facts_dir=FACTS_DIR, seeds_dir=SEEDS_DIR
    )


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[FactService]:
    """An open service over ``settings``, closed after the test."""
    opened = await open_service(settings)
    yield opened
    await opened.close()
