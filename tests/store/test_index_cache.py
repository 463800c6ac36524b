"""The index file beside the database: read on a start with nothing changed, rebuilt on any change, and never
in the way (damaged, stale or unwritable, the service still starts with the right index)."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from bot.settings import Settings
from bot.store import FactService
from bot.store.index_cache import index_path
from tests.store.helpers import draft

QUESTIONS = ["did russia accept?", "what did rubio say about mean girls", "who arrived on thursday", "witkoff"]


def _answers(service: FactService) -> list[object]:
    return [service.engine.ask(question) for question in QUESTIONS]


def _index_log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "bot.store.index_cache")


async def test_a_restart_with_nothing_changed_reads_the_index(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await FactService.open(settings) as service:
        built = _answers(service)
        state = service.engine.index_state()
    assert "No index file" in _index_log(caplog)
    assert index_path(settings.database_path).is_file()
    caplog.clear()
    async with await FactService.open(settings) as service:
        assert "Read the index" in _index_log(caplog)
        assert service.engine.index_state() == state
        assert _answers(service) == built


async def test_a_change_since_the_index_was_written_rebuilds_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await FactService.open(settings) as service:
        added = await service.add_fact(draft(question="Who arrived on Thursday?"), "mod")
    caplog.clear()
    async with await FactService.open(settings) as service:
        assert "not used (made from other facts" in _index_log(caplog)
        assert service.engine.ask("who arrived on thursday").fact == added
    # A change made straight in the database, outside the service, is caught the same way.
    with sqlite3.connect(settings.database_path) as connection:
        connection.execute("DELETE FROM aliases WHERE fact_id = ?", ("rubio-mean-girls",))
    caplog.clear()
    async with await FactService.open(settings) as service:
        assert "not used" in _index_log(caplog)
        assert service.engine.fact("rubio-mean-girls").aliases == ()  # type: ignore[union-attr]
    caplog.clear()
    async with await FactService.open(settings) as service:
        assert "Read the index" in _index_log(caplog)


async def test_a_damaged_index_file_is_replaced(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    async with await FactService.open(settings) as service:
        built = _answers(service)
    path = index_path(settings.database_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await FactService.open(settings) as service:
        assert "damaged" in _index_log(caplog)
        assert _answers(service) == built
    caplog.clear()
    async with await FactService.open(settings) as service:
        assert "Read the index" in _index_log(caplog)


async def test_an_unwritable_index_location_only_costs_the_next_start(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.database_path.parent.mkdir(parents=True)
    index_path(settings.database_path).mkdir()  # a folder where the file would go: neither read nor written
    caplog.set_level(logging.INFO, "bot.store.index_cache")
    async with await FactService.open(settings) as service:
        assert "Could not write the index file" in _index_log(caplog)
        assert service.engine.ask("did russia accept?").fact is not None
