"""Helpers shared by the subcommands: settings, the engine or fact service they use, and reporting errors."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.core.engine import Engine
from bot.core.problems import ProblemsError
from bot.settings import Settings, database_location, load_settings
from bot.store import FactService, open_service

__all__ = [
    "CommandError",
    "ServiceSession",
    "Subcommands",
    "add_data_options",
    "engine_from_args",
    "error_text",
    "operator_errors",
    "service_session",
    "settings_from_args",
]

T = TypeVar("T")


class CommandError(ProblemsError):
    """A command cannot go on; the message tells the user what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__([message])


class Subcommands(Protocol):
    """The object ``add_subparsers`` returns (argparse does not export its type)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def add_data_options(parser: argparse.ArgumentParser, *, database: bool = False) -> None:
    """``--facts-dir`` and ``--seeds-dir`` (and ``--db`` when ``database``), defaulting to the settings."""
    parser.add_argument("--facts-dir", type=Path, help="curated fact files (default: FACTS_DIR or ./facts)")
    parser.add_argument("--seeds-dir", type=Path, help="source documents (default: SEEDS_DIR or ./seeds)")
    if database:
        parser.add_argument(
            "--db",
            dest="database_path",
            type=Path,
            help="a SQLite database, even when DATABASE_URL is set (default: DATABASE_URL, else DATABASE_PATH or "
            "./data/bot.db)",
        )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by the data options given on the command line (``--db`` names a
    SQLite file, so it also sets DATABASE_URL aside)."""
    settings = load_settings()
    overrides: dict[str, object] = {
        name: value
        for name in ("facts_dir", "seeds_dir", "database_path")
        if (value := getattr(args, name, None)) is not None
    }
    if "database_path" in overrides:
        overrides["database_url"] = None
    return settings.model_copy(update=overrides) if overrides else settings


def error_text(error: ProblemsError) -> str:
    """How the command line reports a refusal: ``error:``, what could not be done, then each problem."""
    heading = f"{error.heading}:\n  " if error.heading else ""
    return "error: " + heading + "\n  ".join(error.problems)


def engine_from_args(args: argparse.Namespace) -> Engine:
    """The engine over the curated data files (DataFileError or LexiconError listing every problem in them)."""
    settings = settings_from_args(args)
    return Engine.from_data(settings.facts_dir, settings.seeds_dir)


class ServiceSession:
    """An open FactService and the event loop it runs on, for commands that are otherwise synchronous."""

    def __init__(self, runner: asyncio.Runner, service: FactService) -> None:
        self._runner = runner
        self.service = service

    def run(self, operation: Coroutine[Any, Any, T]) -> T:
        """Run one service call to completion."""
        return self._runner.run(operation)


@contextmanager
def operator_errors(failed: str) -> Iterator[None]:
    """Failures of the database or the file system as one-line CommandErrors; ``failed`` says what could not be
    done. (Refusals, ProblemsError, already say it and pass through.)"""
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        raise CommandError(f"{failed}: {error}") from error


@contextmanager
def service_session(args: argparse.Namespace) -> Iterator[ServiceSession]:
    """The fact service over the database the options name, closed when the block ends however it ends."""
    settings = settings_from_args(args)
    with asyncio.Runner() as runner:
        with operator_errors(f"cannot open the database {database_location(settings)}"):
            service = runner.run(open_service(settings))
        try:
            yield ServiceSession(runner, service)
        finally:
            runner.run(service.close())
