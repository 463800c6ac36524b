"""Questions people asked, labelled with the facts that answer them (none for a question the article does not
answer): the decision's nearest-neighbour evidence.

The question sets the decision is fitted on are kept, with their vectors, in ``asked.jsonl`` (written by
``python -m bot calibrate``). A new question close in meaning to questions a fact answered is likely answered by
that fact; one close to a question the article does not answer is likely not answered either. Different writers
ask the same few things about one article in many ways, so these neighbours separate what paraphrases and near
misses alone cannot (docs/quality.md).

The file is its own versioned serialisation: a header line (format, and the sentence model the vectors belong to),
then one line per question with its facts, the set it came from, and its vector as int8 codes and a scale.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.answer_kinds import asks_besides
from bot.core.embedding import DIMENSION, Vectors
from bot.core.problems import ProblemsError
from bot.core.semantic import Quantized

__all__ = [
    "ASKED_FILE",
    "NEIGHBOURS",
    "NOTHING_ASKED",
    "AskedError",
    "AskedIndex",
    "AskedQuestion",
    "Nearest",
    "Votes",
    "encode_asked",
    "load_asked",
]

ASKED_FILE = Path(__file__).with_name("asked.jsonl")
_FORMAT: Literal["asked-questions/1"] = "asked-questions/1"
_NO_ROWS = np.array([], np.intp)


class AskedError(ProblemsError):
    """The asked questions' file is missing or invalid; the problem says which line and how to rebuild it."""

    heading = "The asked questions' file is invalid"


class _Header(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["asked-questions/1"]
    model: str  # the encoder's fingerprint the vectors were made with
    questions: int


class AskedQuestion(BaseModel):
    """A labelled question: the facts that answer it (none when out of scope) and the set it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str
    facts: tuple[str, ...]
    group: str


class _Line(AskedQuestion):
    vector: str  # base64 of DIMENSION int8 codes
    scale: float


# How many of the closest questions vote, and how fast a vote fades with distance (a question this much less similar
# than the closest counts 1/e as much): near neighbours decide, a crowd of distant ones does not.
NEIGHBOURS = 10
_VOTE_FADE = 0.05
# A question no asked question comes this close to resembles none of them: "nothing asked" votes as a question the
# article does not answer, this similar, so a crowd of distant neighbours ("what happened at the boston tea party"
# against the Oval Office questions) no longer votes unanimously for their fact.
_UNLIKE_ANY = 0.5


@dataclass(frozen=True, slots=True)
class Votes:
    """What the closest questions say, each weighed by how close it is: per fact, the share that it answers; and the
    share the article does not answer."""

    by_fact: dict[str, float]
    refused: float


@dataclass(frozen=True, slots=True)
class Nearest:
    """How close a question is to the asked questions: per fact, the closest question it answers; the closest
    question the article does not answer; and the :data:`NEIGHBOURS` closest questions (similarity, the facts that
    answer it), closest first."""

    by_fact: dict[str, float]
    refused: float
    neighbours: tuple[tuple[float, tuple[str, ...]], ...] = ()

    def with_phrasings(self, fact_ids: Collection[str]) -> Nearest:
        """This, with a question worded as one of ``fact_ids``' own phrasings: each fact's own question and aliases
        are questions it is known to answer (a moderator's word for it)."""
        if not fact_ids:
            return self
        worded = tuple((1.0, (fact_id,)) for fact_id in fact_ids)
        return Nearest({**self.by_fact, **dict.fromkeys(fact_ids, 1.0)}, self.refused, (*worded, *self.neighbours))

    def similarity(self, fact_id: str, floor: float) -> float:
        """The closest question ``fact_id`` answers, or ``floor`` when that is closer (its own phrasings' similarity:
        a fact nobody has asked about yet, such as a moderator's new one, is known by those)."""
        return max(self.by_fact.get(fact_id, floor), floor)

    def votes(self, own: Mapping[str, float]) -> Votes:
        """The closest questions' votes, counting each fact's own phrasings, ``own`` similarity away, as a question
        it answers (so a fact nobody has asked about yet, such as a moderator's new one, has its say)."""
        pool = sorted(
            [*self.neighbours, *((value, (fact_id,)) for fact_id, value in own.items()), (_UNLIKE_ANY, ())],
            reverse=True,
        )
        closest = pool[:NEIGHBOURS]
        if not closest:
            return Votes({}, 1.0)  # nothing to go by: as if refused
        weights = [math.exp((similarity - closest[0][0]) / _VOTE_FADE) for similarity, _ in closest]
        total = math.fsum(weights)
        by_fact: dict[str, float] = {}
        for weight, (_, facts) in zip(weights, closest, strict=True):
            for fact_id in facts:
                by_fact[fact_id] = by_fact.get(fact_id, 0.0) + weight / total
        refused = math.fsum(weight for weight, (_, facts) in zip(weights, closest, strict=True) if not facts)
        return Votes(by_fact, refused / total)


# What is known when no question was kept (their vectors were made by another model): every question is taken as
# close to one the article does not answer, so the decision, fitted with the questions, answers only what it is sure
# of without them; the facts' own phrasings are all that votes.
NOTHING_ASKED = Nearest({}, 1.0)


class AskedIndex:
    """The asked questions' vectors, searched by cosine similarity."""

    def __init__(self, fingerprint: str, questions: Sequence[AskedQuestion], vectors: Quantized) -> None:
        if len(questions) != len(vectors):
            raise ValueError(f"{len(questions)} questions but {len(vectors)} vectors")
        self.fingerprint = fingerprint
        self.questions = tuple(questions)
        self.vectors = vectors
        self._matrix = vectors.codes.astype(np.float32) * vectors.scales[:, None]
        self._besides = np.array([asks_besides(question.q) for question in self.questions], np.bool_)
        rows: dict[str, list[int]] = {}
        for row, question in enumerate(self.questions):
            for fact_id in question.facts:
                rows.setdefault(fact_id, []).append(row)
        self._rows_by_fact = {fact_id: np.array(found, np.intp) for fact_id, found in rows.items()}
        self._refused_rows = np.array([row for row, q in enumerate(self.questions) if not q.facts], np.intp)

    @classmethod
    def empty(cls, fingerprint: str = "") -> AskedIndex:
        """An index of no questions."""
        return cls(fingerprint, (), Quantized.join([]))

    def __len__(self) -> int:
        return len(self.questions)

    def excluding(self, group: str) -> AskedIndex:
        """This index without the questions of ``group``: how a question of that set is read when fitting, as a new
        writer's question would be."""
        keep = [row for row, question in enumerate(self.questions) if question.group != group]
        if len(keep) == len(self.questions):
            return self
        return AskedIndex(self.fingerprint, [self.questions[row] for row in keep], self.vectors.take(keep))

    def nearest(self, vector: Vectors, fact_ids: Sequence[str], besides: bool = False) -> Nearest:
        """How close the question with unit ``vector`` is to the questions each of ``fact_ids`` answers and to those
        the article does not answer. Only questions that ask for something besides what they name, when ``besides``
        (see :func:`asks_besides`), or only those that do not, otherwise, are compared: "did Ukraine agree to the
        ceasefire" is near "what else did Ukraine agree to besides the ceasefire" in meaning, not in answer."""
        if not len(self.questions):
            return NOTHING_ASKED
        similarities: npt.NDArray[np.float32] = (self._matrix @ vector).astype(np.float32, copy=False)
        alike = self._besides == besides
        by_fact = {
            fact_id: float(similarities[rows].max())
            for fact_id in fact_ids
            if len(rows := self._alike(self._rows_by_fact.get(fact_id, _NO_ROWS), alike))
        }
        refused_rows = self._alike(self._refused_rows, alike)
        refused = float(similarities[refused_rows].max()) if len(refused_rows) else NOTHING_ASKED.refused
        # Only questions refused, or answered by a candidate, vote: one answered by a fact no longer served (a
        # moderator removed it) or far from this question's candidates says nothing about them.
        on_table = set(fact_ids)
        voters = self._alike(
            np.unique(np.concatenate([self._refused_rows, *(self._rows_by_fact.get(f, _NO_ROWS) for f in on_table)])),
            alike,
        )
        order = voters[np.argsort(-similarities[voters], kind="stable")[:NEIGHBOURS]]
        neighbours = tuple(
            (float(similarities[row]), tuple(f for f in self.questions[row].facts if f in on_table)) for row in order
        )
        return Nearest(by_fact, refused, neighbours)

    @staticmethod
    def _alike(rows: npt.NDArray[np.intp], alike: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
        return rows[alike[rows]]


def encode_asked(index: AskedIndex) -> str:
    """The file's text for ``index`` (see the module's docstring)."""
    header = _Header(format=_FORMAT, model=index.fingerprint, questions=len(index))
    lines = [header.model_dump_json()]
    for question, codes, scale in zip(index.questions, index.vectors.codes, index.vectors.scales, strict=True):
        vector = base64.b64encode(codes.tobytes()).decode("ascii")
        line = _Line(q=question.q, facts=question.facts, group=question.group, vector=vector, scale=float(scale))
        lines.append(json.dumps(line.model_dump(), ensure_ascii=False))
    return "\n".join(lines) + "\n"


def load_asked(path: Path, fingerprint: str) -> AskedIndex:
    """The asked questions kept in ``path``, when their vectors were made by the model ``fingerprint`` names (an
    empty index otherwise: vectors of different models are never compared); AskedError names what is wrong. Every
    engine of a process shares one reading of an unchanged file (an index is never changed once made)."""
    try:
        stat = path.stat()
    except OSError as error:
        raise AskedError(
            [f"{path}: cannot read it ({error.strerror}); rebuild it with `python -m bot calibrate`"]
        ) from error
    return _load_asked(path, fingerprint, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load_asked(path: Path, fingerprint: str, modified_ns: int, size: int) -> AskedIndex:
    """:func:`load_asked` of the file as it was when modified at ``modified_ns`` with ``size`` bytes."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AskedError(
            [f"{path}: cannot read it ({error.strerror}); rebuild it with `python -m bot calibrate`"]
        ) from error
    lines = text.splitlines()
    try:
        header = _Header.model_validate_json(lines[0] if lines else "")
        if header.model != fingerprint:
            return AskedIndex.empty(fingerprint)
        parsed = [_Line.model_validate_json(line) for line in lines[1:]]
        codes = np.frombuffer(b"".join(base64.b64decode(line.vector, validate=True) for line in parsed), np.int8)
        if len(parsed) != header.questions or codes.size != len(parsed) * DIMENSION:
            raise ValueError(f"the header promises {header.questions} questions of {DIMENSION} values")
    except (ValidationError, ValueError, binascii.Error) as error:
        raise AskedError([f"{path}: {error}; rebuild it with `python -m bot calibrate`"]) from error
    vectors = Quantized(codes.reshape(len(parsed), DIMENSION), np.array([line.scale for line in parsed], np.float32))
    questions = [AskedQuestion(q=line.q, facts=line.facts, group=line.group) for line in parsed]
    return AskedIndex(fingerprint, questions, vectors)
