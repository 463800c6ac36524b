"""Length limits on fact fields, chosen so any fact renders inside Discord's message and embed limits."""

from __future__ import annotations

__all__ = [
    "ALIAS_MAX",
    "ANSWER_MAX",
    "ASK_MAX",
    "FACT_ID_PATTERN",
    "QUESTION_MAX",
    "QUOTE_MAX",
    "SOURCE_ID_PATTERN",
    "SOURCE_TEXT_MAX",
    "SPEAKER_MAX",
    "TAG_PATTERN",
]

# Discord caps slash-command option values, autocomplete choice names and button labels at 100.
QUESTION_MAX = 100
ALIAS_MAX = 100
# An embed field value holds 1024 characters; the quote is shown with "> " line prefixes and a speaker line.
QUOTE_MAX = 900
SPEAKER_MAX = 100
# The answer goes in the embed description (4096), but a short answer is the point of the product.
ANSWER_MAX = 1000
# Questions users type are cut to this before matching (Discord's text inputs allow 4000).
ASK_MAX = 300
# A source document (``sources add``): an article is tens of thousands of characters; this leaves room for a
# long report while keeping every quote search and the database row small.
SOURCE_TEXT_MAX = 1_000_000

FACT_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
SOURCE_ID_PATTERN = FACT_ID_PATTERN
TAG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,31}$"
