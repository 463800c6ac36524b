"""The one exception tree for what the project refuses: each refusal lists its problems, each saying what is
wrong and how to fix it, so every front end reports them the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

__all__ = ["ProblemsError"]


class ProblemsError(ValueError):
    """Something cannot be used or done; ``problems`` lists every reason, one line each.

    ``heading`` (on a subclass) says what could not be done, for a front end to print before the problems.
    """

    heading: ClassVar[str | None] = None

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
