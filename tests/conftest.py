"""Fixtures shared by every test: the shipped data folders and an engine over them."""

from __future__ import annotations

import contextlib
import os
import shutil
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


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[Path]:
    """``path`` made read-only for this process for the block: by its mode, or (for root, whom modes do not stop)
    by the immutable attribute; the test is skipped where neither can be set."""
    path.chmod(0o444)
    immutable = False
    if os.access(path, os.W_OK):
        chattr = shutil.which("chattr")
        immutable = chattr is not None and subprocess.run([chattr, "+i", str(path)], check=False).returncode == 0
        if not immutable:
            path.chmod(0o644)
            pytest.skip("cannot make a file read-only for this user here (root without chattr)")
    try:
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)
