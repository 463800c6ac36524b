"""The database file: created on first use, migrated once, configured for one writer and safe reads."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import sql
from bot.store.database import Database
from bot.store.errors import DatabaseUnusableError


async def test_migrates_an_empty_file_and_rerunning_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "bot.db"
    database = await Database.open(path)
    async with database.read() as session:
        assert await session.fetch_value(sql.USER_VERSION) == len(sql.MIGRATIONS)
    await database.close()
    schema = list(sqlite3.connect(path).iterdump())

    database = await Database.open(path)
    async with database.read() as session:
        assert await session.fetch_value(sql.USER_VERSION) == len(sql.MIGRATIONS)
    assert await database.check() == []
    await database.close()
    assert list(sqlite3.connect(path).iterdump()) == schema


async def test_existing_empty_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    path.touch()
    database = await Database.open(path)
    async with database.read() as session:
        assert await session.fetch_all(sql.SELECT_SOURCES) == []
    await database.close()


async def test_connection_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "bot.db")
    async with database.read() as session:
        # Each pragma without its "= value" reads the setting back.
        values = [await session.fetch_value(pragma.split("=")[0]) for pragma in sql.CONNECTION_PRAGMAS]
    await database.close()
    assert values == [10000, "wal", 1, 2]


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    with sqlite3.connect(path) as connection:
        connection.execute(sql.set_user_version(len(sql.MIGRATIONS) + 1))
    with pytest.raises(DatabaseUnusableError, match="written by a newer version of the bot"):
        await Database.open(path)


async def test_failed_write_rolls_back_and_releases_the_writer(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "bot.db")
    row = ("s", "T", "O", None, None, "text", "seed", "me", "2025-01-01T00:00:00+00:00")
    with pytest.raises(sqlite3.IntegrityError):
        async with database.write() as session:
            await session.execute(sql.INSERT_SOURCE, row)
            await session.execute(sql.INSERT_SOURCE, row)
    async with asyncio.timeout(5), database.write() as session:
        await session.execute(sql.INSERT_SOURCE, row)
    async with database.read() as session:
        assert len(await session.fetch_all(sql.SELECT_SOURCES)) == 1
    await database.close()


async def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "bot.db")
    async with database.write() as session:
        await session.execute(sql.INSERT_SOURCE, ("s", "T", "O", None, None, "x", "seed", "me", "2025"))
    await database.backup(tmp_path / "copies" / "backup.db")
    await database.close()
    copy = await Database.open(tmp_path / "copies" / "backup.db")
    async with copy.read() as session:
        assert [row["id"] for row in await session.fetch_all(sql.SELECT_SOURCES)] == ["s"]
    assert await copy.check() == []
    await copy.close()
    assert not list((tmp_path / "copies").glob(".*partial"))


async def test_a_cancelled_transaction_leaves_the_connection_usable(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "bot.db")

    async def insert(n: int) -> None:
        async with database.write() as session:
            await session.execute(sql.INSERT_SOURCE, (f"s{n}", "T", "O", None, None, "x", "seed", "me", "2025"))

    # Cancelled after 0..5 hops of the event loop: before, during or after BEGIN, INSERT or COMMIT.
    for hops in range(6):
        task = asyncio.create_task(insert(hops))
        for _ in range(hops):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await insert(99)
    async with database.read() as session:
        assert "s99" in {row["id"] for row in await session.fetch_all(sql.SELECT_SOURCES)}
    assert await database.check() == []
    await database.close()


def test_a_process_that_never_closes_the_database_still_exits(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys; from pathlib import Path; from bot.store.database import Database; "
        "asyncio.run(Database.open(Path(sys.argv[1])))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "bot.db")],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
