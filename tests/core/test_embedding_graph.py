"""The model's word table dequantised after the lookup: the very same vectors as the graph as published, and a
graph without that pattern is left alone."""

from __future__ import annotations

import dataclasses

import numpy as np

from bot.core.embedding import MINILM, OnnxEncoder
from bot.core.embedding_graph import gather_before_dequantizing
from bot.core.evaluation import load_cases
from bot.settings import PROJECT_ROOT

TEXTS = [
    *(case.q for name in ("paraphrases", "blind") for case in load_cases(PROJECT_ROOT / "eval" / f"{name}.jsonl")),
    "",
    "ünïcödé — and emoji 🕊️ and 中文 and a word never seen: zxqvbnm",
    " ".join(["ceasefire"] * 300),  # past the 256 tokens the model reads
]


def test_the_rewritten_graph_gives_every_vector_bit_for_bit() -> None:
    published = dataclasses.replace(MINILM, word_table="")  # the file as it is
    original = OnnxEncoder(published, memo=0).encode(TEXTS)
    rewritten = OnnxEncoder(MINILM, memo=0).encode(TEXTS)
    assert np.array_equal(original, rewritten)
    one_by_one = OnnxEncoder(MINILM, memo=0)
    assert np.array_equal(np.vstack([one_by_one.encode([text]) for text in TEXTS[:40]]), original[:40])


def test_the_pinned_model_is_rewritten_and_other_graphs_are_left_alone() -> None:
    model = MINILM.path().read_bytes()
    rewritten = gather_before_dequantizing(model, MINILM.word_table)
    assert rewritten is not None and rewritten != model
    assert gather_before_dequantizing(rewritten, MINILM.word_table) is None  # the pattern is gone
    assert gather_before_dequantizing(model, "inner.embeddings.no_such_table") is None
    # A layer's weights are dequantised the same way, but multiplied whole, not gathered: not this pattern.
    assert b"val_49_scale" in model and gather_before_dequantizing(model, "val_49") is None
    assert gather_before_dequantizing(b"not a model at all", MINILM.word_table) is None
    assert gather_before_dequantizing(model[: len(model) // 2], MINILM.word_table) is None
