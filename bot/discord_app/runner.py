"""Process lifetimes: running the bot until SIGINT or SIGTERM, and syncing its commands on request."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.discord_app.client import CeasefireBot, create_bot
from bot.settings import Settings

__all__ = ["TokenRejectedError", "run_bot", "serve", "sync_commands", "sync_tree"]

log = logging.getLogger(__name__)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TokenRejectedError(RuntimeError):
    """Discord refused the token (the command line explains how to get a valid one)."""


async def serve(bot: CeasefireBot, token: str) -> None:
    """Run ``bot`` until it stops by itself or the process gets SIGINT / SIGTERM; either way it is closed
    (which closes the fact service and its database) before this returns."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(token), name="discord-bot")
            stopping = asyncio.create_task(stop.wait(), name="stop-signal")
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not running.done():
                log.info("Stop signal received; shutting down")
                await bot.close()
            await running  # re-raises why the bot stopped, if it failed
    except discord.LoginFailure as error:
        raise TokenRejectedError(str(error)) from error
    finally:
        for signum in _STOP_SIGNALS:
            loop.remove_signal_handler(signum)
    log.info("Stopped")


async def run_bot(settings: Settings, token: str) -> None:
    """Build the bot from ``settings`` and :func:`serve` it."""
    await serve(create_bot(settings), token)


async def sync_tree(bot: CeasefireBot, guild_id: int | None = None) -> list[str]:
    """Publish the loaded commands: to one guild (instantly; for development) or globally."""
    guild = None if guild_id is None else discord.Object(guild_id)
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)
    return sorted(command.name for command in synced)


async def sync_commands(settings: Settings, token: str, guild_id: int | None) -> list[str]:
    """Log in over HTTP only (no gateway connection), load the extensions, sync, and close."""
    async with create_bot(settings) as bot:
        try:
            await bot.login(token)  # runs setup_hook, which loads every extension's commands
        except discord.LoginFailure as error:
            raise TokenRejectedError(str(error)) from error
        return await sync_tree(bot, guild_id)
