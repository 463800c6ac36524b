"""Building the engine at start-up fast: the index kept in a file beside the database, so a restart with nothing
changed skips analysing every fact again, and, when the index must be built, a helper process indexing the
later half of a large base while this process indexes the first.

The file is a cache: it may be deleted at any time, and one that does not match the facts exactly (see
:mod:`bot.core.index_file`) is ignored and replaced. The database stays the only record of the facts. The
helper's index is checked the same way; if it fails or is of other facts, this process indexes them itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.core.cache_file import CacheFileError, Section
from bot.core.engine import Engine
from bot.core.index_file import (
    HEAD_SIZE,
    analyser_digest,
    content_digest,
    decode_index,
    encode_index,
    index_key,
    note_of,
)
from bot.core.lexical_state import IndexState
from bot.core.lexicon import Lexicon
from bot.core.models import Fact, Source

__all__ = [
    "INDEX_SUFFIX",
    "IndexHelper",
    "build_engine",
    "index_note",
    "index_path",
    "read_index_note",
    "split_point",
    "usable_cores",
    "write_cache_file",
]

INDEX_SUFFIX = ".index"
logger = logging.getLogger(__name__)
# A helper still running after this long is stopped, and this process indexes its facts itself.
_HELPER_TIMEOUT_SECONDS = 300.0
_STDERR_SHOWN = 2000  # characters of a failed helper's error output that are logged


def index_path(database_path: Path) -> Path:
    """Where the index of the database at ``database_path`` is kept: beside it, named after it."""
    return database_path.with_name(database_path.name + INDEX_SUFFIX)


def index_note(lexicon: Lexicon, last_audit_id: int, fact_count: int) -> str:
    """What an index file is noted with: what analysed the facts, the last change recorded before they were read,
    and how many there were. A start whose own note is the file's most likely finds the file current."""
    return f"analyser {analyser_digest(lexicon)}, after audit entry {last_audit_id}, {fact_count} facts"


def read_index_note(path: Path) -> str | None:
    """The note the index file at ``path`` was written with (see :func:`build_engine`); None without one."""
    try:
        with path.open("rb") as file:
            return note_of(file.read(HEAD_SIZE))
    except OSError:
        return None


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one, as under ``taskset``)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def split_point(fact_count: int) -> int:
    """Where a base of ``fact_count`` facts is cut in two for indexing (and for its key): the helper takes the
    facts from here on."""
    return fact_count // 2


class IndexHelper:
    """A helper process (:mod:`bot.store.index_helper`) indexing the served facts from ``first`` on."""

    def __init__(self, process: asyncio.subprocess.Process, first: int) -> None:
        self._process = process
        self.first = first

    @classmethod
    async def start(
        cls, database_path: Path, lexicon_path: Path, first: int, database_url: str | None = None
    ) -> IndexHelper | None:
        """Start a helper reading the SQLite file at ``database_path``, or PostgreSQL at ``database_url`` when
        given (passed in its environment, never on its command line); None, logged, when it cannot be started."""
        arguments = ("-m", "bot.store.index_helper", str(database_path), str(lexicon_path), str(first))
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *arguments,
                env={**os.environ, "DATABASE_URL": database_url or ""},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as error:
            logger.warning("Could not start an index helper (%s); indexing in this process alone", error)
            return None
        logger.info("Started an index helper for the facts from position %d on", first)
        return cls(process, first)

    async def state(self, key: str) -> IndexState | None:
        """The helper's index, if it finished and its key is ``key``; None otherwise (logged)."""
        try:
            output, errors = await asyncio.wait_for(self._process.communicate(), _HELPER_TIMEOUT_SECONDS)
        except TimeoutError:
            logger.warning("The index helper took over %.0f s and was stopped", _HELPER_TIMEOUT_SECONDS)
            await self.stop()
            return None
        if self._process.returncode != 0:
            shown = errors.decode("utf-8", "replace")[-_STDERR_SHOWN:]
            logger.warning("The index helper failed (exit status %s): %s", self._process.returncode, shown)
            return None
        try:
            return decode_index(output, key)
        except CacheFileError as error:
            logger.info("The index helper's index is not used (%s)", error)
            return None

    async def stop(self) -> None:
        """Stop the helper if it still runs, and reap it."""
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
        # Reading what it wrote, not only waiting: a helper blocked on a full pipe would never be reaped.
        await self._process.communicate()


async def build_engine(
    lexicon: Lexicon,
    sources: Iterable[Source],
    facts: list[Fact],
    path: Path,
    *,
    helper: IndexHelper | None = None,
    note: str = "",
) -> Engine:
    """The engine over ``facts``: its index read from ``path`` when that holds exactly this index; otherwise
    built (the facts from ``helper.first`` on by ``helper``, when given and it cuts where :func:`split_point` does)
    and written to ``path`` with ``note`` for the next start (a failure to write is logged, not raised)."""
    sources = list(sources)
    half = split_point(len(facts))
    first, later = facts[:half], facts[half:]
    contents = [content_digest(first), content_digest(later)]
    key = index_key(lexicon, contents)
    try:
        data = path.read_bytes()
        engine = Engine.with_index(lexicon, sources, facts, decode_index(data, key))
    except FileNotFoundError:
        logger.info("No index file at %s yet: building the index of %d facts", path, len(facts))
    except (OSError, ValueError) as error:
        logger.info("Index file %s not used (%s): building the index of %d facts", path, error, len(facts))
    else:
        logger.info("Read the index of %d facts from %s", len(facts), path)
        if note_of(data[:HEAD_SIZE]) != note:  # a change that leaves the index as it was (a tag, say)
            _write_index(path, engine, key, note)  # noted, so the next start expects the file current
        return engine
    if helper is not None and helper.first == half:
        engine = Engine(lexicon, sources, first)
        helped = await helper.state(index_key(lexicon, contents[1:]))
        if helped is not None:
            engine.absorb(later, helped)
            logger.info("Indexed %d facts here and %d in a helper process", len(first), len(later))
        else:
            for fact in later:
                engine.put_fact(fact)
    else:
        engine = Engine(lexicon, sources, facts)
    _write_index(path, engine, key, note)
    return engine


def _write_index(path: Path, engine: Engine, key: str, note: str) -> None:
    """The engine's index in ``path`` for the next start; a failure is logged, not raised."""
    write_cache_file(path, encode_index(engine.index_state(), key, note))


def write_cache_file(path: Path, chunks: Iterable[Section]) -> None:
    """``chunks`` in ``path``, whole or not at all: written beside it, flushed, then renamed over it. A failure
    is logged, not raised: the file is a cache, and the next start builds what it would have held."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # on PostgreSQL, no database file made the folder
        with partial.open("wb") as file:
            file.writelines(chunks)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)
    except OSError as error:
        logger.warning("Could not write the index file %s (%s); the next start builds it again", path, error)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
