"""Answering an interaction whatever state its response is in, always without pings and inside the limits.

Every reply the bot makes goes through :func:`reply` (new message) or :func:`update` (the message that carries
the clicked button), so the no-ping policy and the content limit are enforced in one place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.discord_app.safety import CONTENT_MAX, NO_MENTIONS, clip, fit_embed

__all__ = ["DEFER_AFTER", "defer", "in_time", "message_fields", "reply", "update"]

T = TypeVar("T")

# Discord wants the first response within 3 seconds; work still running after this long is deferred first.
DEFER_AFTER = 2.0

# Interaction.extras key: set while a deferred "thinking..." placeholder is waiting to be filled; the value
# says whether that placeholder is ephemeral.
_PLACEHOLDER = "bot.placeholder_ephemeral"


async def defer(interaction: discord.Interaction[discord.Client], *, ephemeral: bool) -> None:
    """Acknowledge now (Discord allows 3 seconds) and show "thinking..." until :func:`reply` fills it in."""
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    interaction.extras[_PLACEHOLDER] = ephemeral


async def in_time(
    interaction: discord.Interaction[discord.Client], work: Awaitable[T], *, ephemeral: bool, in_place: bool = False
) -> T:
    """Await ``work``, deferring the response only if it is not done in time to answer directly.

    Answering directly keeps the response's visibility free: an error can still be answered privately
    under a command whose answers are public. ``in_place``: the reply will :func:`update` the clicked
    message, so a deferral acknowledges the click without a "thinking..." message.
    """
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done:
        if in_place:
            await interaction.response.defer()
        else:
            await defer(interaction, ephemeral=ephemeral)
    return await task


def message_fields(content: str | None, embed: discord.Embed | None, view: discord.ui.View | None) -> dict[str, Any]:
    """The keyword arguments of a send: no pings, everything inside Discord's limits, no view when None."""
    fields: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if content is not None:
        fields["content"] = clip(content, CONTENT_MAX)
    if embed is not None:
        fields["embed"] = fit_embed(embed)
    if view is not None:
        fields["view"] = view
    return fields


async def reply(
    interaction: discord.Interaction[discord.Client],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
) -> None:
    """Send the reply: the first response, the deferred placeholder filled in, or a follow-up message."""
    fields = message_fields(content, embed, view)
    if not interaction.response.is_done():
        await interaction.response.send_message(**fields, ephemeral=ephemeral)
        return
    placeholder_ephemeral = interaction.extras.pop(_PLACEHOLDER, None)
    if placeholder_ephemeral is not None:
        if placeholder_ephemeral or not ephemeral:
            # The placeholder's visibility was fixed when deferring; a public reply may land in a private one.
            await interaction.edit_original_response(
                content=fields.get("content"), embed=fields.get("embed"), view=view, allowed_mentions=NO_MENTIONS
            )
            return
        # A private reply (an error) must not stay in a public placeholder, and the first follow-up would
        # only fill it: complete the placeholder, remove it, then answer privately.
        await interaction.edit_original_response(
            content=fields.get("content"), embed=fields.get("embed"), allowed_mentions=NO_MENTIONS
        )
        await interaction.delete_original_response()
    await interaction.followup.send(**fields, ephemeral=ephemeral)


async def update(
    interaction: discord.Interaction[discord.Client],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Replace the message whose component was used: its content, embed and view (``None`` removes each)."""
    fitted = fit_embed(embed) if embed is not None else None
    text = clip(content, CONTENT_MAX) if content is not None else None
    if interaction.response.is_done():
        await interaction.edit_original_response(content=text, embed=fitted, view=view, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.edit_message(content=text, embed=fitted, view=view, allowed_mentions=NO_MENTIONS)
