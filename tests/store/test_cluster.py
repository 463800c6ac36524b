"""State the processes share through PostgreSQL: IDENTIFY slots and the per-member question counts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from bot.discord_app.exts.asking._cooldown import AskLimiter
from bot.settings import Settings
from bot.store.backend import open_backend
from bot.store.cluster import ClusterLink, ClusterUnavailableError


@pytest.fixture
async def links(postgres_url: str) -> AsyncIterator[tuple[ClusterLink, ClusterLink]]:
    """Two processes' links to one migrated database."""
    settings = Settings(database_url=SecretStr(postgres_url))
    database = await open_backend(settings)
    await database.close()
    first, second = await ClusterLink.open(settings), await ClusterLink.open(settings)
    yield first, second
    await first.close()
    await second.close()


async def test_one_identify_per_bucket_per_window_whoever_asks(links: tuple[ClusterLink, ClusterLink]) -> None:
    first, second = links
    waits = sorted(await asyncio.gather(*(link.claim(0, 0.6) for link in (first, second) * 5)))
    assert waits[0] == 0.0 and all(0 < wait <= 0.6 for wait in waits[1:])  # one winner, however close the race
    assert 0.3 < await first.claim(0, 0.6) <= 0.6  # the rest of the window
    assert await second.claim(1, 0.6) == 0.0  # another bucket is free
    await asyncio.sleep(0.6)
    assert await second.claim(0, 0.6) == 0.0  # the window has passed


async def test_question_counts_are_shared_and_refusals_do_not_count(links: tuple[ClusterLink, ClusterLink]) -> None:
    first, second = links
    at = 1_000_000.0
    counted = [await link.count_question(7, at + n, 3, 10.0) for n, link in enumerate((first, second, first))]
    assert counted == [None, None, None]
    assert await second.count_question(7, at + 4, 3, 10.0) == pytest.approx(6.0)
    assert await first.count_question(7, at + 5, 3, 10.0) == pytest.approx(5.0)
    assert await second.count_question(8, at + 5, 3, 10.0) is None  # another member
    assert await first.count_question(7, at + 10, 3, 10.0) is None  # a new window


async def test_the_limit_holds_across_limiters_and_falls_back_to_the_process_without_the_database(
    links: tuple[ClusterLink, ClusterLink],
) -> None:
    first, second = links
    one, two = AskLimiter(2, 60.0, first), AskLimiter(2, 60.0, second)
    now = datetime.now(UTC)
    assert await one.retry_after(5, now) is None
    assert await two.retry_after(5, now + timedelta(seconds=1)) is None
    assert await one.retry_after(5, now + timedelta(seconds=2)) == pytest.approx(58.0)
    await first.close()
    with pytest.raises(ClusterUnavailableError):
        await first.count_question(5, now.timestamp(), 2, 60.0)
    # Without the database, this process still limits (its own count, from scratch).
    assert [await one.retry_after(6, now) for _ in range(2)] == [None, None]
    assert await one.retry_after(6, now) == pytest.approx(60.0)


async def test_an_unreachable_database_is_one_clear_error() -> None:
    settings = Settings(database_url=SecretStr("postgresql://bot@127.0.0.1:1/bot"))
    with pytest.raises(ClusterUnavailableError, match="cannot reach the database"):
        await ClusterLink.open(settings)
