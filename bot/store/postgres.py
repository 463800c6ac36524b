"""The PostgreSQL backend (see :mod:`bot.store.backend`), through an asyncpg connection pool.

Chosen by ``DATABASE_URL``, so that several bot processes share one store. Migrations run under an advisory
lock, so processes starting at once migrate once. Changes to facts and sources take a transaction-level
advisory lock, so they commit one at a time in the order of their change-log sequence numbers (as SQLite's
single writer does); the question log and feedback do not wait for it. Each process follows the others'
changes through :class:`bot.store.listener.ChangeListener`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg

from bot.settings import Settings, database_location
from bot.store import pg_sql
from bot.store.backend import CatchUp, Parameters, refuse_foreign, refuse_newer_schema
from bot.store.errors import DatabaseUnusableError, ReadOnlyDatabaseError
from bot.store.listener import ChangeListener

__all__ = ["PostgresDatabase", "PostgresSession"]

logger = logging.getLogger(__name__)
_POOL_SIZE = 10
_CLOSE_TIMEOUT_SECONDS = 10.0
# What asyncpg raises when the server refuses, fails or cannot be reached.
# InternalClientError: a pooled connection the server ended while it was in use, left mid-operation.
DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError, TimeoutError)


class PostgresSession:
    """Statements inside one transaction on one pooled connection."""

    def __init__(self, connection: asyncpg.pool.PoolConnectionProxy[Any]) -> None:
        self._connection = connection

    @property
    def sql(self) -> ModuleType:
        """PostgreSQL's statements."""
        return pg_sql

    async def execute(self, statement: str, parameters: Parameters = ()) -> None:
        """Run one statement."""
        await self._connection.execute(statement, *parameters)

    async def execute_many(self, statement: str, rows: Iterable[Parameters]) -> None:
        """Run one statement once per row of parameters."""
        await self._connection.executemany(statement, rows)

    async def fetch_all(self, statement: str, parameters: Parameters = ()) -> list[asyncpg.Record]:
        """Every row the query returns."""
        return await self._connection.fetch(statement, *parameters)

    async def fetch_batches(
        self, statement: str, parameters: Parameters = (), size: int = 4096
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The rows the query returns as plain tuples, ``size`` at a time, through a server-side cursor."""
        cursor = await self._connection.cursor(statement, *parameters)
        while rows := await cursor.fetch(size):
            yield [tuple(row) for row in rows]

    async def fetch_one(self, statement: str, parameters: Parameters = ()) -> asyncpg.Record | None:
        """The first row, or None."""
        return await self._connection.fetchrow(statement, *parameters)

    async def fetch_value(self, statement: str, parameters: Parameters = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        return await self._connection.fetchval(statement, *parameters)


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database; use :meth:`open` and always :meth:`close`."""

    def __init__(self, pool: asyncpg.Pool[Any], settings: Settings) -> None:
        self._pool = pool
        self._settings = settings
        self._listener: ChangeListener | None = None

    @classmethod
    async def open(cls, settings: Settings, *, migrate: bool = True) -> PostgresDatabase:
        """Connect (DatabaseUnusableError with the reason when the server cannot be used) and migrate unless
        ``migrate`` is false."""
        if settings.database_url is None:
            raise DatabaseUnusableError(["DATABASE_URL is not set"])
        with _reported(database_location(settings), "cannot open"):
            pool = await asyncpg.create_pool(
                settings.database_url.get_secret_value(),
                min_size=1,
                max_size=_POOL_SIZE,
                server_settings={"application_name": settings.database_application_name},
            )
        database = cls(pool, settings)
        try:
            if migrate:
                with _reported(database.location, "cannot migrate"):
                    await database._migrate()
        except BaseException:
            await database.close()
            raise
        return database

    @property
    def location(self) -> str:
        """The URL, without its password."""
        return database_location(self._settings)

    @asynccontextmanager
    async def write(self, *, serialised: bool = True) -> AsyncIterator[PostgresSession]:
        """A transaction, committed when the block ends and rolled back if it raises; ``serialised`` ones take
        the writers' lock first (held until they end)."""
        with _reported(self.location, "a write failed on"):
            async with self._pool.acquire() as connection, connection.transaction():
                if serialised:
                    await connection.execute(pg_sql.LOCK_WRITERS)
                yield PostgresSession(connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PostgresSession]:
        """A read-only transaction on one snapshot (repeatable read)."""
        with _reported(self.location, "a read failed on"):
            async with (
                self._pool.acquire() as connection,
                connection.transaction(isolation="repeatable_read", readonly=True),
            ):
                yield PostgresSession(connection)

    async def changed_elsewhere(self) -> bool:
        """False: other processes' changes are followed as they are announced (see :meth:`follow`)."""
        return False

    async def follow(self, catch_up: CatchUp) -> None:
        """Call ``catch_up`` after every change another process commits (within about a second), after every
        reconnection of the listening link, and at every check of that link."""
        if self._listener is None:
            self._listener = ChangeListener(self._settings, catch_up)
            await self._listener.start()

    async def check(self) -> list[str]:
        """Constraints PostgreSQL has not validated (the only way rows that break one can be stored), and a
        schema this code does not know."""
        async with self.read() as session:
            version = await session.fetch_value(pg_sql.SELECT_SCHEMA_VERSION)
            rows = await session.fetch_all(pg_sql.INVALID_CONSTRAINTS)
        problems = [f"constraint {row['name']} of {row['table']} is not validated" for row in rows]
        if version != len(pg_sql.MIGRATIONS):
            problems.append(f"schema version {version}, expected {len(pg_sql.MIGRATIONS)}")
        return problems

    async def backup(self, target: Path, *, replace: bool = False) -> None:
        """Refused: PostgreSQL is backed up with its own tools."""
        raise DatabaseUnusableError(
            [
                f"a PostgreSQL database is backed up with pg_dump, not by the bot: pg_dump --format=custom "
                f"--file={target} DATABASE_URL (restore with pg_restore)"
            ]
        )

    async def close(self) -> None:
        """Stop following changes, then close the pool (connections still busy after a while are cut)."""
        if self._listener is not None:
            await self._listener.stop()
        try:
            await asyncio.wait_for(self._pool.close(), _CLOSE_TIMEOUT_SECONDS)
        except TimeoutError:
            logger.warning("PostgreSQL connections still busy after %.0f s were cut", _CLOSE_TIMEOUT_SECONDS)
            self._pool.terminate()

    async def _migrate(self) -> None:
        """Apply the migrations this database lacks, each in its own transaction, under the migration lock (so a
        process starting meanwhile waits, then finds nothing to do)."""
        async with self._pool.acquire() as connection:
            await connection.execute(pg_sql.LOCK_MIGRATIONS)
            try:
                if not await connection.fetchval(pg_sql.MIGRATIONS_TABLE_EXISTS):
                    # A new database is empty; one with tables but no migrations of ours is another program's.
                    tables = [row[0] for row in await connection.fetch(pg_sql.SELECT_TABLE_NAMES)]
                    refuse_foreign(self.location, tables, "Give DATABASE_URL a new database or this bot's")
                    await connection.execute(pg_sql.CREATE_MIGRATIONS_TABLE)
                version: int = await connection.fetchval(pg_sql.SELECT_SCHEMA_VERSION)
                refuse_newer_schema(
                    self.location, version, len(pg_sql.MIGRATIONS), "give DATABASE_URL another database"
                )
                for number, statements in enumerate(pg_sql.MIGRATIONS[version:], start=version + 1):
                    async with connection.transaction():
                        for statement in statements:
                            await connection.execute(statement)
                        await connection.execute(pg_sql.INSERT_MIGRATION, number)
                    logger.info("Migrated %s to schema version %d", self.location, number)
            finally:
                with contextlib.suppress(*DRIVER_ERRORS):
                    await connection.execute(pg_sql.UNLOCK_MIGRATIONS)


@contextlib.contextmanager
def _reported(location: str, failed: str) -> Iterator[None]:
    """The driver's errors as DatabaseUnusableError: ``failed`` (what could not be done) ``location``, and why;
    a refused write on a read-only server (a standby, or ``default_transaction_read_only``) as ReadOnlyDatabaseError,
    so that answers go on unrecorded."""
    try:
        yield
    except asyncpg.ReadOnlySQLTransactionError as error:
        raise ReadOnlyDatabaseError(
            [
                f"the database {location} is read-only ({error}), so changes and the question log cannot be saved: "
                "point DATABASE_URL at the primary server, or turn default_transaction_read_only off"
            ]
        ) from error
    except DRIVER_ERRORS as error:
        raise DatabaseUnusableError([f"{failed} the database {location}: {error}"]) from error
