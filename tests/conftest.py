"""Fixtures shared by every test: the shipped data folders and an engine over them."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.settings import PROJECT_ROOT
from tests.postgres import created_database, postgres_server

FACTS_DIR = PROJECT_ROOT / "facts"
SEEDS_DIR = PROJECT_ROOT / "seeds"
ARTICLE_PATH = SEEDS_DIR / "000_b1ce338e24cbc02e.txt"


@pytest.fixture(scope="session")
def article_text() -> str:
    """The article exactly as decoded from its file."""
    return ARTICLE_PATH.read_bytes().decode("utf-8")


@pytest.fixture(scope="session")
def curated_engine() -> Engine:
    """An engine over the shipped curated data (shared: tests must not change it)."""
    return Engine.from_data(FACTS_DIR, SEEDS_DIR)


@pytest.fixture
def fresh_engine() -> Engine:
    """An engine over the shipped curated data that a test may change."""
    return Engine.from_data(FACTS_DIR, SEEDS_DIR)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server to create test databases on (see :mod:`tests.postgres`); skips when there is none."""
    # Not under pytest's own temporary folder: the server runs as the postgres user, who must reach it.
    with tempfile.TemporaryDirectory(prefix="bot-test-postgresql-") as folder, postgres_server(Path(folder)) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database for this test alone, dropped after it."""
    with created_database(postgres_server_url) as url:
        yield url


def data_dirs() -> tuple[Path, Path]:
    """The shipped facts and seeds folders."""
    return FACTS_DIR, SEEDS_DIR


def run_bot_cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in a child process from the project folder, with ``env`` as its environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=60,
        check=False,
    )
