"""Arbitrary text in every moderator field: the only outcomes are a stored, verified fact or a ModerationError,
and the database stays consistent whatever was thrown at it."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.core.models import Fact, Source
from bot.settings import Settings
from bot.store import FactService, ModerationError, open_service, parse_draft
from tests.conftest import ARTICLE_PATH
from tests.store.helpers import SOURCE_ID, WITKOFF, audit_count, consistency_problems

ARTICLE = ARTICLE_PATH.read_bytes().decode("utf-8")
STRAIGHTEN = str.maketrans({"\u2019": "'", "\u201c": '"', "\u201d": '"'})
CITATION = {"quote": WITKOFF, "speaker": "NOTUS", "source": SOURCE_ID}
VALID: dict[str, Any] = {
    "question": "Did Witkoff arrive on Thursday?",
    "answer": "Yes, in Russia.",
    "aliases": [],
    "tags": [],
    "citations": [CITATION],
}
TARGETS = ["mod-one", "mod-two", "who-is-rubio", "witkoff-trip"]

texts = st.one_of(
    st.text(max_size=130),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["", " ", "\n", "ok", "x" * 100, "x" * 101, "Who is Marco Rubio?", "witkoff", "Tag-1"]),
)
article_slices = st.tuples(st.integers(0, len(ARTICLE) - 1), st.integers(1, 140)).map(
    lambda span: ARTICLE[span[0] : span[0] + span[1]]
)
quotes = st.one_of(texts, article_slices, article_slices.map(lambda text: text.translate(STRAIGHTEN)))
fact_ids = st.one_of(st.sampled_from(TARGETS), texts)


actors = st.one_of(st.sampled_from(["mod", "cli:root", "Ünïcode mod 🛡"]), texts)
# Valid drafts with distinct questions, so that changing one field at a time is often accepted.
bases = st.integers(0, 10**9).map(lambda n: {**VALID, "question": f"Did Witkoff arrive on Thursday ({n})?"})


def with_field(base: dict[str, Any], name: str, value: object) -> dict[str, Any]:
    return {**base, name: value}


def with_citation_field(base: dict[str, Any], name: str, value: object) -> dict[str, Any]:
    return {**base, "citations": [{**CITATION, name: value}]}


drafts = st.one_of(
    bases,
    st.builds(with_field, bases, st.sampled_from(["question", "answer", "id"]), texts),
    st.builds(with_field, bases, st.sampled_from(["aliases", "tags"]), st.lists(texts, max_size=3)),
    st.builds(with_citation_field, bases, st.sampled_from(["speaker", "source"]), texts),
    st.builds(with_citation_field, bases, st.just("quote"), quotes),
    st.builds(with_citation_field, bases, st.just("occurrence"), st.integers(-1, 3)),
    st.fixed_dictionaries(
        {
            "question": texts,
            "answer": texts,
            "aliases": st.lists(texts, max_size=2),
            "citations": st.lists(
                st.fixed_dictionaries({"quote": quotes, "speaker": texts, "source": st.just(SOURCE_ID)}), max_size=2
            ),
        }
    ),
)
operations = st.one_of(
    st.tuples(st.just("add"), drafts, actors),
    st.tuples(st.just("edit"), fact_ids, drafts, actors),
    st.tuples(st.sampled_from(["add_alias", "remove_alias"]), fact_ids, texts, actors),
    st.tuples(st.sampled_from(["remove", "restore"]), fact_ids, actors),
    st.tuples(st.just("source"), texts, texts, texts, st.one_of(texts, article_slices), actors, st.none() | texts),
    st.tuples(st.just("feedback"), st.integers(-5, 50), st.booleans(), actors),
    st.tuples(st.just("ask"), texts, st.none() | texts),
)


async def perform(service: FactService, operation: tuple[Any, ...]) -> object:
    kind, *args = operation
    match kind:
        case "add":
            return await service.add_fact(parse_draft(args[0]), args[1])
        case "edit":
            return await service.edit_fact(args[0], parse_draft(args[1]), args[2])
        case "add_alias":
            return await service.add_alias(*args)
        case "remove_alias":
            return await service.remove_alias(*args)
        case "remove":
            return await service.remove_fact(*args)
        case "restore":
            return await service.restore_fact(*args)
        case "source":
            return await service.add_source(*args)
        case "feedback":
            await service.record_feedback(*args)
            return None
        case _:
            return await service.ask(args[0], asker=args[1])


async def attempt(service: FactService, operation: tuple[Any, ...]) -> None:
    entries = await audit_count(service)
    try:
        outcome = await perform(service, operation)
    except ModerationError as error:
        assert error.problems and all(problem.strip() for problem in error.problems), error
        assert await audit_count(service) == entries, "a refused change wrote to the audit log"
        return
    if isinstance(outcome, Fact):
        assert await service.get_fact(outcome.id) == outcome
        assert service.engine.fact(outcome.id) in (outcome, None)
        for citation in outcome.citations:
            assert service.engine.source(citation.source).text[citation.start : citation.end] == citation.quote
        assert await audit_count(service) == entries + 1
    elif isinstance(outcome, Source):
        assert service.engine.source(outcome.id) == outcome


def test_arbitrary_moderator_input_is_stored_valid_or_refused_clearly(settings: Settings) -> None:
    with asyncio.Runner() as runner:
        service = runner.run(open_service(settings))
        try:
            for fact_id in TARGETS[:2]:
                question = f"What is {fact_id.replace('-', ' ')} about?"
                runner.run(service.add_fact(parse_draft({**VALID, "id": fact_id, "question": question}), "seed"))

            @hypothesis_settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
            @given(st.lists(operations, min_size=1, max_size=5))
            def check(batch: list[tuple[Any, ...]]) -> None:
                for operation in batch:
                    runner.run(attempt(service, operation))
                assert runner.run(consistency_problems(settings)) == []

            check()
        finally:
            runner.run(service.close())
