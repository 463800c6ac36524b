"""What the store refuses about the database itself (not about a change to a fact), whichever backend holds it."""

from __future__ import annotations

from bot.core.problems import ProblemsError

__all__ = ["DatabaseUnusableError", "ReadOnlyDatabaseError"]


class DatabaseUnusableError(ProblemsError):
    """The database cannot be used as it is (not this bot's, newer than this code, damaged, in use, or a target
    that would be overwritten); each problem says what to do."""


class ReadOnlyDatabaseError(DatabaseUnusableError):
    """The database can be read but not written: answers still work, changes and the question log do not."""
