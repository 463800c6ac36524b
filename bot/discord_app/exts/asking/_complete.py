"""Autocomplete for ``/ask``: the questions containing what was typed first, then the engine's other guesses."""

from __future__ import annotations

from collections.abc import Sequence

from discord import app_commands

from bot.core.engine import Suggestion
from bot.discord_app.safety import CHOICE_MAX, CHOICES_MAX, clip

__all__ = ["question_choices"]


def question_choices(typed: str, suggestions: Sequence[Suggestion]) -> list[app_commands.Choice[str]]:
    """At most 25 distinct questions from ``suggestions`` (best first), those containing ``typed`` (case and
    spacing aside) ahead of the rest, so what someone sees matches what they type."""
    wanted = " ".join(typed.split()).casefold()
    questions = list(dict.fromkeys(clip(suggestion.question, CHOICE_MAX) for suggestion in suggestions))
    containing = [question for question in questions if wanted in " ".join(question.split()).casefold()]
    ranked = containing + [question for question in questions if question not in containing]
    return [app_commands.Choice(name=question, value=question) for question in ranked[:CHOICES_MAX]]
