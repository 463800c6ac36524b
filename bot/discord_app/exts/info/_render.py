"""Embeds for the article, the help text, the fact list and quote search: pure formatting."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import discord

from bot.core.models import Fact, Source
from bot.core.passages import Passage
from bot.core.render import source_line
from bot.discord_app.safety import FIELD_VALUE_MAX, block_quote, clip, fit_embed, user_text

__all__ = [
    "FACTS_PER_PAGE",
    "facts_page",
    "help_embed",
    "page_count",
    "page_facts",
    "quote_embed",
    "source_embed",
    "topic_of",
    "topic_title",
]

FACTS_PER_PAGE = 10
_NO_TOPIC = "other"

# (command, what to type after it, what it does): the command is shown as a clickable mention when the
# synced commands are known, else as text.
_MEMBER_COMMANDS = (
    ("ask", "question", "Ask anything about the talks, e.g. *Did Russia accept the ceasefire?*"),
    ("quote", "text", "Find the article's exact words, e.g. *temporary breather*"),
    ("facts", "[topic]", "Browse every question I can answer, by topic"),
    ("source", "", "The article I answer from: title, outlet, author"),
)
_MODERATOR_COMMANDS = (
    ("mod add", "", "Add a fact through a form (question, aliases, answer, quote, speaker)"),
    ("mod edit", "fact", "Edit a fact in a form filled with its current values"),
    ("mod remove", "fact", "Remove a fact (after a confirmation); `/mod restore` brings it back"),
    ("mod alias", "fact alias", "Teach another phrasing of a fact's question; `/mod unalias` drops one"),
    ("mod history", "[fact]", "Who changed what, and when"),
    ("mod unanswered", "", "The questions people asked that I could not answer"),
)


def topic_title(topic: str) -> str:
    """A topic as a heading: "united-states" is "United States"."""
    return " ".join(word[:1].upper() + word[1:] for word in topic.split("-"))


def _command_line(name: str, usage: str, text: str, mentions: Mapping[str, str]) -> str:
    command = mentions.get(name, f"`/{name}`")
    typed = f" `{usage}`" if usage else ""
    return f"{command}{typed}: {text}"


def topic_of(fact: Fact) -> str:
    """A fact's main topic: its first tag."""
    return fact.tags[0] if fact.tags else _NO_TOPIC


def source_embed(sources: Sequence[Source], facts: Mapping[str, Fact]) -> discord.Embed:
    """Each registered source with its details and how many facts cite it."""
    embed = discord.Embed(title="The article I answer from", colour=discord.Colour.blurple())
    for source in sources:
        cited = sum(any(c.source == source.id for c in fact.citations) for fact in facts.values())
        lines = [f"**{source.title}**", f"Outlet: {source.outlet}"]
        if source.author:
            lines.append(f"By {source.author}")
        if source.photo_credit:
            lines.append(f"Photo: {source.photo_credit}")
        lines.append(f"{len(source.text.split())} words \u00b7 {cited} facts quote it")
        embed.add_field(name=source.outlet, value="\n".join(lines), inline=False)
    embed.set_footer(text="Every answer quotes this text word for word.")
    return fit_embed(embed)


def help_embed(*, moderator: bool, mentions: Mapping[str, str], me: str | None) -> discord.Embed:
    """What the bot does and every command with an example (clickable where ``mentions`` knows the command,
    by name or "group sub"); the moderator commands for moderators. ``me`` is the bot's mention."""
    [ask, *others] = [_command_line(name, usage, text, mentions) for name, usage, text in _MEMBER_COMMANDS]
    lines = [ask]
    if me is not None:
        lines.append(f"{me} `question`: Mention me with a question, e.g. {me} *what did Rubio say?*")
    lines.append("**Ask about this message**: right-click a message \u2192 *Apps* \u2192 *Ask about this message*")
    lines += others
    embed = discord.Embed(
        title="Ceasefire talks bot",
        description=(
            "I answer questions about the U.S.-brokered Russia-Ukraine ceasefire talks from one news article, "
            "quoting its exact words. I never guess beyond it.\n\n" + "\n".join(lines)
        ),
        colour=discord.Colour.blurple(),
    )
    if moderator:
        embed.add_field(
            name="Moderators",
            value="\n".join(_command_line(name, usage, text, mentions) for name, usage, text in _MODERATOR_COMMANDS),
        )
    return fit_embed(embed)


def page_count(total: int) -> int:
    """How many pages ``total`` facts fill (at least one, so an empty list still shows)."""
    return max(1, math.ceil(total / FACTS_PER_PAGE))


def facts_page(facts: Sequence[Fact], topic: str | None, page: int, *, show_ids: bool = False) -> discord.Embed:
    """One page of ``facts`` (already sorted by topic), grouped under their main topics (or all under
    ``topic`` when the list is one topic's); fact ids only for moderators (``show_ids``)."""
    pages = page_count(len(facts))
    title = f"Facts about {topic_title(topic)}" if topic else "Everything I can answer"
    embed = discord.Embed(title=clip(title, 256), colour=discord.Colour.blurple())
    shown = page_facts(facts, page)
    if not shown:
        embed.description = "No facts on that topic. `/facts` lists every topic."
    groups: dict[str, list[str]] = {}
    for fact in shown:
        fact_id = f" `{fact.id}`" if show_ids else ""
        groups.setdefault(topic or topic_of(fact), []).append(f"\u2022 {fact.question}{fact_id}")
    for name, lines in groups.items():
        embed.add_field(name=topic_title(name), value=clip("\n".join(lines), FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text=f"Page {page + 1} of {pages} \u00b7 {len(facts)} facts \u00b7 pick one below to ask it")
    return fit_embed(embed)


def page_facts(facts: Sequence[Fact], page: int) -> Sequence[Fact]:
    """The facts on ``page``."""
    return facts[page * FACTS_PER_PAGE : (page + 1) * FACTS_PER_PAGE]


def _highlight(passage: Passage) -> str:
    text = passage.paragraph
    return f"{text[: passage.start]}**{text[passage.start : passage.end]}**{text[passage.end :]}"


def quote_embed(phrase: str, passages: Sequence[Passage]) -> discord.Embed:
    """The paragraphs containing ``phrase`` with it in bold, or the closest passage when none does."""
    echoed = user_text(phrase, 200)
    if passages and passages[0].exact:
        embed = discord.Embed(title="In the article, word for word", colour=discord.Colour.green())
        embed.description = f"Passages containing \u201c{echoed}\u201d:"
    elif passages:
        embed = discord.Embed(title="Not in the article word for word", colour=discord.Colour.gold())
        embed.description = (
            f"\u201c{echoed}\u201d does not occur in the article. "
            f"The closest passage ({passages[0].similarity:.0f}% alike):"
        )
    else:
        return fit_embed(
            discord.Embed(
                title="Not in the article",
                description=f"Nothing in the article resembles \u201c{echoed}\u201d.",
                colour=discord.Colour.light_grey(),
            )
        )
    for number, passage in enumerate(passages, start=1):
        embed.add_field(
            name=f"Passage {number}" if len(passages) > 1 else "Passage",
            value=clip(block_quote(_highlight(passage)), FIELD_VALUE_MAX),
            inline=False,
        )
    credits = dict.fromkeys(source_line(passage.source) for passage in passages)
    embed.set_author(name=clip("Source: " + "; ".join(credits), 256))
    return fit_embed(embed)
