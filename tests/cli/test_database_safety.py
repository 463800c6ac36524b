"""The database commands never lose data: backups refuse to overwrite, restore keeps what it replaces and
refuses while the database is in use, and a database that is not this bot's (or is damaged) is reported in one
line with what to do."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import run_bot_cli

WITKOFF = "U.S. special envoy Steve Witkoff arrived in Russia on Thursday"


def bot(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS --db DATABASE`` in a child process, as an operator runs it."""
    return run_bot_cli(*args, "--db", str(database), env={**os.environ, "DISCORD_TOKEN": ""})


def add_fact(database: Path, question: str) -> None:
    added = bot(database, "facts", "add", "--question", question, "--answer", "Russia.", "--quote", WITKOFF,
                "--speaker", "NOTUS")  # fmt: skip
    assert added.returncode == 0, added.stderr


def fact_ids(database: Path) -> set[str]:
    listed = bot(database, "facts", "list")
    assert listed.returncode == 0, listed.stderr
    return {line.split()[0] for line in listed.stdout.splitlines()}


def one_line_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr


@pytest.fixture
def databases(tmp_path: Path) -> tuple[Path, Path]:
    """Two bot databases, each with a moderator's fact of its own."""
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    add_fact(first, "Where did Witkoff go on Thursday?")
    add_fact(second, "Which country did Witkoff reach?")
    return first, second


def test_a_backup_refuses_an_existing_file_unless_forced(databases: tuple[Path, Path]) -> None:
    first, second = databases
    refused = bot(first, "db", "backup", str(second))
    one_line_error(refused, "already exists", "--force")
    assert "which-country-did-witkoff-reach" in fact_ids(second)  # the other database keeps its fact
    replaced = bot(first, "db", "backup", str(second), "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert "where-did-witkoff-go-on-thursday" in fact_ids(second)
    assert not [path.name for path in second.parent.iterdir() if path.name.endswith(".partial")]


def test_a_backup_never_overwrites_the_database_it_reads(databases: tuple[Path, Path]) -> None:
    first, _ = databases
    for extra in ((), ("--force",)):
        one_line_error(bot(first, "db", "backup", str(first), *extra), "is the database being backed up")
    with sqlite3.connect(first) as holder:  # open, so its write-ahead log exists beside it
        holder.execute("SELECT COUNT(*) FROM facts").fetchall()
        log = first.with_name(first.name + "-wal")
        assert log.exists()
        one_line_error(bot(first, "db", "backup", str(log), "--force"), "is the database being backed up (or its log)")
    holder.close()
    one_line_error(bot(first, "db", "backup", str(first.parent)), "is a folder")
    assert "where-did-witkoff-go-on-thursday" in fact_ids(first)


def test_a_forced_backup_refuses_a_database_in_use(databases: tuple[Path, Path]) -> None:
    first, second = databases
    with sqlite3.connect(second) as holder:
        holder.execute("SELECT COUNT(*) FROM facts").fetchall()
        one_line_error(bot(first, "db", "backup", str(second), "--force"), "is in use")
    holder.close()
    assert "which-country-did-witkoff-reach" in fact_ids(second)


def test_restore_brings_the_backup_back_and_keeps_the_database_it_replaces(tmp_path: Path) -> None:
    database, backup = tmp_path / "bot.db", tmp_path / "backups" / "monday.db"
    add_fact(database, "Where did Witkoff go on Thursday?")
    assert bot(database, "db", "backup", str(backup)).returncode == 0
    add_fact(database, "Which country did Witkoff reach?")
    restored = bot(database, "db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "passes the integrity check" in restored.stdout
    ids = fact_ids(database)
    assert "where-did-witkoff-go-on-thursday" in ids and "which-country-did-witkoff-reach" not in ids
    kept = [path for path in tmp_path.iterdir() if path.name.startswith("bot.db.replaced-")]
    assert len(kept) == 1 and str(kept[0]) in restored.stdout
    assert "which-country-did-witkoff-reach" in fact_ids(kept[0])  # nothing is lost
    assert bot(database, "db", "check").returncode == 0


def test_restore_refuses_while_the_database_is_in_use(databases: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = databases
    backup = tmp_path / "backup.db"
    assert bot(second, "db", "backup", str(backup)).returncode == 0
    # The console chat holds the database through the same service the Discord bot runs on.
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--db", str(first)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        cwd=PROJECT_ROOT, env={**os.environ, "DISCORD_TOKEN": ""},
    )  # fmt: skip
    assert chat.stdin is not None and chat.stdout is not None
    try:
        chat.stdin.write("did russia accept?\n")
        chat.stdin.flush()
        assert chat.stdout.readline()  # open and answering
        one_line_error(bot(first, "db", "restore", str(backup)), "is in use", "nothing was changed")
    finally:
        chat.communicate("", timeout=60)
    assert "where-did-witkoff-go-on-thursday" in fact_ids(first)
    assert not [path for path in tmp_path.iterdir() if ".replaced-" in path.name or path.name.endswith(".restoring")]


def test_restore_refuses_a_backup_that_fails_its_check(databases: tuple[Path, Path], tmp_path: Path) -> None:
    first, _ = databases
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(8192))
    one_line_error(bot(first, "db", "restore", str(junk)), "cannot be read as a database", "nothing was changed")
    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.close()
    refused = bot(first, "db", "restore", str(foreign))
    assert refused.returncode == 2 and "not a database of this version of the bot" in refused.stderr
    one_line_error(bot(first, "db", "restore", str(tmp_path / "absent.db")), "there is no backup file")
    one_line_error(bot(tmp_path / "absent.db", "db", "check"), "there is no database at")
    assert "where-did-witkoff-go-on-thursday" in fact_ids(first)


def test_a_damaged_database_says_to_restore_and_restore_mends_it(tmp_path: Path) -> None:
    database, backup = tmp_path / "bot.db", tmp_path / "backup.db"
    add_fact(database, "Where did Witkoff go on Thursday?")
    assert bot(database, "db", "backup", str(backup)).returncode == 0
    size = database.stat().st_size
    with database.open("r+b") as handle:  # every page after the first overwritten
        handle.seek(4096)
        handle.write(b"\xff" * (size - 4096))
    one_line_error(bot(database, "ask", "did russia accept?"), "is damaged", "db restore")
    checked = bot(database, "db", "check")  # examines the file even though the store cannot open it
    assert checked.returncode == 1 and "malformed" in checked.stderr and "Traceback" not in checked.stderr
    assert bot(database, "db", "restore", str(backup)).returncode == 0
    assert "where-did-witkoff-go-on-thursday" in fact_ids(database)


@pytest.mark.parametrize("version", [0, 3])  # another program may set its own schema version
def test_another_programs_database_is_refused_and_left_unchanged(tmp_path: Path, version: int) -> None:
    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()
    one_line_error(bot(foreign, "ask", "did russia accept?"), "is not this bot's database", "invoices")
    with sqlite3.connect(foreign) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
    connection.close()
    assert tables == ["invoices"]


def test_a_database_from_a_newer_version_is_refused_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    add_fact(database, "Where did Witkoff go on Thursday?")
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA user_version = 7")
    connection.close()
    one_line_error(bot(database, "facts", "list"), "newer version of the bot", "schema 7")


def test_a_database_path_that_cannot_be_opened_says_what_to_check(tmp_path: Path) -> None:
    folder = tmp_path / "bot.db"
    folder.mkdir()
    one_line_error(bot(folder, "ask", "did russia accept?"), "cannot be opened", "check the path")
