"""The fact form: what a moderator types in the add and edit modals, and the draft it becomes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.core.limits import ANSWER_MAX, QUESTION_MAX, QUOTE_MAX, SPEAKER_MAX
from bot.core.models import Fact, FactDraft
from bot.discord_app.safety import MODAL_TITLE_MAX, TEXT_INPUT_MAX, clip
from bot.discord_app.ui import GuardedModal
from bot.store.service import ModerationError, parse_draft

__all__ = ["FactForm", "FactModal", "SaveForm"]


@dataclass(frozen=True, slots=True)
class FactForm:
    """The five fields of the form as typed; the quote and speaker are the fact's first citation."""

    question: str
    aliases: str  # one per line
    answer: str
    quote: str
    speaker: str

    @classmethod
    def of(cls, fact: Fact) -> FactForm:
        """The form filled with ``fact``'s current values; ModerationError if they do not fit a form."""
        form = cls(
            question=fact.question,
            aliases="\n".join(fact.aliases),
            answer=fact.answer,
            quote=fact.citations[0].quote,
            speaker=fact.citations[0].speaker,
        )
        if len(form.aliases) > TEXT_INPUT_MAX:
            raise ModerationError(
                [f'Fact "{fact.id}" has more aliases than a form can hold; edit it from the command line.']
            )
        return form

    def draft(self, *, source_id: str, base: Fact | None = None, tags: tuple[str, ...] = ()) -> FactDraft:
        """The draft to save under ``tags``; when editing ``base``, its citations after the first are kept."""
        later = [c.model_dump() for c in base.to_draft().citations[1:]] if base is not None else []
        return parse_draft(
            {
                "id": base.id if base is not None else None,
                "question": self.question,
                "aliases": self.aliases.splitlines(),  # trimmed, blank lines dropped, by the draft
                "answer": self.answer,
                "citations": [{"quote": self.quote, "speaker": self.speaker, "source": source_id}, *later],
                "tags": tags,
            }
        )


# What each field wants, shown greyed in the empty field (Discord allows 100 characters).
_QUOTE_EXAMPLE = "Copied from the article, e.g. Russia does \u201cagree with the proposals for the ceasefire\u201d"

SaveForm = Callable[[discord.Interaction[discord.Client], FactForm], Awaitable[None]]


class FactModal(GuardedModal):
    """The add / edit form. Inputs have fixed custom ids so a submission can be read (and tested) by field."""

    def __init__(self, title: str, form: FactForm | None, save: SaveForm, *, citations: int = 1) -> None:
        super().__init__(title=clip(title, MODAL_TITLE_MAX), timeout=900)
        self._save = save
        paragraph = discord.TextStyle.paragraph
        quote_label = "Quote: exact words from the article"
        if citations > 1:
            quote_label = f"Quote 1 of {citations} (the others are kept)"
        self.question = discord.ui.TextInput[FactModal](
            label="Question",
            custom_id="fact:question",
            placeholder="e.g. Did Russia accept the ceasefire proposal?",
            max_length=QUESTION_MAX,
            min_length=3,
        )
        self.aliases = discord.ui.TextInput[FactModal](
            label="Other phrasings, one per line",
            custom_id="fact:aliases",
            placeholder="e.g.\ndid moscow agree to the truce\nis russia on board with the ceasefire",
            style=paragraph,
            required=False,
            max_length=TEXT_INPUT_MAX,
        )
        self.answer = discord.ui.TextInput[FactModal](
            label="Answer",
            custom_id="fact:answer",
            placeholder="One or two sentences, faithful to the article, e.g. Not clearly. Putin said...",
            style=paragraph,
            max_length=ANSWER_MAX,
        )
        self.quote = discord.ui.TextInput[FactModal](
            label=quote_label,
            custom_id="fact:quote",
            placeholder=_QUOTE_EXAMPLE,
            style=paragraph,
            max_length=QUOTE_MAX,
        )
        self.speaker = discord.ui.TextInput[FactModal](
            label="Who said it",
            custom_id="fact:speaker",
            placeholder="e.g. Vladimir Putin, or NOTUS for the article's own words",
            max_length=SPEAKER_MAX,
        )
        if form is not None:
            self.question.default = form.question
            self.aliases.default = form.aliases
            self.answer.default = form.answer
            self.quote.default = form.quote
            self.speaker.default = form.speaker
        for item in (self.question, self.aliases, self.answer, self.quote, self.speaker):
            self.add_item(item)

    def form(self) -> FactForm:
        """What was submitted."""
        return FactForm(
            question=self.question.value,
            aliases=self.aliases.value,
            answer=self.answer.value,
            quote=self.quote.value,
            speaker=self.speaker.value,
        )

    async def on_submit(self, interaction: discord.Interaction[discord.Client], /) -> None:
        await self._save(interaction, self.form())
