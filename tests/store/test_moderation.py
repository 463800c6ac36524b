"""Moderator operations through FactService: validated, audited, and served at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.core.datafiles import load_fact_files, load_sources
from bot.core.decision import MatchStatus
from bot.settings import Settings
from bot.store import DatabaseUnusableError, FactNotFoundError, FactService, ModerationError, open_service
from tests.conftest import FACTS_DIR, SEEDS_DIR
from tests.store.helpers import SOURCE_ID, audit_count, consistency_problems, draft


async def test_add_serves_the_fact_at_once_with_an_audit_entry(service: FactService) -> None:
    fact = await service.add_fact(draft(aliases=["witkoff thursday"]), "mod")
    assert fact.id == "where-did-witkoff-travel-on-thursday"
    assert fact.provenance.origin == "moderator" and fact.provenance.actor == "mod"
    answer = await service.ask("where did witkoff travel on thursday?")
    assert answer.result.fact == fact and answer.asked_id is not None
    entry = (await service.history(fact.id))[0]
    assert (entry.action, entry.actor, entry.before) == ("created", "mod", None)
    assert entry.after is not None and entry.after["citations"][0]["quote"] == fact.citations[0].quote


async def test_generated_ids_get_a_suffix_when_taken(service: FactService) -> None:
    first = await service.add_fact(draft(), "mod")
    await service.remove_fact(first.id, "mod")
    second = await service.add_fact(draft(), "mod")
    assert second.id == f"{first.id}-2"
    with pytest.raises(ModerationError, match=f'The id "{first.id}" is taken'):
        await service.add_fact(draft(id=first.id, question="Did Witkoff arrive?"), "mod")


async def test_straight_quotes_are_stored_as_the_sources_curly_span(service: FactService) -> None:
    typed = 'Russia does "agree with the proposals for the ceasefire," Putin said.'
    fact = await service.add_fact(draft(citations=[{"quote": typed, "speaker": "Putin", "source": SOURCE_ID}]), "m")
    citation = fact.citations[0]
    assert citation.quote == "Russia does \u201cagree with the proposals for the ceasefire,\u201d Putin said."
    assert service.engine.source(SOURCE_ID).text[citation.start : citation.end] == citation.quote


async def test_a_quote_not_in_the_source_is_refused_with_the_closest_passage(service: FactService) -> None:
    entries = await audit_count(service)
    wrong = {"quote": "Steve Witkoff arrived in Moscow on Friday", "speaker": "NOTUS", "source": SOURCE_ID}
    with pytest.raises(ModerationError) as caught:
        await service.add_fact(draft(citations=[wrong]), "mod")
    assert "Quote not found" in str(caught.value)
    assert "closest passage" in str(caught.value) and "Steve Witkoff arrived in Russia on Thursday" in str(caught.value)
    assert await audit_count(service) == entries
    assert service.engine.fact("where-did-witkoff-travel-on-thursday") is None


async def test_an_alias_or_question_used_by_another_fact_is_refused_naming_it(service: FactService) -> None:
    with pytest.raises(ModerationError, match='"Marco Rubio\\?" already leads to fact "who-is-rubio"'):
        await service.add_fact(draft(aliases=["Marco Rubio?"]), "mod")
    fact = await service.add_fact(draft(), "mod")
    with pytest.raises(ModerationError, match='already leads to fact "who-is-trump"'):
        await service.add_alias(fact.id, "who is trump", "mod")
    with pytest.raises(ModerationError, match=f'already leads to fact "{fact.id}"'):
        await service.add_alias("who-is-trump", "Where did Witkoff travel on Thursday", "mod")


async def test_edit_changes_only_what_the_draft_changes_and_keeps_quotes_pinned(service: FactService) -> None:
    # "Putin said." occurs twice in the article; the occurrence picks the second.
    cited = {"quote": "Putin said.", "speaker": "NOTUS", "source": SOURCE_ID, "occurrence": 2}
    fact = await service.add_fact(draft(citations=[cited]), "mod")
    edited = await service.edit_fact(fact.id, fact.to_draft().model_copy(update={"answer": "Russia."}), "other")
    assert edited.answer == "Russia." and edited.citations == fact.citations
    assert edited.provenance.actor == "other"
    entry = (await service.history(fact.id))[0]
    assert entry.action == "edited" and entry.before is not None and entry.after is not None
    assert (entry.before["answer"], entry.after["answer"]) == ("He arrived in Russia.", "Russia.")
    assert (await service.ask("where did witkoff travel on thursday")).result.fact == edited
    with pytest.raises(ModerationError, match="id cannot change"):
        await service.edit_fact(fact.id, draft(id="something-else"), "mod")


async def test_an_edit_of_the_fact_as_it_was_does_not_undo_a_change_made_since(service: FactService) -> None:
    seen = await service.add_fact(draft(), "mod")
    changed = await service.add_alias(seen.id, "who went to russia on thursday", "other")
    history = len(await service.history(seen.id))
    with pytest.raises(ModerationError, match=f'"{seen.id}" was changed by other since you opened it'):
        await service.edit_fact(
            seen.id, seen.to_draft().model_copy(update={"answer": "Russia."}), "mod", unless_changed=seen
        )
    assert service.engine.fact(seen.id) == changed and len(await service.history(seen.id)) == history
    edited = await service.edit_fact(
        seen.id, changed.to_draft().model_copy(update={"answer": "Russia."}), "mod", unless_changed=changed
    )
    assert edited.answer == "Russia." and edited.aliases == changed.aliases


async def test_remove_and_restore_are_soft_and_audited(service: FactService) -> None:
    fact = await service.add_fact(draft(), "mod")
    removed = await service.remove_fact(fact.id, "mod")
    assert removed == fact and service.engine.fact(fact.id) is None
    assert (await service.ask("where did witkoff travel on thursday")).result.fact != fact
    assert await service.removed_facts() == [fact]
    with pytest.raises(ModerationError, match="is removed; restore it first"):
        await service.add_alias(fact.id, "witkoff", "mod")
    # A removed fact gives up its phrasings; a new fact may take them, and then restoring is refused.
    taker = await service.add_fact(draft(question="Where did Witkoff travel on Thursday"), "mod")
    with pytest.raises(ModerationError, match=f'leads to fact "{taker.id}"'):
        await service.restore_fact(fact.id, "mod")
    await service.remove_fact(taker.id, "mod")
    assert await service.restore_fact(fact.id, "mod") == fact
    assert service.engine.fact(fact.id) == fact
    actions = [entry.action for entry in await service.history(fact.id)]
    assert actions == ["restored", "removed", "created"]
    with pytest.raises(ModerationError, match="nothing to restore"):
        await service.restore_fact(fact.id, "mod")


async def test_aliases_are_added_and_removed_with_audit_entries(service: FactService) -> None:
    fact = await service.add_fact(draft(), "mod")
    with_alias = await service.add_alias(fact.id, "  witkoff thursday trip ", "mod")
    assert with_alias.aliases == ("witkoff thursday trip",)
    assert (await service.ask("Witkoff Thursday trip!")).result.fact == with_alias
    without = await service.remove_alias(fact.id, "WITKOFF thursday trip?", "mod")
    assert without.aliases == ()
    assert [entry.action for entry in await service.history(fact.id)] == ["alias_removed", "alias_added", "created"]
    with pytest.raises(ModerationError, match="has no alias"):
        await service.remove_alias(fact.id, "nothing", "mod")
    with pytest.raises(ModerationError, match="is the question"):
        await service.remove_alias(fact.id, "where did witkoff travel on thursday", "mod")
    with pytest.raises(ModerationError, match="aliases"):
        await service.add_alias(fact.id, "x" * 101, "mod")


async def test_unknown_facts_and_bad_actors_are_moderation_errors(service: FactService) -> None:
    for operation in (
        service.remove_fact("no-such-fact", "mod"),
        service.restore_fact("NOT AN ID", "mod"),
        service.edit_fact("no-such-fact", draft(), "mod"),
        service.add_alias("no-such-fact", "alias", "mod"),
        service.history("no-such-fact"),
    ):
        with pytest.raises(FactNotFoundError, match="There is no fact"):
            await operation
    for actor in ("", "   ", "a\nb", "x" * 101):
        with pytest.raises(ModerationError, match="actor"):
            await service.add_fact(draft(), actor)


async def test_text_that_cannot_be_stored_is_refused(service: FactService) -> None:
    with pytest.raises(ModerationError, match="answer holds bytes that are not text"):
        draft(answer="broken \udcff bytes")
    with pytest.raises(ModerationError, match="text holds bytes that are not text"):
        await service.add_source("broken", "Title", "Outlet", "text \ud800", "mod")
    with pytest.raises(ModerationError, match="actor"):
        await service.add_fact(draft(), "cli:\udcff")
    assert (await service.ask("\udcff did russia accept?")).asked_id is not None


async def test_a_new_source_can_be_cited_at_once(service: FactService) -> None:
    text = "The council met on \u201cTuesday\u201d and voted 7\u20132 to approve the plan."
    source = await service.add_source("council-minutes", "Minutes", "Town Hall", text, "mod", author="Clerk")
    assert service.engine.source("council-minutes") == source
    cited = {"quote": 'met on "Tuesday" and voted 7-2', "speaker": "Clerk", "source": "council-minutes"}
    fact = await service.add_fact(draft(question="How did the council vote?", citations=[cited]), "mod")
    assert fact.citations[0].quote == "met on \u201cTuesday\u201d and voted 7\u20132"
    with pytest.raises(ModerationError, match="already registered"):
        await service.add_source("council-minutes", "Minutes", "Town Hall", text, "mod")
    with pytest.raises(ModerationError, match="id"):
        await service.add_source("Not An Id", "Minutes", "Town Hall", text, "mod")
    with pytest.raises(ModerationError, match="blank"):
        await service.add_source("blank", "Minutes", "Town Hall", "  \n ", "mod")


async def test_unanswered_groups_phrasings_and_drops_questions_that_became_aliases(service: FactService) -> None:
    for question in ("Who won the Super Bowl?", "who won the super bowl", "What about llamas?"):
        record = await service.ask(question, asker="user", channel="general")
        assert record.result.status is not MatchStatus.ANSWERED
    await service.ask("did russia accept?")
    await service.ask("who won the super bowl", log=False)
    unanswered = await service.unanswered()
    assert [(item.question, item.count) for item in unanswered] == [
        ("who won the super bowl", 2),
        ("What about llamas?", 1),
    ]
    fact = await service.add_fact(draft(), "mod")
    await service.add_alias(fact.id, "what about llamas", "mod")
    assert [item.question for item in await service.unanswered()] == ["who won the super bowl"]


async def test_feedback_attaches_to_an_asked_question(service: FactService) -> None:
    record = await service.ask("did russia accept?")
    assert record.asked_id is not None
    await service.record_feedback(record.asked_id, True, "user")
    await service.record_feedback(record.asked_id, False, "user")  # a change of mind replaces the vote
    await service.record_feedback(record.asked_id, True, "other")
    with pytest.raises(ModerationError, match="no asked question"):
        await service.record_feedback(record.asked_id + 100, True, "user")


async def test_export_is_a_data_file_that_loads_back_to_the_same_facts(service: FactService, tmp_path: Path) -> None:
    pinned = {"quote": "Putin said.", "speaker": "NOTUS", "source": SOURCE_ID, "occurrence": 2}
    odd = 'Tabs\tand "quotes" and \\ backslashes and \x7f'
    added = [
        await service.add_fact(draft(tags=["witkoff", "trip"], aliases=["witkoff thursday"]), "mod"),
        await service.add_fact(draft(question="What did Putin say, in short?", answer=odd, citations=[pinned]), "mod"),
    ]
    curated = service.engine.facts["who-is-rubio"]
    edited = await service.edit_fact(curated.id, curated.to_draft().model_copy(update={"answer": "Edited."}), "m")
    text = await service.export_moderator_facts()
    tomllib.loads(text)
    folder = tmp_path / "review"
    folder.mkdir()
    (folder / "exported.toml").write_text(text, encoding="utf-8")
    loaded = {fact.id: fact for fact in load_fact_files(folder, load_sources(SEEDS_DIR))}
    assert set(loaded) == {*(fact.id for fact in added), edited.id}
    for fact in [*added, edited]:
        assert loaded[fact.id].model_dump(exclude={"provenance"}) == fact.model_dump(exclude={"provenance"})


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_backup_while_in_use_holds_every_committed_fact(service: FactService, settings: Settings) -> None:
    fact = await service.add_fact(draft(), "mod")
    copy = settings.database_path.parent / "backup" / "copy.db"
    await service.backup(copy)
    restored = settings.model_copy(update={"database_path": copy})
    async with await open_service(restored) as from_backup:
        assert from_backup.engine.facts[fact.id] == fact
    assert await consistency_problems(restored) == []


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_postgresql_backup_is_left_to_pg_dump_in_one_line(service: FactService, tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnusableError, match="backed up with pg_dump") as refused:
        await service.backup(tmp_path / "copy.dump")
    assert "\n" not in str(refused.value) and not (tmp_path / "copy.dump").exists()


# On PostgreSQL, changes are announced instead (see test_following).
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_changes_by_another_connection_reach_the_engine_before_the_next_answer(
    service: FactService, settings: Settings
) -> None:
    async with await open_service(settings) as other:
        source = await other.add_source("memo", "Memo", "Office", "Witkoff flew to Moscow on a Thursday.", "m")
        cited = {"quote": "Witkoff flew to Moscow", "speaker": "Memo", "source": "memo"}
        fact = await other.add_fact(draft(question="Did Witkoff fly to Moscow?", citations=[cited]), "m")
        assert (await service.ask("did witkoff fly to moscow")).result.fact == fact
        assert service.engine.source("memo") == source
        await other.remove_fact(fact.id, "m")
        assert (await service.ask("did witkoff fly to moscow")).result.fact != fact
        assert service.engine.fact(fact.id) is None


async def test_facts_dir_and_seeds_are_validated_before_the_database_is_touched(tmp_path: Path) -> None:
    broken = tmp_path / "facts"
    broken.mkdir()
    (broken / "lexicon.toml").write_text((FACTS_DIR / "lexicon.toml").read_text())
    (broken / "bad.toml").write_text("[[facts]]\nid = 'x'\n")
    settings = Settings(database_path=tmp_path / "bot.db", facts_dir=broken, seeds_dir=SEEDS_DIR)
    with pytest.raises(ValueError, match=r"bad\.toml"):
        await open_service(settings)
    assert not settings.database_path.exists()
