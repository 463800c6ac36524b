"""Reading many facts back: the batched, unvalidated read gives exactly the facts validation would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.bench.loading import store_base
from bot.bench.meaning import base_vectors
from bot.bench.synthetic import generate
from bot.core.models import Citation, Fact, Provenance, trusted
from bot.settings import Settings
from bot.store import FactService, open_service, records
from bot.store.backend import open_backend
from tests.store.helpers import SOURCE_ID, WITKOFF, draft


async def _changed_base(settings: Settings) -> tuple[list[Fact], list[Fact]]:
    """A database with moderators' facts added, edited, given aliases, removed; the served and removed facts."""
    async with await open_service(settings) as service:
        kept = await service.add_fact(draft(aliases=["witkoff thursday", "where was witkoff"], tags=["trip"]), "mod")
        await service.edit_fact(kept.id, draft(answer="Russia.", aliases=["witkoff thursday"]), "other")
        await service.add_alias(kept.id, "witkoff's trip", "mod")
        gone = await service.add_fact(draft(question="Who arrived on Thursday?", aliases=["thursday arrival"]), "m")
        await service.remove_fact(gone.id, "mod")
        curated = next(iter(service.engine.facts.values()))
        await service.remove_fact(curated.id, "mod")
        return list(service.engine.facts.values()), await service.removed_facts()


async def test_loaded_facts_are_the_validated_facts(settings: Settings) -> None:
    served, removed = await _changed_base(settings)
    database = await open_backend(settings)
    try:
        async with database.read() as session:
            loaded = await records.load_served_facts(session)
            every = await records.load_fact_records(session)
            gone = await records.load_removed_records(session)
    finally:
        await database.close()
    assert loaded == served
    assert [record.fact for record in every.values() if record.served] == served
    assert sorted(record.fact.id for record in gone) == sorted(fact.id for fact in removed)
    for fact in [*loaded, *(record.fact for record in every.values())]:
        validated = Fact.model_validate(fact.model_dump())
        assert fact == validated and repr(fact) == repr(validated)
        assert fact.model_dump_json() == validated.model_dump_json()
        assert fact.model_fields_set == validated.model_fields_set
        assert hash(fact) == hash(validated)


@pytest.mark.parametrize("backend", ["sqlite"])  # rows in storage order; PostgreSQL's are read by primary key
async def test_aliases_and_citations_stored_out_of_order_load_in_position_order(settings: Settings) -> None:
    async with await open_service(settings) as service:
        fact = await service.add_fact(draft(aliases=["first alias", "second alias", "third alias"]), "mod")
    with sqlite3.connect(settings.database_path) as connection:  # the same rows, stored last position first
        rows = connection.execute("SELECT * FROM aliases WHERE fact_id = ? ORDER BY position", (fact.id,)).fetchall()
        connection.execute("DELETE FROM aliases WHERE fact_id = ?", (fact.id,))
        connection.executemany("INSERT INTO aliases VALUES (?, ?, ?)", reversed(rows))
    async with await open_service(settings) as service:
        assert service.engine.fact(fact.id) == fact
        assert (await service.get_fact(fact.id)).aliases == ("first alias", "second alias", "third alias")


async def test_removed_facts_are_read_alone_most_recently_removed_last(service: FactService) -> None:
    first = await service.add_fact(draft(), "mod")
    second = await service.add_fact(draft(question="Who arrived in Russia on Thursday?"), "mod")
    await service.remove_fact(second.id, "mod")
    await service.remove_fact(first.id, "mod")
    assert await service.removed_facts() == [second, first]
    await service.restore_fact(second.id, "mod")
    assert await service.removed_facts() == [first]


async def test_equal_values_are_shared_between_loaded_facts(settings: Settings) -> None:
    async with await open_service(settings) as service:
        curated = [fact for fact in service.engine.facts.values() if fact.provenance.origin == "curated"]
    database = await open_backend(settings)
    try:
        async with database.read() as session:
            loaded = [fact for fact in await records.load_served_facts(session) if fact.provenance.origin == "curated"]
    finally:
        await database.close()
    assert loaded == curated and len(loaded) > 10
    # One sync stamped every curated fact alike: one provenance per curated file, one string per speaker.
    assert len({id(fact.provenance) for fact in loaded}) == len({fact.provenance.file for fact in loaded})
    speakers = [citation.speaker for fact in loaded for citation in fact.citations]
    assert len({id(speaker) for speaker in speakers}) == len(set(speakers))


async def test_a_base_of_many_batches_loads_in_order_as_validated(tmp_path: Path) -> None:
    base = generate(1_000)  # about 5,000 alias rows: more than one batch of each table
    vectors, _ = base_vectors(base.facts, budget_s=0.0, cache=tmp_path / "vectors", chunk_size=32)  # 32 encoded
    settings = await store_base(base, tmp_path, vectors)
    database = await open_backend(settings)
    try:
        async with database.read() as session:
            loaded = {fact.id: fact for fact in await records.load_served_facts(session)}
    finally:
        await database.close()
    synthetic = [fact for fact in loaded.values() if fact.id.startswith("syn-")]
    assert [fact.id for fact in synthetic] == [fact.id for fact in base.facts]
    for fact, written in zip(synthetic, base.facts, strict=True):
        assert fact == Fact.model_validate(fact.model_dump())
        assert fact.model_dump(exclude={"provenance"}) == written.model_dump(exclude={"provenance"})


def test_trusted_models_are_what_validation_makes() -> None:
    citation = trusted(Citation, {"quote": WITKOFF, "speaker": "NOTUS", "source": SOURCE_ID, "start": 0, "end": 62})
    provenance = trusted(Provenance, {"origin": "moderator", "file": None, "actor": "mod", "at": None})
    fields = {
        "id": "witkoff",
        "question": "Where did Witkoff travel?",
        "aliases": ("witkoff thursday",),
        "answer": "Russia.",
        "citations": (citation,),
        "tags": (),
        "provenance": provenance,
    }
    fact = trusted(Fact, fields)
    validated = Fact.model_validate(fact.model_dump())
    assert fact == validated and repr(fact) == repr(validated) and fact.model_fields_set == validated.model_fields_set
    changed = fact.model_copy(update={"answer": "Moscow."})
    assert changed.answer == "Moscow." and fact.answer == "Russia."
    assert changed.model_fields_set == fact.model_fields_set == set(Fact.model_fields)
    other = trusted(Fact, {**fields, "id": "other"})
    assert other.model_fields_set is fact.model_fields_set  # one set for every instance, never changed in place
