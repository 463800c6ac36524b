"""A loopback Discord: enough of Discord's gateway and REST API on 127.0.0.1 to run the real bot, in several
processes, without a network or a token (for the multi-process tests and the benchmark)."""

from __future__ import annotations

from bot.loopback.processes import BotProcess, Cluster, ProcessExitedError, bot_environment
from bot.loopback.server import Identify, LoopbackDiscord, Reply

__all__ = ["BotProcess", "Cluster", "Identify", "LoopbackDiscord", "ProcessExitedError", "Reply", "bot_environment"]
