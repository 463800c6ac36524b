"""Opening the store at start-up: read the data files, migrate the database, sync the curated files into it,
load the served facts and build (or read) the engine's index; the result is a :class:`FactService`."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator
from pathlib import Path

from bot.core.datafiles import LEXICON_FILE, load_fact_files, load_sources
from bot.core.lexicon import Lexicon, load_lexicon
from bot.core.memory import release_freed_memory
from bot.settings import Settings, database_location
from bot.store import records
from bot.store.asked_log import AskedLog
from bot.store.backend import Backend, open_backend
from bot.store.changes import last_change
from bot.store.index_cache import (
    IndexHelper,
    build_engine,
    index_note,
    index_path,
    read_index_note,
    split_point,
    usable_cores,
)
from bot.store.records import now
from bot.store.service import FactService
from bot.store.sync import sync_curated
from bot.store.vectors import start_semantic

__all__ = ["index_file", "open_service", "vectors_file"]

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a bulk load, then as it was, and the memory the load freed
    returned to the system.

    Reading a large base makes millions of objects that all stay alive; the collector would otherwise traverse
    the growing heap again and again (a third of the load time at 100,000 facts) to find no garbage. Nothing
    is lost: reference counting still frees everything, and the next collection finds any cycles made meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        release_freed_memory()  # what the load made and dropped (rows, digests, temporaries) back to the system


def index_file(settings: Settings) -> Path:
    """Where this process keeps the index file: beside the SQLite file, or for PostgreSQL in that folder."""
    if settings.database_url is None:
        return index_path(settings.database_path)
    return settings.database_path.parent / "postgresql.index"


def vectors_file(settings: Settings) -> Path:
    """Where this process keeps the semantic index's file: beside the index file, ending ``.vectors``."""
    return index_file(settings).with_suffix(".vectors")


async def _index_helper(database: Backend, settings: Settings, lexicon: Lexicon) -> IndexHelper | None:
    """A helper process indexing the later half of the facts, started before this process reads them, when the
    base is large enough, there is a core to spare, and the index file is not known to be current.

    Whether the file is current is only known once the facts are read; its note tells whether the lexicon, the
    code or the facts changed through the service since it was written (a change made straight in SQLite leaves
    no audit entry: the key still catches it, and the index is then built without help). A helper not needed
    after all is stopped unused.
    """
    minimum = settings.index_helper_min_facts
    if not minimum or usable_cores() < 2:
        return None
    async with database.read() as session:
        count: int = await session.fetch_value(session.sql.SELECT_SERVED_FACT_COUNT)
        last_audit_id: int = await session.fetch_value(session.sql.SELECT_LAST_AUDIT_ID)
    noted = read_index_note(index_file(settings))
    if count < minimum or noted == index_note(lexicon, last_audit_id, count):
        return None
    url = None if settings.database_url is None else settings.database_url.get_secret_value()
    lexicon_path = settings.facts_dir / LEXICON_FILE
    return await IndexHelper.start(settings.database_path, lexicon_path, split_point(count), url)


async def open_service(settings: Settings) -> FactService:
    """Validate the data files, open the database and migrate it, sync the curated files into it, build the
    engine over the served facts and follow other processes' changes; the open service (close it when done)."""
    lexicon = load_lexicon(settings.facts_dir / LEXICON_FILE)
    seeds = load_sources(settings.seeds_dir)
    curated = load_fact_files(settings.facts_dir, seeds)
    database = await open_backend(settings)
    try:
        async with database.write() as session:
            changes = await sync_curated(session, seeds, curated, now())
        logger.info("Synced the curated files into %s: %d fact change(s)", database_location(settings), changes)
        helper = await _index_helper(database, settings, lexicon)
        try:
            with _collector_paused():
                async with database.read() as session:
                    sources = await records.load_sources(session)
                    served = await records.load_served_facts(session)
                    last_audit_id = await session.fetch_value(session.sql.SELECT_LAST_AUDIT_ID)
                    last_seq = await last_change(session)
                note = index_note(lexicon, last_audit_id, len(served))
                engine = await build_engine(
                    lexicon, sources.values(), served, index_file(settings), helper=helper, note=note
                )
                # Texts without a stored vector (curated facts synced in just now) are encoded now, once.
                await start_semantic(database, engine, served, vectors_file(settings))
        finally:
            if helper is not None:
                await helper.stop()
        # Many processes share PostgreSQL: questions are logged in batches there (SQLite writes each at once).
        asked_log = AskedLog(database) if settings.database_url is not None else None
        service = FactService(database, engine, last_seq, asked_log)
        await database.follow(service.catch_up)
        return service
    except BaseException:
        await database.close()
        raise
