"""``bench``: the speed and scale benchmark (see docs/benchmarks.md).

The benchmark's modules are imported only when it runs, so registering it costs the other commands nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.cli._common import CommandError, Subcommands

__all__ = ["register"]


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"sizes must be numbers separated by commas, not {text!r}") from error
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("give at least one size, each 1 or more")
    return sizes


def register(commands: Subcommands) -> None:
    """Add ``bench``."""
    parser = commands.add_parser("bench", help="benchmark the engine, the store and the bot on synthetic bases")
    parser.add_argument("--sizes", type=_sizes, default=[1_000, 10_000, 100_000], help="facts per synthetic base")
    parser.add_argument("--json", type=Path, help="also write every figure to this file as JSON")
    parser.add_argument("--questions", type=int, default=1_000, help="questions asked of each base")
    parser.add_argument("--brute-questions", type=int, default=200, help="of those, how many the brute force asks")
    parser.add_argument("--discord-questions", type=int, default=200, help="of those, how many go through SimCord")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic bases and questions")
    parser.add_argument("--load-runs", type=int, default=3, help="fresh starts of each kind per base (median)")
    parser.add_argument(
        "--embed-budget",
        type=float,
        default=240.0,
        help="seconds a base may spend embedding texts no earlier run cached (see docs/benchmarks.md)",
    )
    parser.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    from bot.bench.report import text_table
    from bot.bench.runner import BenchOptions, run_bench

    if min(args.questions, args.brute_questions, args.discord_questions, args.load_runs) < 1:
        raise CommandError("--questions, --brute-questions, --discord-questions and --load-runs must be 1 or more")
    if args.embed_budget < 0:
        raise CommandError("--embed-budget must be 0 or more seconds")
    if args.json is not None:  # checked before a run of many minutes, not after it
        try:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            with args.json.open("a", encoding="utf-8"):
                pass
        except OSError as error:
            raise CommandError(
                f"cannot write the figures to {args.json} ({error}); give another --json path"
            ) from error
    options = BenchOptions(
        sizes=args.sizes,
        questions=args.questions,
        brute_questions=min(args.brute_questions, args.questions),
        discord_questions=min(args.discord_questions, args.questions),
        seed=args.seed,
        load_runs=args.load_runs,
        embed_budget_s=args.embed_budget,
    )
    report = run_bench(options, progress=lambda line: print(line, flush=True))
    print(text_table(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0
