"""Mistakes an operator makes get one line saying what is wrong and how to fix it, and write nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import read_only_file, run_bot_cli


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


@pytest.fixture
def read_only(database: Path) -> Iterator[Path]:
    """``database``, read-only for this process."""
    with read_only_file(database):
        yield database


def test_a_read_only_database_still_answers_with_a_warning_and_refuses_changes_in_one_line(read_only: Path) -> None:
    asked = bot(read_only, "ask", "did russia accept?")
    assert asked.returncode == 0 and "Did Russia accept" in asked.stdout, asked.stderr
    assert asked.stderr.startswith("warning: answering without recording the questions:")
    assert "read-only" in asked.stderr and "Traceback" not in asked.stderr
    chatted = run_bot_cli("chat", "--db", str(read_only), env={**os.environ, "DISCORD_TOKEN": ""},
                          stdin="did russia accept?\nwho is rubio?\n")  # fmt: skip
    assert chatted.returncode == 0 and chatted.stderr.count("warning:") == 1, chatted.stderr
    refused(bot(read_only, "facts", "remove", "witkoff-trip"), "is read-only", "chmod")
    assert bot(read_only, "facts", "list").returncode == 0


def _cut_off(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m bot ARGS`` with its output closed before it writes (a reader that stopped, like ``head``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DISCORD_TOKEN": ""},
    )
    assert process.stdout is not None
    process.stdout.close()
    _, errors = process.communicate(stdin.encode() if stdin is not None else None, timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, b"", errors)


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("facts", "list", "--json"), None),
        (("facts", "history"), None),
        (("ask", "--json"), "did russia accept?\nwho is rubio?\n"),
    ],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    database: Path, args: tuple[str, ...], stdin: str | None
) -> None:
    bot(database, "facts", "remove", "witkoff-trip")  # something in the history
    stopped = _cut_off(*args, "--db", str(database), stdin=stdin)
    assert stopped.returncode == 0 and stopped.stderr == b"", stopped.stderr.decode()


def test_invalid_options_are_named_with_what_is_allowed_and_an_example(database: Path) -> None:
    result = bot(database, "facts", "add", "--question", "Who?", "--answer", " ", "--quote", "Putin said",
                 "--speaker", "NOTUS", "--tag", "Two Words", "--id", "Bad_Id")  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: --id 'Bad_Id' is not allowed: give lower-case letters, digits")
    assert "--answer is blank: give a short answer of 1 to 1000 characters, e.g. " in result.stderr
    assert "--tag 'Two Words' is not allowed" in result.stderr and "e.g. russia" in result.stderr
    assert "should" not in result.stderr  # none of the validation library's own wording
    missing = bot(database, "facts", "add", "--question", "Where did Witkoff go?", "--quote", "Putin said",
                  "--speaker", "NOTUS")  # fmt: skip
    refused(missing, "--answer is missing: give a short answer", 'e.g. "Not clearly."')
