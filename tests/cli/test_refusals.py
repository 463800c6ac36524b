"""Mistakes an operator makes get one line saying what is wrong and how to fix it, and write nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_bot_cli


def bot(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS --db DATABASE`` in a child process, as an operator runs it."""
    return run_bot_cli(*args, "--db", str(database), env={**os.environ, "DISCORD_TOKEN": ""})


def refused(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 2 and result.stdout == "", result.stdout
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def audit_rows(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT fact_id, action FROM audit_log WHERE actor != 'curated-sync'").fetchall()
    connection.close()
    return rows


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    assert bot(path, "facts", "list").returncode == 0  # created and synced
    return path


def test_an_edit_that_changes_nothing_is_refused_and_writes_nothing(database: Path) -> None:
    refused(bot(database, "facts", "edit", "witkoff-trip"), "give at least one change", "--answer")
    listed = [json.loads(line) for line in bot(database, "facts", "list", "--json").stdout.splitlines()]
    answer = next(fact["answer"] for fact in listed if fact["id"] == "witkoff-trip")
    refused(bot(database, "facts", "edit", "witkoff-trip", "--answer", answer), "changes nothing", "nothing was saved")
    assert audit_rows(database) == []
    export = bot(database, "facts", "export")
    assert "witkoff-trip" not in export.stdout  # still the curated file's, not marked as a moderator's edit


def test_a_blank_alias_is_refused_and_writes_nothing(database: Path) -> None:
    refused(bot(database, "facts", "alias", "witkoff-trip", "--add", "   "), "alias", "blank")
    assert audit_rows(database) == []
