"""The components under an answer: "Did you mean" choices, related questions, more quotes, feedback, browsing.

They are dynamic items: everything a click needs is in the custom id, so they keep working on old messages
and after a restart, with nothing held in memory.
"""

from __future__ import annotations

import re
from typing import Self, TypeVar

import discord

from bot.core.brief import Brief
from bot.core.decision import MatchStatus
from bot.core.engine import Suggestion
from bot.discord_app.cogs import answering, browsing
from bot.discord_app.errors import guarded
from bot.discord_app.safety import BUTTON_LABEL_MAX, CHOICE_MAX, clip

__all__ = [
    "BrowseButton",
    "ChoiceButton",
    "FeedbackButton",
    "MoreQuotesButton",
    "RelatedSelect",
    "answer_view",
    "question_options",
]

Button = discord.ui.Button[discord.ui.View]
Select = discord.ui.Select[discord.ui.View]
Interaction = discord.Interaction[discord.Client]

_FACT_ID = r"[a-z0-9-]{1,64}"


class ChoiceButton(
    discord.ui.DynamicItem[Button], template=rf"ask:fact:(?P<fact_id>{_FACT_ID})(?::(?P<asker>[0-9]{{1,20}}))?"
):
    """A "Did you mean" choice (blurple): the asker's pick turns the message into the answer; anyone else's
    is answered privately, so others can pick too."""

    def __init__(self, fact_id: str, question: str, asker_id: int | None) -> None:
        suffix = "" if asker_id is None else f":{asker_id}"
        super().__init__(
            discord.ui.Button(
                label=clip(question, BUTTON_LABEL_MAX),
                custom_id=f"ask:fact:{fact_id}{suffix}",
                style=discord.ButtonStyle.primary,
            )
        )
        self.fact_id = fact_id
        self.asker_id = asker_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[discord.ui.View], match: re.Match[str], /
    ) -> Self:
        asker = match["asker"]
        return cls(match["fact_id"], getattr(item, "label", None) or "", int(asker) if asker else None)

    async def callback(self, interaction: Interaction) -> None:
        replace = self.asker_id == interaction.user.id
        await guarded(
            interaction, lambda: answering(interaction).answer_fact(interaction, self.fact_id, replace=replace)
        )


def question_options(suggestions: tuple[Suggestion, ...]) -> list[discord.SelectOption]:
    """Questions as select options, valued by fact id."""
    return [discord.SelectOption(label=clip(s.question, CHOICE_MAX), value=s.fact_id) for s in suggestions]


class RelatedSelect(discord.ui.DynamicItem[Select], template=r"ask:related"):
    """The related questions under an answer, in one grey menu; a pick is answered privately."""

    def __init__(self, options: list[discord.SelectOption]) -> None:
        super().__init__(discord.ui.Select(custom_id="ask:related", placeholder="Related questions", options=options))

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[discord.ui.View], match: re.Match[str], /
    ) -> Self:
        return cls(list(getattr(item, "options", [])))

    async def callback(self, interaction: Interaction) -> None:
        [fact_id] = self.item.values
        await guarded(interaction, lambda: answering(interaction).answer_fact(interaction, fact_id))


class MoreQuotesButton(discord.ui.DynamicItem[Button], template=rf"ask:quotes:(?P<fact_id>{_FACT_ID})"):
    """The quotes an answer card left out, shown privately to whoever asks."""

    def __init__(self, fact_id: str, count: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"More quotes ({count})",
                custom_id=f"ask:quotes:{fact_id}",
                style=discord.ButtonStyle.secondary,
            )
        )
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[discord.ui.View], match: re.Match[str], /
    ) -> Self:
        button = cls(match["fact_id"], 0)
        button.item.label = getattr(item, "label", None) or button.item.label
        return button

    async def callback(self, interaction: Interaction) -> None:
        await guarded(interaction, lambda: answering(interaction).show_more_quotes(interaction, self.fact_id))


class FeedbackButton(
    discord.ui.DynamicItem[Button], template=r"ask:feedback:(?P<asked_id>[0-9]{1,19}):(?P<helpful>[yn])"
):
    """Helpful or not helpful, for the asked question the answer came from."""

    def __init__(self, asked_id: int, helpful: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not helpful",
                emoji="\N{THUMBS UP SIGN}" if helpful else "\N{THUMBS DOWN SIGN}",
                custom_id=f"ask:feedback:{asked_id}:{'y' if helpful else 'n'}",
                style=discord.ButtonStyle.secondary,
            )
        )
        self.asked_id = asked_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[discord.ui.View], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["asked_id"]), match["helpful"] == "y")

    async def callback(self, interaction: Interaction) -> None:
        await guarded(
            interaction, lambda: answering(interaction).record_feedback(interaction, self.asked_id, self.helpful)
        )


class BrowseButton(discord.ui.DynamicItem[Button], template=r"ask:browse"):
    """Every question the bot can answer, shown privately to whoever clicks (as ``/facts``)."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(label="Browse questions", custom_id="ask:browse", style=discord.ButtonStyle.secondary)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[discord.ui.View], match: re.Match[str], /
    ) -> Self:
        return cls()

    async def callback(self, interaction: Interaction) -> None:
        await guarded(interaction, lambda: browsing(interaction).browse(interaction))


ItemT = TypeVar("ItemT", bound=discord.ui.DynamicItem[Button] | discord.ui.DynamicItem[Select])


def _row(item: ItemT, row: int) -> ItemT:
    item.item.row = row
    return item


def answer_view(brief: Brief, asked_id: int | None, asker_id: int | None) -> discord.ui.View | None:
    """An answer: related questions in a grey menu, then more quotes and feedback on their own row.
    Otherwise: the choices in blurple (the asker's pick becomes the answer) and, without an answer or for the
    usage reply, "Browse questions"."""
    view = discord.ui.View(timeout=None)
    if brief.fact_id is not None:
        if brief.choices:
            view.add_item(_row(RelatedSelect(question_options(brief.choices)), 0))
        if brief.more:
            view.add_item(_row(MoreQuotesButton(brief.fact_id, brief.more), 1))
        if asked_id is not None:
            for helpful in (True, False):
                view.add_item(_row(FeedbackButton(asked_id, helpful), 1))
    else:
        for choice in brief.choices:
            view.add_item(_row(ChoiceButton(choice.fact_id, choice.question, asker_id), 0))
        if brief.status in {MatchStatus.NO_MATCH, MatchStatus.USAGE}:
            view.add_item(_row(BrowseButton(), 1))
    return view if view.children else None
