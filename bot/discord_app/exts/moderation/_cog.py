"""``/mod``: moderators add, edit, remove and restore facts, teach and drop aliases, and read history and misses.

Two gates: Discord's default member permissions (Manage Server) hide the group from members, and every
command, form submission and confirmation checks again at run time (Manage Server or a moderator role), since
server admins can grant the commands to anyone in the integration settings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.limits import ALIAS_MAX
from bot.core.models import Fact, tag_of
from bot.discord_app.client import CeasefireBot
from bot.discord_app.errors import explain
from bot.discord_app.exts.moderation._form import FactForm, FactModal
from bot.discord_app.exts.moderation._render import (
    containing,
    fact_choices,
    fact_embed,
    history_embed,
    unanswered_embed,
)
from bot.discord_app.exts.moderation._views import ConfirmRemoval, RetryForm
from bot.discord_app.members import actor, ensure_moderator
from bot.discord_app.replies import defer, reply
from bot.discord_app.safety import CHOICE_MAX, CHOICES_MAX, clip, user_text
from bot.store.service import ModerationError

__all__ = ["Moderation"]

Interaction = discord.Interaction[CeasefireBot]
AnyInteraction = discord.Interaction[discord.Client]

_HISTORY_LIMIT = 15
_UNANSWERED_LIMIT = 15


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Moderation(commands.GroupCog, group_name="mod", group_description="Change the fact base (moderators)"):
    """The moderator command group over the fact service."""

    def __init__(self, bot: CeasefireBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: AnyInteraction, /) -> bool:
        ensure_moderator(interaction, self.bot.settings)
        return True

    # -- adding and editing through the form --------------------------------------------------------------

    @app_commands.command(name="add", description="Add a fact through a form")
    @app_commands.describe(topic="A topic to list it under in /facts, e.g. russia", source="The article it quotes")
    async def add(self, interaction: Interaction, topic: str | None = None, source: str | None = None) -> None:
        source_id = self._source_id(source)
        tags = (self._topic(topic),) if topic else ()
        await interaction.response.send_modal(self._form_modal(None, None, source_id, tags))

    @app_commands.command(name="edit", description="Edit a fact in a form filled with its current values")
    @app_commands.describe(fact="The fact to edit (type part of its question)")
    async def edit(self, interaction: Interaction, fact: str) -> None:
        current = await self.bot.service.served_fact(fact)
        form = FactForm.of(current)
        await interaction.response.send_modal(
            self._form_modal(current, form, current.citations[0].source, current.tags)
        )

    def _form_modal(self, base: Fact | None, form: FactForm | None, source_id: str, tags: tuple[str, ...]) -> FactModal:
        """The add (no ``base``) or edit form; a refused submission can reopen it with what was typed."""
        title = f"Edit {base.id}" if base is not None else "Add a fact"

        async def save(interaction: AnyInteraction, submitted: FactForm) -> None:
            await self._save(interaction, submitted, base, source_id, tags)

        citations = len(base.citations) if base is not None else 1
        return FactModal(title, form, save, citations=citations)

    async def _save(
        self,
        interaction: AnyInteraction,
        form: FactForm,
        base: Fact | None,
        source_id: str,
        tags: tuple[str, ...],
    ) -> None:
        ensure_moderator(interaction, self.bot.settings)
        await defer(interaction, ephemeral=True)
        service = self.bot.service
        try:
            draft = form.draft(source_id=source_id, base=base, tags=tags)
            if base is None:
                saved = await service.add_fact(draft, actor(interaction.user))
            else:
                saved = await service.edit_fact(base.id, draft, actor(interaction.user), unless_changed=base)
        except ModerationError as error:
            # Retried against the fact as it is now: if someone changed it meanwhile, the message said so.
            latest = service.engine.fact(base.id) if base is not None else None
            retry = RetryForm(interaction, partial(self._form_modal, latest or base, form, source_id, tags))
            await reply(interaction, f"Not saved. {explain(error)}", view=retry, ephemeral=True)
            return
        verb = "Added" if base is None else "Saved"
        await reply(
            interaction,
            f"{verb} fact `{saved.id}`. Members get it from now on.",
            embed=fact_embed(saved, service.engine.sources),
            ephemeral=True,
        )

    # -- removing and restoring ------------------------------------------------------------------------------

    @app_commands.command(name="remove", description="Remove a fact (after you confirm); /mod restore undoes it")
    @app_commands.describe(fact="The fact to remove")
    async def remove(self, interaction: Interaction, fact: str) -> None:
        current = await self.bot.service.served_fact(fact)

        async def confirmed(click: AnyInteraction) -> str:
            ensure_moderator(click, self.bot.settings)
            await self.bot.service.remove_fact(current.id, actor(click.user))
            return f"Removed `{current.id}`. Undo with `/mod restore fact:{current.id}`."

        await reply(
            interaction,
            "Remove this fact? Members will no longer get it.",
            embed=fact_embed(current, self.bot.service.engine.sources),
            view=ConfirmRemoval(interaction, confirmed),
            ephemeral=True,
        )

    @app_commands.command(name="restore", description="Serve a removed fact again")
    @app_commands.describe(fact="The removed fact")
    async def restore(self, interaction: Interaction, fact: str) -> None:
        await defer(interaction, ephemeral=True)
        restored = await self.bot.service.restore_fact(fact, actor(interaction.user))
        await reply(
            interaction,
            f"Restored `{restored.id}`. Members get it again.",
            embed=fact_embed(restored, self.bot.service.engine.sources),
            ephemeral=True,
        )

    # -- aliases, history, misses ------------------------------------------------------------------------

    @app_commands.command(name="alias", description="Teach another phrasing of a fact's question")
    @app_commands.describe(fact="The fact", alias="Another way to ask it")
    async def alias(self, interaction: Interaction, fact: str, alias: app_commands.Range[str, 2, ALIAS_MAX]) -> None:
        await self._change_alias(interaction, self.bot.service.add_alias, fact, alias, "now also answers")

    @app_commands.command(name="unalias", description="Stop a fact answering one of its other phrasings")
    @app_commands.describe(fact="The fact", alias="The phrasing to drop (the list shows the fact's)")
    async def unalias(self, interaction: Interaction, fact: str, alias: app_commands.Range[str, 1, ALIAS_MAX]) -> None:
        await self._change_alias(interaction, self.bot.service.remove_alias, fact, alias, "no longer answers")

    async def _change_alias(
        self,
        interaction: Interaction,
        change: Callable[[str, str, str], Awaitable[Fact]],
        fact: str,
        alias: str,
        outcome: str,
    ) -> None:
        await defer(interaction, ephemeral=True)
        updated = await change(fact, alias, actor(interaction.user))
        quoted = user_text(alias, ALIAS_MAX)
        await reply(interaction, f"`{updated.id}` {outcome} \u201c{quoted}\u201d.", ephemeral=True)

    @app_commands.command(name="history", description="Who changed what, and when")
    @app_commands.describe(fact="Only this fact's changes")
    async def history(self, interaction: Interaction, fact: str | None = None) -> None:
        await defer(interaction, ephemeral=True)
        entries = await self.bot.service.history(fact, limit=_HISTORY_LIMIT)
        await reply(interaction, embed=history_embed(entries, fact), ephemeral=True)

    @app_commands.command(name="unanswered", description="Questions people asked that got no answer")
    async def unanswered(self, interaction: Interaction) -> None:
        await defer(interaction, ephemeral=True)
        entries = await self.bot.service.unanswered(limit=_UNANSWERED_LIMIT)
        await reply(interaction, embed=unanswered_embed(entries), ephemeral=True)

    # -- autocomplete ------------------------------------------------------------------------------------

    @edit.autocomplete("fact")
    @remove.autocomplete("fact")
    @alias.autocomplete("fact")
    @unalias.autocomplete("fact")
    @history.autocomplete("fact")
    async def _complete_served(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        # Through the engine's index: a scan of every fact per keystroke would not keep up with a large base.
        return fact_choices(self.bot.service.engine.find(current, CHOICES_MAX))

    @restore.autocomplete("fact")
    async def _complete_removed(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return fact_choices(containing(await self.bot.service.removed_facts(), current))

    @unalias.autocomplete("alias")
    async def _complete_alias(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        fact = self.bot.service.engine.fact(str(getattr(interaction.namespace, "fact", "") or ""))
        wanted = current.strip().casefold()
        aliases = [] if fact is None else [alias for alias in fact.aliases if wanted in alias.casefold()]
        # An alias is at most ALIAS_MAX (100) characters, as a choice's value may be: it goes through whole.
        return [app_commands.Choice(name=clip(alias, CHOICE_MAX), value=alias) for alias in aliases[:CHOICES_MAX]]

    @add.autocomplete("source")
    async def _complete_source(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(name=clip(f"{source.id} \u00b7 {source.title}", CHOICE_MAX), value=source.id)
            for source in self.bot.service.engine.sources.values()
            if wanted in source.id or wanted in source.title.casefold()
        ][:CHOICES_MAX]

    # -- lookups that explain themselves ----------------------------------------------------------------

    def _source_id(self, source: str | None) -> str:
        sources = self.bot.service.engine.sources
        if source is None and len(sources) == 1:
            return next(iter(sources))
        if source in sources:
            return source
        known = ", ".join(sorted(sources)) or "none"
        raise ModerationError([f"Choose the source the quote comes from with the source option (known: {known})."])

    @staticmethod
    def _topic(topic: str) -> str:
        tag = tag_of(topic)
        if tag is None:
            raise ModerationError(
                ["A topic is one word of lower-case letters, digits and dashes (up to 32), e.g. russia."]
            )
        return tag
