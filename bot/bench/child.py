"""The measurements each run in a fresh process: ``python -m bot.bench.child MODE SPEC_JSON``.

A fresh process per base keeps one size's memory and caches out of another's figures, and lets the answering
measurements run pinned to one core. The last line of output is the result as JSON.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

from bot.bench.answering import measure_answering
from bot.bench.loading import bench_settings, measure_discord, measure_loading, store_base
from bot.bench.meaning import base_vectors, measure_semantic
from bot.bench.stats import pin_to_one_core
from bot.bench.synthetic import BenchQuestion, QuestionKind, generate
from bot.core.embedding import OnnxEncoder
from bot.core.engine import Engine
from bot.core.evaluation import load_cases
from bot.settings import PROJECT_ROOT

__all__ = ["CURATED_QUESTION_FILES", "answer_curated", "answer_synthetic", "load_and_discord", "main"]

CURATED_QUESTION_FILES = (
    PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl",
    PROJECT_ROOT / "eval" / "paraphrases.jsonl",
    PROJECT_ROOT / "eval" / "blind.jsonl",
)
_WARM_UP = 50


def _timed_engine(lexicon: Any, sources: Any, facts: Any) -> tuple[Engine, float]:
    started = time.perf_counter()
    # An encoder that remembers no question: the questions repeat, and each must cost what a new one does.
    engine = Engine(lexicon, sources, facts, encoder=OnnxEncoder(memo=0))
    return engine, time.perf_counter() - started


def answer_curated(spec: dict[str, Any]) -> dict[str, Any]:
    """The curated base with the project's own question sets (in scope when they name gold passages)."""
    pin_to_one_core()
    engine = Engine.from_data(PROJECT_ROOT / "facts", PROJECT_ROOT / "seeds")
    engine, index_s = _timed_engine(engine.lexicon, engine.sources.values(), engine.facts.values())
    questions = [
        BenchQuestion(case.q, QuestionKind.OUT_OF_SCOPE if case.abstain else QuestionKind.PARAPHRASE, None)
        for path in CURATED_QUESTION_FILES
        if path.exists()
        for case in load_cases(path)
    ]
    # Repeated so the percentiles rest on enough samples; the typo cache makes repeats no cheaper than the
    # curated questions' own words already are (they are mostly spelt right).
    repeated = (questions * max(1, spec["questions"] // max(1, len(questions)) + 1))[: spec["questions"]]
    for question in questions[:_WARM_UP]:
        engine.ask(question.text)
    started = time.perf_counter()
    engine.vectors.embed_pending()
    embed_s = time.perf_counter() - started
    figures = measure_answering(engine, engine.lexical, repeated, min(spec["brute_questions"], len(questions)))
    meaning = measure_semantic(engine, repeated)
    folder = Path(spec["folder"])
    (folder / "questions.json").write_text(json.dumps([q.text for q in questions]), encoding="utf-8")
    asyncio.run(measure_loading(bench_settings(folder / "bench.db"), index_file=False))  # creates the database
    return {
        "facts": len(engine),
        "index_s": round(index_s, 4),
        "questions": len(questions),
        "embedding": {"texts": engine.vectors.index.rows, "seconds": round(embed_s, 2), "with_model_load": True},
        **figures.as_dict(),
        **meaning,
    }


def answer_synthetic(spec: dict[str, Any]) -> dict[str, Any]:
    """A synthetic base of ``spec["size"]`` facts: generate, embed (or reuse the vectors a previous run cached),
    index, answer, brute force; then store it with its vectors."""
    started = time.perf_counter()
    base = generate(spec["size"], spec["seed"])
    generate_s = time.perf_counter() - started
    vectors, embedding = base_vectors(base.facts, spec["embed_budget_s"])  # every core: before pinning to one
    pin_to_one_core()
    gc.collect()
    engine, index_s = _timed_engine(base.lexicon, base.sources, base.facts)
    started = time.perf_counter()
    engine.vectors.embed_pending(vectors)
    semantic_index_s = time.perf_counter() - started
    questions = base.questions(spec["questions"])
    for question in base.questions(_WARM_UP + 1)[:_WARM_UP]:  # another mix: warms the weights, not the typo cache
        engine.ask(question.text)
        engine.semantic_rank(question.text, 3)
    figures = measure_answering(engine, engine.lexical, questions, spec["brute_questions"])
    meaning = measure_semantic(engine, questions)
    folder = Path(spec["folder"])
    settings = asyncio.run(store_base(base, folder, vectors))
    (folder / "questions.json").write_text(json.dumps([q.text for q in questions]), encoding="utf-8")
    return {
        "facts": len(base.facts),
        "sources": len(base.sources),
        "generate_s": round(generate_s, 2),
        "index_s": round(index_s, 3),
        "semantic_index_s": round(semantic_index_s, 3),
        "semantic_vectors": engine.vectors.index.rows,
        "embedding": embedding,
        "database": str(settings.database_path),
        **figures.as_dict(),
        **meaning,
    }


def load_and_discord(spec: dict[str, Any]) -> dict[str, Any]:
    """Load the stored base through the store (timed, then resident memory), with or without the index file
    (``spec["index_file"]``); then, when ``spec["discord"]``, drive the bot in SimCord."""
    folder = Path(spec["folder"])
    if spec.get("curated"):
        settings = bench_settings(folder / "bench.db")
    else:
        settings = bench_settings(folder / "bench.db", folder / "facts")
    loading = asyncio.run(measure_loading(settings, index_file=spec["index_file"]))
    if not spec["discord"]:
        return loading
    questions: list[str] = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    questions = questions[: spec["discord_questions"]]
    partials = [question[: max(3, len(question) * 2 // 3)] for question in questions]
    return {**loading, "discord": asyncio.run(measure_discord(settings, questions, partials))}


_MODES = {"answer-curated": answer_curated, "answer-synthetic": answer_synthetic, "load": load_and_discord}


def main(argv: list[str]) -> int:
    """Run one mode with its JSON spec and print the result as the last line."""
    mode, spec = argv[0], json.loads(argv[1])
    print(json.dumps(_MODES[mode](spec)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
