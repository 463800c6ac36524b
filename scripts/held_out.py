"""The honest estimate for a question set nobody has fitted on: every training set held out in turn.

    .venv/bin/python -m scripts.held_out [--jobs N] [--cost C]

For each set the decision is fitted on (``python -m bot calibrate``'s training sets), the decision is fitted again
without it (its questions, the two logistic models and the thresholds) and the set is scored with that fit, as a new
set would be. Prints each set's figures and the totals; nothing is written. It refits once per set (about a minute
each), so it is not part of ``make test``: run it after a change to answering and report the totals in
docs/quality.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from bot.cli.calibrating import TRAINING_SETS
from bot.core.calibration import SYNTHETIC_SET, fit_calibration, synthetic_out_of_scope
from bot.core.engine import Engine
from bot.core.evaluation import EvalCase, evaluate, load_cases
from bot.settings import Settings

__all__ = ["main"]


@dataclass(frozen=True)
class HeldOut:
    """One set's figures when the decision was fitted without it."""

    name: str
    in_scope: int
    right: int
    offered: int
    out_of_scope: int
    false_answers: int


def _score_without(name: str, sets: dict[str, list[EvalCase]]) -> HeldOut:
    """Fit on every set but ``name`` and score ``name`` with that fit."""
    settings = Settings()
    engine = Engine.from_data(settings.facts_dir, settings.seeds_dir)
    others = {other: cases for other, cases in sets.items() if other != name}
    others[SYNTHETIC_SET] = synthetic_out_of_scope()
    report = fit_calibration(engine, others)
    engine.calibration, engine.asked = report.calibration, report.asked
    scored = evaluate(sets[name], engine, name)
    return HeldOut(name, scored.in_scope, scored.correct, scored.offered, scored.out_of_scope, scored.false_answers)


def main(argv: Sequence[str] | None = None) -> int:
    """Score every training set with a fit made without it; print each and the totals."""
    parser = argparse.ArgumentParser(prog="python -m scripts.held_out", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="sets fitted at once (each takes about 1 GB)")
    args = parser.parse_args(argv)
    sets: dict[str, list[EvalCase]] = {}
    for path in TRAINING_SETS:
        if path.exists():
            sets.setdefault(path.stem, []).extend(load_cases(path))
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(_score_without, sets, [sets] * len(sets)))
    total = HeldOut("all", 0, 0, 0, 0, 0)
    for result in results:
        print(
            f"{result.name:<20} right {result.right}/{result.in_scope} = {result.right / max(1, result.in_scope):.1%}"
            f"  offered {result.offered}  out of scope answered {result.false_answers}/{result.out_of_scope}"
        )
        total = HeldOut(
            "all",
            total.in_scope + result.in_scope,
            total.right + result.right,
            total.offered + result.offered,
            total.out_of_scope + result.out_of_scope,
            total.false_answers + result.false_answers,
        )
    print(
        f"{'all':<20} right {total.right}/{total.in_scope} = {total.right / max(1, total.in_scope):.1%}, "
        f"right or offered {(total.right + total.offered) / max(1, total.in_scope):.1%}, "
        f"out of scope answered {total.false_answers}/{total.out_of_scope} = "
        f"{total.false_answers / max(1, total.out_of_scope):.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
