"""``eval``: score the engine on question sets."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli._common import CommandError, Subcommands, add_data_options, engine_from_args
from bot.core.evaluation import evaluate, load_cases
from bot.settings import PROJECT_ROOT

__all__ = ["OWN_SETS", "register"]

# The question sets the project keeps, scored when no file is given (a fresh clone has nothing else).
OWN_SETS = PROJECT_ROOT / "eval"


def register(commands: Subcommands) -> None:
    """Add ``eval``."""
    parser = commands.add_parser("eval", help="score question sets (JSON lines of {q, gold} or {q, abstain})")
    parser.add_argument(
        "files", type=Path, nargs="*", metavar="FILE", help="question sets (default: every eval/*.jsonl of the project)"
    )
    add_data_options(parser)
    parser.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    files = args.files or sorted(OWN_SETS.glob("*.jsonl"))
    if not files:
        raise CommandError(f"no question sets in {OWN_SETS}; give a FILE of JSON lines ({{q, gold}} or {{q, abstain}})")
    try:
        sets = [(path, load_cases(path)) for path in files]
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from error
    engine = engine_from_args(args)
    for number, (path, cases) in enumerate(sets):
        if len(sets) > 1:
            print(f"{'' if number == 0 else chr(10)}== {path}")
        print(evaluate(cases, engine, path.stem).summary())
    return 0
