"""Bot processes against the loopback Discord: started with their own settings, stopped (or killed) by their
process id, their output kept in a log file for when a test fails."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.loopback.server import LoopbackDiscord
from bot.settings import PROJECT_ROOT

__all__ = ["BotProcess", "Cluster", "ProcessExitedError", "bot_environment"]

_LOOPBACK_TOKEN = "loopback.token.not-a-secret"


def bot_environment(**settings: str) -> dict[str, str]:
    """The environment for a bot process: this one's, a token the loopback accepts, and ``settings``
    (upper-case names, as in .env) over anything inherited."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("SHARD_", "CLUSTER_", "DATABASE_"))}
    return {**inherited, "DISCORD_TOKEN": _LOOPBACK_TOKEN, "LOG_LEVEL": "INFO", **settings}


class BotProcess:
    """One ``python -m bot run`` (through ``bot.loopback.child``), named ``tag`` in the loopback's records."""

    def __init__(self, tag: str, base_url: str, env: dict[str, str], log_dir: Path) -> None:
        self.tag = tag
        self._command = [sys.executable, "-m", "bot.loopback.child", base_url]
        self._env = env
        self.log_path = log_dir / f"{tag}.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process (its output appended to ``log_path``)."""
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self._command, cwd=PROJECT_ROOT, env=self._env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process dies at once, with no clean-up of its own."""
        if self._process is not None and self.running:
            self._process.kill()
            self._process.wait(timeout=10)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (a clean shutdown), then SIGKILL after ``timeout`` seconds; the exit status."""
        if self._process is None:
            return None
        if self.running:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        return self._process.returncode

    def log(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


class ProcessExitedError(RuntimeError):
    """A bot process ended while it was expected to run; the message ends with its log."""


class Cluster:
    """Bot processes named by tags over one loopback Discord; :meth:`stop_all` ends every one of them."""

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

    async def live(self, expected: dict[int, str], timeout: float = 60.0) -> None:
        """Wait until exactly ``expected`` (shard -> tag) are connected; ProcessExitedError at once if one of
        those processes ends, TimeoutError after ``timeout`` seconds."""
        waiting = asyncio.create_task(self.discord.wait_for_shards(expected, timeout))
        try:
            while not waiting.done():
                for tag in sorted(set(expected.values())):
                    if not self.processes[tag].running:
                        raise ProcessExitedError(f"process {tag} exited:\n{self.processes[tag].log()[-4000:]}")
                await asyncio.wait({waiting}, timeout=0.1)
        finally:
            waiting.cancel()
        await waiting

    def stop_all(self) -> None:
        """SIGTERM every process (SIGKILL if one hangs)."""
        for process in self.processes.values():
            process.stop()

    def logs(self) -> str:
        """The end of each process's log, headed by its tag."""
        return "\n".join(f"----- {tag} -----\n{p.log()[-6000:]}" for tag, p in self.processes.items())
