"""``eval``: score the engine on a question set."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli._common import CommandError, Subcommands, add_data_options, engine_from_args
from bot.core.evaluation import evaluate, load_cases

__all__ = ["register"]


def register(commands: Subcommands) -> None:
    """Add ``eval``."""
    parser = commands.add_parser("eval", help="score a question set (JSON lines of {q, gold} or {q, abstain})")
    parser.add_argument("file", type=Path, help="for example ../shared/eval/dev.jsonl")
    add_data_options(parser)
    parser.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    try:
        cases = load_cases(args.file)
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from error
    print(evaluate(cases, engine_from_args(args)).summary())
    return 0
