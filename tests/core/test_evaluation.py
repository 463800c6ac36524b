"""Accuracy on the question sets: the development set when present, and the repository's own sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.evaluation import EvalCase, comparable, evaluate, load_cases
from bot.settings import PROJECT_ROOT

# Each set with the accuracy it must keep and the share of out-of-scope questions it may answer. The blind and
# discord sets were written from the article alone by people who had not seen the facts (see docs/quality.md);
# eval/discord_final.jsonl is kept out of the tests and the fit, to measure the result once.
QUESTION_SETS = [
    (PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl", 0.95, 1 / 12),
    (PROJECT_ROOT / "eval" / "paraphrases.jsonl", 0.88, 1 / 12),
    (PROJECT_ROOT / "eval" / "blind.jsonl", 0.85, 0.05),
    (PROJECT_ROOT / "eval" / "blind2.jsonl", 0.68, 0.10),
    (PROJECT_ROOT / "eval" / "discord_a.jsonl", 0.55, 0.05),
    (PROJECT_ROOT / "eval" / "discord_b.jsonl", 0.62, 0.03),
]
# Share of in-scope questions of the discord sets answered right or offered their fact among the suggestions.
OFFERED_FLOOR = 0.96


@pytest.mark.parametrize(("path", "accuracy", "false_rate"), QUESTION_SETS, ids=lambda v: getattr(v, "name", ""))
def test_question_set_accuracy(curated_engine: Engine, path: Path, accuracy: float, false_rate: float) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not present")
    report = evaluate(load_cases(path), curated_engine)
    assert report.accuracy >= accuracy, report.summary()
    assert report.false_answer_rate <= false_rate, report.summary()
    if path.name.startswith("discord_"):
        assert report.answered_or_offered >= OFFERED_FLOOR, report.summary()


def test_gold_comparison_folds_typography() -> None:
    assert comparable("This isn\u2019t \u2018Mean  Girls,\u2019 \u2014 ok") == "this isn't 'mean girls,' - ok"


def test_a_wrong_answer_and_a_false_answer_are_both_counted(curated_engine: Engine) -> None:
    cases = [
        EvalCase(q="did russia accept?", gold=("a phrase the quote does not hold",)),
        EvalCase(q="witkoff", abstain=True),
        EvalCase(q="who won the super bowl", abstain=True),
    ]
    report = evaluate(cases, curated_engine)
    assert (report.in_scope, report.correct) == (1, 0)
    assert (report.out_of_scope, report.false_answers) == (2, 1)
    assert len(report.misses) == 2


def test_a_malformed_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"q": "ok", "abstain": true}\n{"q": "both", "gold": ["x"], "abstain": true}\n')
    with pytest.raises(ValueError, match=r"set\.jsonl:2"):
        load_cases(path)
