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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.core.asked import NOTHING_ASKED, Nearest
from bot.core.problems import ProblemsError

__all__ = [
    "ANSWER_FEATURES",
    "DECISION_FILE",
    "FEATURES",
    "Calibration",
    "CalibrationError",
    "Candidate",
    "Evidence",
    "Logistic",
    "Match",
    "MatchStatus",
    "Traits",
    "clear_in_meaning",
    "decide",
    "gather_evidence",
    "load_calibration",
    "ranking_lead",
]

# The numbers describing one candidate, in the order the model's weights take them.
FEATURES = (
    "lexical",  # its lexical score over the question's known words, 0-1
    "lexical_lead",  # that score less the best other candidate's (negative when behind)
    "semantic",  # cosine similarity of the question and the fact's closest text, -1 to 1
    "semantic_lead",  # that similarity less the best other candidate's
    "agreement",  # 1 when it leads both rankings, 0.5 when it leads one, else 0
    "unknown",  # the share of the question's weight in words no fact holds (a question-wide figure)
    "coverage",  # the lexical score scaled to the whole question: lexical * (1 - unknown)
    "untold",  # 1 when the question asks for a kind of answer no fact gives (a personal detail, say), else 0
    "specific",  # how many known content words the question has, up to four, as a share of four
    "lacking",  # 1 when the fact's words lack the kind of detail the question asks for (see answer_kinds), else 0
    "asked",  # cosine similarity of the question and the closest asked question the fact answers (see asked)
    "asked_lead",  # that similarity less the best other candidate's
    "refused",  # cosine similarity of the question and the closest asked question the article does not answer
    "asked_vote",  # the share of the closest asked questions (and facts' own phrasings) it answers, by closeness
    "refused_vote",  # the share of them the article does not answer (a question-wide figure)
)
# The answering model's: the first candidate's features and how far its ranking probability leads the second's.
ANSWER_FEATURES = (*FEATURES, "lead")
_SPECIFIC_WORDS = 4
# How much better a fact answering alike must fit a question's words and meaning to be answered instead.
_FAR_BETTER_FIT = 1.0
_LEAD_MOST = 10.0  # log-odds: a lead this large is as clear as a lead can be
# Another fact covering this much of a question's words (coverage) outweighs a clear lead in meaning.
_WORDS_DISAGREE = 0.5
# A fact covering less than this of a question's words (coverage) shares almost none of them with it.
_UNWORDED = 0.1
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
    # The passage the fact cites first, when given: facts citing the same passage first answer with the same words,
    # so one leading another by a little is no doubt about the answer (see :func:`ranking_lead`).
    passage: str | None = None

    @property
    def cites(self) -> str:
        """What the fact answers with: its first passage, or the fact itself when that is not known."""
        return self.fact_id if self.passage is None else self.passage

    def answers_alike(self, other: Evidence) -> bool:
        """Whether the two facts answer with the same words: one's first passage holds the other's (the headline, and
        the headline with the summary under it)."""
        return other.cites in self.cites or self.cites in other.cites

    def feature(self, name: str) -> float:
        """The value of the feature ``name``."""
        return self.values[FEATURES.index(name)]


class CalibrationError(ProblemsError):
    """The decision's data file is missing or invalid; the problem says which and how to refit it."""

    heading = "The decision file is invalid"


class Logistic(BaseModel):
    """A logistic model: a bias and a weight per named feature."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bias: float
    weights: dict[str, float]

    def probability(self, names: Sequence[str], values: Sequence[float]) -> float:
        """The model's probability for these feature ``values`` (named by ``names``, in order)."""
        weights = self.weights
        total = self.bias + math.fsum(weights[name] * value for name, value in zip(names, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, total))))


class Calibration(BaseModel):
    """The fitted decision: two logistic models and the probabilities that decide.

    ``ranking`` (over :data:`FEATURES`) orders the candidate facts: the probability that each answers the question.
    ``answering`` (over :data:`ANSWER_FEATURES`: the first candidate's features and its lead over the second) gives
    the probability that the first candidate is the right answer. It is answered at ``answer`` or above, unless the
    second is within ``margin`` of it in log-odds (two facts that fit alike are offered, not guessed between). Below
    ``answer``, the close facts are offered as "did you mean" at ``offer`` or above; below that, they are still
    suggested when the probability is at least ``suggest`` or the closest semantic similarity at least ``related``.
    Under both, the question is refused without suggestions (clearly off-topic). A question whose meaning is
    clearly one fact's (see :func:`clear_in_meaning`: ``clear_similarity`` and ``clear_lead``) is answered even
    when the models doubt.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ranking: Logistic
    answering: Logistic
    answer: float = Field(gt=0, lt=1)
    margin: float = Field(ge=0, le=_LEAD_MOST)
    offer: float = Field(gt=0, lt=1)
    suggest: float = Field(ge=0, lt=1)
    related: float = Field(ge=-1, le=1)
    clear_similarity: float = Field(ge=-1, le=1)
    clear_lead: float = Field(ge=0, le=2)

    @model_validator(mode="after")
    def _complete(self) -> Calibration:
        for name, model, features in (
            ("ranking", self.ranking, FEATURES),
            ("answering", self.answering, ANSWER_FEATURES),
        ):
            if set(model.weights) != set(features):
                raise ValueError(f"{name} weights must name exactly the features {', '.join(features)}")
        if not self.suggest <= self.offer <= self.answer:
            raise ValueError("the probabilities must keep suggest <= offer <= answer")
        return self

    def rank_probability(self, evidence: Evidence) -> float:
        """The probability that the candidate answers the question (to order candidates)."""
        return self.ranking.probability(FEATURES, evidence.values)

    def answer_probability(self, best: Evidence, lead: float) -> float:
        """The probability that ``best``, leading the next candidate's rank probability by ``lead``, is right."""
        return self.answering.probability(ANSWER_FEATURES, (*best.values, lead))


def load_calibration(path: Path) -> Calibration:
    """Read the decision's data file; CalibrationError says what is wrong and how to refit it."""
    try:
        return Calibration.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise CalibrationError(
            [f"{path}: cannot read the decision file ({error.strerror}); refit it with `python -m bot calibrate`"]
        ) from error
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise CalibrationError(
            [f"{path}: invalid decision file ({error}); refit it with `python -m bot calibrate`"]
        ) from error


@dataclass(frozen=True, slots=True)
class Traits:
    """What describes the question itself, whatever the candidate: the share of its weight in words no fact holds,
    how many known content words it has, and whether it asks for a kind of answer no fact gives (a personal
    detail, say)."""

    unknown: float
    known_words: int
    untold: bool = False


def gather_evidence(
    lexical: Sequence[Candidate],
    semantic: Sequence[tuple[str, float]],
    traits: Traits,
    nearest: Nearest = NOTHING_ASKED,
    *,
    lacking: Callable[[str], bool] = lambda fact_id: False,
    passage: Callable[[str], str | None] = lambda fact_id: None,
) -> list[Evidence]:
    """The evidence for every fact either ranking put forward: ``lexical`` scores (0-100) over the question's known
    words and ``semantic`` similarities, each best first. A fact one ranking did not return counts as scoring 0
    there, or as similar as the last one it did return. ``nearest`` says how close the question is to questions
    asked before (see :mod:`bot.core.asked`); ``lacking`` tells whether a fact lacks the kind of detail the
    question asks for; ``passage`` gives the passage a fact cites first."""
    lexical_scores = {c.fact_id: c.score / 100.0 for c in lexical}
    similarities = dict(semantic)
    floor = min(similarities.values(), default=0.0)
    # A fact leads a ranking when none scores above it: facts tied at the top all lead.
    lexical_top = {fact_id for fact_id, score in lexical_scores.items() if score == max(lexical_scores.values())}
    semantic_top = {fact_id for fact_id, value in similarities.items() if value == max(similarities.values())}
    specific = min(traits.known_words, _SPECIFIC_WORDS) / _SPECIFIC_WORDS
    fact_ids = list(dict.fromkeys([*(c.fact_id for c in lexical), *(fact for fact, _ in semantic)]))
    asked = {fact_id: nearest.similarity(fact_id, similarities.get(fact_id, floor)) for fact_id in fact_ids}
    votes = nearest.votes(similarities)
    found = []
    for fact_id in fact_ids:
        score = lexical_scores.get(fact_id, 0.0)
        similarity = similarities.get(fact_id, floor)
        other_score = max((v for k, v in lexical_scores.items() if k != fact_id), default=0.0)
        other_similarity = max((v for k, v in similarities.items() if k != fact_id), default=floor)
        agreement = ((fact_id in lexical_top) + (fact_id in semantic_top)) / 2
        values = (
            score,
            score - other_score,
            similarity,
            similarity - other_similarity,
            agreement,
            traits.unknown,
            score * (1.0 - traits.unknown),
            float(traits.untold),
            specific,
            float(lacking(fact_id)),
            asked[fact_id],
            asked[fact_id] - max((v for k, v in asked.items() if k != fact_id), default=floor),
            nearest.refused,
            votes.by_fact.get(fact_id, 0.0),
            votes.refused,
        )
        found.append(Evidence(fact_id, values, passage(fact_id)))
    return found


def ranking_lead(ranked: Sequence[tuple[float, Evidence]]) -> float:
    """How far the first of the ``ranked`` candidates (ranking probability and evidence, best first) leads the best
    one answering with other words (see :meth:`Evidence.answers_alike`), in log-odds (so two facts both all but
    certain still differ), at most :data:`_LEAD_MOST`; the most when there is none. Facts citing the same passage
    first (Putin's remark, and who Putin is), or one holding the other's (the headline, and the headline with its
    summary), answer with the same words: however close, they are not rival answers."""
    if not ranked:
        return _LEAD_MOST
    first_probability, first = ranked[0]
    rival = next((probability for probability, item in ranked[1:] if not first.answers_alike(item)), None)
    if rival is None:
        return _LEAD_MOST
    return min(_LEAD_MOST, _log_odds(first_probability) - _log_odds(rival))


def _log_odds(probability: float) -> float:
    clipped = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log(clipped / (1 - clipped))


def clear_in_meaning(evidence: Sequence[Evidence], calibration: Calibration) -> Evidence | None:
    """The candidate whose meaning is clearly the question's, if any: a fact sharing almost no word with the question,
    at least ``clear_similarity`` close and ahead of every other candidate by ``clear_lead``, with no kind of answer
    asked that no fact gives, and no other fact covering much of the question's words."""
    if not evidence:
        return None
    by_meaning = sorted(evidence, key=lambda item: (-item.feature("semantic"), item.fact_id))
    best = by_meaning[0]
    lead = best.feature("semantic") - (by_meaning[1].feature("semantic") if len(by_meaning) > 1 else 0.0)
    # Only for a question that shares (almost) no word with the fact (a paraphrase): where words are shared, the
    # answering model has weighed them, and a second way to answer only adds near misses (a detail of the fact's
    # subject that the article does not give).
    unworded = best.feature("coverage") < _UNWORDED
    by_words = max(evidence, key=lambda item: (item.feature("coverage"), item.fact_id))
    words_agree = by_words.feature("coverage") < _WORDS_DISAGREE
    close = best.feature("semantic") >= calibration.clear_similarity and lead >= calibration.clear_lead
    return best if close and unworded and words_agree and not best.feature("untold") else None


def decide(
    evidence: Sequence[Evidence],
    off_topic: tuple[str, ...],
    calibration: Calibration,
    offered: int = 3,
    worded: str | None = None,
) -> Match:
    """Answer the most probable fact when the calibration allows, else offer up to ``offered`` close facts, else
    refuse. A question naming something the article never mentions (``off_topic``) is never answered; one worded
    exactly as a phrasing of the candidate ``worded`` (and of no other) is answered with it. An answer's score is
    the probability that it is right (0-100), the other candidates' their ranking probability."""
    scored = sorted(
        ((calibration.rank_probability(item), item) for item in evidence), key=lambda pair: (-pair[0], pair[1].fact_id)
    )
    if not scored:
        return Match(MatchStatus.NO_MATCH, None, (), off_topic)
    lead = ranking_lead(scored)
    confidence = calibration.answer_probability(scored[0][1], lead)
    ranked = tuple(Candidate(item.fact_id, round(100.0 * p, 1)) for p, item in scored)
    # Beside an answer, or as "did you mean", only facts that may well be meant; none of the rest.
    plausible = tuple(c for c in ranked if c.score >= 100.0 * calibration.suggest)
    if off_topic:
        return Match(MatchStatus.NO_MATCH, None, ranked[:offered], off_topic)
    phrased = next((candidate for candidate in ranked if candidate.fact_id == worded), None)
    if confidence >= calibration.answer and lead > calibration.margin and phrased in (None, ranked[0]):
        # A plausible fact answering alike whose words and meaning fit the question far better is the one asked
        # about: the questions asked before vote only for the facts there were when they were labelled, not for a
        # moderator's newer fact on the same passage.
        first = scored[0][1]
        alike = [item for p, item in scored if p >= calibration.suggest and first.answers_alike(item)]
        chosen = max(alike, key=_direct_fit, default=first)
        chosen = chosen if _direct_fit(chosen) - _direct_fit(first) >= _FAR_BETTER_FIT else first
        # Worded exactly as one of the fact's own phrasings, the question is that fact's: no weak match.
        sure = 100.0 if chosen.fact_id == worded else round(100.0 * confidence, 1)
        return _answered(Candidate(chosen.fact_id, sure), plausible, offered)
    if phrased is not None:
        return _answered(phrased, plausible, offered)
    clear = clear_in_meaning(evidence, calibration)
    if clear is not None:
        # Scored by its similarity: the answering model, fitted on the article's own facts, has seldom seen a
        # question that shares no word with its fact (a moderator's fact on another subject, say).
        return _answered(Candidate(clear.fact_id, round(100.0 * clear.feature("semantic"), 1)), plausible, offered)
    if confidence >= calibration.offer and len(plausible) > 1:
        return Match(MatchStatus.AMBIGUOUS, None, plausible[:offered])
    closest = max(item.feature("semantic") for item in evidence)
    if confidence >= calibration.suggest or closest >= calibration.related:
        return Match(MatchStatus.NO_MATCH, None, ranked[:offered])
    return Match(MatchStatus.NO_MATCH, None, ())


def _direct_fit(item: Evidence) -> float:
    """How well the question's own words and meaning fit a fact (its lexical score and similarity), without the
    questions asked before."""
    return item.feature("lexical") + item.feature("semantic")


def _answered(best: Candidate, plausible: tuple[Candidate, ...], offered: int) -> Match:
    """``best`` answered, with up to ``offered`` of the other plausible facts beside it."""
    others = tuple(c for c in plausible if c.fact_id != best.fact_id)
    return Match(MatchStatus.ANSWERED, best, (best, *others[:offered]))
