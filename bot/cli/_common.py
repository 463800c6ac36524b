"""Helpers shared by the subcommands: building the engine from settings and reporting data errors."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Protocol

from bot.core.datafiles import DataFileError
from bot.core.engine import Engine
from bot.core.lexicon import LexiconError
from bot.settings import Settings, load_settings

__all__ = ["CommandError", "Subcommands", "add_data_options", "engine_from_args", "settings_from_args"]


class CommandError(RuntimeError):
    """A command cannot go on; the message tells the user what to fix."""


class Subcommands(Protocol):
    """The object ``add_subparsers`` returns (argparse does not export its type)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """``--facts-dir`` and ``--seeds-dir``, defaulting to the settings."""
    parser.add_argument("--facts-dir", type=Path, help="curated fact files (default: FACTS_DIR or ./facts)")
    parser.add_argument("--seeds-dir", type=Path, help="source documents (default: SEEDS_DIR or ./seeds)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by the data options given on the command line."""
    settings = load_settings()
    overrides = {name: value for name in ("facts_dir", "seeds_dir") if (value := getattr(args, name, None)) is not None}
    return settings.model_copy(update=overrides) if overrides else settings


def engine_from_args(args: argparse.Namespace) -> Engine:
    """The engine over the curated data files, or CommandError listing every problem in them."""
    settings = settings_from_args(args)
    try:
        return Engine.from_data(settings.facts_dir, settings.seeds_dir)
    except (DataFileError, LexiconError) as error:
        problems = "\n  ".join(error.problems)
        raise CommandError(f"the data files are invalid (run `python -m bot facts check`):\n  {problems}") from error
