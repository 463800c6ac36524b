"""The semantic index as a file beside the database, so a restart with nothing changed reads its arrays in one go
instead of every fact's vectors from the database, row by row.

The database stays the record of the vectors; the file is a cache, used only for exactly the index it was made
from. Its key digests everything that index depends on: the model (its id and the sha256 of its weights), the
code that chooses a fact's texts, quantises and lays out their vectors, this format, and every served fact's
texts in order. Anything else (another key, a damaged or foreign file) is refused with
:class:`~bot.core.cache_file.CacheFileError`, and the caller builds the index from the database. The sections
are the facts' ids and plain arrays, read straight into the arrays the index keeps (no copy, no object per row).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from bot.core import cache_file as cache_file_module
from bot.core import embedding as embedding_module
from bot.core import semantic as semantic_module
from bot.core.cache_file import CacheFileError, Section, read_header, seal, section_sizes, verify
from bot.core.embedding import DIMENSION
from bot.core.models import Fact
from bot.core.semantic import Quantized, SemanticState

__all__ = ["encode_semantic", "read_semantic", "semantic_key"]

_MAGIC = b"factbot-vectors\n"
_FORMAT = 1
_SECTIONS = 5  # fact ids, rows per fact, each row's kind, scale and codes
_RECORD = "\x1e"  # between fact ids, which are slugs
_BATCH = 4096  # facts whose texts are joined and hashed in one update


@functools.cache
def _code_digest() -> bytes:
    """The code and runtime the file's arrays depend on besides the facts and the model."""
    digest = hashlib.blake2b(digest_size=16)
    for module in (embedding_module, semantic_module, cache_file_module, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(repr((_FORMAT, sys.byteorder, DIMENSION)).encode())
    return digest.digest()


def semantic_key(model: str, facts: Iterable[Fact]) -> str:
    """The key of the semantic index of ``facts``, in order, made with the model ``model`` names (its id and the
    sha256 of its weights: see :attr:`bot.core.embedding.Encoder.fingerprint`) and this code.

    It digests every text a fact's vectors may be made from (question, answer, aliases, quotes) with its length,
    and how many aliases and quotes each fact has, so that no two different bases share a key."""
    texts_digest = hashlib.blake2b(digest_size=32)
    shapes = array("q")  # per fact, its aliases and quotes; then the length of every text
    lengths = array("q")
    batch: list[str] = []
    for fact in facts:
        quotes = [citation.quote for citation in fact.citations]
        batch += (fact.id, fact.question, fact.answer, *fact.aliases, *quotes)
        shapes.append(len(fact.aliases))
        shapes.append(len(quotes))
        if len(batch) >= _BATCH:
            lengths.extend(map(len, batch))
            texts_digest.update("".join(batch).encode("utf-8", "surrogatepass"))
            batch.clear()
    lengths.extend(map(len, batch))
    texts_digest.update("".join(batch).encode("utf-8", "surrogatepass"))
    digest = hashlib.blake2b(_code_digest() + model.encode("utf-8"), digest_size=32)
    for part in (shapes.tobytes(), lengths.tobytes(), texts_digest.digest()):
        digest.update(hashlib.blake2b(part, digest_size=32).digest())
    return digest.hexdigest()


def _sections(state: SemanticState) -> list[Section]:
    arrays = (state.counts, state.kinds, state.vectors.scales, state.vectors.codes)
    ids = _RECORD.join(state.fact_ids).encode("utf-8", "surrogatepass")
    return [ids, *(np.ascontiguousarray(values).data for values in arrays)]


def encode_semantic(state: SemanticState, key: str) -> list[Section]:
    """``state`` under ``key`` (from :func:`semantic_key`) as the chunks of one file, to be written in order: the
    arrays themselves, not copies of them."""
    sections = _sections(state)
    fields: dict[str, object] = {"format": _FORMAT, "key": key, "facts": len(state.fact_ids), "rows": len(state.kinds)}
    return [*seal(_MAGIC, fields, sections), *sections]


def _fill(file: BinaryIO, values: npt.NDArray[np.generic]) -> None:
    """Read ``values``' bytes from ``file``, straight into the array."""
    view = values.data.cast("B")
    at = 0
    while at < len(view):
        got = file.readinto(view[at:])  # type: ignore[attr-defined]  # BinaryIO has readinto on every real file
        if not got:
            raise CacheFileError("damaged: shorter than its sections")
        at += got


def read_semantic(file: BinaryIO, key: str) -> SemanticState:
    """The state kept in the open ``file`` (what :func:`encode_semantic` wrote), which must have been made under
    ``key``; CacheFileError otherwise."""
    header = read_header(file.read, _MAGIC, _FORMAT)
    if header.get("key") != key:
        raise CacheFileError("made from other facts, another model or other code")
    sizes = section_sizes(header, _SECTIONS)
    facts, rows = header.get("facts"), header.get("rows")
    if type(facts) is not int or type(rows) is not int or facts < 0 or rows < 0:
        raise CacheFileError("damaged: no counts of facts and rows")
    if sizes[1:] != [4 * facts, rows, 4 * rows, DIMENSION * rows]:
        raise CacheFileError("damaged: its sections do not match its counts")
    if file.tell() + sum(sizes) != os.fstat(file.fileno()).st_size:  # before allocating what a header claims
        raise CacheFileError("damaged: its length is not its sections'")
    ids = file.read(sizes[0])
    counts = np.empty(facts, np.int32)
    kinds = np.empty(rows, np.int8)
    scales = np.empty(rows, np.float32)
    codes = np.empty((rows, DIMENSION), np.int8)
    for values in (counts, kinds, scales, codes):
        _fill(file, values)
    verify(header, [ids, *(values.data for values in (counts, kinds, scales, codes))])
    try:
        fact_ids = ids.decode("utf-8", "surrogatepass").split(_RECORD) if facts else []
    except UnicodeDecodeError as error:
        raise CacheFileError(f"damaged: {error}") from error
    if len(fact_ids) != facts:
        raise CacheFileError("damaged: its fact ids do not match their count")
    return SemanticState(fact_ids, counts, kinds, Quantized(codes, scales))
