"""``bench``: the speed and scale benchmark (see docs/benchmarks.md).

The benchmark's modules are imported only when it runs, so registering it costs the other commands nothing.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from bot.cli._common import CommandError, Subcommands

__all__ = ["register"]

_LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


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
    deployments = parser.add_argument_group("deployments", "the bot in 1 and 2 processes against a loopback Discord")
    which = deployments.add_mutually_exclusive_group()
    which.add_argument("--deployments-only", action="store_true", help="measure only the deployments")
    which.add_argument("--no-deployments", action="store_true", help="skip the deployments")
    deployments.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("TEST_DATABASE_URL", _LOCAL_POSTGRES),
        help="a PostgreSQL server to create a scratch database on (default: TEST_DATABASE_URL or %(default)s)",
    )
    deployments.add_argument("--deploy-questions", type=int, default=400, help="questions asked of each deployment")
    deployments.add_argument("--deploy-edits", type=int, default=20, help="edits timed until every process answers")
    parser.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    from bot.bench.deployments import ClusterOptions, measure_deployments
    from bot.bench.report import deployment_table, text_table
    from bot.bench.runner import BenchOptions, run_bench

    counts = (args.questions, args.brute_questions, args.discord_questions, args.load_runs)
    if min(*counts, args.deploy_questions, args.deploy_edits) < 1:
        raise CommandError(
            "--questions, --brute-questions, --discord-questions, --load-runs, --deploy-questions and "
            "--deploy-edits must be 1 or more"
        )
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
    deployments = ClusterOptions(args.deploy_questions, args.deploy_edits, args.postgres)
    if args.deployments_only:
        rows = measure_deployments(deployments, progress=lambda line: print(line, flush=True))
        print(deployment_table(rows))
        _write(args.json, {"deployments": rows})
        return 0
    options = BenchOptions(
        sizes=args.sizes,
        questions=args.questions,
        brute_questions=min(args.brute_questions, args.questions),
        discord_questions=min(args.discord_questions, args.questions),
        seed=args.seed,
        load_runs=args.load_runs,
        embed_budget_s=args.embed_budget,
        deployments=None if args.no_deployments else deployments,
    )
    report = run_bench(options, progress=lambda line: print(line, flush=True))
    print(text_table(report))
    _write(args.json, report)
    return 0


def _write(path: Path | None, figures: dict[str, Any]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {path}")
