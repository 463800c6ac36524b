"""Discord's size limits, the no-ping policy, and helpers that keep every outgoing message inside both."""

from __future__ import annotations

import discord

__all__ = [
    "AUTHOR_MAX",
    "BUTTON_LABEL_MAX",
    "CHOICES_MAX",
    "CHOICE_MAX",
    "CONTENT_MAX",
    "DESCRIPTION_MAX",
    "EMBED_MAX",
    "FIELDS_MAX",
    "FIELD_NAME_MAX",
    "FIELD_VALUE_MAX",
    "FOOTER_MAX",
    "MODAL_TITLE_MAX",
    "NO_MENTIONS",
    "TEXT_INPUT_MAX",
    "TITLE_MAX",
    "block_quote",
    "clip",
    "fit_embed",
    "user_text",
]

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_MAX = 6000
BUTTON_LABEL_MAX = 80
CHOICE_MAX = 100  # an autocomplete choice's name and its string value
CHOICES_MAX = 25
MODAL_TITLE_MAX = 45
TEXT_INPUT_MAX = 4000

# The bot never pings anyone: set on the client and passed again on every send, so a forgotten default
# somewhere in discord.py cannot turn an echoed "@everyone" into a ping.
NO_MENTIONS = discord.AllowedMentions.none()

_ELLIPSIS = "\u2026"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + _ELLIPSIS


def user_text(text: str, limit: int) -> str:
    """Text a user typed, made safe to echo: mentions and markdown escaped, then clipped to ``limit``."""
    return clip(discord.utils.escape_markdown(discord.utils.escape_mentions(text)), limit)


def block_quote(text: str) -> str:
    """``text`` as a Discord block quote, every line prefixed (blank lines dropped)."""
    return "\n".join(f"> {line}" for line in text.splitlines() if line.strip())


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Clip every part of ``embed`` to its limit, then drop trailing fields until the whole fits (in place)."""
    if embed.title:
        embed.title = clip(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_MAX)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_MAX), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=clip(embed.author.name, AUTHOR_MAX), url=embed.author.url)
    fields = [(f.name or "\u200b", f.value or "\u200b", bool(f.inline)) for f in embed.fields][:FIELDS_MAX]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=clip(name, FIELD_NAME_MAX), value=clip(value, FIELD_VALUE_MAX), inline=inline)
    while len(embed) > EMBED_MAX and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_MAX and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - (len(embed) - EMBED_MAX)))
    return embed
