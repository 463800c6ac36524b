"""Bot processes against a loopback Discord: started per test, always stopped, their logs shown on failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.loopback import Cluster, LoopbackDiscord


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "loopback(shard_count, max_concurrency): the loopback Discord's sharding")


@pytest.fixture
async def cluster(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Cluster]:
    """A loopback Discord (``@pytest.mark.loopback(shard_count=..., max_concurrency=...)``) and its processes."""
    marker = request.node.get_closest_marker("loopback")
    options = dict(marker.kwargs) if marker is not None else {}
    async with LoopbackDiscord(**options) as discord:
        running = Cluster(discord, tmp_path)
        try:
            yield running
        finally:
            running.stop_all()
            print(running.logs())  # shown by pytest when the test failed
