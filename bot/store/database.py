"""The SQLite connection: pragmas, migrations, and one writer at a time.

All access goes through one aiosqlite connection guarded by an asyncio lock. Writes run in a ``BEGIN
IMMEDIATE`` transaction, so a second process waits (busy timeout) instead of failing half-way; reads take the
lock as well so they never observe this connection's own uncommitted transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import aiosqlite

from bot.store import sql
from bot.store.backend import CatchUp, Parameters, refuse_foreign, refuse_newer_schema
from bot.store.errors import DatabaseUnusableError, ReadOnlyDatabaseError
from bot.store.sqlite_files import check_backup_target, check_problems, target_exists

__all__ = ["Database", "Session", "explained", "restore_hint"]

_NOT_OURS = "Give --db (or DATABASE_PATH) a new file or this bot's database"

# What SQLite says of a file whose pages are not a database (any more).
_DAMAGED = ("malformed", "not a database")


def restore_hint(path: Path) -> str:
    """How to bring back the database at ``path`` from a backup."""
    return f"restore the latest backup with `python -m bot db restore BACKUP --db {path}`"


@contextlib.contextmanager
def explained(path: Path) -> Iterator[None]:
    """SQLite's errors that an operator fixes outside the bot (a read-only or damaged file) raised as
    DatabaseUnusableError saying what to do; any other error passes unchanged."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        message = str(error)
        if "readonly" in message:
            raise ReadOnlyDatabaseError(
                [
                    f"the database {path} is read-only ({message}), so changes and the question log cannot be saved: "
                    "make the file and its folder writable by this user (e.g. `chmod u+w`), or work on a copy "
                    "(`python -m bot db backup COPY`, then --db COPY)"
                ]
            ) from error
        if "unable to open" in message:
            raise DatabaseUnusableError(
                [
                    f"the database {path} cannot be opened ({message}): check the path, and that this user may read "
                    "and write the file and its folder (SQLite keeps its log beside the file)"
                ]
            ) from error
        if any(sign in message for sign in _DAMAGED):
            raise DatabaseUnusableError(
                [
                    f"the database {path} is damaged ({message}): {restore_hint(path)} "
                    f"(`python -m bot db check --db {path}` lists the damage)"
                ]
            ) from error
        raise


class Session:
    """Statements inside one transaction (see :meth:`Database.write` and :meth:`Database.read`)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    @property
    def sql(self) -> ModuleType:
        """SQLite's statements."""
        return sql

    async def execute(self, statement: str, parameters: Parameters = ()) -> None:
        """Run one statement."""
        async with self._connection.execute(statement, parameters):
            pass

    async def execute_many(self, statement: str, rows: Iterable[Parameters]) -> None:
        """Run one statement once per row of parameters."""
        await self._connection.executemany(statement, rows)

    async def fetch_all(self, statement: str, parameters: Parameters = ()) -> list[sqlite3.Row]:
        """Every row the query returns."""
        return list(await self._connection.execute_fetchall(statement, parameters))

    async def fetch_batches(
        self, statement: str, parameters: Parameters = (), size: int = 4096
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The rows the query returns as plain tuples, ``size`` at a time: a large read never holds every row
        at once (nor builds a ``sqlite3.Row`` for each)."""
        async with self._connection.execute(statement, parameters) as cursor:
            cursor.row_factory = None
            while rows := await cursor.fetchmany(size):
                yield cast("list[tuple[Any, ...]]", rows)  # a list, of tuples without a row factory

    async def fetch_one(self, statement: str, parameters: Parameters = ()) -> sqlite3.Row | None:
        """The first row, or None."""
        async with self._connection.execute(statement, parameters) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def fetch_value(self, statement: str, parameters: Parameters = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        row = await self.fetch_one(statement, parameters)
        return None if row is None else row[0]


class Database:
    """One SQLite file opened for the store; use :meth:`open` and always :meth:`close`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.path = path
        self._connection = connection
        self._session = Session(connection)
        self._lock = asyncio.Lock()
        self._data_version: int | None = None

    @property
    def location(self) -> str:
        """The database file."""
        return str(self.path)

    @classmethod
    async def open(cls, path: Path, migrate: bool = True) -> Database:
        """Open (creating the file and its folder if needed) and migrate to the latest schema (unless ``migrate``
        is false: a reader of a database another process keeps up to date)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: sqlite3 must not open transactions behind our back; we issue BEGIN ourselves.
        connection = aiosqlite.connect(path, isolation_level=None)
        # A service never closed (a crash in the caller) must not keep the process alive at exit: the worker
        # thread is a daemon. Being cut off mid-write is then the same as a kill, which WAL survives.
        connection._thread.daemon = True
        with explained(path):
            try:
                await connection
            except BaseException:
                # aiosqlite queues its thread's stop without waiting for it; the stop reports back to this event
                # loop, which must still be running then (else the thread dies with a traceback on stderr).
                connection._thread.join(timeout=5)
                raise
        try:
            connection.row_factory = sqlite3.Row
            database = cls(connection, path)
            with explained(path):
                for pragma in sql.CONNECTION_PRAGMAS:
                    await database._session.execute(pragma)
            if migrate:
                await database._migrate()
            await database.changed_elsewhere()  # from here on
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        """Wait for the transaction in progress, then close the connection (and its thread)."""
        async with self._lock:
            await self._connection.close()

    @asynccontextmanager
    async def write(self, *, serialised: bool = True) -> AsyncIterator[Session]:
        """A ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back if it raises. SQLite has
        one writer at a time, so every write is ``serialised``."""
        async with self._lock:
            with explained(self.path):
                try:
                    await self._session.execute(sql.BEGIN_IMMEDIATE)
                    yield self._session
                    await self._session.execute(sql.COMMIT)
                except BaseException:
                    await self._end(sql.ROLLBACK)
                    raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """A read transaction: every query in the block sees the same committed snapshot."""
        async with self._lock:
            with explained(self.path):
                try:
                    await self._session.execute(sql.BEGIN_READ)
                    yield self._session
                finally:
                    await self._end(sql.COMMIT)

    async def _end(self, statement: str) -> None:
        """End the transaction, if one is open, before the lock is released.

        Statements run in order on the connection's thread, so even when the caller was cancelled while its
        BEGIN or COMMIT was queued, this runs after them; "no transaction is active" then means nothing to end.
        """
        with contextlib.suppress(sqlite3.OperationalError):
            await self._session.execute(statement)

    async def changed_elsewhere(self) -> bool:
        """Whether another connection committed since the last call (``PRAGMA data_version`` changed)."""
        async with self._lock:
            with explained(self.path):
                version: int = await self._session.fetch_value(sql.DATA_VERSION)
        changed, self._data_version = version != self._data_version, version
        return changed

    async def follow(self, catch_up: CatchUp) -> None:
        """Nothing: SQLite cannot announce other connections' commits; :meth:`changed_elsewhere` tells of them."""

    async def check(self) -> list[str]:
        """Problems ``integrity_check`` and ``foreign_key_check`` find (an empty list when consistent)."""
        async with self.read() as session:
            integrity = await session.fetch_all(sql.INTEGRITY_CHECK)
            return check_problems(integrity, await session.fetch_all(sql.FOREIGN_KEY_CHECK))

    async def backup(self, target: Path, *, replace: bool = False) -> None:
        """Copy a consistent snapshot to ``target`` while the database stays in use.

        Refused (DatabaseUnusableError) when ``target`` is this database, a folder, a database with a log beside it
        (in use, or not closed cleanly), or, unless ``replace``, any existing file. The copy is written to a
        temporary file beside ``target`` and moved into place only when complete, so ``target`` is never
        half-written; without ``replace`` the move itself refuses a file that appeared meanwhile.
        """
        check_backup_target(self.path, target, replace=replace)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        os.close(handle)
        partial = Path(name)
        try:
            shutil.copymode(self.path, partial)  # readable by whoever may read the database, not only its owner
            # The backup runs on the source connection's worker thread, so the target connection must allow it.
            destination = await aiosqlite.connect(partial, check_same_thread=False)
            try:
                async with self._lock:
                    with explained(self.path):
                        await self._connection.backup(destination)
            finally:
                await destination.close()
            if replace:
                partial.replace(target)
            else:
                try:
                    os.link(partial, target)  # unlike a rename, fails if the target exists
                except FileExistsError as error:
                    raise target_exists(target) from error
        finally:
            partial.unlink(missing_ok=True)

    async def _migrate(self) -> None:
        async with self.write() as session:
            # Read inside the write transaction: two processes opening a new file migrate it once.
            version: int = await session.fetch_value(sql.USER_VERSION)
            # A new database is empty; one with tables but no version, or a version without our tables (another
            # program sets user_version too, perhaps to a number of ours), is another program's.
            tables = [row[0] for row in await session.fetch_all(sql.SELECT_TABLE_NAMES)]
            if version == 0 or "facts" not in tables:
                refuse_foreign(self.location, tables, _NOT_OURS)
            refuse_newer_schema(self.location, version, len(sql.MIGRATIONS), "give --db a database of this version")
            for number, statements in enumerate(sql.MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    await session.execute(statement)
                await session.execute(sql.set_user_version(number))
