"""Embeds and choices for moderators: a fact as stored, the audit history, the unanswered questions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice

import discord

from bot.core.brief import QuoteView, credit, speaker_label
from bot.core.models import Fact, Source
from bot.discord_app.embeds import add_quotes
from bot.discord_app.safety import (
    AUTHOR_MAX,
    CHOICE_MAX,
    CHOICES_MAX,
    DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    clip,
    fit_embed,
    user_text,
)
from bot.store.service import AuditEntry, UnansweredQuestion

__all__ = ["containing", "fact_choices", "fact_embed", "history_embed", "unanswered_embed"]

# Keys of an audit snapshot that are bookkeeping, not content a moderator changed.
_BOOKKEEPING = frozenset({"format", "id", "provenance"})


def fact_choices(facts: Iterable[Fact]) -> list[discord.app_commands.Choice[str]]:
    """Autocomplete choices for a fact option: the first of ``facts`` that Discord shows, by id and question."""
    return [
        discord.app_commands.Choice(name=clip(f"{fact.id} \u00b7 {fact.question}", CHOICE_MAX), value=fact.id)
        for fact in islice(facts, CHOICES_MAX)
    ]


def containing(facts: Iterable[Fact], current: str) -> Iterator[Fact]:
    """The facts whose id or question contains what was typed."""
    wanted = current.strip().casefold()
    return (fact for fact in facts if wanted in fact.id or wanted in fact.question.casefold())


def fact_embed(fact: Fact, sources: Mapping[str, Source]) -> discord.Embed:
    """A fact as stored: its whole answer, every quote named by its speaker, its aliases and where it came from."""
    embed = discord.Embed(title=fact.question, description=fact.answer, colour=discord.Colour.blurple())
    add_quotes(embed, [QuoteView(speaker_label(c, sources.get(c.source)), c.quote) for c in fact.citations])
    if fact.aliases:
        embed.add_field(name="Other phrasings", value=clip("\n".join(fact.aliases), FIELD_VALUE_MAX), inline=False)
    origin = fact.provenance
    changed = f" \u00b7 last changed by {origin.actor}" if origin.actor else ""
    topics = f" \u00b7 topics: {', '.join(fact.tags)}" if fact.tags else ""
    embed.set_footer(text=f"id {fact.id} \u00b7 {origin.origin}{topics}{changed}")
    embed.set_author(name=clip(credit(fact.citations, sources) or "Source: unknown", AUTHOR_MAX))
    return fit_embed(embed)


def _changes(entry: AuditEntry) -> str:
    if entry.before is None or entry.after is None:
        return ""
    keys = sorted(
        key
        for key in entry.before.keys() | entry.after.keys()
        if key not in _BOOKKEEPING and entry.before.get(key) != entry.after.get(key)
    )
    return f" ({', '.join(keys)})" if keys else ""


def _lines_within(lines: Iterable[str], limit: int) -> str:
    """As many whole lines as fit in ``limit`` characters."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > limit:
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def history_embed(entries: Sequence[AuditEntry], fact_id: str | None) -> discord.Embed:
    """The latest changes, newest first: when, what, which fact, by whom."""
    title = f"History of {fact_id}" if fact_id else "Latest changes"
    lines = (
        f"{discord.utils.format_dt(entry.at, 'f')} **{entry.action}** `{entry.fact_id}`{_changes(entry)} "
        f"by {user_text(entry.actor, 120)}"
        for entry in entries
    )
    description = _lines_within(lines, DESCRIPTION_MAX) or "No changes yet."
    return fit_embed(discord.Embed(title=title, description=description, colour=discord.Colour.blurple()))


def unanswered_embed(entries: Sequence[UnansweredQuestion]) -> discord.Embed:
    """The questions asked most often without an answer, to turn into aliases or new facts."""
    lines = (
        f"**{entry.count}\u00d7** {user_text(entry.question, 300)}"
        + (f" \u2192 closest `{entry.best_fact_id}`" if entry.best_fact_id else "")
        for entry in entries
    )
    description = _lines_within(lines, DESCRIPTION_MAX) or "Every question so far got an answer."
    embed = discord.Embed(title="Unanswered questions", description=description, colour=discord.Colour.gold())
    embed.set_footer(text="Add a phrasing with /mod alias, or a new fact with /mod add.")
    return fit_embed(embed)
