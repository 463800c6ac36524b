"""Sentence vectors in the database, by model and text digest: read back on start (and when another process
wrote a fact), written when texts are first encoded, so no unchanged text is ever encoded twice. A start with
nothing changed reads the whole semantic index from its file beside the database instead (see
:mod:`bot.core.semantic_file`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Collection
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.core.embedding import DIMENSION
from bot.core.engine import Engine
from bot.core.models import Fact
from bot.core.semantic import Quantized, VectorTable
from bot.core.semantic_file import encode_semantic, read_semantic, semantic_key
from bot.store.backend import Backend, Session
from bot.store.errors import ReadOnlyDatabaseError
from bot.store.index_cache import write_cache_file

__all__ = ["Embedder", "embed_served", "load_vectors", "save_vectors", "start_semantic"]

logger = logging.getLogger(__name__)


async def load_vectors(session: Session, model_id: str, digests: Collection[str] | None = None) -> VectorTable:
    """The stored vectors of ``model_id``: every one, or those of the texts with ``digests``."""
    statement, parameters = session.sql.SELECT_TEXT_VECTORS, [model_id]
    if digests is not None:
        statement, parameters = session.sql.SELECT_TEXT_VECTORS_OF, [model_id, json.dumps(list(digests))]
    keys: list[str] = []
    blocks: list[npt.NDArray[np.int8]] = []
    scales: list[float] = []
    async for rows in session.fetch_batches(statement, parameters):
        # One block of codes per batch: never a bytes object per row alive beyond its batch.
        kept = [row for row in rows if len(row[1]) == DIMENSION]  # others are not this model's: encoded again
        keys += (digest for digest, _, _ in kept)
        scales += (scale for _, _, scale in kept)
        joined = b"".join(code for _, code, _ in kept)
        blocks.append(np.frombuffer(joined, dtype=np.int8).reshape(len(kept), DIMENSION))
    codes = np.concatenate(blocks) if blocks else np.zeros((0, DIMENSION), np.int8)
    del blocks
    vectors = Quantized(codes, np.array(scales, dtype=np.float32))
    return VectorTable({digest: row for row, digest in enumerate(keys)}, vectors)


async def save_vectors(session: Session, model_id: str, table: VectorTable) -> None:
    """Store ``table``'s vectors under ``model_id`` (a text already stored keeps its row)."""
    codes, scales = table.vectors.codes, table.vectors.scales
    await session.execute_many(
        session.sql.INSERT_TEXT_VECTOR,
        ((model_id, digest, codes[row].tobytes(), float(scales[row])) for digest, row in table.rows.items()),
    )


async def embed_served(database: Backend, engine: Engine, known: VectorTable | None = None) -> None:
    """Vectors for the served facts the engine has none for yet: those stored already read back (or taken from
    ``known``, every stored vector), the others encoded and stored for every later start.

    Encoding runs on the caller's thread, a few tens of milliseconds for one fact: it takes every fact waiting at
    once, so callers arriving meanwhile find nothing left to encode.
    """
    if not engine.vectors.unembedded:
        return
    model_id = engine.vectors.encoder.model_id
    if known is None:
        async with database.read() as session:
            known = await load_vectors(session, model_id, engine.vectors.unembedded_texts())
    made = engine.vectors.embed_pending(known)
    if not len(made):
        return
    try:
        async with database.write() as session:
            await save_vectors(session, model_id, made)
    except ReadOnlyDatabaseError as error:  # answers still work; the next start encodes these texts again
        logger.warning("Sentence vectors not stored: %s", error)


async def start_semantic(database: Backend, engine: Engine, facts: list[Fact], path: Path) -> None:
    """The semantic index of ``facts`` (the engine's served facts, none of them embedded yet, in order) at start:
    read from ``path`` when that holds exactly their vectors under the engine's model; otherwise made from the
    vectors stored in the database (texts without one encoded and stored, see :func:`embed_served`) and kept in
    ``path`` for the next start."""
    key = semantic_key(engine.vectors.encoder.fingerprint, facts)
    try:
        with path.open("rb") as file:
            engine.vectors.adopt_semantic(read_semantic(file, key))
    except FileNotFoundError:
        logger.info("No vectors file at %s yet: reading the vectors of %d facts from the database", path, len(facts))
    except (OSError, ValueError) as error:  # CacheFileError is a ValueError
        logger.info("Vectors file %s not used (%s): reading the vectors from the database", path, error)
    else:
        logger.info("Read the vectors of %d facts from %s", len(facts), path)
        return
    async with database.read() as session:
        stored = await load_vectors(session, engine.vectors.encoder.model_id)
    await embed_served(database, engine, stored)
    del stored  # every stored vector, not only the served facts': gone before the file is written
    write_cache_file(path, encode_semantic(engine.vectors.semantic_state(), key))


class Embedder:
    """Embeds the facts a change served right after the change, without holding up whoever made it.

    :meth:`soon` queues a run of :func:`embed_served` after those already queued; :meth:`settle` waits for them
    all (answering waits, so it always has every fact's vectors), and :meth:`close` before the database closes,
    so a command that adds a fact and exits has stored its vectors too.
    """

    def __init__(self, database: Backend, engine: Engine) -> None:
        self._database = database
        self._engine = engine
        self._latest: asyncio.Task[None] | None = None

    def soon(self) -> None:
        """Embed what is waiting once the runs queued before have finished."""
        self._latest = asyncio.ensure_future(self._after(self._latest))

    async def _after(self, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            with contextlib.suppress(Exception):  # its failure was the awaiting caller's to see
                await previous
        await embed_served(self._database, self._engine)

    async def settle(self) -> None:
        """Every queued run finished, then anything still waiting (facts other processes wrote) embedded."""
        if self._latest is not None:
            latest, self._latest = self._latest, None
            await latest
        await embed_served(self._database, self._engine)

    async def close(self) -> None:
        """Let the queued runs finish (a failure is logged: the next start embeds those facts again)."""
        if self._latest is not None:
            try:
                await self._latest
            except Exception:
                logger.exception("Embedding the facts changed last failed; the next start embeds them")
