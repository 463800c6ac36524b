"""The ``python -m bot`` command line: every subcommand over the same engine the bot uses."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.cli import admin, answering, benchmarking, calibrating, datacheck, evaluating, running
from bot.cli._common import error_text
from bot.cli.terminal import terminal_safe_output
from bot.core.problems import ProblemsError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions about the US-brokered Russia-Ukraine ceasefire talks, citing the article.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    answering.register(commands)
    facts = commands.add_parser("facts", help="check, list and moderate the fact base")
    facts_actions = facts.add_subparsers(dest="facts_command", required=True, metavar="ACTION")
    datacheck.register(facts_actions)
    admin.register(commands, facts_actions)
    evaluating.register(commands)
    calibrating.register(commands)
    running.register(commands)
    benchmarking.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status. Everything it prints is made safe for a terminal."""
    with terminal_safe_output():
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except ProblemsError as error:  # every refusal, from the settings to the database, in one place
        print(error_text(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped reading (``facts list --json | head -1``): not an error
        _discard_stdout()
        return 0
    return status


def _discard_stdout() -> None:
    """Point standard output at the null device, so flushing it at exit does not fail again."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)
