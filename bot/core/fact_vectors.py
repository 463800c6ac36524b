"""The served facts' sentence vectors: which facts still wait for theirs, making or taking them, and the search."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.embedding import Encoder, Vectors
from bot.core.models import Fact
from bot.core.semantic import (
    SemanticIndex,
    SemanticMatch,
    SemanticState,
    TextKind,
    VectorTable,
    gather_vectors,
    locate_vector,
    quantize,
    semantic_texts,
    text_digest,
)

__all__ = ["FactVectors"]


class FactVectors:
    """The semantic index of the served facts and the facts still without vectors in it, made with one sentence
    model; facts wait until a search or :meth:`embed_pending` needs their vectors."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self._index = SemanticIndex()
        self._unembedded: dict[str, Fact] = {}  # served facts whose vectors are not in the index yet

    @property
    def encoder(self) -> Encoder:
        """The sentence model the vectors are made with."""
        return self._encoder

    @property
    def index(self) -> SemanticIndex:
        """The semantic index (to measure it; change facts through the engine)."""
        return self._index

    def put(self, fact: Fact) -> None:
        """``fact`` served, new or changed: its old vectors go and it waits for new ones."""
        self._index.remove(fact.id)
        self._unembedded[fact.id] = fact

    def absorb(self, facts: Iterable[Fact]) -> None:
        """``facts`` served, none of them served before: they wait for vectors."""
        self._unembedded.update((fact.id, fact) for fact in facts)

    def drop(self, fact_id: str) -> None:
        """``fact_id`` no longer served (no-op when absent)."""
        self._index.remove(fact_id)
        self._unembedded.pop(fact_id, None)

    def unembedded_texts(self, *known: VectorTable) -> dict[str, str]:
        """The texts served facts still need vectors for, by digest (see :func:`text_digest`), leaving out those
        one of ``known`` holds: what :meth:`embed_pending` would encode."""
        texts: dict[str, str] = {}
        for fact in self._unembedded.values():
            for _, text in semantic_texts(fact):
                digest = text_digest(text)
                if not any(digest in table.rows for table in known):
                    texts[digest] = text
        return texts

    def encode_texts(self, texts: dict[str, str]) -> VectorTable:
        """Vectors for ``texts`` (by digest, as :meth:`unembedded_texts` gives them), made by this model; touches
        nothing served, so it may run in another thread."""
        digests = list(texts)
        return VectorTable(
            {d: row for row, d in enumerate(digests)}, quantize(self._encoder.encode(list(texts.values())))
        )

    @property
    def unembedded(self) -> int:
        """How many served facts are not in the semantic index yet (see :meth:`embed_pending`)."""
        return len(self._unembedded)

    def embed_pending(self, *known: VectorTable) -> VectorTable:
        """Put every served fact still without vectors into the semantic index, taking each text's vector from
        the first of ``known`` that holds it and encoding the others in batches; returns the vectors encoded, for
        the caller to keep."""
        if not self._unembedded:
            return VectorTable.empty()
        fact_ids: list[str] = []
        counts: list[int] = []
        kinds: list[TextKind] = []
        digests: list[str] = []
        missing: dict[str, str] = {}
        for fact in self._unembedded.values():  # one pass: at 100,000 facts each pass over the texts costs
            texts = semantic_texts(fact)
            fact_ids.append(fact.id)
            counts.append(len(texts))
            for kind, text in texts:
                digest = text_digest(text)
                kinds.append(kind)
                digests.append(digest)
                if digest not in missing and not any(digest in table.rows for table in known):
                    missing[digest] = text
        fresh = self.encode_texts(missing)
        tables = [*known, fresh]
        rows = [place for digest in digests if (place := locate_vector(tables, digest)) is not None]  # every one, now
        self._index.put_many(fact_ids, counts, kinds, gather_vectors(tables, rows))
        self._unembedded.clear()
        return fresh

    def semantic_state(self) -> SemanticState:
        """The semantic index as plain arrays, to keep for :meth:`adopt_semantic` (see :meth:`SemanticIndex.state`)."""
        return self._index.state()

    def adopt_semantic(self, state: SemanticState) -> None:
        """Put every served fact still without vectors into the semantic index from ``state``, which must be what
        :meth:`semantic_state` gave for exactly those facts, in that order, and no others (ValueError otherwise,
        changing nothing). The index holds ``state``'s arrays, not copies of them."""
        if len(self._index) or list(self._unembedded) != state.fact_ids:
            raise ValueError("the vectors kept are not those of the facts waiting for them")
        # The served facts' own id strings, not the state's equal copies: one string per fact.
        self._index = SemanticIndex.restored(
            SemanticState(list(self._unembedded), state.counts, state.kinds, state.vectors)
        )
        self._unembedded.clear()

    def search(self, vector: Vectors, limit: int) -> list[SemanticMatch]:
        """The ``limit`` served facts closest in meaning to ``vector``, best first (see :meth:`SemanticIndex.search`),
        every fact waiting embedded first."""
        self.embed_pending()
        return self._index.search(vector, limit)
