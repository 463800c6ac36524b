"""Accuracy on the question sets: the development set when present, and the repository's own sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.evaluation import EvalCase, comparable, evaluate, load_cases
from bot.settings import PROJECT_ROOT

# Each set with the accuracy it must keep, the share of out-of-scope questions it may answer and the share of its
# in-scope questions that must be answered right or offered their fact among the suggestions: each a little under
# the figure docs/quality.md reports, so a change that loses ground on any set fails here. The blind and discord sets
# were written from the article alone by people who had not seen the facts. The decision keeps every one of these
# sets' questions as questions asked before (bot/core/asked.py); each set is read without its own, as when fitting.
QUESTION_SETS = [
    (PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl", 0.85, 1 / 12, 0.98),
    # 47/51 until the sentence model read questions with their typos spelt right (sixth round), 44/51 since: the ten
    # sets not fitted on gained 9 right of 1,710 by it.
    (PROJECT_ROOT / "eval" / "paraphrases.jsonl", 0.86, 1 / 15, 0.98),
    (PROJECT_ROOT / "eval" / "blind.jsonl", 0.9, 1 / 41, 0.96),
    (PROJECT_ROOT / "eval" / "blind2.jsonl", 0.86, 2 / 30, 0.98),
    # 178/191 until the seventh round's refit, 175/191 since (its threshold rose from 0.74 to 0.78).
    (PROJECT_ROOT / "eval" / "discord_a.jsonl", 0.91, 1 / 69, 0.97),
    (PROJECT_ROOT / "eval" / "discord_b.jsonl", 0.89, 1 / 69, 0.96),
    (PROJECT_ROOT / "eval" / "discord_final.jsonl", 0.91, 1 / 67, 0.96),
    (PROJECT_ROOT / "eval" / "discord_d.jsonl", 0.9, 2 / 60, 0.94),
    (PROJECT_ROOT / "eval" / "discord_e.jsonl", 0.87, 2 / 60, 0.96),
    (PROJECT_ROOT / "eval" / "discord_f.jsonl", 0.91, 1 / 57, 0.97),
    (PROJECT_ROOT / "eval" / "discord_g.jsonl", 0.85, 1 / 65, 0.95),
    (PROJECT_ROOT / "eval" / "discord_h.jsonl", 0.88, 1 / 66, 0.96),
    (PROJECT_ROOT / "eval" / "discord_i.jsonl", 0.84, 2 / 65, 0.95),
    (PROJECT_ROOT / "eval" / "discord_j.jsonl", 0.86, 2 / 65, 0.93),
    (PROJECT_ROOT / "eval" / "discord_k.jsonl", 0.88, 2 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_l.jsonl", 0.84, 3 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_m.jsonl", 0.85, 1 / 65, 0.95),
    (PROJECT_ROOT / "eval" / "discord_p.jsonl", 0.85, 4 / 91, 0.95),
    (PROJECT_ROOT / "eval" / "discord_q.jsonl", 0.85, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_r.jsonl", 0.84, 3 / 65, 0.94),
    (PROJECT_ROOT / "eval" / "discord_t.jsonl", 0.86, 1 / 65, 0.95),
    (PROJECT_ROOT / "eval" / "discord_u.jsonl", 0.86, 2 / 65, 0.95),
    # Not fitted on: discord_n and discord_s measured the fourth round's changes, discord_o was kept untouched.
    (PROJECT_ROOT / "eval" / "discord_n.jsonl", 0.91, 1 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_s.jsonl", 0.86, 1 / 65, 0.95),
    (PROJECT_ROOT / "eval" / "discord_o.jsonl", 0.87, 4 / 65, 0.95),
    # Not fitted on: discord_v measured the fifth round's changes; discord_w was kept untouched until its end.
    (PROJECT_ROOT / "eval" / "discord_v.jsonl", 0.85, 2 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_w.jsonl", 0.89, 2 / 65, 0.96),
    # Not fitted on: written after the fifth round's last change and scored once, as new sets.
    (PROJECT_ROOT / "eval" / "discord_x.jsonl", 0.84, 3 / 65, 0.93),
    (PROJECT_ROOT / "eval" / "discord_y.jsonl", 0.89, 2 / 65, 0.96),
    # Not fitted on: the sixth round's sets, scored once before any change made for them, then measured its changes.
    (PROJECT_ROOT / "eval" / "discord_z.jsonl", 0.88, 2 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_aa.jsonl", 0.86, 1 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_ab.jsonl", 0.94, 2 / 65, 0.97),
    # Not fitted on: the sixth round's untouched set, scored once at its end.
    (PROJECT_ROOT / "eval" / "discord_ac.jsonl", 0.9, 2 / 65, 0.95),
    # Not fitted on: written after the sixth round's last change and scored once, as new sets.
    (PROJECT_ROOT / "eval" / "discord_ad.jsonl", 0.88, 2 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_ae.jsonl", 0.88, 1 / 65, 0.97),
    # Not fitted on: the seventh round's sets, scored once before any change made for them, then measured its changes.
    (PROJECT_ROOT / "eval" / "discord_af.jsonl", 0.88, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_ag.jsonl", 0.92, 2 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_ah.jsonl", 0.9, 1 / 65, 0.98),
    # Not fitted on: the seventh round's untouched set, scored once at its end.
    (PROJECT_ROOT / "eval" / "discord_ai.jsonl", 0.86, 2 / 65, 0.96),
    # Not fitted on: the eighth round's sets, scored once before any change made for them, then measured its changes.
    (PROJECT_ROOT / "eval" / "discord_aj.jsonl", 0.92, 2 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_ak.jsonl", 0.92, 2 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_am.jsonl", 0.9, 1 / 65, 0.98),
    # Not fitted on: the eighth round's untouched set, scored once at its end.
    (PROJECT_ROOT / "eval" / "discord_al.jsonl", 0.87, 2 / 65, 0.98),
]


@pytest.mark.parametrize(
    ("path", "accuracy", "false_rate", "offered"), QUESTION_SETS, ids=lambda v: getattr(v, "name", "")
)
def test_question_set_accuracy(
    curated_engine: Engine, path: Path, accuracy: float, false_rate: float, offered: float
) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not present")
    report = evaluate(load_cases(path), curated_engine, path.stem)
    assert report.accuracy >= accuracy, report.summary()
    assert report.false_answer_rate <= false_rate, report.summary()
    assert report.answered_or_offered >= offered, report.summary()


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


def test_every_shipped_question_set_is_valid_and_its_gold_is_in_the_article(article_text: str) -> None:
    # Read, never scored: this covers eval/untouched/ too. Every problem of every set is reported at once.
    article = comparable(article_text)
    problems = []
    for path in sorted((PROJECT_ROOT / "eval").rglob("*.jsonl")):
        try:
            cases = load_cases(path)
        except ValueError as error:
            problems.append(str(error))
            continue
        problems += [
            f"{path.name}: {case.q!r}: gold phrase {phrase!r} is not in the article"
            for case in cases
            for phrase in case.gold
            if comparable(phrase) not in article
        ]
    assert not problems, "\n".join(problems)
