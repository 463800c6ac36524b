"""``db migrate``: the schema brought up to date once, before the bot processes start."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncpg

from bot.store import pg_sql
from tests.conftest import run_bot_cli


def test_migrate_brings_a_new_postgresql_database_to_the_latest_schema(postgres_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": postgres_url, "DATABASE_PATH": str(tmp_path / "unused.db")}
    for _ in range(2):  # the second run finds nothing to do
        done = run_bot_cli("db", "migrate", env=env)
        assert done.returncode == 0, done.stderr
        assert "is at the latest schema" in done.stdout

    async def versions() -> list[int]:
        connection = await asyncpg.connect(postgres_url)
        try:
            return [row[0] for row in await connection.fetch("SELECT version FROM schema_migrations ORDER BY 1")]
        finally:
            await connection.close()

    assert asyncio.run(versions()) == list(range(1, len(pg_sql.MIGRATIONS) + 1))
    assert not (tmp_path / "unused.db").exists()


def test_an_unreachable_database_is_one_line() -> None:
    env = {**os.environ, "DATABASE_URL": "postgresql://bot@127.0.0.1:1/bot"}
    done = run_bot_cli("db", "migrate", env=env)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "127.0.0.1:1" in done.stderr
