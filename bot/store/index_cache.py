"""The engine's index kept in a file beside the database, so a restart with nothing changed skips analysing
every fact again (most of the start-up time of a large base).

The file is a cache: it may be deleted at any time, and one that does not match the facts exactly (see
:mod:`bot.core.index_file`) is ignored and replaced. The database stays the only record of the facts.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from bot.core.engine import Engine
from bot.core.index_file import IndexFileError, decode_index, encode_index, index_key
from bot.core.lexicon import Lexicon
from bot.core.models import Fact, Source

__all__ = ["INDEX_SUFFIX", "build_engine", "index_path"]

INDEX_SUFFIX = ".index"
logger = logging.getLogger(__name__)


def index_path(database_path: Path) -> Path:
    """Where the index of the database at ``database_path`` is kept: beside it, named after it."""
    return database_path.with_name(database_path.name + INDEX_SUFFIX)


def build_engine(lexicon: Lexicon, sources: Iterable[Source], facts: list[Fact], path: Path) -> Engine:
    """The engine over ``facts``, its index read from ``path`` when that holds exactly this index; otherwise
    built, and written to ``path`` for the next start (a failure to write is logged, not raised)."""
    sources = list(sources)
    key = index_key(lexicon, facts)
    try:
        state = decode_index(path.read_bytes(), key)
        engine = Engine.with_index(lexicon, sources, facts, state)
    except FileNotFoundError:
        logger.info("No index file at %s yet: building the index of %d facts", path, len(facts))
    except (OSError, IndexFileError, ValueError) as error:
        logger.info("Index file %s not used (%s): building the index of %d facts", path, error, len(facts))
    else:
        logger.info("Read the index of %d facts from %s", len(facts), path)
        return engine
    engine = Engine(lexicon, sources, facts)
    try:
        _write_atomically(path, encode_index(engine.index_state(), key))
    except OSError as error:
        logger.warning("Could not write the index file %s (%s); the next start builds the index again", path, error)
    return engine


def _write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """``chunks`` in ``path``, whole or not at all: written beside it, flushed, then renamed over it."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with partial.open("wb") as file:
            file.writelines(chunks)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
