"""Scoring the engine on a question set in the development format (``{"q", "gold"}`` or ``{"q", "abstain"}``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.core.decision import MatchStatus
from bot.core.engine import Engine
from bot.core.models import Fact
from bot.core.text import collapse_whitespace, fold_text

__all__ = ["ClassTally", "EvalCase", "EvalReport", "comparable", "evaluate", "load_cases", "supports"]


def comparable(text: str) -> str:
    """Lower-cased, curly quotes and dashes folded to ASCII, whitespace collapsed: how gold phrases compare."""
    return collapse_whitespace(fold_text(text).lower())


class EvalCase(BaseModel):
    """One question: in scope with gold phrases, or out of scope (``abstain``); ``class`` names its kind (casual,
    typo, paraphrase, chitchat...) so misses can be counted by kind."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    q: str
    gold: tuple[str, ...] = ()
    abstain: bool = False
    kind: str = Field(default="", alias="class")

    @model_validator(mode="after")
    def _one_kind(self) -> EvalCase:
        if bool(self.gold) == self.abstain:
            raise ValueError('give either "gold" phrases or "abstain": true')
        return self


@dataclass
class ClassTally:
    """How the questions of one class fared: asked, answered right (in scope) or answered (out of scope), and
    in-scope questions not answered right whose right fact was among the suggestions."""

    asked: int = 0
    answered: int = 0
    offered: int = 0


@dataclass
class EvalReport:
    """Counts and misses of one evaluation run."""

    in_scope: int = 0
    correct: int = 0
    offered: int = 0
    out_of_scope: int = 0
    false_answers: int = 0
    held_out: int = 0  # the set's own questions among those asked before, set aside while it was read
    misses: list[str] = field(default_factory=list)
    classes: dict[tuple[bool, str], ClassTally] = field(default_factory=dict)  # (in scope, class) -> tally

    @property
    def accuracy(self) -> float:
        """Share of in-scope questions whose first quote holds a gold phrase."""
        return self.correct / self.in_scope if self.in_scope else 0.0

    @property
    def answered_or_offered(self) -> float:
        """Share of in-scope questions answered right, or whose right fact was among the suggestions."""
        return (self.correct + self.offered) / self.in_scope if self.in_scope else 0.0

    @property
    def false_answer_rate(self) -> float:
        """Share of out-of-scope questions that got an answer anyway."""
        return self.false_answers / self.out_of_scope if self.out_of_scope else 0.0

    def tally(self, case: EvalCase) -> ClassTally:
        """The tally of ``case``'s class (created on first use)."""
        return self.classes.setdefault((not case.abstain, case.kind or "-"), ClassTally())

    def summary(self) -> str:
        """The report as text: each miss, the figures by class, then the totals."""
        lines = [f"MISS {miss}" for miss in self.misses]
        if self.held_out:
            lines.append(f"(read without the set's own {self.held_out} questions among the questions asked before)")
        for (in_scope, kind), tally in sorted(self.classes.items(), key=lambda item: (not item[0][0], item[0][1])):
            if in_scope:
                lines.append(f"  in scope  {kind:<20} {tally.answered}/{tally.asked} right, {tally.offered} offered")
            else:
                lines.append(f"  off scope {kind:<20} {tally.answered}/{tally.asked} answered")
        lines.append(f"in-scope accuracy: {self.correct}/{self.in_scope} = {self.accuracy:.1%}")
        lines.append(
            f"in-scope answered right or offered among the suggestions: {self.correct + self.offered}/{self.in_scope}"
            f" = {self.answered_or_offered:.1%}"
        )
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


def evaluate(cases: Iterable[EvalCase], engine: Engine, name: str = "") -> EvalReport:
    """Ask ``engine`` every case and count right answers, right facts offered, and false answers. A set ``name``d
    as one the decision keeps questions of (see :mod:`bot.core.asked`) is read without them, as a set nobody had
    asked before: otherwise each question would find itself."""
    report = EvalReport()
    asked = engine.asked.excluding(name)
    report.held_out = len(engine.asked) - len(asked)
    for case in cases:
        result = engine.ask(case.q, asked)
        tally = report.tally(case)
        tally.asked += 1
        answered = result.fact if result.status is MatchStatus.ANSWERED else None
        if case.abstain:
            report.out_of_scope += 1
            if answered is not None:
                tally.answered += 1
                report.false_answers += 1
                report.misses.append(f"{case.q!r}: should abstain, answered {answered.id} ({result.score:.0f})")
            continue
        report.in_scope += 1
        if answered is not None and supports(answered, case.gold):
            tally.answered += 1
            report.correct += 1
            continue
        offered = [s.fact_id for s in result.suggestions]
        if any(supports(fact, case.gold) for fact in map(engine.fact, offered) if fact is not None):
            tally.offered += 1
            report.offered += 1
        got = f"{answered.id if answered else result.status.value} ({result.score:.0f})"
        report.misses.append(f"{case.q!r}: got {got}; offered [{', '.join(offered)}]")
    return report


def supports(fact: Fact | None, gold: tuple[str, ...]) -> bool:
    """Whether ``fact`` (if any)'s first quote holds one of the ``gold`` phrases (how an answer is judged right)."""
    if fact is None:
        return False
    first_quote = comparable(fact.citations[0].quote)
    return any(comparable(phrase) in first_quote for phrase in gold)
