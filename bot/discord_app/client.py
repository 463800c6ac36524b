"""The bot object: settings and the fact service injected, extensions loaded, resources closed on shutdown."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord.ext import commands

from bot.discord_app.safety import NO_MENTIONS
from bot.discord_app.tree import ReportingTree
from bot.settings import Settings
from bot.store.service import FactService
from bot.store.startup import open_service

__all__ = ["EXTENSIONS", "CeasefireBot", "ServiceFactory", "create_bot", "intents"]

log = logging.getLogger(__name__)

ServiceFactory = Callable[[Settings], Awaitable[FactService]]

# The bot never joins voice channels: discord.py's warnings about missing voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS = (
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

    def __init__(self, settings: Settings, service_factory: ServiceFactory) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=NO_MENTIONS,
            tree_cls=ReportingTree,
        )
        self.settings = settings
        self._service_factory = service_factory
        self._service: FactService | None = None

    @property
    def service(self) -> FactService:
        """The open fact service (available once :meth:`setup_hook` has run)."""
        if self._service is None:
            raise RuntimeError("the fact service is not open: the bot has not been set up")
        return self._service

    async def setup_hook(self) -> None:
        """Open the fact service, then load every extension (commands are synced separately, on demand)."""
        self._service = await self._service_factory(self.settings)
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
            if self._service is not None:
                service, self._service = self._service, None
                await service.close()
                log.info("Fact service closed")


def create_bot(settings: Settings, service_factory: ServiceFactory = open_service) -> CeasefireBot:
    """An unstarted bot; its ``setup_hook`` (run by ``login``) opens the service and loads the extensions."""
    return CeasefireBot(settings, service_factory)
