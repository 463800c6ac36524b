"""Smoke tests of the benchmark at a tiny size: the generator's guarantees and every figure the bench reports.

Timings are not asserted: they belong to docs/benchmarks.md, measured on a known machine.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import numpy as np
import pytest

from bot.bench.answering import BruteForce, measure_answering
from bot.bench.loading import measure_discord, measure_loading, store_base
from bot.bench.meaning import base_vectors
from bot.bench.report import markdown_table, text_table
from bot.bench.runner import machine, targets
from bot.bench.synthetic import QuestionKind, SyntheticBase, generate
from bot.cli import build_parser
from bot.core.embedding import default_encoder
from bot.core.engine import Engine
from bot.core.semantic import VectorTable, semantic_texts, text_digest
from tests.conftest import run_bot_cli


def test_the_generator_is_deterministic_and_quotes_are_spans_of_their_sources() -> None:
    base = generate(120, seed=3)
    again = generate(120, seed=3)
    assert [fact.model_dump() for fact in base.facts] == [fact.model_dump() for fact in again.facts]
    assert base.questions(40) == again.questions(40)
    sources = {source.id: source for source in base.sources}
    assert len(base.facts) == 120 and len({fact.id for fact in base.facts}) == 120
    for fact in base.facts:
        assert 1 <= len(fact.phrasings) <= 6
        for citation in fact.citations:
            assert sources[citation.source].text[citation.start : citation.end] == citation.quote
    assert Engine(base.lexicon, base.sources, base.facts).clashes() == []


def test_the_question_mix_has_every_kind() -> None:
    questions = generate(60).questions(40)
    kinds = {kind: sum(1 for q in questions if q.kind is kind) for kind in QuestionKind}
    assert kinds == {QuestionKind.PARAPHRASE: 20, QuestionKind.TYPO: 10, QuestionKind.OUT_OF_SCOPE: 10}
    assert all((q.fact_id is None) == (q.kind is QuestionKind.OUT_OF_SCOPE) for q in questions)


def test_brute_force_and_engine_are_measured_on_the_same_questions() -> None:
    base = generate(100)
    engine = Engine(base.lexicon, base.sources, base.facts)
    matcher = engine.lexical
    fact = base.facts[0]
    assert BruteForce(matcher).best(fact.question)[0] == fact.id
    figures = measure_answering(engine, matcher, base.questions(24), brute_questions=12)
    assert figures.engine.count == 24 and figures.brute_force.count == figures.compared == 12
    assert 0.0 <= figures.agreement <= 1.0 and figures.speedup > 0
    assert figures.as_dict()["engine"]["p99_ms"] >= figures.as_dict()["engine"]["p50_ms"]


@pytest.fixture(scope="module")
def small_base() -> tuple[SyntheticBase, VectorTable]:
    """A 60-fact base and the vectors of its facts' texts."""
    base = generate(60)
    return base, Engine(base.lexicon, base.sources, base.facts).vectors.embed_pending()


def test_a_stored_base_loads_through_the_store_with_its_vectors(
    tmp_path: Path, small_base: tuple[SyntheticBase, VectorTable]
) -> None:
    base, vectors = small_base
    settings = asyncio.run(store_base(base, tmp_path, vectors))
    built = asyncio.run(measure_loading(settings, index_file=False))
    read = asyncio.run(measure_loading(settings, index_file=True))
    for loaded in (built, read):
        assert loaded["stored_facts"] >= 60 and loaded["rss_mb"] > 0 and loaded["load_s"] > 0
        assert loaded["semantic_vectors"] >= len(vectors) and loaded["first_semantic_question_s"] >= 0


def test_the_first_embedding_is_cached_in_chunks_and_a_run_within_its_budget_borrows_the_rest(tmp_path: Path) -> None:
    facts = generate(20).facts  # 80 texts: three chunks of 32
    first, info = base_vectors(facts, budget_s=0.0, cache=tmp_path, chunk_size=32)
    assert (info["encoded_now"], info["reused"], info["borrowed"]) == (32, 0, 48)
    assert not info["first_embedding_measured"] and info["first_embedding_s"] > 0
    assert len(first) == 80 and len(first.vectors) == 80
    second, info = base_vectors(facts, budget_s=600.0, cache=tmp_path, chunk_size=32)
    assert (info["encoded_now"], info["reused"], info["borrowed"]) == (48, 32, 0) and info["first_embedding_measured"]
    assert np.array_equal(first.vectors.codes[:32], second.vectors.codes[:32])
    third, info = base_vectors(facts, budget_s=0.0, cache=tmp_path, chunk_size=32)
    assert (info["encoded_now"], info["reused"]) == (0, 80) and np.array_equal(
        third.vectors.codes, second.vectors.codes
    )
    text = semantic_texts(facts[10])[0][1]  # in the second chunk
    row = third.rows[text_digest(text)]
    stored = third.vectors.codes[row] * third.vectors.scales[row]
    assert float(default_encoder().encode([text])[0] @ stored) > 0.999  # the text's own vector


def test_the_report_renders_and_judges_the_targets() -> None:
    engine = {"p50_ms": 0.5, "p99_ms": 2.0, "mean_ms": 0.6, "per_second": 1600.0, "count": 10}
    base = {
        "base": "100,000",
        "facts": 100_000,
        "index_s": 3.0,
        "load_index_s": 5.5,
        "rss_mb": 350.0,
        "restart_s": 2.0,
        "restart_rss_mb": 340.0,
        "engine": engine,
        "brute_force": {**engine, "p50_ms": 900.0},
        "speedup": 1500.0,
        "top1_agreement": 0.995,
        "engine_correct": 0.9,
        "discord": {"skipped": "no bot"},
    }
    report = {
        "machine": {**machine(), "loop_s_before": 0.45, "loop_s_after": 0.5},
        "bases": [base],
        "cold_ask": {"wall_s": 0.3, "wall_s_runs": [0.3], "imports_discord": False},
    }
    assert "100,000" in text_table(report) and "skipped" in markdown_table(report)
    assert "0.450 s before the run, 0.500 s after" in text_table(report)
    judged = {target["target"]: target["met"] for target in targets(report)}
    assert judged["100k: engine p99 ms < 30 (answer and semantic ranking)"]
    assert not judged["100k: SimCord autocomplete p99 ms < 50"]
    assert judged["100k: load and index s < 5, index file read (restart)"]
    assert not judged["100k: load and index s < 5, index built (first start, or facts changed)"]
    assert judged["100k: resident memory MB < 600 (with the sentence model loaded)"]
    base["ask_and_semantic"] = {**engine, "p99_ms": 31.0}
    assert not {t["target"]: t["met"] for t in targets(report)}[
        "100k: engine p99 ms < 30 (answer and semantic ranking)"
    ]


def test_the_bench_command_is_registered() -> None:
    args = build_parser().parse_args(["bench", "--sizes", "10,20", "--questions", "5", "--load-runs", "2"])
    assert args.sizes == [10, 20] and args.questions == 5 and args.load_runs == 2


def test_the_bots_own_handling_time_is_measured_beside_the_simcord_round_trip(
    tmp_path: Path, small_base: tuple[SyntheticBase, VectorTable]
) -> None:
    base, vectors = small_base
    settings = asyncio.run(store_base(base, tmp_path, vectors))
    questions = [question.text for question in base.questions(4)]
    figures = asyncio.run(measure_discord(settings, questions, [question[:8] for question in questions]))
    for kind in ("ask", "autocomplete"):
        bot, round_trip = figures[f"{kind}_bot"], figures[kind]
        assert bot["count"] == round_trip["count"] == 4
        assert 0 < bot["p50_ms"] <= round_trip["p50_ms"]


def test_a_json_path_that_cannot_be_written_is_refused_before_the_run(tmp_path: Path) -> None:
    done = run_bot_cli("bench", "--sizes", "10", "--json", str(tmp_path), env=dict(os.environ))
    assert done.returncode == 2 and "cannot write the figures to" in done.stderr and "Traceback" not in done.stderr
    assert "answering" not in done.stdout  # nothing was run
