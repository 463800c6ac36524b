"""``start``, ``run`` and ``sync``: the Discord bot's process commands.

discord.py is imported only inside these commands, so every other subcommand starts without it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from typing import TypeVar

from bot.cli._common import CommandError, Subcommands, add_data_options, operator_errors, settings_from_args
from bot.settings import Settings

__all__ = ["configure_logging", "register"]

_NO_TOKEN = (
    "DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal and put "
    "DISCORD_TOKEN=<its token> in .env (see .env.example and the README)"
)
_TOKEN_REJECTED = (
    "Discord rejected DISCORD_TOKEN: copy it again from the Developer Portal (Bot > Reset Token) into .env"
)
T = TypeVar("T")

_LOG_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"


def register(commands: Subcommands) -> None:
    """Add ``start``, ``run`` and ``sync``."""
    start = commands.add_parser("start", help="run the bot, or the console chat when no token is configured")
    start.set_defaults(handler=_start)
    run = commands.add_parser("run", help="run the Discord bot until Ctrl-C or SIGTERM")
    add_data_options(run, database=True)
    run.set_defaults(handler=_run)
    sync = commands.add_parser("sync", help="publish the slash commands to Discord (after adding or changing one)")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, metavar="ID", help="one server, instantly (default: DEV_GUILD_ID)")
    where.add_argument("--global", dest="everywhere", action="store_true", help="every server (slower to appear)")
    add_data_options(sync, database=True)
    sync.set_defaults(handler=_sync)


def configure_logging(level: str) -> None:
    """Log to standard error at ``level``, but discord.py never below INFO: its DEBUG output includes request
    payloads with interaction tokens."""
    logging.basicConfig(level=level, format=_LOG_FORMAT)
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.getLevelNamesMapping()[level]))


def _token(settings: Settings) -> str:
    if settings.discord_token is None:
        raise CommandError(_NO_TOKEN)
    return settings.discord_token.get_secret_value().strip()


def _start(args: argparse.Namespace) -> int:
    """``make run``: the bot when a token is configured; otherwise say how, and chat in the terminal."""
    if settings_from_args(args).discord_token is not None:
        return _run(args)
    print(f"note: {_NO_TOKEN}. Meanwhile, here is the console chat.", file=sys.stderr)
    from bot.cli import main  # the same ``chat`` command a user would type (imported here: no cycle)

    return main(["chat"])


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    token = _token(settings)
    configure_logging(settings.log_level)
    from bot.discord_app import runner

    _in_bot_process(lambda: asyncio.run(runner.run_bot(settings, token)), runner.TokenRejectedError)
    return 0


def _sync(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    guild_id = None if args.everywhere else (args.guild or settings.dev_guild_id)
    if guild_id is None and not args.everywhere:  # publishing everywhere is only done when asked for by name
        raise CommandError(
            "say where to publish the commands: --guild SERVER_ID (or DEV_GUILD_ID in .env) for one server, "
            "or --global for every server"
        )
    token = _token(settings)
    configure_logging(settings.log_level)
    from bot.discord_app import runner

    names = _in_bot_process(
        lambda: asyncio.run(runner.sync_commands(settings, token, guild_id)), runner.TokenRejectedError
    )
    where = f"guild {guild_id}" if guild_id else "every guild (may take a few minutes to appear)"
    print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return 0


def _in_bot_process(work: Callable[[], T], token_rejected: type[Exception]) -> T:
    """Run ``work``, turning the failures an operator can fix into one-line CommandErrors."""
    try:
        with operator_errors("cannot start"):
            return work()
    except token_rejected as error:
        raise CommandError(_TOKEN_REJECTED) from error
