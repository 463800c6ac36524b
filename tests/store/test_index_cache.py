"""The index file beside the database: read on a start with nothing changed, rebuilt on any change, and never
in the way (damaged, stale or unwritable, the service still starts with the right index)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.core.datafiles import LEXICON_FILE
from bot.settings import Settings
from bot.store import FactService, open_service
from bot.store.index_cache import IndexHelper, build_engine, index_path, split_point
from bot.store.startup import index_file
from tests.store.helpers import draft


@pytest.fixture
def backend() -> str:
    """SQLite unless a test says otherwise: the index file is the same whatever the database, and these tests
    change the SQLite file directly."""
    return "sqlite"


QUESTIONS = ["did russia accept?", "what did rubio say about mean girls", "who arrived on thursday", "witkoff"]


def _answers(service: FactService) -> list[object]:
    return [service.engine.ask(question) for question in QUESTIONS]


def _index_log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "bot.store.index_cache")


async def test_a_restart_with_nothing_changed_reads_the_index(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(settings) as service:
        built = _answers(service)
        state = service.engine.index_state()
    assert "No index file" in _index_log(caplog)
    assert index_path(settings.database_path).is_file()
    caplog.clear()
    async with await open_service(settings) as service:
        assert "Read the index" in _index_log(caplog)
        assert service.engine.index_state() == state
        assert _answers(service) == built


async def test_a_change_since_the_index_was_written_rebuilds_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(settings) as service:
        added = await service.add_fact(draft(question="Who arrived on Thursday?"), "mod")
    caplog.clear()
    async with await open_service(settings) as service:
        assert "not used (made from other facts" in _index_log(caplog)
        assert service.engine.ask("who arrived on thursday").fact == added
    # A change made straight in the database, outside the service, is caught the same way.
    with sqlite3.connect(settings.database_path) as connection:
        connection.execute("DELETE FROM aliases WHERE fact_id = ?", ("rubio-mean-girls",))
    caplog.clear()
    async with await open_service(settings) as service:
        assert "not used" in _index_log(caplog)
        assert service.engine.fact("rubio-mean-girls").aliases == ()  # type: ignore[union-attr]
    caplog.clear()
    async with await open_service(settings) as service:
        assert "Read the index" in _index_log(caplog)


async def test_a_damaged_index_file_is_replaced(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    async with await open_service(settings) as service:
        built = _answers(service)
    path = index_path(settings.database_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(settings) as service:
        assert "damaged" in _index_log(caplog)
        assert _answers(service) == built
    caplog.clear()
    async with await open_service(settings) as service:
        assert "Read the index" in _index_log(caplog)


async def test_an_unwritable_index_location_only_costs_the_next_start(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.database_path.parent.mkdir(parents=True)
    index_path(settings.database_path).mkdir()  # a folder where the file would go: neither read nor written
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(settings) as service:
        assert "Could not write the index file" in _index_log(caplog)
        assert service.engine.ask("did russia accept?").fact is not None


async def test_a_helper_process_indexes_the_later_half_to_the_same_index(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    alone = settings.model_copy(update={"index_helper_min_facts": 0})
    async with await open_service(alone) as service:
        state = service.engine.index_state()
        answers = _answers(service)
    assert "helper" not in _index_log(caplog).replace(str(settings.database_path), "")
    index_path(settings.database_path).unlink()
    caplog.clear()
    shared = settings.model_copy(update={"index_helper_min_facts": 1})
    async with await open_service(shared) as service:
        later = len(state.fact_ids) - split_point(len(state.fact_ids))
        assert f"here and {later} in a helper process" in _index_log(caplog)
        assert service.engine.index_state() == state
        assert _answers(service) == answers
    caplog.clear()
    async with await open_service(shared) as service:  # nothing changed since: no helper is started
        assert "Read the index" in _index_log(caplog) and "Started an index helper" not in _index_log(caplog)
        await service.add_fact(draft(question="Who arrived on Thursday?"), "mod")
    caplog.clear()
    async with await open_service(shared) as service:  # a change since: the helper indexes the later half
        assert "Started an index helper" in _index_log(caplog) and "in a helper process" in _index_log(caplog)
        assert service.engine.ask("who arrived on thursday").fact is not None
    with sqlite3.connect(settings.database_path) as connection:  # a change no audit entry records
        connection.execute("UPDATE facts SET answer = 'Moscow.' WHERE id = 'russia-position'")
    caplog.clear()
    async with await open_service(shared) as service:  # not foreseen, still caught: built without help
        assert "Started an index helper" not in _index_log(caplog) and "not used" in _index_log(caplog)
        assert service.engine.fact("russia-position").answer == "Moscow."  # type: ignore[union-attr]


async def test_a_helper_that_fails_or_indexes_other_facts_is_not_used(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with await open_service(settings) as service:
        facts = list(service.engine.facts.values())
        state = service.engine.index_state()
        lexicon, sources = service.engine.lexicon, service.engine.sources.values()
    other = settings.model_copy(update={"database_path": tmp_path / "other" / "bot.db"})
    async with await open_service(other) as service:
        await service.add_fact(draft(question="Who arrived on Thursday?"), "mod")
    lexicon_path = settings.facts_dir / LEXICON_FILE
    first = split_point(len(facts))
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    for database, expected in ((other.database_path, "not used"), (tmp_path / "missing.db", "failed")):
        helper = await IndexHelper.start(database, lexicon_path, first)
        assert helper is not None
        caplog.clear()
        engine = await build_engine(lexicon, sources, facts, tmp_path / f"{expected}.index", helper=helper)
        assert expected in _index_log(caplog) and "in a helper" not in _index_log(caplog)
        assert engine.index_state() == state
        await helper.stop()


async def test_another_lexicon_is_foreseen_and_gets_a_helper(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = settings.model_copy(update={"index_helper_min_facts": 1})
    async with await open_service(shared):
        pass
    facts_dir = tmp_path / "facts"
    shutil.copytree(settings.facts_dir, facts_dir)
    lexicon = facts_dir / LEXICON_FILE
    text = lexicon.read_text(encoding="utf-8").replace("\n[concepts]\n", '\n[concepts]\nlull = ["quietude"]\n', 1)
    lexicon.write_text(text, encoding="utf-8")
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(shared.model_copy(update={"facts_dir": facts_dir})) as service:
        assert "Started an index helper" in _index_log(caplog) and "in a helper process" in _index_log(caplog)
        assert service.engine.lexicon.phrases[("quietude",)] == "lull"


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is a Linux call")
async def test_a_process_with_one_core_builds_without_a_helper(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        async with await open_service(settings.model_copy(update={"index_helper_min_facts": 1})) as service:
            assert "No index file" in _index_log(caplog) and "Started an index helper" not in _index_log(caplog)
            assert service.engine.ask("did russia accept?").fact is not None
    finally:
        os.sched_setaffinity(0, cores)


async def test_a_change_the_index_does_not_read_is_noted_so_later_starts_need_no_helper(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    shared = settings.model_copy(update={"index_helper_min_facts": 1})
    async with await open_service(shared) as service:
        fact = service.engine.fact("rubio-mean-girls")
        assert fact is not None
        await service.edit_fact(fact.id, fact.to_draft().model_copy(update={"tags": ("quotes",)}), "mod")
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(shared):  # a new audit entry: a helper, though the index is the same
        assert "Started an index helper" in _index_log(caplog) and "Read the index" in _index_log(caplog)
    caplog.clear()
    async with await open_service(shared):
        assert "Read the index" in _index_log(caplog) and "Started an index helper" not in _index_log(caplog)


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_on_postgresql_the_index_file_and_the_helper_work_the_same(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await open_service(settings.model_copy(update={"index_helper_min_facts": 0})) as service:
        state = service.engine.index_state()
    assert index_file(settings).is_file() and not index_path(settings.database_path).exists()
    index_file(settings).unlink()
    caplog.clear()
    async with await open_service(settings.model_copy(update={"index_helper_min_facts": 1})) as service:
        later = len(state.fact_ids) - split_point(len(state.fact_ids))
        assert f"here and {later} in a helper process" in _index_log(caplog)  # it read PostgreSQL too
        assert service.engine.index_state() == state
    caplog.clear()
    async with await open_service(settings) as service:
        assert "Read the index" in _index_log(caplog)
        assert service.engine.index_state() == state
