"""Fixtures shared by every test: the shipped data folders and an engine over them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.settings import PROJECT_ROOT

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
