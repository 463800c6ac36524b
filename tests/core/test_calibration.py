"""Fitting the decision: on labelled questions it separates right answers from out-of-scope questions."""

from __future__ import annotations

import numpy as np

from bot.core.calibration import SYNTHETIC_SET, cheapest_thresholds, fit_calibration, synthetic_out_of_scope
from bot.core.engine import Engine
from bot.core.evaluation import evaluate, load_cases, supports
from bot.settings import PROJECT_ROOT


def test_a_fit_answers_most_of_what_it_was_fitted_on_and_few_out_of_scope(curated_engine: Engine) -> None:
    paraphrases = load_cases(PROJECT_ROOT / "eval" / "paraphrases.jsonl")
    sets = {"paraphrases": paraphrases, SYNTHETIC_SET: synthetic_out_of_scope()}
    report = fit_calibration(curated_engine, sets)
    assert report.right >= 0.8 * report.in_scope
    assert report.false_answers <= 0.02 * report.out_of_scope
    assert report.wrong <= 0.05 * report.in_scope


def test_the_threshold_is_taken_inside_a_flat_stretch_of_least_cost_not_at_its_edge() -> None:
    # 10 out-of-scope questions at 0.69 (5 each when answered), 100 right answers at 0.805 (each saves 1): answering
    # costs least, -100, for any threshold from 0.70 to 0.80, and nothing from 0.81 up.
    probabilities = np.array([0.69] * 10 + [0.805] * 100)
    costs = np.array([5.0] * 10 + [-1.0] * 100)
    answer, margin = cheapest_thresholds(probabilities, np.full(110, 10.0), costs)
    # The stretch's cautious end (0.80) is one hundredth from losing every answer; its neighbours count too.
    assert 0.7 < answer < 0.8 and margin == 1.0
    # Below a threshold that every answer reaches, the cheapest is still found (here, up to 0.50).
    lone = cheapest_thresholds(np.array([0.5] * 10), np.full(10, 10.0), np.full(10, -1.0))
    assert lone[0] <= 0.5


def test_synthetic_questions_are_out_of_scope_and_name_the_article_s_people() -> None:
    cases = synthetic_out_of_scope()
    assert all(case.abstain for case in cases)
    assert any("putin" in case.q for case in cases) and any("seward" in case.q for case in cases)
    assert len({case.q for case in cases}) == len(cases)


def test_a_refit_engine_scores_a_set_the_same_way_the_report_says(fresh_engine: Engine) -> None:
    cases = load_cases(PROJECT_ROOT / "eval" / "paraphrases.jsonl")
    report = fit_calibration(fresh_engine, {"paraphrases": cases})
    fresh_engine.calibration = report.calibration
    fresh_engine.asked = report.asked
    # Both read each set without its own questions among those asked before.
    assert evaluate(cases, fresh_engine, "paraphrases").correct == report.right


def test_the_fit_keeps_every_question_with_the_facts_that_answer_it(curated_engine: Engine) -> None:
    cases = load_cases(PROJECT_ROOT / "eval" / "paraphrases.jsonl")
    report = fit_calibration(curated_engine, {"paraphrases": cases, SYNTHETIC_SET: synthetic_out_of_scope()})
    assert len(report.asked) == len(cases) + len(synthetic_out_of_scope())
    kept = {(question.group, question.q): question.facts for question in report.asked.questions}
    for case in cases:
        facts = kept[("paraphrases", case.q)]
        assert bool(facts) is not case.abstain
        assert all(supports(curated_engine.fact(fact_id), case.gold) for fact_id in facts)
    assert all(not kept[(SYNTHETIC_SET, case.q)] for case in synthetic_out_of_scope())
