"""Syncing the curated files into the database: idempotent, audited, and respectful of moderators' work."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.store import FactService, SyncError, open_service
from bot.store.sync import SYNC_ACTOR
from tests.conftest import FACTS_DIR, SEEDS_DIR
from tests.store.helpers import audit_count, consistency_problems, contents, draft

DEMANDS = "Putin presented demands for any long-term peace deal"
MEDIATORS = "Secretary of State Marco Rubio and Waltz have been acting as intermediaries between Russia and Ukraine."


def fact_block(fact_id: str, question: str, answer: str, quote: str, aliases: tuple[str, ...] = ()) -> str:
    return (
        f'[[facts]]\nid = "{fact_id}"\nquestion = "{question}"\naliases = {json.dumps(list(aliases))}\n'
        f'answer = "{answer}"\n[[facts.citations]]\nquote = "{quote}"\nspeaker = "NOTUS"\nsource = "notus-ceasefire"\n'
    )


DEMANDS_FACT = fact_block("demands", "What does Putin demand?", "Terms for a long-term peace.", DEMANDS)
MEDIATORS_FACT = fact_block("mediators", "Who mediates the talks?", "Rubio and Waltz.", MEDIATORS, ("mediators",))


@pytest.fixture
def data(tmp_path: Path, settings: Settings) -> Settings:
    """Settings over a small curated set in a temporary facts folder (tests rewrite ``facts/mine.toml``)."""
    facts = tmp_path / "facts"
    facts.mkdir()
    shutil.copy(FACTS_DIR / "lexicon.toml", facts / "lexicon.toml")
    (facts / "mine.toml").write_text(DEMANDS_FACT + MEDIATORS_FACT)
    return settings.model_copy(update={"facts_dir": facts})


def write_facts(settings: Settings, *blocks: str) -> None:
    (settings.facts_dir / "mine.toml").write_text("".join(blocks))


async def reopen(settings: Settings) -> FactService:
    service = await open_service(settings)
    await service.close()
    return service


async def test_sync_of_the_shipped_files_twice_writes_nothing_the_second_time(settings: Settings) -> None:
    async with await open_service(settings) as service:
        served = service.engine.facts
        entries = await audit_count(service)
    assert entries == len(served) > 20
    before = await contents(settings)
    async with await open_service(settings) as service:
        assert await audit_count(service) == entries
        assert service.engine.facts == served
    assert await contents(settings) == before
    assert await consistency_problems(settings) == []


async def test_changed_removed_and_returning_curated_facts_are_audited(data: Settings) -> None:
    await reopen(data)
    write_facts(data, DEMANDS_FACT.replace("Terms for a long-term peace.", "Terms for lasting peace."))
    async with await open_service(data) as service:
        assert service.engine.facts["demands"].answer == "Terms for lasting peace."
        assert service.engine.fact("mediators") is None
        assert [f.id for f in await service.removed_facts()] == ["mediators"]
        latest = {entry.fact_id: entry for entry in await service.history(limit=2)}
    assert latest["demands"].action == "edited" and latest["demands"].actor == SYNC_ACTOR
    assert latest["demands"].before is not None and latest["demands"].before["answer"] == "Terms for a long-term peace."
    assert latest["mediators"].action == "removed" and latest["mediators"].after is None

    write_facts(data, DEMANDS_FACT.replace("Terms for a long-term peace.", "Terms for lasting peace."), MEDIATORS_FACT)
    async with await open_service(data) as service:
        assert service.engine.fact("mediators") is not None
        assert (await service.history("mediators", limit=1))[0].action == "restored"
    assert await consistency_problems(data) == []


async def test_a_phrasing_moved_between_curated_facts_is_synced(data: Settings) -> None:
    # A reviewer moves the alias "mediators" to the fact written first: it must be freed before that fact is written.
    await reopen(data)
    write_facts(
        data,
        fact_block("demands", "What does Putin demand?", "Terms for a long-term peace.", DEMANDS, ("mediators",)),
        fact_block("mediators", "Who mediates the talks?", "Rubio and Waltz.", MEDIATORS),
    )
    async with await open_service(data) as service:
        assert service.engine.facts["demands"].aliases == ("mediators",)
        assert service.engine.facts["mediators"].aliases == ()
        assert service.engine.ask("mediators").fact == service.engine.facts["demands"]
    assert await consistency_problems(data) == []


async def test_a_moderators_edit_of_a_curated_fact_lasts_until_the_file_changes(data: Settings) -> None:
    async with await open_service(data) as service:
        current = service.engine.facts["demands"]
        edited = current.to_draft().model_copy(update={"answer": "Edited by a moderator."})
        await service.edit_fact("demands", edited, "mod")
        await service.remove_fact("mediators", "mod")
    async with await open_service(data) as service:
        fact = service.engine.facts["demands"]
        assert fact.answer == "Edited by a moderator."
        assert fact.provenance.origin == "curated" and fact.provenance.actor == "mod"
        assert service.engine.fact("mediators") is None  # removed by a moderator: stays removed

    write_facts(data, DEMANDS_FACT.replace("Terms for a long-term peace.", "Reviewed answer."), MEDIATORS_FACT)
    async with await open_service(data) as service:
        assert service.engine.facts["demands"].answer == "Reviewed answer."
        assert service.engine.facts["demands"].provenance.actor == SYNC_ACTOR
        assert service.engine.fact("mediators") is None  # its file entry did not change


async def test_moderators_facts_are_left_alone(data: Settings) -> None:
    async with await open_service(data) as service:
        added = await service.add_fact(draft(), "mod")
        entries = await audit_count(service)
    write_facts(data, DEMANDS_FACT)
    async with await open_service(data) as service:
        assert service.engine.facts[added.id] == added
        assert [entry.fact_id for entry in await service.history(limit=1)] == ["mediators"]
        assert await audit_count(service) == entries + 1


async def test_a_curated_phrasing_held_by_a_moderators_fact_is_reported_not_fatal(
    data: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with await open_service(data) as service:
        added = await service.add_fact(draft(aliases=["putin demands"]), "mod")
    clashing = fact_block("demands", "What does Putin demand?", "New.", DEMANDS, ("putin demands",))
    write_facts(data, clashing, MEDIATORS_FACT)
    with caplog.at_level(logging.WARNING):
        async with await open_service(data) as service:
            assert service.engine.facts["demands"].answer == "Terms for a long-term peace."
            assert service.engine.facts[added.id] == added
            await service.remove_alias(added.id, "putin demands", "mod")
    assert 'curated fact "demands"' in caplog.text and f'leads to fact "{added.id}"' in caplog.text
    async with await open_service(data) as service:  # the clash is gone, so the file's version lands
        assert service.engine.facts["demands"].answer == "New."
    assert await consistency_problems(data) == []


async def test_an_exported_moderator_fact_reviewed_into_the_files_becomes_curated(data: Settings) -> None:
    async with await open_service(data) as service:
        added = await service.add_fact(draft(id="witkoff-thursday", tags=["witkoff"]), "mod")
        exported = await service.export_moderator_facts()
    (data.facts_dir / "reviewed.toml").write_text(exported)
    async with await open_service(data) as service:
        fact = service.engine.facts[added.id]
        assert fact.provenance.origin == "curated" and fact.provenance.file == "facts/reviewed.toml"
        assert fact.model_dump(exclude={"provenance"}) == added.model_dump(exclude={"provenance"})
        assert await service.export_moderator_facts() == (
            "# Facts from the database, exported for review. Move the ones you accept into facts/*.toml.\n"
        )


async def test_a_changed_source_text_moves_stored_quotes_or_is_refused(data: Settings, tmp_path: Path) -> None:
    async with await open_service(data) as service:
        added = await service.add_fact(draft(), "mod")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    article = seeds / "000_b1ce338e24cbc02e.txt"
    original = article.read_text(encoding="utf-8")
    article.write_text(original.replace("Putin presented", "Then Putin presented"), encoding="utf-8")
    moved = data.model_copy(update={"seeds_dir": seeds})
    async with await open_service(moved) as service:
        citation = service.engine.facts[added.id].citations[0]
        assert citation.start == added.citations[0].start + len("Then ")
        assert (await service.history(added.id, limit=1))[0].action == "relocated"
    assert await consistency_problems(data) == []

    before = await contents(data)
    article.write_text(original.replace("Steve Witkoff arrived", "Steve Witkoff came"), encoding="utf-8")
    with pytest.raises(SyncError, match=f'fact "{added.id}": the quote'):
        await open_service(moved)
    assert await contents(data) == before


async def test_a_curated_fact_gone_from_the_files_is_removed_once(data: Settings) -> None:
    await reopen(data)
    write_facts(data, DEMANDS_FACT)
    async with await open_service(data) as service:
        assert service.engine.fact("mediators") is None
        await service.restore_fact("mediators", "mod")
    async with await open_service(data) as service:  # the moderator's restore stands
        assert service.engine.fact("mediators") is not None
        assert (await service.history("mediators", limit=1))[0].action == "restored"
    write_facts(data, DEMANDS_FACT, MEDIATORS_FACT.replace("Rubio and Waltz.", "Rubio, Waltz."))
    async with await open_service(data) as service:  # back in the files: the file's version lands
        assert service.engine.facts["mediators"].answer == "Rubio, Waltz."
