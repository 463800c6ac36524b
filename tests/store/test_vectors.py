"""Sentence vectors in the database: written when a fact is written, read back on every start, never encoded twice."""

from __future__ import annotations

import logging

import pytest

from bot.core import engine as engine_module
from bot.core.embedding import MINILM, OnnxEncoder
from bot.core.semantic import semantic_texts, text_digest
from bot.settings import Settings
from bot.store import open_service
from bot.store import vectors as vectors_module
from bot.store.backend import open_backend
from bot.store.startup import vectors_file
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
        assert len(first.engine.vectors.index) == len(first.engine)
        added = await first.add_fact(draft(), "mod")
    assert encoder.encoded == len(texts) + len(semantic_texts(added))  # its texts too, by the time it closed

    encoder = _fresh_encoder(monkeypatch)
    async with await open_service(settings) as second:
        engine = second.engine
        assert len(engine.vectors.index) == len(engine) and added.id in engine.vectors.index  # all read back on start
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
        bot_encoder = bot.engine.vectors.encoder
        assert isinstance(bot_encoder, OnnxEncoder)
        before = bot_encoder.encoded
        await bot.ask("when did witkoff get to moscow", log=False)
        assert bot_encoder.encoded - before <= 1  # the question at most: the fact's texts were read, not encoded
        assert added.id in bot.engine.vectors.index
    finally:
        await bot.close()


def _vectors_log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "bot.store.vectors")


QUESTIONS = ["did moscow say yes to the truce?", "who wrote the article", "when did witkoff get to moscow"]


async def test_a_restart_reads_the_vectors_file_and_no_vector_row_then_serves_changes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.vectors")
    async with await open_service(settings) as first:
        ranked = [first.engine.semantic_rank(question, 5) for question in QUESTIONS]
        state = first.engine.vectors.semantic_state()
    assert "No vectors file" in _vectors_log(caplog) and vectors_file(settings).is_file()
    caplog.clear()
    with monkeypatch.context() as patched:
        patched.setattr(vectors_module, "load_vectors", _no_database_read)
        encoder = _fresh_encoder(patched)
        second = await open_service(settings)
    try:
        assert "Read the vectors of" in _vectors_log(caplog)
        assert encoder.encoded == 0 and second.engine.vectors.unembedded == 0
        assert second.engine.vectors.semantic_state().fact_ids == state.fact_ids
        assert [second.engine.semantic_rank(question, 5) for question in QUESTIONS] == ranked
        # A moderator's add, edit and removal after the restart reach the index read from the file.
        added = await second.add_fact(draft(question="Did Witkoff land in Moscow on Thursday?"), "mod")
        await second.ask("when did witkoff get to moscow", log=False)
        assert second.engine.semantic_rank("when did witkoff get to moscow", 1)[0][0] == added.id
        await second.add_alias(added.id, "the american envoy's arrival in the russian capital", "mod")
        await second.ask("the envoy's arrival in the capital", log=False)
        assert added.id in second.engine.vectors.index
        await second.remove_fact(added.id, "mod")
        await second.ask("when did witkoff get to moscow", log=False)
        assert added.id not in second.engine.vectors.index
        assert all(f != added.id for f, _ in second.engine.semantic_rank("when did witkoff get to moscow", 5))
    finally:
        await second.close()


async def _no_database_read(*_: object) -> object:
    raise AssertionError("the vectors were read from the database")


async def test_a_stale_or_damaged_vectors_file_is_refused_and_rebuilt(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with await open_service(settings) as service:
        added = await service.add_fact(draft(question="Did Witkoff land in Moscow on Thursday?"), "mod")
    caplog.set_level(logging.INFO, "bot.store.vectors")
    async with await open_service(settings) as service:  # the file was written before the fact was added
        assert "not used (made from other facts" in _vectors_log(caplog)
        assert service.engine.semantic_rank("when did witkoff get to moscow", 1)[0][0] == added.id
        ranked = [service.engine.semantic_rank(question, 5) for question in QUESTIONS]
    path = vectors_file(settings)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    caplog.clear()
    async with await open_service(settings) as service:
        assert "damaged" in _vectors_log(caplog)
        assert [service.engine.semantic_rank(question, 5) for question in QUESTIONS] == ranked
    caplog.clear()
    async with await open_service(settings) as service:
        assert "Read the vectors of" in _vectors_log(caplog)
        assert [service.engine.semantic_rank(question, 5) for question in QUESTIONS] == ranked
