"""One place that turns any failure during an interaction into an ephemeral explanation for the user.

Expected failures (cooldown, missing permission, a moderator's input the service refused) get a message that
says what to do. Discord failing (server errors after discord.py's retries, the connection lost) is logged as a
warning pointing at Discord's status page, and a database the operator must fix as a warning saying how;
anything else is a bug, logged as an error with its traceback, and the user gets a short apology. Either way the
bot keeps serving.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Awaitable, Callable

import aiohttp
import discord
from discord import app_commands

from bot.discord_app.replies import reply
from bot.discord_app.safety import CONTENT_MAX, NO_MENTIONS, user_text
from bot.store.errors import DatabaseUnusableError
from bot.store.service import FactNotFoundError, ModerationError

__all__ = [
    "DISCORD_STATUS",
    "NotModerator",
    "NotOwner",
    "cooldown_message",
    "discord_trouble",
    "explain",
    "guarded",
    "report_error",
    "report_message_error",
]

log = logging.getLogger(__name__)

_APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
_DISCORD_TROUBLE = "Discord is having trouble right now; please try again in a moment."
_DATABASE_TROUBLE = "The bot's database can't take that right now; its operator has been told."
DISCORD_STATUS = "https://discordstatus.com"


class NotModerator(app_commands.CheckFailure):
    """The member may not change the fact base."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can change the fact base: you need the Manage Server permission "
            "or one of the moderator roles."
        )


class NotOwner(app_commands.CheckFailure):
    """Only the application's owner may publish the commands."""

    def __init__(self) -> None:
        super().__init__("Only the bot's owner can publish its commands.")


def cooldown_message(retry_after: float) -> str:
    """The friendly answer to someone asking faster than the per-user limit."""
    return f"You're asking faster than I can keep up. Try again in {max(1, math.ceil(retry_after))} s."


def explain(error: BaseException) -> str | None:
    """What to tell the user about an expected ``error``; None when it is a bug to log."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return cooldown_message(error.retry_after)
    if isinstance(error, NotModerator | NotOwner):
        return str(error)
    if isinstance(error, FactNotFoundError):
        # The service's wording points at the command line; members pick facts from the autocomplete list.
        fact_id = user_text(error.fact_id, 100)
        return f'There is no fact "{fact_id}". Pick one from the list that appears as you type, or see `/facts`.'
    if isinstance(error, ModerationError):
        # The service's message names the field, the problem and the fix (for example the closest passage).
        return user_text(str(error), CONTENT_MAX - 100)
    if isinstance(error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
        return "That command changed since it was published; the bot's operator should run `python -m bot sync`."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that command here."
    if isinstance(error, discord.Forbidden):
        return "I don't have permission to do that in this channel."
    return None


def _where(interaction: discord.Interaction[discord.Client]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    custom_id = interaction.data.get("custom_id") if interaction.data else None
    return f"component {custom_id!r}" if custom_id else f"interaction type {interaction.type}"


def discord_trouble(error: BaseException) -> str | None:
    """What Discord did wrong when ``error`` is Discord failing rather than the bot (None otherwise)."""
    if isinstance(error, discord.HTTPException) and error.status >= 500:  # DiscordServerError once retried
        return f"Discord answered {error.status} ({error.text or error.response.reason or 'server error'})"
    if isinstance(error, aiohttp.ClientConnectionError | TimeoutError):
        return f"Discord could not be reached ({type(error).__name__}: {error})"
    return None


def _told(error: BaseException, where: str) -> str:
    """What to tell the user about ``error``: its explanation, or an apology with the failure logged (a warning
    when Discord or the database needs someone else's attention, an error with the traceback for a bug)."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    message = explain(cause)
    if message is not None:
        return message
    trouble = discord_trouble(cause)
    if trouble is not None:
        log.warning("%s in %s, after retrying; see Discord's status at %s", trouble, where, DISCORD_STATUS)
        return _DISCORD_TROUBLE
    if isinstance(cause, DatabaseUnusableError):
        log.warning("Refused in %s: %s", where, cause)
        return _DATABASE_TROUBLE
    log.error("Unhandled error in %s", where, exc_info=cause)
    return _APOLOGY


def _could_not_report(where: str) -> None:
    """Log that the explanation of a failure could not be sent (with a traceback unless Discord is failing)."""
    trouble = discord_trouble(sys.exc_info()[1] or Exception())
    if trouble is not None:
        log.warning("Could not report an error in %s: %s; see %s", where, trouble, DISCORD_STATUS)
    else:
        log.warning("Could not report an error in %s", where, exc_info=True)


async def report_error(interaction: discord.Interaction[discord.Client], error: BaseException) -> None:
    """Tell the user ephemerally what went wrong; log the traceback when it is not an expected failure."""
    message = _told(error, _where(interaction))
    try:
        await reply(interaction, message, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientConnectionError, TimeoutError):
        # The interaction may have expired, or Discord is failing; the error itself is already handled above.
        _could_not_report(_where(interaction))


async def guarded(interaction: discord.Interaction[discord.Client], work: Callable[[], Awaitable[None]]) -> None:
    """Run ``work()`` for a component whose errors discord.py would only log (dynamic items), reporting them
    (including a failure to find what does the work)."""
    try:
        await work()
    except Exception as error:
        await report_error(interaction, error)


async def report_message_error(message: discord.Message, error: BaseException) -> None:
    """Reply to ``message`` (a mention of the bot) with what went wrong, as :func:`report_error` does."""
    told = _told(error, f"the reply to message {message.id}")
    try:
        await message.reply(told, allowed_mentions=NO_MENTIONS)
    except (discord.HTTPException, aiohttp.ClientConnectionError, TimeoutError):
        # No permission to reply there, say, or Discord is failing: the error is logged above if unexpected.
        _could_not_report(f"the reply to message {message.id}")
