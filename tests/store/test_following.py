"""Changes made through one service reach another on the same PostgreSQL database within a second (as they would
two bot processes): announced on commit, caught up after a lost or silently dead listening link, and found by the
periodic check even when no announcement came. (On SQLite, a change reaches the engine before the next answer: see
test_moderation.)"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from bot.settings import Settings
from bot.store import FactService, open_service
from tests.store.helpers import draft

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])

DEADLINE_SECONDS = 1.0


@pytest.fixture
async def pair(settings: Settings) -> AsyncIterator[tuple[FactService, FactService]]:
    """Two services on one database, A and B; B's connections are named "follower" (its listener "follower
    listener") and it checks its link every half second."""
    a = await open_service(settings)
    b = await open_service(
        settings.model_copy(update={"database_application_name": "follower", "database_check_seconds": 0.5})
    )
    try:
        yield a, b
    finally:
        await b.close()
        await a.close()


async def within(seconds: float, condition: Callable[[], bool]) -> float:
    """How long ``condition`` took to hold, polled every few milliseconds; fails after ``seconds``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        await asyncio.sleep(0.005)
    return time.monotonic() - started


async def follower_listener_pid(url: str, other_than: int | None = None) -> int:
    """The server process of B's listening connection (waiting up to 5 s for one, other than ``other_than``)."""
    connection = await asyncpg.connect(url)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 5.0:
            pid: int | None = await connection.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'follower listener' AND pid <> $1",
                other_than or 0,
            )
            if pid is not None:
                return pid
            await asyncio.sleep(0.01)
        raise AssertionError("B has no listening connection")
    finally:
        await connection.close()


async def test_every_kind_of_change_through_a_is_served_by_b_within_a_second(
    pair: tuple[FactService, FactService],
) -> None:
    a, b = pair
    question = "Did Witkoff fly to Moscow?"
    source = await a.add_source("memo", "Memo", "Office", "Witkoff flew to Moscow on a Thursday.", "mod")
    await within(DEADLINE_SECONDS, lambda: "memo" in b.engine.sources)
    assert b.engine.source("memo") == source

    cited = {"quote": "Witkoff flew to Moscow", "speaker": "Memo", "source": "memo"}
    fact = await a.add_fact(draft(question=question, citations=[cited]), "mod")
    await within(DEADLINE_SECONDS, lambda: b.engine.ask("did witkoff fly to moscow").fact == fact)

    edited = await a.edit_fact(fact.id, draft(question=question, answer="Yes.", citations=[cited]), "mod")
    await within(DEADLINE_SECONDS, lambda: b.engine.fact(fact.id) == edited)
    aliased = await a.add_alias(fact.id, "moscow flight", "mod")
    await within(DEADLINE_SECONDS, lambda: b.engine.ask("moscow flight").fact == aliased)
    await a.remove_fact(fact.id, "mod")
    await within(DEADLINE_SECONDS, lambda: b.engine.fact(fact.id) is None)
    restored = await a.restore_fact(fact.id, "mod")
    await within(DEADLINE_SECONDS, lambda: b.engine.fact(fact.id) == restored)
    # And back: B's changes reach A the same way.
    await b.remove_fact(fact.id, "other mod")
    await within(DEADLINE_SECONDS, lambda: a.engine.fact(fact.id) is None)
    assert list(a.engine.facts) == list(b.engine.facts)


async def test_a_terminated_listener_loses_nothing_and_catches_up(
    pair: tuple[FactService, FactService], settings: Settings
) -> None:
    a, b = pair
    assert settings.database_url is not None
    url = settings.database_url.get_secret_value()
    old = await follower_listener_pid(url)
    admin = await asyncpg.connect(url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", old)
    finally:
        await admin.close()
    # Written while B is not listening (it reconnects after a pause): found by its catch-up on reconnecting.
    added = [
        await a.add_fact(draft(id=f"gap-{n}", question=f"Gap question {n}: where did Witkoff go?"), "mod")
        for n in range(5)
    ]
    await within(5.0, lambda: all(b.engine.fact(fact.id) == fact for fact in added))
    assert await follower_listener_pid(url, other_than=old)
    # Listening again: the next change arrives within the second.
    later = await a.add_fact(draft(id="after-gap", question="After the gap: where did Witkoff go?"), "mod")
    await within(DEADLINE_SECONDS, lambda: b.engine.fact(later.id) == later)


async def test_a_change_never_announced_is_found_by_the_periodic_check(
    pair: tuple[FactService, FactService], settings: Settings
) -> None:
    _, b = pair
    assert settings.database_url is not None
    connection = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        async with connection.transaction():
            # As a replica writes: triggers do not fire, so no announcement is made for this change.
            await connection.execute("SET LOCAL session_replication_role = replica")
            await connection.execute("UPDATE facts SET answer = 'Changed quietly.' WHERE id = 'who-is-rubio'")
            await connection.execute("INSERT INTO changes (fact_id) VALUES ('who-is-rubio')")
    finally:
        await connection.close()
    # B checks every half second: the change is applied by the next check.
    await within(2.0, lambda: b.engine.facts["who-is-rubio"].answer == "Changed quietly.")


async def test_a_listening_link_that_dies_silently_is_replaced_and_nothing_is_missed(
    pair: tuple[FactService, FactService], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = pair
    assert settings.database_url is not None
    url = settings.database_url.get_secret_value()
    old = await follower_listener_pid(url)
    # The server process behind B's link stopped: the link stays open but nothing comes through it any more.
    try:
        os.kill(old, signal.SIGSTOP)
    except (ProcessLookupError, PermissionError):
        pytest.skip("the PostgreSQL server runs on another machine or as another user: its process cannot be paused")
    try:
        fact = await a.add_fact(draft(question="Who arrived on Thursday, again?"), "mod")
        # B's check of its link gets no answer within half a second; it opens another and catches up.
        await within(3.0, lambda: b.engine.fact(fact.id) == fact)
        assert await follower_listener_pid(url, other_than=old)
        assert "Lost the change notifications link (" in caplog.text
    finally:
        os.kill(old, signal.SIGCONT)
