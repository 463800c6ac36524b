"""Accuracy on the question sets: the development set when present, and the repository's own sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.evaluation import EvalCase, comparable, evaluate, load_cases
from bot.settings import PROJECT_ROOT

# Each set with the accuracy it must keep, the share of out-of-scope questions it may answer and the share of its
# in-scope questions that must be answered right or offered their fact among the suggestions: two points under the
# set's figure (one for the offers, one more false answer), so a change that loses ground on any set fails here. The
# blind and discord sets were written from the article alone by people who had not seen the facts. The decision is
# fitted on every one of these sets but the last and keeps their questions as questions asked before
# (bot/core/asked.py); each set is read without its own, as when fitting (the development set reads 40/40 and 0/12
# with its own kept).
QUESTION_SETS = [
    (PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl", 0.85, 0 / 12, 0.99),
    (PROJECT_ROOT / "eval" / "paraphrases.jsonl", 0.84, 1 / 15, 0.97),
    (PROJECT_ROOT / "eval" / "blind.jsonl", 0.93, 1 / 41, 0.99),
    (PROJECT_ROOT / "eval" / "blind2.jsonl", 0.91, 2 / 30, 0.99),
    (PROJECT_ROOT / "eval" / "discord_a.jsonl", 0.93, 1 / 69, 0.99),
    (PROJECT_ROOT / "eval" / "discord_b.jsonl", 0.93, 1 / 69, 0.97),
    (PROJECT_ROOT / "eval" / "discord_d.jsonl", 0.93, 3 / 60, 0.96),
    (PROJECT_ROOT / "eval" / "discord_e.jsonl", 0.94, 1 / 60, 0.98),
    (PROJECT_ROOT / "eval" / "discord_f.jsonl", 0.94, 2 / 57, 0.99),
    (PROJECT_ROOT / "eval" / "discord_g.jsonl", 0.92, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_h.jsonl", 0.95, 1 / 66, 0.99),
    (PROJECT_ROOT / "eval" / "discord_i.jsonl", 0.93, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_j.jsonl", 0.94, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_k.jsonl", 0.93, 2 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_l.jsonl", 0.92, 2 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_m.jsonl", 0.9, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_n.jsonl", 0.95, 1 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_o.jsonl", 0.92, 2 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_p.jsonl", 0.93, 4 / 91, 0.97),
    (PROJECT_ROOT / "eval" / "discord_q.jsonl", 0.93, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_r.jsonl", 0.94, 3 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_s.jsonl", 0.9, 1 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_t.jsonl", 0.91, 2 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_u.jsonl", 0.95, 3 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_v.jsonl", 0.93, 1 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_w.jsonl", 0.93, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_x.jsonl", 0.89, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_y.jsonl", 0.96, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_z.jsonl", 0.96, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_aa.jsonl", 0.92, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_ab.jsonl", 0.95, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_ac.jsonl", 0.95, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_ad.jsonl", 0.92, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_ae.jsonl", 0.93, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_af.jsonl", 0.95, 1 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_ag.jsonl", 0.95, 2 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_ah.jsonl", 0.95, 1 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_ai.jsonl", 0.93, 4 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_aj.jsonl", 0.93, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_ak.jsonl", 0.93, 3 / 65, 0.99),
    (PROJECT_ROOT / "eval" / "discord_al.jsonl", 0.89, 2 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_am.jsonl", 0.93, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_an.jsonl", 0.93, 2 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_ao.jsonl", 0.93, 1 / 65, 0.96),
    (PROJECT_ROOT / "eval" / "discord_aq.jsonl", 0.95, 1 / 65, 0.98),
    (PROJECT_ROOT / "eval" / "discord_ar.jsonl", 0.92, 2 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_as.jsonl", 0.93, 1 / 65, 0.97),
    # Not fitted on: the ninth round's untouched set, scored once at its end (161/171, 98.2%, 0/65).
    (PROJECT_ROOT / "eval" / "discord_ap.jsonl", 0.92, 1 / 65, 0.97),
    (PROJECT_ROOT / "eval" / "discord_final.jsonl", 0.94, 1 / 67, 0.97),
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
