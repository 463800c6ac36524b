"""The PostgreSQL backend: migrated once however many processes start at once, refusing what it cannot use
in one line, and naming every statement SQLite's module names."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr

from bot.settings import PROJECT_ROOT, Settings
from bot.store import DatabaseUnusableError, FactService, open_service, pg_sql, sql
from bot.store.backend import open_backend
from bot.store.errors import ReadOnlyDatabaseError
from tests.conftest import run_bot_cli
from tests.store.helpers import consistency_problems, draft

postgresql_only = pytest.mark.parametrize("backend", ["postgresql"])

STARTS = 6
# Opens the service on the database named in the environment (DATABASE_URL) and prints how many facts it serves.
_START = (
    "import asyncio; from bot.settings import Settings; from bot.store import open_service\n"
    "async def main():\n"
    "    async with await open_service(Settings()) as service: print(len(service.engine))\n"
    "asyncio.run(main())"
)


@postgresql_only
def test_processes_starting_at_once_migrate_and_sync_once(settings: Settings) -> None:
    assert settings.database_url is not None
    env = {"DATABASE_URL": settings.database_url.get_secret_value(), "DATABASE_PATH": str(settings.database_path)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _START], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(STARTS)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0] * STARTS, [err.decode()[-800:] for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1  # every process serves the same facts

    async def check() -> None:
        assert settings.database_url is not None
        connection = await asyncpg.connect(settings.database_url.get_secret_value())
        try:
            versions = await connection.fetch("SELECT version FROM schema_migrations ORDER BY version")
            audited = await connection.fetchval("SELECT COUNT(*) FROM audit_log")
            facts = await connection.fetchval("SELECT COUNT(*) FROM facts")
        finally:
            await connection.close()
        assert [row["version"] for row in versions] == list(range(1, len(pg_sql.MIGRATIONS) + 1))
        assert audited == facts  # the curated files were synced once: one "created" entry per fact
        assert await consistency_problems(settings) == []

    asyncio.run(check())


@postgresql_only
async def test_a_newer_schema_is_refused_in_one_line(settings: Settings) -> None:
    database = await open_backend(settings)
    async with database.write() as session:
        await session.execute(pg_sql.INSERT_MIGRATION, (len(pg_sql.MIGRATIONS) + 1,))
    await database.close()
    with pytest.raises(DatabaseUnusableError, match="written by a newer version of the bot") as refused:
        await open_backend(settings)
    assert "\n" not in str(refused.value)


@postgresql_only
async def test_another_programs_database_is_refused_untouched(settings: Settings) -> None:
    assert settings.database_url is not None
    connection = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        await connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        with pytest.raises(DatabaseUnusableError, match=r"is not this bot's database .*invoices"):
            await open_service(settings)
        tables = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()
    assert [row[0] for row in tables] == ["invoices"]


@postgresql_only
async def test_a_server_out_of_reach_is_one_line_without_the_password(settings: Settings) -> None:
    unreachable = settings.model_copy(
        update={"database_url": SecretStr("postgresql://bot:s3cret@127.0.0.1:9/none?connect_timeout=2")}
    )
    expected = re.escape("cannot open the database postgresql://bot:***@127.0.0.1:9")
    with pytest.raises(DatabaseUnusableError, match=expected) as refused:
        await open_service(unreachable)
    assert "s3cret" not in str(refused.value) and "\n" not in str(refused.value)


@postgresql_only
async def test_a_failed_write_rolls_back_and_the_pool_stays_usable(settings: Settings) -> None:
    database = await open_backend(settings)
    row = ("s", "T", "O", None, None, "text", "seed", "me", "2025-01-01T00:00:00+00:00")
    try:
        with pytest.raises(DatabaseUnusableError, match="duplicate key"):
            async with database.write() as session:
                await session.execute(pg_sql.INSERT_SOURCE, row)
                await session.execute(pg_sql.INSERT_SOURCE, row)
        async with asyncio.timeout(5), database.write() as session:
            await session.execute(pg_sql.INSERT_SOURCE, row)
        async with database.read() as session:
            assert len(await session.fetch_all(pg_sql.SELECT_SOURCES)) == 1
        assert await database.check() == []
    finally:
        await database.close()


def test_every_statement_the_store_runs_has_a_postgresql_version() -> None:
    sqlite_only = {name for name in sql.__all__ if name.startswith(("BEGIN", "COMMIT", "ROLLBACK"))}
    sqlite_only |= {"CONNECTION_PRAGMAS", "DATA_VERSION", "INTEGRITY_CHECK", "FOREIGN_KEY_CHECK", "USER_VERSION"}
    sqlite_only |= {"set_user_version", "SOURCE_COLUMNS", "FACT_COLUMNS", "CITATION_COLUMNS"}
    missing = set(sql.__all__) - sqlite_only - set(pg_sql.__all__)
    assert not missing
    assert all("?" not in getattr(pg_sql, name) for name in pg_sql.__all__ if name.isupper() and name != "MIGRATIONS")


@postgresql_only
def test_db_restore_with_postgresql_points_to_pg_restore_in_one_line(settings: Settings, tmp_path: Path) -> None:
    assert settings.database_url is not None
    env = {**os.environ, "DATABASE_URL": settings.database_url.get_secret_value()}
    backup = tmp_path / "backup.db"
    backup.write_bytes(b"")
    refused = run_bot_cli("db", "restore", str(backup), env=env)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "restored with pg_restore" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


@postgresql_only
async def test_a_read_only_server_still_answers_unrecorded_and_refuses_changes(
    service: FactService, settings: Settings
) -> None:
    assert settings.database_url is not None
    url = settings.database_url.get_secret_value()
    connection = await asyncpg.connect(url)
    try:
        # As a standby would be: new sessions may read, not write; the pool's sessions are replaced by new ones.
        name = await connection.fetchval("SELECT current_database()")
        await connection.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = 'ceasefire-bot'"
        )
    finally:
        await connection.close()
    record = await service.ask("did russia accept?")
    assert record.result.fact is not None and record.asked_id is None
    with pytest.raises(ReadOnlyDatabaseError, match="point DATABASE_URL at the primary"):
        await service.add_fact(draft(), "mod")
