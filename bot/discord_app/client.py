"""The bot object: settings and the fact service injected, extensions loaded, resources closed on shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord.ext import commands

from bot.discord_app.identify import IdentifyPacer, IdentifySlots, LocalSlots
from bot.discord_app.safety import NO_MENTIONS
from bot.discord_app.tree import ReportingTree
from bot.settings import Settings, Sharding
from bot.store.cluster import ClusterLink
from bot.store.service import FactService
from bot.store.startup import open_service

__all__ = ["EXTENSIONS", "CeasefireBot", "ServiceFactory", "ShardedCeasefireBot", "create_bot", "intents"]

log = logging.getLogger(__name__)

ServiceFactory = Callable[[Settings], Awaitable[FactService]]

# The bot never joins voice channels: discord.py's warnings about missing voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS = (
    "bot.discord_app.exts.admin",
    "bot.discord_app.exts.asking",
    "bot.discord_app.exts.info",
    "bot.discord_app.exts.moderation",
)


def intents() -> discord.Intents:
    """The least the bot needs: guilds (interactions, caches) and messages (mentions). No privileged intent:
    Discord delivers the text of a message that mentions the bot even without ``message_content``."""
    return discord.Intents(guilds=True, guild_messages=True, dm_messages=True)


class CeasefireBot(commands.Bot):
    """Slash commands and mentions over one :class:`FactService`, opened in :meth:`setup_hook`."""

    def __init__(self, settings: Settings, service_factory: ServiceFactory, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=NO_MENTIONS,
            tree_cls=ReportingTree,
            **options,
        )
        self.settings = settings
        self._service_factory = service_factory
        self._service: FactService | None = None
        self.shared: ClusterLink | None = None  # with DATABASE_URL: state shared with the other processes

    @property
    def service(self) -> FactService:
        """The open fact service (available once :meth:`setup_hook` has run)."""
        if self._service is None:
            raise RuntimeError("the fact service is not open: the bot has not been set up")
        return self._service

    async def setup_hook(self) -> None:
        """Open the fact service (and the shared state on PostgreSQL), then load every extension (commands are
        synced separately, on demand)."""
        self._service = await self._service_factory(self.settings)
        if self.settings.database_url is not None:
            self.shared = await ClusterLink.open(self.settings)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        log.info("Loaded %d extensions over %d facts", len(EXTENSIONS), len(self._service.engine))

    async def on_ready(self) -> None:
        """Say where the bot is; commands are published separately, hence the reminder."""
        log.info(
            "Connected as %s to %d servers (publish or update commands with `python -m bot sync`)",
            self.user,
            len(self.guilds),
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """No text commands: mentions are answered by the asking extension's listener."""

    async def close(self) -> None:
        """Disconnect from Discord first, so no new work arrives, then close the fact service."""
        try:
            await super().close()
        finally:
            if self.shared is not None:
                shared, self.shared = self.shared, None
                await shared.close()
            if self._service is not None:
                service, self._service = self._service, None
                await service.close()
                log.info("Fact service closed")


class ShardedCeasefireBot(CeasefireBot, commands.AutoShardedBot):
    """The same bot over several shards (``SHARD_COUNT``), of which this process runs ``SHARD_IDS``; each shard's
    IDENTIFY waits for its bucket's slot, so every process together stays within Discord's ``max_concurrency``."""

    def __init__(self, settings: Settings, service_factory: ServiceFactory, sharding: Sharding) -> None:
        super().__init__(
            settings, service_factory, shard_ids=list(sharding.shard_ids), shard_count=sharding.shard_count
        )
        self._pacer: IdentifyPacer | None = None
        self._pacer_lock = asyncio.Lock()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for this shard's IDENTIFY slot (discord.py's own pacing only knows this process)."""
        await (await self._identify_pacer()).wait_turn(shard_id or 0)

    async def _identify_pacer(self) -> IdentifyPacer:
        async with self._pacer_lock:
            if self._pacer is None:
                # With SHARD_COUNT given discord.py skips GET /gateway/bot, which carries max_concurrency.
                _, _, limits = await self.http.get_bot_gateway()
                self._pacer = IdentifyPacer(self._identify_slots(), limits["max_concurrency"])
                log.info("IDENTIFY pacing: max_concurrency %d", limits["max_concurrency"])
            return self._pacer

    def _identify_slots(self) -> IdentifySlots:
        return self.shared if self.shared is not None else LocalSlots()

    async def on_shard_ready(self, shard_id: int) -> None:
        """One line per shard, so an operator sees every shard of this process come up."""
        log.info("Shard %d of %s ready", shard_id, self.shard_count)


def create_bot(settings: Settings, service_factory: ServiceFactory = open_service) -> CeasefireBot:
    """An unstarted bot, sharded when the settings say so; its ``setup_hook`` (run by ``login``) opens the
    service and loads the extensions."""
    sharding = settings.sharding
    if sharding is None:
        return CeasefireBot(settings, service_factory)
    return ShardedCeasefireBot(settings, service_factory, sharding)
