"""The SQLite database as a file: where a backup may be written, and bringing the database back from a backup
(``db restore``), losing nothing on the way.

The backup is copied beside the database and checked (SQLite's integrity and foreign key checks, and that it is
this bot's database at a schema version this code knows) before anything is touched. The database it replaces
must not be in use: an exclusive lock is taken first, and a database open anywhere (the bot, a command) refuses
it. The replaced database is moved aside, not deleted, and the restored one is checked again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.store import sql
from bot.store.errors import DatabaseUnusableError
from bot.store.index_cache import index_path

__all__ = ["check_backup_target", "check_problems", "database_problems", "restore_database", "target_exists"]

# Files SQLite keeps beside a database (its write-ahead log and shared memory); they go wherever it goes.
_COMPANIONS = ("-wal", "-shm")


def restore_database(database: Path, backup: Path) -> Path | None:
    """Replace the database at ``database`` with a checked copy of ``backup``.

    Returns where the replaced database was moved (None when there was none). Raises DatabaseUnusableError, having
    changed nothing, when the backup is missing, unreadable, damaged or not a database of this bot, or when the
    database is in use.
    """
    if not backup.is_file():
        raise DatabaseUnusableError([f"there is no backup file {backup}; give the path `db backup` wrote"])
    if database.exists() and backup.samefile(database):
        raise DatabaseUnusableError([f"{backup} is the database itself; give the path of a backup"])
    database.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{database.name}.", suffix=".restoring", dir=database.parent)
    os.close(handle)
    staged = Path(name)
    try:
        _copy(backup, staged)
        problems = database_problems(staged)
        if problems:
            raise DatabaseUnusableError(
                [f"the backup {backup} fails its check, so nothing was changed:", *problems, "choose another backup"]
            )
        if database.exists():
            shutil.copymode(database, staged)  # the restored file keeps the permissions of the one it replaces
        kept = _set_aside(database) if database.exists() else None
        staged.replace(database)
    finally:
        for path in (staged, *(staged.with_name(staged.name + suffix) for suffix in _COMPANIONS)):
            path.unlink(missing_ok=True)
    index_path(database).unlink(missing_ok=True)  # a cache of the replaced facts (it would be rebuilt anyway)
    problems = database_problems(database)
    if problems:
        kept_note = f"; the replaced database is {kept}" if kept else ""
        raise DatabaseUnusableError([f"the restored database {database} fails its check{kept_note}:", *problems])
    return kept


def check_problems(integrity: Iterable[Sequence[Any]], foreign_keys: Iterable[Sequence[Any]]) -> list[str]:
    """What the rows of ``integrity_check`` and ``foreign_key_check`` report, one line each (none when consistent)."""
    problems = [str(row[0]) for row in integrity if row[0] != "ok"]
    problems += [f"row {row[1]} of {row[0]} points to a missing row of {row[2]}" for row in foreign_keys]
    return problems


def target_exists(target: Path) -> DatabaseUnusableError:
    """The refusal of a backup over an existing file."""
    return DatabaseUnusableError(
        [f"{target} already exists; nothing was written. Give a new file name, or add --force to replace it"]
    )


def check_backup_target(database: Path, target: Path, *, replace: bool) -> None:
    """Refuse a backup target that would overwrite this database, a folder, or (unless ``replace``) any file."""
    if not target.exists():
        return
    if target.is_dir():
        raise DatabaseUnusableError([f"{target} is a folder; give the backup a file name, e.g. {target / 'bot.db'}"])
    companions = [database.with_name(database.name + suffix) for suffix in (*_COMPANIONS, "-journal")]
    if target.samefile(database) or any(c.exists() and target.samefile(c) for c in companions):
        raise DatabaseUnusableError(
            [f"{target} is the database being backed up (or its log); give the backup another file name, "
             f"e.g. {database}.backup"]
        )  # fmt: skip
    if not replace:
        raise target_exists(target)
    _refuse_in_use(target, "so it is not replaced even with --force; stop what uses it, or give another file name")


def _copy(backup: Path, staged: Path) -> None:
    """A consistent copy of ``backup`` (through SQLite, so a log beside it is included) at ``staged``."""
    try:
        # Opened as usual (SQLite falls back to reading only when the file is not writable), so closing it
        # leaves no log files beside the backup.
        with (
            contextlib.closing(sqlite3.connect(backup)) as source,
            contextlib.closing(sqlite3.connect(staged)) as target,
        ):
            source.backup(target)
    except sqlite3.DatabaseError as error:
        raise DatabaseUnusableError(
            [f"the backup {backup} cannot be read as a database ({error}); nothing was changed. Choose another backup"]
        ) from error


def database_problems(path: Path) -> list[str]:
    """Why the database at ``path`` cannot be served: damage (SQLite's integrity and foreign key checks, which work
    on a file too damaged to open as the store), or not a schema of this bot this code knows."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            version = connection.execute(sql.USER_VERSION).fetchone()[0]
            tables = {row[0] for row in connection.execute(sql.SELECT_TABLE_NAMES)}
            integrity = connection.execute(sql.INTEGRITY_CHECK).fetchall()
            problems = check_problems(integrity, connection.execute(sql.FOREIGN_KEY_CHECK).fetchall())
    except sqlite3.DatabaseError as error:
        return [str(error)]
    if not 1 <= version <= len(sql.MIGRATIONS) or "facts" not in tables:
        problems.append(
            f"it is not a database of this version of the bot (schema version {version}; "
            f"this one knows 1 to {len(sql.MIGRATIONS)})"
        )
    return problems


def _refuse_in_use(database: Path, then: str) -> None:
    """Refuse (DatabaseUnusableError ending with ``then``) while any connection has the database open.

    Taking SQLite's exclusive lock, in the locking mode that keeps it, is refused while anyone else has the file
    open; closing then checkpoints the log into the file, so it stands alone. A file too damaged to open cannot be
    in use either: it passes as it is.
    """
    try:
        with contextlib.closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as connection:
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise DatabaseUnusableError(
                [f"the database {database} is in use (the bot or another command has it open), {then}"]
            ) from error
    except sqlite3.DatabaseError:
        pass


def _set_aside(database: Path) -> Path:
    """Move the database (and any log beside it) to a name of its own, once no one has it open; returns where."""
    _refuse_in_use(database, "so nothing was changed. Stop it, then restore again")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = database.with_name(f"{database.name}.replaced-{stamp}")
    number = 1
    while kept.exists():
        number += 1
        kept = database.with_name(f"{database.name}.replaced-{stamp}-{number}")
    database.rename(kept)
    for suffix in _COMPANIONS:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            companion.rename(kept.with_name(kept.name + suffix))
    return kept
