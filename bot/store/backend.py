"""What the store needs from a database, met by SQLite (:mod:`bot.store.database`, the default) and PostgreSQL
(:mod:`bot.store.postgres`, when ``DATABASE_URL`` is set); and opening the one the settings choose.

Each backend runs its own dialect's statements: ``session.sql`` is :mod:`bot.store.sql` or
:mod:`bot.store.pg_sql`, which name every statement alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from bot.settings import Settings
from bot.store.errors import DatabaseUnusableError

__all__ = ["Backend", "CatchUp", "Parameters", "Row", "Session", "open_backend", "refuse_newer_schema"]

Parameters = Sequence[Any]
# Called to apply the changes other processes committed (see Backend.follow).
CatchUp = Callable[[], Awaitable[None]]


def refuse_newer_schema(location: str, version: int, known: int, otherwise: str) -> None:
    """DatabaseUnusableError when the database at ``location`` has a schema ``version`` later than the ``known``
    one; ``otherwise`` says what else the operator can do."""
    if version > known:
        raise DatabaseUnusableError(
            [
                f"the database {location} was written by a newer version of the bot (schema {version}; this one "
                f"knows up to {known}): upgrade the bot (`git pull`, then `make run` installs it), or {otherwise}"
            ]
        )


def refuse_foreign(location: str, tables: Sequence[str], otherwise: str) -> None:
    """DatabaseUnusableError when a database without this bot's schema version holds ``tables`` (another
    program's); ``otherwise`` says what to use instead."""
    if tables:
        shown = f"{', '.join(tables[:5])}{', ...' if len(tables) > 5 else ''}"
        raise DatabaseUnusableError(
            [
                f"{location} is not this bot's database (it holds other tables: {shown}); nothing was changed. "
                + otherwise
            ]
        )


class Row(Protocol):
    """A result row: its values by position or by column name."""

    def __getitem__(self, key: Any, /) -> Any: ...


class Session(Protocol):
    """Statements inside one transaction (see :meth:`Backend.write` and :meth:`Backend.read`)."""

    @property
    def sql(self) -> ModuleType:
        """This database's statements (:mod:`bot.store.sql` or :mod:`bot.store.pg_sql`)."""

    async def execute(self, statement: str, parameters: Parameters = ()) -> None:
        """Run one statement."""

    async def execute_many(self, statement: str, rows: Iterable[Parameters]) -> None:
        """Run one statement once per row of parameters."""

    async def fetch_all(self, statement: str, parameters: Parameters = ()) -> list[Any]:
        """Every row the query returns (each a :class:`Row`)."""

    def fetch_batches(
        self, statement: str, parameters: Parameters = (), size: int = 4096
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The rows the query returns as plain tuples, ``size`` at a time."""

    async def fetch_one(self, statement: str, parameters: Parameters = ()) -> Any:
        """The first row (a :class:`Row`), or None."""

    async def fetch_value(self, statement: str, parameters: Parameters = ()) -> Any:
        """The first column of the first row (None when there is no row)."""


class Backend(Protocol):
    """An open database; always :meth:`close` it."""

    @property
    def location(self) -> str:
        """Where the data is, for messages (a path, or a URL without its password)."""

    def write(self, *, serialised: bool = True) -> AbstractAsyncContextManager[Session]:
        """A write transaction, committed when the block ends and rolled back if it raises. ``serialised`` (for
        every change to facts and sources): one such transaction at a time, across processes, so changes commit
        in the order of their change-log sequence numbers."""

    def read(self) -> AbstractAsyncContextManager[Session]:
        """A read transaction: every query in the block sees the same committed snapshot."""

    async def changed_elsewhere(self) -> bool:
        """Whether another connection may have committed since the last call, when the backend must be asked
        (SQLite); False when changes are followed as they happen (see :meth:`follow`)."""

    async def follow(self, catch_up: CatchUp) -> None:
        """Call ``catch_up`` whenever another process commits a change, when the backend can tell (PostgreSQL);
        otherwise nothing (:meth:`changed_elsewhere` tells instead)."""

    async def check(self) -> list[str]:
        """Problems the database's own checks find (an empty list when consistent)."""

    async def backup(self, target: Path, *, replace: bool = False) -> None:
        """A consistent copy written to ``target`` while the database stays in use (an existing file replaced
        only when ``replace``) (DatabaseUnusableError
        where the database's own tools do it)."""

    async def close(self) -> None:
        """Finish the transaction in progress and close every connection."""


async def open_backend(settings: Settings, *, migrate: bool = True) -> Backend:
    """The database the settings choose: PostgreSQL at ``DATABASE_URL`` when set, else SQLite at
    ``DATABASE_PATH``; migrated to the latest schema unless ``migrate`` is false."""
    if settings.database_url is not None:
        from bot.store.postgres import PostgresDatabase  # asyncpg is loaded only when used

        return await PostgresDatabase.open(settings, migrate=migrate)
    from bot.store.database import Database

    return await Database.open(settings.database_path, migrate=migrate)
