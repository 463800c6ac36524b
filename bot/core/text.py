"""Character folding shared by quote location and question matching."""

from __future__ import annotations

import re

__all__ = ["collapse_whitespace", "fold_char", "fold_text"]

# Typographic variants people type differently from how an article prints them. Every entry maps one
# character to one character, so a folded string keeps a 1:1 index map to its original.
_FOLDS = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u00a0": " ",  # no-break space
        "\u2009": " ",
        "\u202f": " ",
        "\u2026": ".",  # ellipsis (one character, so one dot keeps the index map)
    }
)

_WHITESPACE = re.compile(r"\s+")


def fold_char(char: str) -> str:
    """Fold one character's typographic variants (curly quotes, dashes, odd spaces) to ASCII."""
    return char.translate(_FOLDS)


def fold_text(text: str) -> str:
    """Fold every character of ``text``; the result has the same length as the input."""
    return text.translate(_FOLDS)


def collapse_whitespace(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WHITESPACE.sub(" ", text).strip()
