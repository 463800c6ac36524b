"""Where an asked question came from and how its answer goes back: an interaction or a mentioning message.

The asking cog runs one pipeline (rate limit, ask, record, render, reply) over either kind of target.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

import discord

from bot.discord_app.exts.asking._render import Via
from bot.discord_app.replies import in_time, message_fields, reply, update

__all__ = ["InteractionTarget", "MessageTarget", "Outgoing", "Target"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply before it is sent."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None


class Target(Protocol):
    """Who asked, when, where, and how to answer them."""

    @property
    def via(self) -> Via: ...

    @property
    def user(self) -> discord.abc.User: ...

    @property
    def created_at(self) -> datetime: ...

    @property
    def channel_id(self) -> int | None: ...

    async def within_time(self, work: Awaitable[T]) -> T:
        """Await ``work``, keeping whoever waits informed if it is slow."""

    async def send(self, outgoing: Outgoing, *, private: bool) -> None:
        """Reply: privately when ``private`` and the target allows it."""


class InteractionTarget:
    """A slash command, context menu, button or menu pick; ``via`` says how the reply is placed."""

    def __init__(self, interaction: discord.Interaction[Any], via: Via) -> None:
        self.interaction = interaction
        self.via = via

    @property
    def user(self) -> discord.abc.User:
        return self.interaction.user

    @property
    def created_at(self) -> datetime:
        return self.interaction.created_at

    @property
    def channel_id(self) -> int | None:
        return self.interaction.channel_id

    async def within_time(self, work: Awaitable[T]) -> T:
        return await in_time(self.interaction, work, ephemeral=self.via is Via.PICK, in_place=self.via is Via.REPLACE)

    async def send(self, outgoing: Outgoing, *, private: bool) -> None:
        if self.via is Via.REPLACE and not private:
            # The replaced message keeps its line of content (the context menu's link to the message asked about).
            message = self.interaction.message
            content = outgoing.content if outgoing.content is not None or message is None else message.content
            await update(self.interaction, content, embed=outgoing.embed, view=outgoing.view)
            return
        await reply(self.interaction, outgoing.content, embed=outgoing.embed, view=outgoing.view, ephemeral=private)


class MessageTarget:
    """A message that mentions the bot: answered in a reply, which is always public."""

    via = Via.MENTION

    def __init__(self, message: discord.Message) -> None:
        self.message = message

    @property
    def user(self) -> discord.abc.User:
        return self.message.author

    @property
    def created_at(self) -> datetime:
        return self.message.created_at

    @property
    def channel_id(self) -> int | None:
        return self.message.channel.id

    async def within_time(self, work: Awaitable[T]) -> T:
        return await work  # a message has no deadline to answer within

    async def send(self, outgoing: Outgoing, *, private: bool) -> None:
        await self.message.reply(**message_fields(outgoing.content, outgoing.embed, outgoing.view))
