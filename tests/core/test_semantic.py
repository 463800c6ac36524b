"""The semantic index on the real model's vectors: facts put, replaced and removed one by one, searched exactly."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core import semantic
from bot.core.embedding import DIMENSION, Vectors, default_encoder
from bot.core.engine import Engine
from bot.core.models import Fact
from bot.core.semantic import (
    VECTORS_PER_FACT,
    SemanticIndex,
    TextKind,
    quantize,
    semantic_texts,
)


@pytest.fixture(scope="module")
def vectors(curated_engine: Engine) -> dict[str, Vectors]:
    """Each curated fact's vectors (of :func:`semantic_texts`, in order), encoded once for the module."""
    facts = list(curated_engine.facts.values())
    texts = [[text for _, text in semantic_texts(fact)] for fact in facts]
    encoded = default_encoder().encode([text for group in texts for text in group])
    ends = np.cumsum([len(group) for group in texts])
    return {fact.id: encoded[end - len(group) : end] for fact, group, end in zip(facts, texts, ends, strict=True)}


def _put(index: SemanticIndex, fact: Fact, vectors: dict[str, Vectors]) -> None:
    texts = semantic_texts(fact)
    made = vectors[fact.id] if fact.id in vectors and len(vectors[fact.id]) == len(texts) else None
    if made is None:
        made = default_encoder().encode([text for _, text in texts])
    index.put(fact.id, [kind for kind, _ in texts], quantize(made))


def _exact(facts: list[Fact], question: str, vectors: dict[str, Vectors]) -> list[tuple[str, float]]:
    """Each fact's best cosine similarity to ``question`` from unquantised vectors, best first."""
    query = default_encoder().encode([question])[0]
    best = {fact.id: float((vectors[fact.id] @ query).max()) for fact in facts}
    return sorted(best.items(), key=lambda item: -item[1])


def test_a_fact_gets_its_question_answer_main_quote_then_aliases(curated_engine: Engine) -> None:
    fact = curated_engine.fact("russia-position")
    assert fact is not None and fact.aliases
    texts = semantic_texts(fact)
    assert len(texts) == min(
        VECTORS_PER_FACT, len({fact.question, fact.answer, *fact.aliases, fact.citations[0].quote})
    )
    assert texts[:4] == [
        (TextKind.PHRASING, fact.question),
        (TextKind.EVIDENCE, fact.answer),
        (TextKind.EVIDENCE, fact.citations[0].quote),
        (TextKind.PHRASING, fact.aliases[0]),
    ]
    assert len(semantic_texts(fact, limit=50)) == len(
        {fact.question, fact.answer, *fact.aliases, *(c.quote for c in fact.citations)}
    )


@pytest.mark.parametrize(
    "question", ["has moscow said yes to the truce", "who wrote this", "what did rubio think of the meeting"]
)
def test_search_ranks_facts_as_exact_cosine_similarity_does(
    curated_engine: Engine, vectors: dict[str, Vectors], question: str
) -> None:
    facts = list(curated_engine.facts.values())
    index = SemanticIndex()
    for fact in facts:
        _put(index, fact, vectors)
    found = index.search(default_encoder().encode([question])[0], 5)
    exact = _exact(facts, question, vectors)
    assert [m.fact_id for m in found][:3] == [fact_id for fact_id, _ in exact][:3]
    for match in found:
        assert match.similarity == pytest.approx(dict(exact)[match.fact_id], abs=0.01)
    assert [m.similarity for m in found] == sorted((m.similarity for m in found), reverse=True)
    best = found[0]
    assert best.similarity == max(s for s in (best.phrasing, best.evidence) if s is not None)


def test_facts_are_added_replaced_and_removed_one_by_one(curated_engine: Engine, vectors: dict[str, Vectors]) -> None:
    facts = list(curated_engine.facts.values())
    index = SemanticIndex()
    for fact in facts:
        _put(index, fact, vectors)
    question = default_encoder().encode(["who is the author of the article"])[0]
    assert index.search(question, 1)[0].fact_id == "article-author"
    index.remove("article-author")
    assert "article-author" not in index and len(index) == len(facts) - 1
    assert all(m.fact_id != "article-author" for m in index.search(question, len(facts)))
    assert len(index.search(question, 100)) == len(facts) - 1  # asking for more than there are gives them all
    author = curated_engine.fact("article-author")
    assert author is not None
    _put(index, author, vectors)
    assert index.search(question, 1)[0].fact_id == "article-author"
    rows = index.rows
    _put(index, author.model_copy(update={"aliases": ()}), vectors)  # replaced, not added twice
    assert index.rows <= rows and len(index) == len(facts)
    assert index.search(question, 1)[0].fact_id == "article-author"


def test_removing_most_facts_compacts_the_index_and_keeps_every_answer(
    curated_engine: Engine, vectors: dict[str, Vectors]
) -> None:
    facts = list(curated_engine.facts.values())
    index = SemanticIndex()
    for _ in range(3):  # put, then replace every fact twice: freed rows pile up and are compacted away
        for fact in facts:
            _put(index, fact, vectors)
    for fact in facts[::2]:
        index.remove(fact.id)
    kept = facts[1::2]
    assert index.rows == sum(len(semantic_texts(f)) for f in kept)
    question = "did the ukrainians agree to the american plan"
    found = index.search(default_encoder().encode([question])[0], 3)
    assert [m.fact_id for m in found] == [fact_id for fact_id, _ in _exact(kept, question, vectors)][:3]
    assert index.search(default_encoder().encode([question])[0], 0) == []
    assert SemanticIndex().search(np.zeros(384, np.float32), 3) == []


def test_a_scan_split_over_threads_finds_exactly_what_one_thread_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    rows = rng.standard_normal((3000, DIMENSION)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    index = SemanticIndex()
    index.put_many([f"f{n}" for n in range(1000)], [3] * 1000, [TextKind.PHRASING] * 3000, quantize(rows))
    question = rows[1234] + 0.1 * rng.standard_normal(DIMENSION).astype(np.float32)
    question /= np.linalg.norm(question)
    found = {}
    for threads in (1, 2):
        monkeypatch.setattr(semantic, "_PARALLEL_ROWS", 1 if threads > 1 else 10**9)
        monkeypatch.setattr(semantic, "_scan_threads", lambda threads=threads: threads)
        found[threads] = index.search(question, 10)
    assert found[1] == found[2] and found[1][0].fact_id == "f411"
