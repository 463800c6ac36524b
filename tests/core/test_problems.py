"""One exception tree: every refusal is a ProblemsError listing its problems, reported the same way."""

from __future__ import annotations

import pytest

from bot.cli._common import CommandError, error_text
from bot.core.datafiles import DataFileError
from bot.core.lexicon import LexiconError
from bot.core.models import FactError
from bot.core.problems import ProblemsError
from bot.settings import SettingsError
from bot.store import ModerationError, SyncError
from bot.store.errors import DatabaseUnusableError


@pytest.mark.parametrize(
    "kind", [FactError, DataFileError, LexiconError, SyncError, ModerationError, DatabaseUnusableError]
)
def test_every_problems_exception_lists_its_problems_one_per_line(kind: type[ProblemsError]) -> None:
    error = kind(["first: what to fix", "second: what to fix"])
    assert isinstance(error, ProblemsError) and isinstance(error, ValueError)
    assert error.problems == ["first: what to fix", "second: what to fix"]
    assert str(error) == "first: what to fix\nsecond: what to fix"


def test_the_command_line_reports_each_kind_the_same_way() -> None:
    assert error_text(ModerationError(["one", "two"])) == "error: one\n  two"
    assert error_text(DataFileError(["facts/a.toml: bad"])) == (
        "error: the data files are invalid (run `python -m bot facts check`):\n  facts/a.toml: bad"
    )
    assert error_text(CommandError("give --source")) == "error: give --source"
    assert error_text(SettingsError("invalid setting LOG_LEVEL")) == "error: invalid setting LOG_LEVEL"
