"""Pydantic's validation errors in the project's words: which field (or option), what is allowed, an example."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from bot.core.limits import ALIAS_MAX, ANSWER_MAX, QUESTION_MAX, QUOTE_MAX, SOURCE_TEXT_MAX, SPEAKER_MAX

__all__ = ["FIELD_RULES", "format_validation_error"]

# What each field of a fact or source allows, and an example of it.
FIELD_RULES: dict[str, tuple[str, str]] = {
    "id": ("lower-case letters, digits and inner dashes, up to 64", "witkoff-trip"),
    "question": (f"a question of 3 to {QUESTION_MAX} characters", '"Did Russia accept the ceasefire?"'),
    "aliases": (f"another phrasing of 2 to {ALIAS_MAX} characters", '"did moscow agree"'),
    "answer": (f"a short answer of 1 to {ANSWER_MAX} characters", '"Not clearly."'),
    "citations": ("at least one quote from the source", '"Russia does agree with the proposals"'),
    "quote": (f"the source's exact words, up to {QUOTE_MAX} characters", '"Russia does agree with the proposals"'),
    "speaker": (f"who said the words, 1 to {SPEAKER_MAX} characters", '"Vladimir Putin"'),
    "source": ("a registered source id (lower-case letters, digits, dashes)", "notus-ceasefire"),
    "occurrence": ("which occurrence of the quote, counting from 1", "2"),
    "tags": ("a topic: lower-case letters, digits and dashes, up to 32", "russia"),
    "title": ("one line of up to 300 characters", '"Russia Muddies Position on the Ceasefire"'),
    "outlet": ("one line of up to 300 characters", "NOTUS"),
    "author": ("one line of up to 300 characters", '"John T. Seward"'),
    "photo_credit": ("one line of up to 300 characters", '"AP Photo"'),
    "text": (f"a plain-text (UTF-8) document of up to {SOURCE_TEXT_MAX:,} characters", "article.txt"),
}

# Pydantic's error types that mean "nothing usable was given".
_ABSENT = frozenset({"missing", "string_type", "tuple_type", "none_required"})


def _characters(count: int) -> str:
    return "1 character" if count == 1 else f"{count} characters"


def _problem(item: Mapping[str, object]) -> str:
    kind, given = item["type"], item.get("input")
    if kind in _ABSENT and (given is None or kind == "missing"):
        return "is missing"
    if kind == "string_too_short" and isinstance(given, str):
        return "is blank" if not given.strip() else f"is too short ({_characters(len(given.strip()))})"
    if kind == "string_too_long" and isinstance(given, str):
        return f"is too long ({_characters(len(given))})"
    if kind == "string_unicode" or (kind == "string_type" and isinstance(given, str)):
        return "holds bytes that are not text (retype it, or save the file as UTF-8)"
    if kind == "string_pattern_mismatch":
        return f"{given!r} is not allowed"
    message = str(item["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def format_validation_error(error: ValidationError, labels: Mapping[str, str] | None = None) -> list[str]:
    """One line per problem: the field (as ``labels`` names it, e.g. ``--answer`` on the command line), what is
    wrong, what is allowed and an example."""
    lines = []
    items = error.errors()
    # A citation that fails also leaves the list of citations short: the first problem is the one to report.
    failed_citation = any(len(item["loc"]) > 1 and item["loc"][0] == "citations" for item in items)
    for item in items:
        if failed_citation and tuple(item["loc"]) == ("citations",):
            continue
        location = [str(part) for part in item["loc"]]
        field = next((part for part in reversed(location) if not part.isdigit()), "")
        where = (labels or {}).get(field) or ".".join(location) or "value"
        rule = FIELD_RULES.get(field)
        allowed = f": give {rule[0]}, e.g. {rule[1]}" if rule else ""
        lines.append(f"{where} {_problem(item)}{allowed}")
    return lines
