"""The arranged Discord world the bot tests act in, and small helpers over SimCord's results."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import discord
import simcord

from bot.discord_app.client import CeasefireBot

__all__ = [
    "World",
    "button_labels",
    "button_styles",
    "custom_ids",
    "embed_of",
    "embed_text",
    "last_message",
    "member_text",
    "request_problems",
    "response",
    "select_options",
]


@dataclass
class World:
    """A guild with one text channel, an ordinary member and a member with Manage Server."""

    env: simcord.Env
    bot: CeasefireBot
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    member: simcord.MemberActor
    moderator: simcord.MemberActor


def response(result: simcord.InteractionResult) -> simcord.ResponseMessage:
    """The interaction's response message (failing the test when there is none, e.g. a modal)."""
    assert result.response is not None, "the bot sent no response message"
    return result.response


def embed_of(result: simcord.InteractionResult) -> discord.Embed:
    """The one embed of the interaction's response."""
    [embed] = response(result).embeds
    return embed


def last_message(channel: simcord.ChannelHandle) -> discord.Message:
    """The newest message in ``channel``."""
    message = channel.last_message
    assert message is not None, "the channel is empty"
    return message


def _buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for row in components for item in row.get("components", [])]


def button_labels(components: list[dict[str, Any]]) -> list[str]:
    """The labels of every button in a message's raw components."""
    return [button.get("label", "") for button in _buttons(components) if button.get("type") == 2]


def button_styles(components: list[dict[str, Any]]) -> dict[str, int]:
    """Each button's style (1 blurple, 2 grey, ...) by label."""
    return {button.get("label", ""): button["style"] for button in _buttons(components) if button.get("type") == 2}


def select_options(components: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each string select's option labels, by custom id."""
    return {
        item["custom_id"]: [option["label"] for option in item["options"]]
        for item in _buttons(components)
        if item.get("type") == 3
    }


def member_text(message: simcord.ResponseMessage) -> str:
    """Everything a member reads in a response: its content, embeds and component labels."""
    parts = [message.content, *(embed_text(embed) for embed in message.embeds)]
    for item in _buttons(message.components):
        parts += [item.get("label", ""), item.get("placeholder", "")]
        parts += [option["label"] for option in item.get("options", [])]
    return "\n".join(part for part in parts if part)


def custom_ids(components: list[dict[str, Any]]) -> list[str]:
    """The custom ids of every component in a message's raw components."""
    return [button.get("custom_id", "") for button in _buttons(components)]


def embed_text(embed: discord.Embed) -> str:
    """Every piece of text in ``embed``, one per line, for substring checks."""
    parts = [embed.author.name, embed.title, embed.description, embed.footer.text]
    for field in embed.fields:
        parts += [field.name, field.value]
    return "\n".join(part for part in parts if part)


# Discord's documented limits (https://discord.com/developers/docs/resources/message).
_EMBED_LIMITS = {"title": 256, "description": 4096}
_MESSAGE_PATH = re.compile(r"^/(channels/\d+/messages(/\d+)?|webhooks/\d+/[^/]+(/messages/.+)?)$")
_CALLBACK_PATH = re.compile(r"^/interactions/\d+/[^/]+/callback$")
_MESSAGE_CALLBACKS = {4, 7}  # CHANNEL_MESSAGE_WITH_SOURCE, UPDATE_MESSAGE
_AUTOCOMPLETE_CALLBACK = 8
_MODAL_CALLBACK = 9


def _embed_problems(where: str, data: dict[str, Any]) -> list[str]:
    problems = [
        f"{where}: embed {key} over {limit}" for key, limit in _EMBED_LIMITS.items() if len(data.get(key) or "") > limit
    ]
    fields = data.get("fields", [])
    if len(fields) > 25:
        problems.append(f"{where}: {len(fields)} embed fields")
    for field in fields:
        if len(field["name"]) > 256 or len(field["value"]) > 1024 or not field["value"]:
            problems.append(f"{where}: embed field {field['name'][:30]!r} out of limits")
    if len(data.get("footer", {}).get("text", "")) > 2048 or len(data.get("author", {}).get("name", "")) > 256:
        problems.append(f"{where}: embed footer or author over its limit")
    if len(discord.Embed.from_dict(data)) > 6000:
        problems.append(f"{where}: embed over 6000 characters in total")
    return problems


def _message_problems(where: str, body: dict[str, Any]) -> list[str]:
    problems = []
    mentions = body.get("allowed_mentions")
    if (
        mentions is None
        or mentions.get("parse") != []
        or mentions.get("users")
        or mentions.get("roles")
        or mentions.get("replied_user")
    ):
        problems.append(f"{where}: allowed_mentions {mentions!r} may ping")
    if len(body.get("content") or "") > 2000:
        problems.append(f"{where}: content over 2000 characters")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{where}: more than 10 embeds")
    for embed in embeds:
        problems += _embed_problems(where, embed)
    for label in button_labels(body.get("components") or []):
        if len(label) > 80:
            problems.append(f"{where}: button label over 80 characters")
    for options in select_options(body.get("components") or []).values():
        if not 1 <= len(options) <= 25 or any(len(option) > 100 for option in options):
            problems.append(f"{where}: select options out of limits")
    return problems


def request_problems(requests: Iterable[simcord.HttpLogEntry]) -> list[str]:
    """Every way the bot's requests could ping someone or break a Discord limit (empty when none)."""
    problems: list[str] = []
    for number, request in enumerate(requests):
        where = f"#{number} {request.method} {request.path}"
        body = request.json if isinstance(request.json, dict) else {}
        if _CALLBACK_PATH.match(request.path):
            kind, data = body.get("type"), body.get("data") or {}
            if kind in _MESSAGE_CALLBACKS:
                problems += _message_problems(where, data)
            elif kind == _AUTOCOMPLETE_CALLBACK:
                choices = data.get("choices", [])
                if len(choices) > 25 or any(len(c["name"]) > 100 or len(c["value"]) > 100 for c in choices):
                    problems.append(f"{where}: autocomplete choices out of limits")
            elif kind == _MODAL_CALLBACK and len(data.get("title", "")) > 45:
                problems.append(f"{where}: modal title over 45 characters")
        elif request.method in {"POST", "PATCH"} and _MESSAGE_PATH.match(request.path):
            problems += _message_problems(where, body)
    return problems
