"""Scoring the engine on a question set in the development format (``{"q", "gold"}`` or ``{"q", "abstain"}``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from bot.core.decision import MatchStatus
from bot.core.engine import AskResult
from bot.core.text import collapse_whitespace, fold_text

__all__ = ["EvalCase", "EvalReport", "comparable", "evaluate", "load_cases"]


def comparable(text: str) -> str:
    """Lower-cased, curly quotes and dashes folded to ASCII, whitespace collapsed: how gold phrases compare."""
    return collapse_whitespace(fold_text(text).lower())


class EvalCase(BaseModel):
    """One question: in scope with gold phrases, or out of scope (``abstain``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str
    gold: tuple[str, ...] = ()
    abstain: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> EvalCase:
        if bool(self.gold) == self.abstain:
            raise ValueError('give either "gold" phrases or "abstain": true')
        return self


@dataclass
class EvalReport:
    """Counts and misses of one evaluation run."""

    in_scope: int = 0
    correct: int = 0
    out_of_scope: int = 0
    false_answers: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of in-scope questions whose first quote holds a gold phrase."""
        return self.correct / self.in_scope if self.in_scope else 0.0

    @property
    def false_answer_rate(self) -> float:
        """Share of out-of-scope questions that got an answer anyway."""
        return self.false_answers / self.out_of_scope if self.out_of_scope else 0.0

    def summary(self) -> str:
        """The report as text: each miss, then the totals."""
        lines = [f"MISS {miss}" for miss in self.misses]
        lines.append(f"in-scope accuracy: {self.correct}/{self.in_scope} = {self.accuracy:.1%}")
        lines.append(
            f"false answers on out-of-scope: {self.false_answers}/{self.out_of_scope} = {self.false_answer_rate:.1%}"
        )
        return "\n".join(lines)


def load_cases(path: Path) -> list[EvalCase]:
    """Read a JSON-lines question set; raises ValueError naming the first bad line."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(EvalCase.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as error:
            raise ValueError(f"{path}:{number}: {error}") from error
    return cases


def evaluate(cases: Iterable[EvalCase], ask: Callable[[str], AskResult]) -> EvalReport:
    """Ask every case and count correct answers and false answers."""
    report = EvalReport()
    for case in cases:
        result = ask(case.q)
        answered = result.status is MatchStatus.ANSWERED and result.fact is not None
        if case.abstain:
            report.out_of_scope += 1
            if answered and result.fact is not None:
                report.false_answers += 1
                report.misses.append(f"{case.q!r}: should abstain, answered {result.fact.id} ({result.score:.0f})")
            continue
        report.in_scope += 1
        first_quote = comparable(result.fact.citations[0].quote) if answered and result.fact else ""
        if answered and any(comparable(phrase) in first_quote for phrase in case.gold):
            report.correct += 1
            continue
        got = f"{result.fact.id if result.fact else result.status.value} ({result.score:.0f})"
        offered = ", ".join(s.fact_id for s in result.suggestions)
        report.misses.append(f"{case.q!r}: got {got}; offered [{offered}]")
    return report
