"""The semantic index as a file: a restored engine ranks by meaning exactly as the built one, keeps changing fact
by fact, and any other file (another key, damaged, cut short) is refused."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from bot.core.cache_file import CacheFileError
from bot.core.embedding import MINILM, OnnxEncoder
from bot.core.engine import Engine
from bot.core.evaluation import load_cases
from bot.core.models import Citation, Fact
from bot.core.semantic_file import encode_semantic, read_semantic, semantic_key
from bot.settings import PROJECT_ROOT

QUESTIONS = [
    case.q for name in ("paraphrases", "blind") for case in load_cases(PROJECT_ROOT / "eval" / f"{name}.jsonl")
]
FINGERPRINT = OnnxEncoder().fingerprint


@pytest.fixture(scope="module")
def built(curated_engine: Engine) -> Engine:
    """An engine over the curated facts with every fact's vectors (shared: tests must not change it)."""
    engine = Engine(curated_engine.lexicon, curated_engine.sources.values(), curated_engine.facts.values())
    engine.vectors.embed_pending()
    return engine


def _write(engine: Engine, path: Path, key: str) -> None:
    with path.open("wb") as file:
        file.writelines(encode_semantic(engine.vectors.semantic_state(), key))


def _restored(built: Engine, path: Path) -> Engine:
    """A new engine over the built one's facts, its semantic index read back from the file ``built`` wrote."""
    facts = list(built.facts.values())
    key = semantic_key(FINGERPRINT, facts)
    _write(built, path, key)
    engine = Engine(built.lexicon, built.sources.values(), facts, encoder=built.vectors.encoder)
    with path.open("rb") as file:
        engine.vectors.adopt_semantic(read_semantic(file, key))
    return engine


def _ranked(engine: Engine, question: str) -> list[tuple[str, float]]:
    return engine.semantic_rank(question, 10)


def test_a_restored_engine_ranks_and_answers_exactly_as_the_built_one(built: Engine, tmp_path: Path) -> None:
    restored = _restored(built, tmp_path / "bot.db.vectors")
    assert restored.vectors.unembedded == 0 and restored.vectors.index.rows == built.vectors.index.rows
    kept, again = built.vectors.semantic_state(), restored.vectors.semantic_state()
    assert kept.fact_ids == again.fact_ids
    for name in ("counts", "kinds"):
        assert np.array_equal(getattr(kept, name), getattr(again, name))
    assert np.array_equal(kept.vectors.codes, again.vectors.codes)
    assert np.array_equal(kept.vectors.scales, again.vectors.scales)
    for question in QUESTIONS:
        assert _ranked(restored, question) == _ranked(built, question), question
        assert restored.ask(question) == built.ask(question), question


def test_a_restored_index_still_changes_fact_by_fact(built: Engine, tmp_path: Path) -> None:
    restored = _restored(built, tmp_path / "bot.db.vectors")
    fact = restored.fact("article-author")
    assert fact is not None
    question = "who is the author of the article"
    assert _ranked(restored, question)[0][0] == fact.id
    restored.drop_fact(fact.id)  # a moderator removes it
    assert fact.id not in restored.vectors.index and all(f != fact.id for f, _ in _ranked(restored, question))
    restored.put_fact(fact)  # restores it: its rows go past the end of the arrays read from the file
    assert _ranked(restored, question)[0][0] == fact.id
    edited = fact.model_copy(update={"question": "Which reporter's byline is on the story?", "aliases": ()})
    restored.put_fact(edited)  # edits it
    assert _ranked(restored, "which reporter's byline is on the story")[0][0] == fact.id
    for other in list(restored.facts.values())[: len(restored) * 3 // 4]:  # enough removed to compact the index
        restored.drop_fact(other.id)
    index = restored.vectors.index
    assert len(index) == len(restored) and index.rows == sum(restored.vectors.semantic_state().counts)


def test_the_key_follows_the_model_every_text_the_order_and_how_texts_are_split(built: Engine) -> None:
    facts = list(built.facts.values())
    key = semantic_key(FINGERPRINT, facts)
    assert semantic_key(FINGERPRINT, facts) == key
    fact = next(fact for fact in facts if fact.aliases)
    index = facts.index(fact)
    quote = fact.citations[0]
    changed = [
        fact.model_copy(update={"question": fact.question + "?"}),
        fact.model_copy(update={"answer": fact.answer + " "}),
        fact.model_copy(update={"aliases": fact.aliases[1:]}),
        fact.model_copy(update={"citations": (Citation(**{**quote.model_dump(), "quote": quote.quote + "."}),)}),
        # The same texts in the same order, one alias become a quote: another fact.
        fact.model_copy(
            update={
                "aliases": fact.aliases[:-1],
                "citations": (*fact.citations, Citation(**{**quote.model_dump(), "quote": fact.aliases[-1]})),
            }
        ),
    ]
    for other in changed:
        assert semantic_key(FINGERPRINT, [*facts[:index], other, *facts[index + 1 :]]) != key
    assert semantic_key(FINGERPRINT, facts[::-1]) != key
    assert semantic_key(FINGERPRINT, facts[:-1]) != key
    assert semantic_key(f"{MINILM.model_id} sha256:{'0' * 64}", facts) != key


def _facts_key(built: Engine) -> tuple[list[Fact], str]:
    facts = list(built.facts.values())
    return facts, semantic_key(FINGERPRINT, facts)


def _read(path: Path, key: str) -> None:
    with path.open("rb") as file:
        read_semantic(file, key)


def test_a_file_made_under_another_key_is_refused(built: Engine, tmp_path: Path) -> None:
    facts, key = _facts_key(built)
    path = tmp_path / "bot.db.vectors"
    _write(built, path, key)
    with pytest.raises(CacheFileError, match="other facts"):
        _read(path, semantic_key(FINGERPRINT, facts[1:]))


def test_damaged_cut_or_foreign_files_are_refused(built: Engine, tmp_path: Path) -> None:
    _, key = _facts_key(built)
    path = tmp_path / "bot.db.vectors"
    _write(built, path, key)
    data = path.read_bytes()
    header_end = data.index(b"}") + 1
    damaged = [
        _flipped(data, len(data) - 100),  # in the vectors
        _flipped(data, header_end + 3),  # in the fact ids
        data[:-1],
        data + b"\0",
        b"",
        b"factbot-index\n" + data[len(b"factbot-vectors\n") :],  # another kind of file
    ]
    for contents in damaged:
        path.write_bytes(contents)
        with pytest.raises(CacheFileError):
            _read(path, key)


def _flipped(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0xFF
    return bytes(changed)


def _with_header(data: bytes, **changes: object) -> bytes:
    """``data`` with its header's fields changed (its checksum left as it was)."""
    start = len(b"factbot-vectors\n")
    (size,) = struct.unpack_from("<I", data, start)
    header = json.loads(data[start + 4 : start + 4 + size])
    encoded = json.dumps({**header, **changes}).encode("ascii")
    return data[:start] + struct.pack("<I", len(encoded)) + encoded + data[start + 4 + size :]


def test_a_header_that_lies_about_its_sections_is_refused_before_anything_is_read(
    built: Engine, tmp_path: Path
) -> None:
    _, key = _facts_key(built)
    path = tmp_path / "bot.db.vectors"
    _write(built, path, key)
    data = path.read_bytes()
    start = len(b"factbot-vectors\n")
    (size,) = struct.unpack_from("<I", data, start)
    header = json.loads(data[start + 4 : start + 4 + size])
    rows, sections = header["rows"], header["sections"]
    lies = [
        {"rows": rows * 10**6, "sections": [sections[0], *(s * 10**6 for s in sections[1:])]},  # huge: never made
        {"rows": rows + 1},
        {"facts": -1},
        {"sections": sections[:-1]},
        {"format": 2},
    ]
    for lie in lies:
        path.write_bytes(_with_header(data, **lie))
        with pytest.raises(CacheFileError):
            _read(path, key)
    path.write_bytes(_with_header(data, note="anything"))  # any change to the header fails the checksum
    with pytest.raises(CacheFileError, match="checksum"):
        _read(path, key)
