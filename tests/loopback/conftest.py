"""Bot processes against a loopback Discord: started per test, always stopped, their logs shown on failure."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.loopback import BotProcess, LoopbackDiscord, bot_environment

START_TIMEOUT = 60.0


class Cluster:
    """The bot processes of one test, each named by a tag, over one loopback Discord."""

    def __init__(self, discord: LoopbackDiscord, log_dir: Path) -> None:
        self.discord = discord
        self._log_dir = log_dir
        self.processes: dict[str, BotProcess] = {}

    def start(self, tag: str, **settings: str) -> BotProcess:
        """Start (or restart) process ``tag`` with ``settings`` (upper-case names, as in .env)."""
        process = BotProcess(tag, self.discord.base_url(tag), bot_environment(**settings), self._log_dir)
        self.processes[tag] = process
        process.start()
        return process

    async def live(self, expected: dict[int, str], timeout: float = START_TIMEOUT) -> None:
        """Wait until exactly ``expected`` (shard -> tag) are connected; fail at once if a process died."""
        waiting = asyncio.create_task(self.discord.wait_for_shards(expected, timeout))
        while not waiting.done():
            dead = [tag for tag in set(expected.values()) if not self.processes[tag].running]
            if dead:
                waiting.cancel()
                pytest.fail(f"process {dead[0]} exited:\n{self.processes[dead[0]].log()[-4000:]}")
            await asyncio.wait({waiting}, timeout=0.1)
        await waiting

    def stop_all(self) -> None:
        """SIGTERM every process (SIGKILL if one hangs)."""
        for process in self.processes.values():
            process.stop()

    def logs(self) -> Iterator[str]:
        """Each process's log, headed by its tag."""
        for tag, process in self.processes.items():
            yield f"----- {tag} -----\n{process.log()[-6000:]}"


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
            for log in running.logs():
                print(log)  # shown by pytest when the test failed


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "loopback(shard_count, max_concurrency): the loopback Discord's sharding")
