"""The served facts' vectors: a text with a vector known already is never encoded again, and kept vectors are only
taken for exactly the facts waiting for them."""

from __future__ import annotations

import pytest

from bot.core.embedding import Encoder, OnnxEncoder
from bot.core.engine import Engine
from bot.core.fact_vectors import FactVectors
from bot.core.models import Fact
from bot.core.semantic import VectorTable


def _waiting(facts: list[Fact], encoder: Encoder) -> FactVectors:
    vectors = FactVectors(encoder)
    vectors.absorb(facts)
    return vectors


@pytest.fixture(scope="module")
def facts(curated_engine: Engine) -> list[Fact]:
    return list(curated_engine.facts.values())


@pytest.fixture(scope="module")
def built(facts: list[Fact]) -> tuple[FactVectors, VectorTable]:
    """Every curated fact's vectors and the table they were encoded into (shared: tests must not change them)."""
    vectors = _waiting(facts, OnnxEncoder())
    return vectors, vectors.embed_pending()


def test_vectors_known_already_are_not_encoded_again(facts: list[Fact], built: tuple[FactVectors, VectorTable]) -> None:
    first, made = built
    assert len(made) == len(first.unembedded_texts()) + len(made) > 0  # nothing is left to encode
    encoder = OnnxEncoder()
    again = _waiting(facts, encoder)
    assert again.unembedded_texts(made) == {}
    assert len(again.embed_pending(made)) == 0 and encoder.encoded == 0 and not encoder.loaded
    question = first.encoder.encode(["did russia accept"])[0]
    assert [m.fact_id for m in again.search(question, 5)] == [m.fact_id for m in first.search(question, 5)]


def test_vectors_are_only_adopted_for_exactly_their_facts(
    facts: list[Fact], built: tuple[FactVectors, VectorTable]
) -> None:
    vectors, made = built
    state = vectors.semantic_state()
    fewer = _waiting(facts[1:], vectors.encoder)
    with pytest.raises(ValueError, match="not those of the facts"):
        fewer.adopt_semantic(state)
    assert fewer.unembedded == len(facts) - 1 and not len(fewer.index)  # nothing changed
    embedded = _waiting(facts, vectors.encoder)
    embedded.embed_pending(made)
    with pytest.raises(ValueError, match="not those of the facts"):
        embedded.adopt_semantic(state)
    adopted = _waiting(facts, vectors.encoder)
    adopted.adopt_semantic(state)
    assert adopted.unembedded == 0 and adopted.index.rows == vectors.index.rows
