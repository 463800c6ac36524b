"""The semantic index: a few sentence vectors per served fact, searched by cosine similarity to a question.

Vectors are stored as int8 (each row scaled by its own largest component) and scored with SIMD int8 dot
products (simsimd), a brute-force scan that is exact for the stored vectors. Measured at 100,000 facts on the
target machine (docs/benchmarks.md): a numpy float32 matrix product needs 16 ms and 146 MB for one vector a
fact, float16 and int8 through numpy 35-160 ms; simsimd's int8 kernel scans 100,000 rows in 1.5 ms and
400,000 in 9 ms, at 384 bytes a row. So a fact gets up to :data:`VECTORS_PER_FACT` vectors, within the memory
budget at 100,000 facts, and no approximate index is needed.
"""

from __future__ import annotations

import functools
import hashlib
import os
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import simsimd

from bot.core.embedding import DIMENSION, Vectors
from bot.core.models import Fact

__all__ = [
    "KIND_COUNT",
    "VECTORS_PER_FACT",
    "Quantized",
    "SemanticIndex",
    "SemanticMatch",
    "SemanticState",
    "TextKind",
    "VectorTable",
    "gather_vectors",
    "locate_vector",
    "quantize",
    "semantic_texts",
    "text_digest",
]

# Question, answer, main quote and one alias for a typical fact: 4 x 392 bytes x 100,000 facts = 157 MB.
VECTORS_PER_FACT = 4
_LEVELS = 127  # int8 codes span -127..127, symmetric around 0
_INITIAL_ROWS = 64
_FREED = -2.0  # the similarity a freed row is given: below any cosine
# A scan of this many rows or more is split over the cores the process may use (at most _SCAN_THREADS_MOST): it is
# bound by memory speed, and two cores read 400,000 rows in half the time (12 ms to 6 ms on the target machine);
# under it, starting threads costs more than it saves.
_PARALLEL_ROWS = 65_536
_SCAN_THREADS_MOST = 4


class TextKind(StrEnum):
    """What a vector was made from."""

    PHRASING = "phrasing"  # the fact's question or one of its aliases: how someone asks
    EVIDENCE = "evidence"  # its answer or a quote: what the article says


_KINDS = tuple(TextKind)
KIND_COUNT = len(_KINDS)


def semantic_texts(fact: Fact, limit: int = VECTORS_PER_FACT) -> list[tuple[TextKind, str]]:
    """The texts of ``fact`` that get a vector, best first: its question, answer and main quote, then its other
    phrasings and quotes, each distinct text once, at most ``limit``."""
    quotes = [citation.quote for citation in fact.citations]
    ordered = [
        (TextKind.PHRASING, fact.question),
        (TextKind.EVIDENCE, fact.answer),
        *((TextKind.EVIDENCE, quote) for quote in quotes[:1]),
        *((TextKind.PHRASING, alias) for alias in fact.aliases),
        *((TextKind.EVIDENCE, quote) for quote in quotes[1:]),
    ]
    seen: set[str] = set()
    texts = []
    for kind, text in ordered:
        if text not in seen:
            seen.add(text)
            texts.append((kind, text))
    return texts[:limit]


def text_digest(text: str) -> str:
    """The key a text's vector is stored under (with the model's id): 16 bytes of BLAKE2b, in hex."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Quantized:
    """Unit vectors as int8 codes, one scale per row: ``vector ~= codes * scale``."""

    codes: npt.NDArray[np.int8]
    scales: npt.NDArray[np.float32]

    def __len__(self) -> int:
        return len(self.scales)

    def take(self, rows: Sequence[int] | npt.NDArray[np.intp]) -> Quantized:
        """These rows, in this order."""
        return Quantized(self.codes[rows], self.scales[rows])

    @classmethod
    def join(cls, parts: Iterable[Quantized]) -> Quantized:
        """The rows of every part, in order."""
        parts = list(parts)
        if not parts:
            return cls(np.zeros((0, DIMENSION), np.int8), np.zeros(0, np.float32))
        return cls(np.concatenate([p.codes for p in parts]), np.concatenate([p.scales for p in parts]))


def quantize(vectors: Vectors) -> Quantized:
    """``vectors`` (rows of floats) as int8 codes and per-row scales."""
    largest = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, np.float32)
    scales = np.where(largest > 0, largest / _LEVELS, 1.0).astype(np.float32)
    codes = np.clip(np.rint(vectors / scales[:, None]), -_LEVELS, _LEVELS).astype(np.int8)
    return Quantized(codes, scales)


@dataclass(frozen=True, slots=True)
class VectorTable:
    """Vectors by the digest of the text they were made from (see :func:`text_digest`)."""

    rows: dict[str, int]  # digest -> its row of ``vectors``
    vectors: Quantized

    @classmethod
    def empty(cls) -> VectorTable:
        """A table of no vectors."""
        return cls({}, Quantized.join([]))

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class SemanticMatch:
    """A fact's closeness to a question: its best cosine similarity, the kind of text that gave it, and the
    best of each kind (None when the fact has no vector of that kind)."""

    fact_id: str
    similarity: float
    kind: TextKind
    phrasing: float | None
    evidence: float | None


@dataclass(frozen=True, slots=True)
class SemanticState:
    """A semantic index as plain arrays, to keep (see :mod:`bot.core.semantic_file`) and restore: the facts in
    order, how many rows each has, and each row's kind (its number in :class:`TextKind`'s order) and vector."""

    fact_ids: list[str]
    counts: npt.NDArray[np.int32]
    kinds: npt.NDArray[np.int8]
    vectors: Quantized


class SemanticIndex:
    """Vectors of served facts, changed fact by fact, searched for the facts closest to a question."""

    def __init__(self) -> None:
        self._codes = np.zeros((_INITIAL_ROWS, DIMENSION), np.int8)
        self._scales = np.zeros(_INITIAL_ROWS, np.float32)
        self._owners = np.full(_INITIAL_ROWS, -1, np.int32)  # the fact slot of each row, -1 when free
        self._kinds = np.zeros(_INITIAL_ROWS, np.int8)
        self._size = 0  # rows in use or freed; rows from here on are unused
        self._slots: dict[str, int] = {}
        self._fact_ids: list[str] = []  # by slot ("" for a slot whose fact was removed)
        # By slot, the fact's rows (they are adjacent): plain arrays, not a tuple per fact (20 MB at 100,000).
        self._starts = array("q")
        self._ends = array("q")
        self._most_rows = 1  # the most rows any fact has had: the scan keeps that many per fact wanted
        self._free = 0

    @classmethod
    def restored(cls, state: SemanticState) -> SemanticIndex:
        """The index :meth:`state` gave ``state`` for, holding its arrays (not copies of them); ValueError when
        they do not fit together."""
        counts, kinds, rows = state.counts, state.kinds, len(state.vectors)
        if len(counts) != len(state.fact_ids) or len(kinds) != rows or int(counts.sum(dtype=np.int64)) != rows:
            raise ValueError(f"{len(state.fact_ids)} facts, {len(counts)} counts, {len(kinds)} kinds, {rows} rows")
        if len(counts) and int(counts.min()) < 1:
            raise ValueError("a fact without rows")
        if rows and not 0 <= int(kinds.min()) <= int(kinds.max()) < KIND_COUNT:
            raise ValueError("a row of no known kind")
        if len(set(state.fact_ids)) != len(state.fact_ids):
            raise ValueError("a fact listed twice")
        index = cls()
        index._codes, index._scales, index._kinds = state.vectors.codes, state.vectors.scales, state.kinds
        index._owners = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        index._size = rows
        index._fact_ids = list(state.fact_ids)
        index._slots = {fact_id: slot for slot, fact_id in enumerate(index._fact_ids)}
        ends = np.cumsum(counts, dtype=np.int64)
        index._ends = array("q", ends.tobytes())
        index._starts = array("q", (ends - counts).tobytes())
        index._most_rows = max(1, int(counts.max())) if len(counts) else 1
        return index

    def state(self) -> SemanticState:
        """The rows in use as plain arrays (views of the index's own when no row is free), for :meth:`restored`."""
        live = slice(0, self._size) if not self._free else np.flatnonzero(self._owners[: self._size] >= 0)
        slots = sorted(self._slots.values())
        counts = np.array([self._ends[slot] - self._starts[slot] for slot in slots], np.int32)
        vectors = Quantized(self._codes[live], self._scales[live])
        return SemanticState([self._fact_ids[slot] for slot in slots], counts, self._kinds[live], vectors)

    def __len__(self) -> int:
        """How many facts have vectors."""
        return len(self._slots)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self._slots

    @property
    def rows(self) -> int:
        """How many vectors are held."""
        return self._size - self._free

    def put(self, fact_id: str, kinds: Sequence[TextKind], vectors: Quantized) -> None:
        """Give ``fact_id`` these vectors (one per kind), replacing any it had."""
        self.put_many([fact_id], [len(kinds)], kinds, vectors)

    def put_many(
        self, fact_ids: Sequence[str], counts: Sequence[int], kinds: Sequence[TextKind], vectors: Quantized
    ) -> None:
        """:meth:`put` for several facts at once: ``counts[i]`` rows of ``kinds`` and ``vectors`` are the i-th
        fact's, in order."""
        if len(kinds) != len(vectors) or sum(counts) != len(vectors) or len(counts) != len(fact_ids):
            raise ValueError(
                f"{len(fact_ids)} facts, {sum(counts)} counted rows, {len(kinds)} kinds, {len(vectors)} rows"
            )
        for fact_id in fact_ids:
            self.remove(fact_id)
        start = self._reserve(len(vectors))  # before taking slots: making room may renumber them
        end = start + len(vectors)
        self._codes[start:end] = vectors.codes
        self._scales[start:end] = vectors.scales
        self._kinds[start:end] = [_KINDS.index(kind) for kind in kinds]
        first_slot = len(self._fact_ids)
        self._owners[start:end] = np.repeat(np.arange(first_slot, first_slot + len(fact_ids)), counts)
        at = start
        for offset, (fact_id, count) in enumerate(zip(fact_ids, counts, strict=True)):
            self._fact_ids.append(fact_id if count else "")
            self._starts.append(at)
            self._ends.append(at + count)
            if count:
                self._slots[fact_id] = first_slot + offset
                at += count
        self._size = end
        self._most_rows = max([self._most_rows, *counts])

    def remove(self, fact_id: str) -> None:
        """Forget ``fact_id``'s vectors (no-op when it has none)."""
        slot = self._slots.pop(fact_id, None)
        if slot is None:
            return
        start, end = self._starts[slot], self._ends[slot]
        self._owners[start:end] = -1
        self._scales[start:end] = 0.0
        self._fact_ids[slot] = ""
        self._free += end - start

    def _reserve(self, count: int) -> int:
        """Room for ``count`` more rows at the end (compacting first when half the rows are free); returns
        where they start."""
        if self._free and self._free * 2 >= self._size:
            self._compact()
        needed = self._size + count
        if needed > len(self._scales):
            # A sixteenth to spare, not double: at 400,000 rows each spare row is 392 bytes held for nothing.
            capacity = max(needed, len(self._scales) + len(self._scales) // 16 + _INITIAL_ROWS)
            self._codes = np.resize(self._codes, (capacity, DIMENSION))
            self._scales = np.resize(self._scales, capacity)
            self._owners = np.resize(self._owners, capacity)
            self._kinds = np.resize(self._kinds, capacity)
        return self._size

    def _compact(self) -> None:
        """Drop the freed rows and renumber the slots (facts keep their order)."""
        live = np.flatnonzero(self._owners[: self._size] >= 0)
        old_owners = self._owners[live]
        kept_slots, new_owners = np.unique(old_owners, return_inverse=True)
        fact_ids = [self._fact_ids[slot] for slot in kept_slots.tolist()]
        size = len(live)
        self._codes[:size] = self._codes[live]
        self._scales[:size] = self._scales[live]
        self._kinds[:size] = self._kinds[live]
        self._owners[:size] = new_owners
        self._owners[size:] = -1
        self._size, self._free = size, 0
        self._fact_ids = fact_ids
        self._slots = {fact_id: slot for slot, fact_id in enumerate(fact_ids)}
        starts = np.flatnonzero(np.r_[True, new_owners[1:] != new_owners[:-1]]) if size else np.zeros(0, np.intp)
        self._starts = array("q", starts.astype(np.int64).tobytes())
        self._ends = array("q", np.r_[starts[1:], size].astype(np.int64).tobytes())

    def search(self, question: Vectors, limit: int) -> list[SemanticMatch]:
        """The ``limit`` facts whose vectors come closest to the unit vector ``question``, best first."""
        if limit <= 0 or not self._slots:
            return []
        query = quantize(question.reshape(1, DIMENSION))
        similarity = self._similarities(query)
        # Each fact has at most _most_rows rows, so the best limit * _most_rows rows hold the best row of each of
        # the best `limit` facts (fewer facts would not fill that many rows).
        wanted = min(self._size, limit * self._most_rows)
        top = np.argpartition(similarity, -wanted)[-wanted:]
        top = top[np.argsort(-similarity[top], kind="stable")]
        matches: list[SemanticMatch] = []
        seen: set[int] = set()
        for row in top.tolist():
            slot = int(self._owners[row])
            if slot < 0:  # only freed rows are left
                break
            if slot in seen:
                continue
            seen.add(slot)
            matches.append(self._match(slot, similarity))
            if len(matches) == limit:
                break
        return matches

    def _similarities(self, query: Quantized) -> npt.NDArray[np.float64]:
        """Every row's cosine similarity to the query (below -1 for a freed row, so it never ranks)."""
        codes = self._codes[: self._size]
        threads = _scan_threads() if self._size >= _PARALLEL_ROWS else 1
        dots = simsimd.cdist(query.codes, codes, metric="dot", dtype="int8", threads=threads)
        similarity: npt.NDArray[np.float64] = np.asarray(dots, dtype=np.float64)[0]
        # In place, in float64 as simsimd gives the dot products: one array of a float per row, not four.
        similarity *= self._scales[: self._size]
        similarity *= float(query.scales[0])
        np.clip(similarity, -1.0, 1.0, out=similarity)
        if self._free:
            similarity[self._owners[: self._size] < 0] = _FREED
        return similarity

    def _match(self, slot: int, similarity: npt.NDArray[np.float64]) -> SemanticMatch:
        start, end = self._starts[slot], self._ends[slot]
        scores = similarity[start:end]
        kinds = self._kinds[start:end]
        best = int(np.argmax(scores))
        by_kind = [scores[kinds == number] for number in range(len(_KINDS))]
        phrasing, evidence = (float(s.max()) if len(s) else None for s in by_kind)
        return SemanticMatch(self._fact_ids[slot], float(scores[best]), _KINDS[int(kinds[best])], phrasing, evidence)


@functools.cache
def _scan_threads() -> int:
    """How many threads a large scan uses: the cores this process may run on, at most _SCAN_THREADS_MOST."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux: the cores this process is allowed
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(cores, _SCAN_THREADS_MOST))


def locate_vector(tables: list[VectorTable], digest: str) -> tuple[int, int] | None:
    """Which of ``tables`` holds the vector of the text with ``digest`` first, and in which row."""
    for number, table in enumerate(tables):
        row = table.rows.get(digest)
        if row is not None:
            return number, row
    return None


def gather_vectors(tables: list[VectorTable], rows: list[tuple[int, int]]) -> Quantized:
    """The rows named by (table, row) pairs, in order, as one block."""
    codes = np.empty((len(rows), DIMENSION), np.int8)
    scales = np.empty(len(rows), np.float32)
    which = np.fromiter((table for table, _ in rows), np.intp, len(rows))
    where = np.fromiter((row for _, row in rows), np.intp, len(rows))
    for number, table in enumerate(tables):
        chosen = which == number
        codes[chosen] = table.vectors.codes[where[chosen]]
        scales[chosen] = table.vectors.scales[where[chosen]]
    return Quantized(codes, scales)
