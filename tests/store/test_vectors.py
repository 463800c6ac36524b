"""Sentence vectors in the database: written when a fact is written, read back on every start, never encoded twice."""

from __future__ import annotations

import pytest

from bot.core import engine as engine_module
from bot.core.embedding import MINILM, OnnxEncoder
from bot.core.semantic import semantic_texts, text_digest
from bot.settings import Settings
from bot.store import open_service
from bot.store.backend import open_backend
from bot.store.vectors import load_vectors
from tests.store.helpers import draft


async def _stored_digests(settings: Settings) -> set[str]:
    database = await open_backend(settings)
    try:
        async with database.read() as session:
            return set((await load_vectors(session, MINILM.model_id)).rows)
    finally:
        await database.close()


def _fresh_encoder(monkeypatch: pytest.MonkeyPatch) -> OnnxEncoder:
    """The encoder engines made from now on get: one that remembers nothing, so every text it is given counts."""
    encoder = OnnxEncoder(memo=0)
    monkeypatch.setattr(engine_module, "default_encoder", lambda: encoder)
    return encoder


async def test_a_moderator_fact_has_its_vectors_stored_when_it_is_added(settings: Settings) -> None:
    async with await open_service(settings) as service:
        fact = await service.add_fact(draft(aliases=["did steve get to moscow that week"]), "mod")
        edited = await service.add_alias(fact.id, "witkoff's arrival in the russian capital", "mod")
        # Embedded right after each write, without holding it up; a command that exits at once waits for it.
    for changed in (fact, edited):
        assert {text_digest(text) for _, text in semantic_texts(changed)} <= await _stored_digests(settings)
    async with await open_service(settings) as service:
        ranked = service.engine.semantic_rank("when did the american envoy reach russia", 3)
        assert fact.id in [fact_id for fact_id, _ in ranked]  # served by meaning, from the stored vectors


async def test_a_restart_reads_every_vector_and_encodes_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = _fresh_encoder(monkeypatch)
    async with await open_service(settings) as first:
        texts = {text for fact in first.engine.facts.values() for _, text in semantic_texts(fact)}
        assert encoder.encoded == len(texts)  # the curated facts synced in: every text once, on the first start
        assert len(first.engine.semantic) == len(first.engine)
        added = await first.add_fact(draft(), "mod")
    assert encoder.encoded == len(texts) + len(semantic_texts(added))  # its texts too, by the time it closed

    encoder = _fresh_encoder(monkeypatch)
    async with await open_service(settings) as second:
        engine = second.engine
        assert len(engine.semantic) == len(engine) and added.id in engine.semantic  # all read back on start
        assert encoder.encoded == 0 and not encoder.loaded  # and the model not even loaded
        await second.ask("did moscow say yes to the truce?", log=False)
        assert engine.semantic_rank("did moscow say yes to the truce?", 1)[0][0] == "russia-position"
        assert encoder.encoded <= 2  # the question alone (embedded when asked, and again here)


async def test_a_fact_written_by_another_process_is_served_with_the_vectors_it_stored(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await open_service(settings)
    encoder = _fresh_encoder(monkeypatch)
    try:
        cli = await open_service(settings)
        added = await cli.add_fact(draft(question="Did Witkoff land in Moscow on Thursday?"), "mod")
        await cli.close()  # the command that added it ends
        assert encoder.encoded == len(semantic_texts(added))  # encoded by the process that wrote it
        bot_encoder = bot.engine.encoder
        assert isinstance(bot_encoder, OnnxEncoder)
        before = bot_encoder.encoded
        await bot.ask("when did witkoff get to moscow", log=False)
        assert bot_encoder.encoded - before <= 1  # the question at most: the fact's texts were read, not encoded
        assert added.id in bot.engine.semantic
    finally:
        await bot.close()
