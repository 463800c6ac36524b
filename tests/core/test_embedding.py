"""The sentence model on its real weights: the pinned file only, batches as exact as one text at a time, and the
vectors this model is known to give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.embedding import DIMENSION, MINILM, ModelError, OnnxEncoder, default_encoder

TEXTS = [
    "Did Russia accept the ceasefire proposal?",
    "hi",
    "What did Marco Rubio say after the talks in Jeddah with the Ukrainian delegation about the next steps?",
    "Has Moscow agreed to the truce?",
    "What is the capital of France?",
]


def test_a_model_file_other_than_the_pinned_one_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "model.onnx"
    real = MINILM.path().read_bytes()
    other.write_bytes(real[:-1] + bytes([real[-1] ^ 1]))  # one bit changed
    with pytest.raises(ModelError, match="sha256"):
        OnnxEncoder(model_file=other).encode(["hello"])
    with pytest.raises(ModelError, match="cannot read"):
        OnnxEncoder(model_file=tmp_path / "missing.onnx").encode(["hello"])


def test_constructing_costs_nothing_and_the_model_loads_on_the_first_text() -> None:
    encoder = OnnxEncoder()
    assert not encoder.loaded
    assert encoder.encode([]).shape == (0, DIMENSION) and not encoder.loaded
    vectors = encoder.encode(["hello world"])
    assert encoder.loaded and vectors.shape == (1, DIMENSION) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)


def test_a_batch_gives_each_text_the_vector_it_gets_alone() -> None:
    encoder = OnnxEncoder(memo=0)  # every text through the model, however often it comes
    batch = encoder.encode(TEXTS)
    alone = np.vstack([encoder.encode([text]) for text in TEXTS])
    # Padded to the longest text of the batch, the short texts still get exactly their own vectors.
    np.testing.assert_allclose(batch, alone, atol=1e-5)
    many = [f"{text} ({number})" for number in range(20) for text in TEXTS]  # several batches, shuffled lengths
    np.testing.assert_allclose(
        encoder.encode(many)[::7], np.vstack([encoder.encode([t]) for t in many[::7]]), atol=1e-5
    )


def test_texts_met_before_are_remembered_not_encoded_again() -> None:
    encoder = OnnxEncoder(memo=2)
    first = encoder.encode(["hello world", "good morning"])
    again = encoder.encode(["good morning", "hello world", "good morning"])
    assert encoder.encoded == 2 and np.array_equal(again, first[[1, 0, 1]])
    encoder.encode(["good evening"])  # the oldest remembered text is forgotten
    encoder.encode(["hello world"])
    assert encoder.encoded == 4


def test_inputs_are_truncated_at_256_tokens_not_128() -> None:
    encoder = default_encoder()
    words = ["ceasefire"] * 150 + ["weather"] * 150  # one token each
    at_128, at_256, longer = encoder.encode([" ".join(words[:126]), " ".join(words[:254]), " ".join(words)])
    assert float(at_128 @ at_256) < 0.99  # the words after 128 tokens count
    np.testing.assert_allclose(at_256, longer, atol=1e-5)  # the words after 256 do not


def test_the_vectors_are_those_of_all_minilm_l6_v2() -> None:
    encoder = default_encoder()
    hello = encoder.encode(["hello world"])[0]
    # The full-precision model's first components for "hello world" as fastembed's test suite publishes them; the
    # int8 weights move each by less than 0.01.
    np.testing.assert_allclose(hello[:5], [-0.034478, 0.03102, 0.00673, 0.02611, -0.039362], atol=0.01)
    accept, _, _, truce, france = encoder.encode(TEXTS)
    assert float(accept @ truce) > 0.6
    assert float(accept @ france) < 0.3


def test_the_model_knows_real_words_not_misspellings() -> None:
    encoder = OnnxEncoder()
    assert encoder.knows("committee") and encoder.knows("bother")
    assert not encoder.knows("ceasfire") and not encoder.knows("phot")
    assert not encoder.loaded  # the vocabulary is the tokenizer's: the model itself is not loaded for it
