"""The index as bytes: a restored engine is the engine building would give, and any other file is refused."""

from __future__ import annotations

import dataclasses
import json
import struct
from collections.abc import Callable
from typing import Any

import pytest

from bot.bench.synthetic import generate
from bot.core import index_file
from bot.core.cache_file import CacheFileError
from bot.core.engine import Engine
from bot.core.evaluation import load_cases
from bot.core.index_file import decode_index, encode_index
from bot.core.lexicon import Lexicon
from bot.core.models import Fact
from bot.settings import PROJECT_ROOT

QUESTIONS = [
    case.q
    for name in ("paraphrases", "blind", "blind2")
    for case in load_cases(PROJECT_ROOT / "eval" / f"{name}.jsonl")
]


def _key(lexicon: Lexicon, facts: list[Fact]) -> str:
    return index_file.index_key(lexicon, [index_file.content_digest(facts)])


def _round_trip(engine: Engine, facts: list[Fact]) -> Engine:
    key = _key(engine.lexicon, facts)
    data = b"".join(encode_index(engine.index_state(), key))
    return Engine.with_index(engine.lexicon, engine.sources.values(), facts, decode_index(data, key))


def _encoded(engine: Engine) -> bytes:
    facts = list(engine.facts.values())
    return b"".join(encode_index(engine.index_state(), _key(engine.lexicon, facts)))


def test_a_restored_curated_engine_answers_and_completes_exactly_as_the_built_one(fresh_engine: Engine) -> None:
    facts = list(fresh_engine.facts.values())
    assert any(len(fact.citations) > 1 for fact in facts)  # further citations' names are part of the state
    restored = _round_trip(fresh_engine, facts)
    assert restored.index_state() == fresh_engine.index_state()
    assert restored.facts == fresh_engine.facts
    for question in QUESTIONS:
        assert restored.ask(question) == fresh_engine.ask(question), question
        partial = question[: len(question) // 2]
        assert restored.complete(partial) == fresh_engine.complete(partial), partial
    # and it stays an ordinary engine: changes reach its index
    gone = facts[0]
    restored.drop_fact(gone.id)
    assert all(s.fact_id != gone.id for s in restored.complete(gone.question))


def test_a_restored_synthetic_base_has_the_same_state() -> None:
    base = generate(400, seed=5)
    built = Engine(base.lexicon, base.sources, base.facts)
    restored = _round_trip(built, base.facts)
    assert restored.index_state() == built.index_state()
    for question in base.questions(100):  # the lexical index is what the file restores
        assert restored.lexical.rank(question.text, 10) == built.lexical.rank(question.text, 10)


@pytest.mark.parametrize("cut", [0, 1, 200, 399, 400])
def test_an_index_built_in_two_parts_is_the_index_built_in_one(cut: int) -> None:
    base = generate(400, seed=7)
    built = Engine(base.lexicon, base.sources, base.facts)
    first = Engine(base.lexicon, base.sources, base.facts[:cut])
    later = Engine(base.lexicon, base.sources, base.facts[cut:])
    # As a helper process sends it: numbered from where it goes, through the file format.
    key = _key(base.lexicon, base.facts[cut:])
    moved = decode_index(b"".join(encode_index(later.index_state().moved_to(cut), key)), key)
    assert moved.first_slot == cut
    again = Engine(base.lexicon, base.sources, base.facts[:cut])
    again.absorb(base.facts[cut:], moved)
    first.absorb(base.facts[cut:], later.index_state())  # numbered from 0: moved when absorbed
    for engine in (first, again):
        assert engine.index_state() == built.index_state()
        assert engine.facts == built.facts and list(engine.facts) == list(built.facts)
    for question in base.questions(60):  # the lexical index is what is built in parts
        ranked = built.lexical.rank(question.text, 10)
        assert first.lexical.rank(question.text, 10) == again.lexical.rank(question.text, 10) == ranked
    # The parts stay independent: changing the one that was absorbed leaves the whole as it was.
    whole = first.index_state()
    for fact in base.facts[cut:]:
        later.drop_fact(fact.id)
    assert first.index_state() == whole == built.index_state()


def test_a_part_is_only_absorbed_over_its_own_facts_after_different_ones(fresh_engine: Engine) -> None:
    facts = list(fresh_engine.facts.values())
    lexicon, sources = fresh_engine.lexicon, fresh_engine.sources.values()
    part = Engine(lexicon, sources, facts[5:]).index_state()
    engine = Engine(lexicon, sources, facts[:6])  # facts[5] is in both
    before = engine.index_state()
    with pytest.raises(ValueError, match="same id"):
        engine.absorb(facts[5:], part)
    with pytest.raises(ValueError, match="other facts"):
        engine.absorb(facts[6:], part)
    assert engine.index_state() == before and len(engine.facts) == 6


def test_an_empty_base_round_trips(fresh_engine: Engine) -> None:
    empty = Engine(fresh_engine.lexicon, fresh_engine.sources.values())
    assert _round_trip(empty, []).index_state() == empty.index_state()


def test_the_key_follows_every_indexed_text_the_order_and_the_lexicon(fresh_engine: Engine) -> None:
    facts = list(fresh_engine.facts.values())
    lexicon = fresh_engine.lexicon
    key = _key(lexicon, facts)
    assert _key(lexicon, [fact.model_copy() for fact in facts]) == key
    cited_twice = next(i for i, fact in enumerate(facts) if len(fact.citations) > 1)
    fact = facts[cited_twice]
    further = fact.citations[1].model_copy(update={"speaker": fact.citations[1].speaker + " Jr."})
    changes = [
        fact.model_copy(update={"aliases": (*fact.aliases, "one more way to ask")}),
        fact.model_copy(update={"answer": fact.answer + " Indeed."}),
        fact.model_copy(update={"citations": (fact.citations[0], further, *fact.citations[2:])}),
    ]
    for changed in changes:
        assert _key(lexicon, [*facts[:cited_twice], changed, *facts[cited_twice + 1 :]]) != key
    assert _key(lexicon, facts[::-1]) != key
    assert _key(lexicon, facts[:-1]) != key
    assert _key(dataclasses.replace(lexicon, entities=lexicon.entities - {"putin"}), facts) != key
    # Off-topic names are checked when answering, not indexed: they leave the index as it is.
    assert _key(dataclasses.replace(lexicon, off_topic={}), facts) == key


def test_a_file_made_under_another_key_is_refused(fresh_engine: Engine) -> None:
    with pytest.raises(CacheFileError, match="other facts"):
        decode_index(_encoded(fresh_engine), "another key")


def test_damaged_or_foreign_bytes_are_refused(fresh_engine: Engine) -> None:
    data = _encoded(fresh_engine)
    key = _key(fresh_engine.lexicon, list(fresh_engine.facts.values()))
    flipped = bytearray(data)
    flipped[-5] ^= 0x01
    for damaged in (bytes(flipped), data[:-1], data + b"\0", data[: len(data) // 2], b"", b"SQLite format 3\0"):
        with pytest.raises(CacheFileError):
            decode_index(damaged, key)
    other_format = data.replace(b'"format": 1', b'"format": 9', 1)
    with pytest.raises(CacheFileError, match="another format"):
        decode_index(other_format, key)


def _with_header(data: bytes, change: Callable[[dict[str, Any]], object]) -> bytes:
    """``data`` with its header changed by ``change`` (the body and the checksum left as they were)."""
    start = len(b"factbot-index\n") + 4
    (size,) = struct.unpack_from("<I", data, start - 4)
    header = json.loads(data[start : start + size])
    change(header)
    encoded = json.dumps(header).encode()
    return data[: start - 4] + struct.pack("<I", len(encoded)) + encoded + data[start + size :]


def test_a_damaged_header_is_refused_like_a_damaged_body(fresh_engine: Engine) -> None:
    data = _encoded(fresh_engine)
    key = _key(fresh_engine.lexicon, list(fresh_engine.facts.values()))
    damages: list[Callable[[dict[str, Any]], object]] = [
        lambda header: header.update(first_slot=5),  # would number the facts wrongly: the checksum covers it
        lambda header: header.update(first_slot=True),
        lambda header: header.update(facts=header["facts"] - 1),
        lambda header: header.update(note="another note"),
        lambda header: header.update(sections=["x"] * 11),
    ]
    for damage in damages:
        with pytest.raises(CacheFileError, match="checksum"):
            decode_index(_with_header(data, damage), key)
    nested = data[: len(b"factbot-index\n")] + struct.pack("<I", 100_000) + b"[" * 100_000
    with pytest.raises(CacheFileError, match="unreadable header"):
        decode_index(nested, key)


def test_a_state_numbered_out_of_range_is_refused_and_changes_nothing(fresh_engine: Engine) -> None:
    facts = list(fresh_engine.facts.values())
    lexicon, sources = fresh_engine.lexicon, fresh_engine.sources.values()
    part = Engine(lexicon, sources, facts[5:]).index_state()
    engine = Engine(lexicon, sources, facts[:5])
    before = engine.index_state()
    for first_slot in (-1, 2**31):
        with pytest.raises(ValueError, match="cannot be numbered"):
            engine.absorb(facts[5:], dataclasses.replace(part, first_slot=first_slot))
    assert engine.index_state() == before and len(engine) == 5
    engine.absorb(facts[5:], part)  # and it still takes the part
    assert engine.index_state() == fresh_engine.index_state()


def test_a_state_is_only_restored_over_its_own_facts(fresh_engine: Engine) -> None:
    facts = list(fresh_engine.facts.values())
    state = fresh_engine.index_state()
    with pytest.raises(ValueError, match="other facts"):
        Engine.with_index(fresh_engine.lexicon, fresh_engine.sources.values(), facts[1:], state)
    short = dataclasses.replace(state, keys=state.keys[1:])
    with pytest.raises(ValueError, match="record per fact"):
        Engine.with_index(fresh_engine.lexicon, fresh_engine.sources.values(), facts, short)


def test_no_state_is_taken_once_facts_were_removed(fresh_engine: Engine) -> None:
    fresh_engine.drop_fact(next(iter(fresh_engine.facts)))
    with pytest.raises(ValueError, match="removed"):
        fresh_engine.index_state()


def test_a_note_is_read_from_the_head_of_the_file_and_plays_no_part_in_checking_it(fresh_engine: Engine) -> None:
    facts = list(fresh_engine.facts.values())
    key = _key(fresh_engine.lexicon, facts)
    noted = b"".join(encode_index(fresh_engine.index_state(), key, "after audit entry 7, 27 facts"))
    assert index_file.note_of(noted[: index_file.HEAD_SIZE]) == "after audit entry 7, 27 facts"
    assert decode_index(noted, key) == decode_index(_encoded(fresh_engine), key)
    assert index_file.note_of(b"SQLite format 3\0") is None and index_file.note_of(noted[:20]) is None
