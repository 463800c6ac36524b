"""The questions asked before: their file, and how close a new question is to them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.core.asked import (
    ASKED_FILE,
    NEIGHBOURS,
    NOTHING_ASKED,
    AskedError,
    AskedIndex,
    AskedQuestion,
    Nearest,
    encode_asked,
    load_asked,
)
from bot.core.engine import Engine
from bot.core.semantic import quantize


def _index(engine: Engine) -> AskedIndex:
    questions = [
        AskedQuestion(q="did moscow say yes to the truce", facts=("russia-position",), group="one"),
        AskedQuestion(q="how old is putin", facts=(), group="one"),
        AskedQuestion(q="how long would the pause in fighting last", facts=("ukraine-agreed",), group="two"),
    ]
    vectors = quantize(engine.question_vectors([question.q for question in questions]))
    return AskedIndex(engine.vectors.encoder.fingerprint, questions, vectors)


def test_a_question_is_closest_to_the_questions_asked_about_its_fact(curated_engine: Engine) -> None:
    index = _index(curated_engine)
    vector = curated_engine.question_vectors(["did the kremlin accept the ceasefire"])[0]
    nearest = index.nearest(vector, ["russia-position", "ukraine-agreed", "who-is-putin"])
    assert nearest.by_fact["russia-position"] > nearest.by_fact["ukraine-agreed"]
    assert "who-is-putin" not in nearest.by_fact  # nobody asked about it: known by its own phrasings only
    assert nearest.similarity("who-is-putin", 0.25) == 0.25
    personal = index.nearest(curated_engine.question_vectors(["what is putin's age"])[0], [])
    assert personal.refused > 0.8 > nearest.refused


def test_the_closest_questions_vote_by_closeness(curated_engine: Engine) -> None:
    index = _index(curated_engine)
    vector = curated_engine.question_vectors(["did the kremlin accept the ceasefire"])[0]
    kremlin = index.nearest(vector, ["russia-position", "ukraine-agreed"])
    votes = kremlin.votes({})
    assert votes.by_fact["russia-position"] > votes.by_fact["ukraine-agreed"]
    assert votes.by_fact["russia-position"] > votes.refused
    assert sum(votes.by_fact.values()) + votes.refused == pytest.approx(1.0)
    age = index.nearest(curated_engine.question_vectors(["what is putin's age"])[0], []).votes({})
    assert age.refused > 0.5
    # A fact's own phrasings count as questions it answers: closer than every question asked, it leads the vote.
    assert kremlin.votes({"who-is-putin": 0.99}).by_fact["who-is-putin"] > 0.5
    # So does a question worded as one of its phrasings.
    assert kremlin.with_phrasings(["ukraine-agreed"]).votes({}).by_fact["ukraine-agreed"] > 0.5
    # A question answered by a fact not among the candidates (a moderator removed it, say) has no vote.
    assert "russia-position" not in index.nearest(vector, ["ukraine-agreed"]).votes({}).by_fact


def test_a_question_asking_for_something_besides_what_it_names_is_compared_with_its_like(
    curated_engine: Engine,
) -> None:
    questions = [
        AskedQuestion(q="did ukraine agree to the ceasefire", facts=("ukraine-agreed",), group="one"),
        AskedQuestion(q="what else did ukraine agree to besides the ceasefire", facts=("minerals-deal",), group="one"),
    ]
    vectors = quantize(curated_engine.question_vectors([question.q for question in questions]))
    index = AskedIndex(curated_engine.vectors.encoder.fingerprint, questions, vectors)
    candidates = ["ukraine-agreed", "minerals-deal"]
    plain = index.nearest(curated_engine.question_vectors(["didn't ukraine refuse the ceasefire"])[0], candidates)
    assert set(plain.by_fact) == {"ukraine-agreed"}
    assert set(plain.votes({}).by_fact) == {"ukraine-agreed"} and plain.votes({}).by_fact["ukraine-agreed"] > 0.5
    vector = curated_engine.question_vectors(["apart from the truce, what did kyiv sign"])[0]
    besides = index.nearest(vector, candidates, besides=True)
    assert set(besides.by_fact) == {"minerals-deal"}
    assert set(besides.votes({}).by_fact) == {"minerals-deal"} and besides.votes({}).by_fact["minerals-deal"] > 0.5


def test_with_no_questions_kept_only_the_facts_own_phrasings_vote() -> None:
    assert NOTHING_ASKED.votes({}).refused == 1.0  # nothing at all to go by
    votes = NOTHING_ASKED.votes({"russia-position": 0.9, "ukraine-agreed": 0.5})
    assert votes.refused < 0.001 and votes.by_fact["russia-position"] > 0.99


def test_distant_neighbours_alone_do_not_vote_unanimously() -> None:
    # Ten questions about one fact, none of them close: the question resembles nothing asked, so much of the vote
    # says "not answered" rather than all of it naming that fact.
    distant = Nearest({"oval-office": 0.42}, 0.3, tuple((0.42, ("oval-office",)) for _ in range(NEIGHBOURS)))
    assert distant.votes({}).refused > 0.3
    close = Nearest({"oval-office": 0.8}, 0.3, tuple((0.8, ("oval-office",)) for _ in range(NEIGHBOURS)))
    assert close.votes({}).by_fact["oval-office"] > 0.99


def test_a_set_is_read_without_its_own_questions(curated_engine: Engine) -> None:
    index = _index(curated_engine)
    assert [question.group for question in index.excluding("one").questions] == ["two"]
    vector = curated_engine.question_vectors(["did moscow say yes to the truce"])[0]
    assert index.nearest(vector, ["russia-position"]).by_fact["russia-position"] == pytest.approx(1.0, abs=0.02)
    assert index.excluding("one").nearest(vector, ["russia-position"]).refused == 1.0  # none kept: as if refused


def test_the_file_keeps_questions_and_vectors_exactly(curated_engine: Engine, tmp_path: Path) -> None:
    index = _index(curated_engine)
    path = tmp_path / "asked.jsonl"
    path.write_text(encode_asked(index), encoding="utf-8")
    loaded = load_asked(path, curated_engine.vectors.encoder.fingerprint)
    assert loaded.questions == index.questions
    assert np.array_equal(loaded.vectors.codes, index.vectors.codes)
    assert np.array_equal(loaded.vectors.scales, index.vectors.scales)
    # Vectors of another model are never compared with this one's.
    assert len(load_asked(path, "another-model sha256:0")) == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "",
        lambda text: text.replace('"questions":3', '"questions":4'),
        lambda text: text.replace('"vector": "', '"vector": "!!'),
        lambda text: text.replace('"scale":', '"scales":'),
    ],
)
def test_a_damaged_file_is_refused_with_how_to_rebuild_it(
    curated_engine: Engine, tmp_path: Path, damage: Callable[[str], str]
) -> None:
    path = tmp_path / "asked.jsonl"
    path.write_text(damage(encode_asked(_index(curated_engine))), encoding="utf-8")
    with pytest.raises(AskedError) as raised:
        load_asked(path, curated_engine.vectors.encoder.fingerprint)
    assert len(raised.value.problems) == 1 and "python -m bot calibrate" in raised.value.problems[0]


def test_the_shipped_questions_name_curated_facts_and_hold_the_models_vectors(curated_engine: Engine) -> None:
    shipped = load_asked(ASKED_FILE, curated_engine.vectors.encoder.fingerprint)
    assert len(shipped) > 1000  # made by this model: not refused as another model's
    problems = [
        f"{question.q!r} names {fact_id!r}, which is not a curated fact"
        for question in shipped.questions
        for fact_id in question.facts
        if curated_engine.fact(fact_id) is None
    ]
    assert problems == []
    sample = list(range(0, len(shipped), 97))
    fresh = curated_engine.question_vectors([shipped.questions[row].q for row in sample])
    kept = shipped.vectors.codes[sample].astype(np.float32) * shipped.vectors.scales[sample, None]
    assert np.abs((fresh * kept).sum(axis=1) - 1.0).max() < 0.01
