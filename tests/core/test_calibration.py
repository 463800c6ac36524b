"""Fitting the decision: on labelled questions it separates right answers from out-of-scope questions."""

from __future__ import annotations

from bot.core.calibration import fit_calibration, synthetic_out_of_scope
from bot.core.engine import Engine
from bot.core.evaluation import evaluate, load_cases
from bot.settings import PROJECT_ROOT


def test_a_fit_answers_most_of_what_it_was_fitted_on_and_few_out_of_scope(curated_engine: Engine) -> None:
    cases = load_cases(PROJECT_ROOT / "eval" / "paraphrases.jsonl") + synthetic_out_of_scope()
    report = fit_calibration(curated_engine, cases)
    assert report.right >= 0.8 * report.in_scope
    assert report.false_answers <= 0.02 * report.out_of_scope
    assert report.wrong <= 0.05 * report.in_scope


def test_synthetic_questions_are_out_of_scope_and_name_the_article_s_people() -> None:
    cases = synthetic_out_of_scope()
    assert all(case.abstain for case in cases)
    assert any("putin" in case.q for case in cases) and any("seward" in case.q for case in cases)
    assert len({case.q for case in cases}) == len(cases)


def test_a_refit_engine_scores_a_set_the_same_way_the_report_says(fresh_engine: Engine) -> None:
    cases = load_cases(PROJECT_ROOT / "eval" / "paraphrases.jsonl")
    report = fit_calibration(fresh_engine, cases)
    fresh_engine.calibration = report.calibration
    assert evaluate(cases, fresh_engine).correct == report.right
