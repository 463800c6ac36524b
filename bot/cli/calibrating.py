"""``calibrate``: refit the answer / offer / refuse decision on the project's labelled question sets."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

from bot.cli._common import CommandError, Subcommands, add_data_options, engine_from_args, operator_errors
from bot.core.asked import ASKED_FILE, encode_asked
from bot.core.calibration import SYNTHETIC_SET, fit_calibration, synthetic_out_of_scope
from bot.core.decision import ANSWER_FEATURES, DECISION_FILE, FEATURES, Calibration
from bot.core.evaluation import EvalCase, load_cases
from bot.settings import PROJECT_ROOT

__all__ = ["TRAINING_SETS", "register"]

# The sets the decision is fitted on, and whose questions it keeps as the questions asked before (bot/core/asked.py):
# every labelled set in eval/ and the development set. A new set is scored once before it joins them (docs/quality.md);
# eval/untouched/ is never read. Each set is read without its own questions when fitting and when evaluated.
TRAINING_SETS = (
    *sorted((PROJECT_ROOT / "eval").glob("*.jsonl")),
    PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl",
)


def register(commands: Subcommands) -> None:
    """Add ``calibrate``."""
    parser = commands.add_parser(
        "calibrate",
        help="refit the answer/offer/refuse decision on labelled question sets",
        description="Fits the decision's logistic models on the project's question sets (those present) and "
        "synthetic out-of-scope questions, then writes them to the decision file, and the questions with their "
        "vectors to the asked questions' file, that the engine reads.",
    )
    parser.add_argument(
        "--set", dest="sets", type=Path, action="append", help="a question set to fit on (repeatable; default: "
        "the project's training sets)"
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=DECISION_FILE, help=f"default: {DECISION_FILE}")
    parser.add_argument(
        "--asked-output", type=Path, default=ASKED_FILE, help=f"the asked questions' file (default: {ASKED_FILE})"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the fit without writing it")
    add_data_options(parser)
    parser.set_defaults(handler=_calibrate)


def _calibrate(args: argparse.Namespace) -> int:
    paths = args.sets or [path for path in TRAINING_SETS if path.exists()]
    sets: dict[str, list[EvalCase]] = {}
    try:
        for path in paths:
            sets.setdefault(path.stem, []).extend(load_cases(path))
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from error
    sets[SYNTHETIC_SET] = synthetic_out_of_scope()
    report = fit_calibration(engine_from_args(args), sets)
    print(report.summary())
    if not args.dry_run:
        names = ", ".join(path.name for path in paths)
        with operator_errors("cannot write the fit (the files it would replace are unchanged)"):
            _write_together(
                {
                    args.output: _toml(report.calibration, f"{report.summary()}; sets: {names}"),
                    args.asked_output: encode_asked(report.asked),
                }
            )
        print(f"written to {args.output} and {args.asked_output}")
    return 0


def _write_together(texts: dict[Path, str]) -> None:
    """Each text in its file, all or none: every one is written beside its file first, then each is renamed over
    it (the decision and its asked questions are only valid together)."""
    staged = {path: path.with_name(f"{path.name}.{os.getpid()}.tmp") for path in texts}
    try:
        for path, text in texts.items():
            staged[path].write_text(text, encoding="utf-8")
        for path, partial in staged.items():
            partial.replace(path)
    finally:
        for partial in staged.values():
            partial.unlink(missing_ok=True)


def _toml(calibration: Calibration, provenance: str) -> str:
    """The decision file: a header saying how it was made, then the fitted values."""
    at = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        "# The answer / offer / refuse decision (bot/core/decision.py), fitted by `python -m bot calibrate`.",
        f"# {at}: {provenance}",
        "# Reviewed like the facts: refit after changing the features, the facts or the question sets.",
        f"answer = {calibration.answer}",
        f"margin = {calibration.margin}",
        f"offer = {calibration.offer}",
        f"suggest = {calibration.suggest}",
        f"related = {calibration.related}",
        f"clear_similarity = {calibration.clear_similarity}",
        f"clear_lead = {calibration.clear_lead}",
        "",
        "# Orders the candidate facts: the probability that each answers the question.",
        "[ranking]",
        f"bias = {calibration.ranking.bias}",
        "[ranking.weights]",
        *(f"{name} = {calibration.ranking.weights[name]}" for name in FEATURES),
        "",
        "# Whether the first candidate answers: its features and its lead over the second.",
        "[answering]",
        f"bias = {calibration.answering.bias}",
        "[answering.weights]",
        *(f"{name} = {calibration.answering.weights[name]}" for name in ANSWER_FEATURES),
    ]
    return "\n".join(lines) + "\n"
