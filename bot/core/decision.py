"""The answer / offer / refuse decision: from what each ranking says about the candidate facts to what the asker
is told.

Every candidate fact (the best of the lexical and the semantic ranking) is described by a few numbers
(:class:`Evidence`); a logistic model fitted on labelled questions (:class:`Calibration`, kept in
``facts/decision.toml`` and refitted by ``python -m bot calibrate``) turns them into the probability that the fact
answers the question. The most probable fact is answered when that probability is high enough; otherwise the
closest facts are offered, unless nothing is close at all.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "DECISION_FILE",
    "FEATURES",
    "Calibration",
    "CalibrationError",
    "Candidate",
    "Evidence",
    "Match",
    "MatchStatus",
    "decide",
    "gather_evidence",
    "load_calibration",
]

# The numbers describing one candidate, in the order the model's weights take them.
FEATURES = (
    "lexical",  # its lexical score over the question's known words, 0-1
    "lexical_lead",  # that score less the best other candidate's (negative when behind)
    "semantic",  # cosine similarity of the question and the fact's closest text, -1 to 1
    "semantic_lead",  # that similarity less the best other candidate's
    "agreement",  # 1 when it leads both rankings, 0.5 when it leads one, else 0
    "unknown",  # the share of the question's weight in words no fact holds (a question-wide figure)
    "specific",  # how many known content words the question has, up to four, as a share of four
)
_SPECIFIC_WORDS = 4
# The fitted decision, shipped with the code it was fitted for (``python -m bot calibrate`` writes it).
DECISION_FILE = Path(__file__).with_name("decision.toml")


class MatchStatus(StrEnum):
    """How confidently a question was matched."""

    ANSWERED = "answered"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"
    USAGE = "usage"  # a greeting or a request for help, not a question: answered with how to use the bot


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fact and how well it matched (0-100)."""

    fact_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome for one question: the status, the best fact (if answered) and the runners-up, best first."""

    status: MatchStatus
    best: Candidate | None
    candidates: tuple[Candidate, ...]
    off_topic: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the rankings say about one candidate fact for one question (see :data:`FEATURES`)."""

    fact_id: str
    values: tuple[float, ...]

    def feature(self, name: str) -> float:
        """The value of the feature ``name``."""
        return self.values[FEATURES.index(name)]


class CalibrationError(ValueError):
    """The decision's data file is missing or invalid; the message says which and how to refit it."""


class Calibration(BaseModel):
    """The fitted decision: a logistic model over :data:`FEATURES` and the probabilities that decide.

    ``answer``: the best fact is answered at this probability or above, when it leads the next by ``margin`` (two
    facts that fit alike are offered, not guessed between). ``offer``: below ``answer``, the close
    facts are offered as "did you mean" at this or above. ``suggest``: below ``offer``, close facts are still
    suggested when the best has this probability or its semantic similarity is at least ``related``; under both,
    the question is refused without suggestions (clearly off-topic).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bias: float
    weights: dict[str, float]
    answer: float = Field(gt=0, lt=1)
    margin: float = Field(ge=0, lt=1)
    offer: float = Field(gt=0, lt=1)
    suggest: float = Field(ge=0, lt=1)
    related: float = Field(ge=-1, le=1)

    @model_validator(mode="after")
    def _complete(self) -> Calibration:
        if set(self.weights) != set(FEATURES):
            raise ValueError(f"weights must name exactly the features {', '.join(FEATURES)}")
        if not self.suggest <= self.offer <= self.answer:
            raise ValueError("the probabilities must keep suggest <= offer <= answer")
        return self

    def probability(self, evidence: Evidence) -> float:
        """The probability that the candidate answers the question."""
        weights = self.weights
        total = self.bias + math.fsum(
            weights[name] * value for name, value in zip(FEATURES, evidence.values, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, total))))


def load_calibration(path: Path) -> Calibration:
    """Read the decision's data file; CalibrationError says what is wrong and how to refit it."""
    try:
        return Calibration.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise CalibrationError(
            f"{path}: cannot read the decision file ({error.strerror}); refit it with `python -m bot calibrate`"
        ) from error
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise CalibrationError(
            f"{path}: invalid decision file ({error}); refit it with `python -m bot calibrate`"
        ) from error


def gather_evidence(
    lexical: Sequence[Candidate], semantic: Sequence[tuple[str, float]], unknown: float, known_words: int
) -> list[Evidence]:
    """The evidence for every fact either ranking put forward: ``lexical`` scores (0-100) over the question's known
    words and ``semantic`` similarities, each best first; ``unknown`` and ``known_words`` describe the question.
    A fact one ranking did not return counts as scoring 0 there, or as similar as the last one it did return."""
    lexical_scores = {c.fact_id: c.score / 100.0 for c in lexical}
    similarities = dict(semantic)
    floor = min(similarities.values(), default=0.0)
    lexical_top = lexical[0].fact_id if lexical else None
    semantic_top = semantic[0][0] if semantic else None
    specific = min(known_words, _SPECIFIC_WORDS) / _SPECIFIC_WORDS
    found = []
    for fact_id in dict.fromkeys([*(c.fact_id for c in lexical), *(fact for fact, _ in semantic)]):
        score = lexical_scores.get(fact_id, 0.0)
        similarity = similarities.get(fact_id, floor)
        other_score = max((v for k, v in lexical_scores.items() if k != fact_id), default=0.0)
        other_similarity = max((v for k, v in similarities.items() if k != fact_id), default=floor)
        agreement = ((fact_id == lexical_top) + (fact_id == semantic_top)) / 2
        values = (score, score - other_score, similarity, similarity - other_similarity, agreement, unknown, specific)
        found.append(Evidence(fact_id, values))
    return found


def decide(
    evidence: Sequence[Evidence], off_topic: tuple[str, ...], calibration: Calibration, offered: int = 3
) -> Match:
    """Answer the most probable fact when the calibration allows, else offer up to ``offered`` close facts, else
    refuse. A question naming something the article never mentions (``off_topic``) is never answered."""
    scored = sorted(
        ((calibration.probability(item), item) for item in evidence), key=lambda pair: (-pair[0], pair[1].fact_id)
    )
    ranked = tuple(Candidate(item.fact_id, round(100.0 * p, 1)) for p, item in scored)
    if not scored:
        return Match(MatchStatus.NO_MATCH, None, (), off_topic)
    best_probability = scored[0][0]
    if off_topic:
        return Match(MatchStatus.NO_MATCH, None, ranked[:offered], off_topic)
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_probability >= calibration.answer and best_probability - runner_up > calibration.margin:
        return Match(MatchStatus.ANSWERED, ranked[0], ranked[: offered + 1])
    if best_probability >= calibration.offer and len(ranked) > 1:
        return Match(MatchStatus.AMBIGUOUS, None, ranked[:offered])
    closest = max(item.feature("semantic") for item in evidence)
    if best_probability >= calibration.suggest or closest >= calibration.related:
        return Match(MatchStatus.NO_MATCH, None, ranked[:offered])
    return Match(MatchStatus.NO_MATCH, None, ())
