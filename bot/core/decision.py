"""The answer-or-offer decision: from ranked candidates to what the asker is told."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Candidate", "Match", "MatchStatus", "Thresholds", "decide"]


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
    """The outcome for one question: the status, the best fact (if answered) and the runners-up."""

    status: MatchStatus
    best: Candidate | None
    candidates: tuple[Candidate, ...]
    off_topic: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs. A match is answered at ``answer`` or above when it leads the runner-up by ``margin``
    (by ``confident_margin`` at ``confident`` or above, the runner-up then offered beside it); a closer race
    at ``ambiguous`` or above offers the candidates; below ``suggest`` nothing is close enough to offer."""

    answer: float = 55.0
    margin: float = 4.0
    confident: float = 70.0
    confident_margin: float = 2.0
    ambiguous: float = 45.0
    suggest: float = 30.0


def decide(ranked: list[Candidate], off_topic: tuple[str, ...], limits: Thresholds) -> Match:
    """Answer the best candidate when it is strong and clear of the runner-up, offer a close race, else no match;
    a question naming something the article never mentions (``off_topic``) is never answered."""
    close = tuple(c for c in ranked if c.score >= limits.suggest)
    if off_topic or not close:
        return Match(MatchStatus.NO_MATCH, None, close, off_topic)
    best = close[0]
    runner_up = close[1].score if len(close) > 1 else 0.0
    lead = best.score - runner_up
    if best.score >= limits.answer and (
        lead >= limits.margin or (best.score >= limits.confident and lead >= limits.confident_margin)
    ):
        return Match(MatchStatus.ANSWERED, best, close)
    if best.score >= limits.ambiguous and len(close) > 1:
        return Match(MatchStatus.AMBIGUOUS, None, close)
    return Match(MatchStatus.NO_MATCH, None, close)
