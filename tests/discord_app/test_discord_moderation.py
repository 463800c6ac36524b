"""Moderating through Discord: the /mod group's forms, confirmations and both permission gates."""

from __future__ import annotations

from typing import Any

import discord
import pytest
import simcord

from bot.discord_app.errors import NotModerator
from tests.discord_app.world import World, button_labels, embed_of, embed_text, response

NEW_QUESTION = "What fellowship does the reporter hold?"
NEW_QUOTE = "John T. Seward is a NOTUS reporter and an Allbritton Journalism Institute fellow."
NEW_FACT = {
    "fact:question": NEW_QUESTION,
    "fact:aliases": "reporter fellowship\nwhich institute is the reporter with",
    "fact:answer": "He is an Allbritton Journalism Institute fellow.",
    "fact:quote": NEW_QUOTE,
    "fact:speaker": "NOTUS",
}
EDITED = "russia-position"


def _text_inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every text input of a modal payload, by custom id."""
    inputs = {}
    for row in modal["components"]:
        for text_input in row.get("components") or [row.get("component", {})]:
            inputs[text_input["custom_id"]] = text_input
    return inputs


def _modal_values(modal: dict[str, Any]) -> dict[str, str]:
    """The prefilled value of every text input in a modal payload, by custom id."""
    return {custom_id: text_input.get("value", "") for custom_id, text_input in _text_inputs(modal).items()}


def _placeholders(modal: dict[str, Any]) -> dict[str, str]:
    """Each text input's placeholder, by custom id."""
    return {custom_id: text_input.get("placeholder", "") for custom_id, text_input in _text_inputs(modal).items()}


async def _history_size(world: World) -> int:
    return len(await world.bot.service.history(limit=1000))


async def test_a_moderator_adds_a_fact_through_the_modal_and_members_get_it(world: World) -> None:
    before = await world.member.slash(world.channel, "ask", question=NEW_QUESTION)
    assert embed_of(before).title != NEW_QUESTION  # the byline's fact, or no answer: not the new fact yet

    shown = await world.moderator.slash(world.channel, "mod add", topic="article")
    assert shown.modal is not None and shown.modal["title"] == "Add a fact"
    placeholders = _placeholders(shown.modal)
    assert set(placeholders) == set(NEW_FACT)
    assert all("e.g." in placeholder and len(placeholder) <= 100 for placeholder in placeholders.values())
    done = await world.moderator.submit_modal(shown, NEW_FACT)

    assert done.ephemeral and "Added fact" in response(done).content
    answer = await world.member.slash(world.channel, "ask", question=NEW_QUESTION)
    embed = embed_of(answer)
    assert embed.title == NEW_QUESTION
    assert embed.fields[0].name == "Reported by NOTUS" and embed.fields[0].value == f"> {NEW_QUOTE}"
    alias = await world.member.slash(world.channel, "ask", question="reporter fellowship")
    assert embed_of(alias).title == NEW_QUESTION
    latest = (await world.bot.service.history(limit=1))[0]
    assert latest.action == "created" and str(world.moderator.id) in latest.actor


async def test_a_quote_not_in_the_article_is_refused_with_the_closest_passage(world: World) -> None:
    size = await _history_size(world)
    shown = await world.moderator.slash(world.channel, "mod add")
    wrong = {**NEW_FACT, "fact:quote": "John Seward is a NOTUS reporter and Allbritton fellow."}

    refused = await world.moderator.submit_modal(shown, wrong)

    assert refused.ephemeral
    assert response(refused).content.startswith("Not saved.")
    assert "closest passage" in response(refused).content
    assert "John T. Seward is a NOTUS reporter and an Allbritton" in response(refused).content
    assert await _history_size(world) == size
    assert all(fact.question != NEW_QUESTION for fact in world.bot.service.engine.facts.values())
    # The form comes back with what was typed, to fix rather than retype.
    reopened = await world.moderator.click(response(refused), label="Edit and try again")
    assert reopened.modal is not None and _modal_values(reopened.modal)["fact:quote"] == wrong["fact:quote"]
    fixed = await world.moderator.submit_modal(reopened, NEW_FACT)
    assert "Added fact" in response(fixed).content


async def test_a_moderator_edits_a_fact_in_a_prefilled_modal(world: World) -> None:
    fact = world.bot.service.engine.fact(EDITED)
    assert fact is not None

    shown = await world.moderator.slash(world.channel, "mod edit", fact=EDITED)

    assert shown.modal is not None
    values = _modal_values(shown.modal)
    assert values["fact:question"] == fact.question and values["fact:answer"] == fact.answer
    assert values["fact:quote"] == fact.citations[0].quote
    assert values["fact:aliases"].splitlines() == list(fact.aliases)
    done = await world.moderator.submit_modal(shown, {**values, "fact:answer": "Not clearly, says the article."})
    assert "Saved fact" in response(done).content

    answer = await world.member.slash(world.channel, "ask", question=fact.question)
    assert embed_of(answer).description == "Not clearly, says the article."
    edited = world.bot.service.engine.fact(EDITED)
    assert edited is not None and edited.citations == fact.citations  # the other quotes are kept
    assert edited.tags == fact.tags and edited.aliases == fact.aliases


async def test_remove_asks_for_confirmation_and_restore_brings_the_fact_back(world: World) -> None:
    fact = world.bot.service.engine.fact(EDITED)
    assert fact is not None

    kept = await world.moderator.slash(world.channel, "mod remove", fact=EDITED)
    assert button_labels(response(kept).components) == ["Remove", "Cancel"]
    await world.moderator.click(response(kept), label="Cancel")
    assert response(kept).content == "Nothing was removed." and world.bot.service.engine.fact(EDITED)

    asked = await world.moderator.slash(world.channel, "mod remove", fact=EDITED)
    assert asked.ephemeral and embed_text(embed_of(asked)).startswith("Source:")
    await world.moderator.click(response(asked), label="Remove")
    assert response(asked).content.startswith(f"Removed `{EDITED}`") and not response(asked).components
    gone = await world.member.slash(world.channel, "ask", question=fact.question)
    assert embed_of(gone).title != fact.question

    stale = await world.moderator.slash(world.channel, "mod edit", fact=EDITED)
    assert stale.modal is None and f'"{EDITED}" is removed; restore it first' in response(stale).content
    simcord.assert_error(world.env, Exception, contains="is removed")

    choices = await world.moderator.autocomplete(world.channel, "mod restore", "fact", "russia")
    assert [choice["value"] for choice in choices] == [EDITED]
    restored = await world.moderator.slash(world.channel, "mod restore", fact=EDITED)
    assert response(restored).content.startswith(f"Restored `{EDITED}`")
    back = await world.member.slash(world.channel, "ask", question=fact.question)
    assert embed_of(back).title == fact.question


async def test_an_edit_form_does_not_undo_a_change_made_while_it_was_open(world: World) -> None:
    shown = await world.moderator.slash(world.channel, "mod edit", fact=EDITED)
    assert shown.modal is not None
    values = _modal_values(shown.modal)
    await world.moderator.slash(world.channel, "mod alias", fact=EDITED, alias="is moscow on board")
    refused = await world.moderator.submit_modal(shown, {**values, "fact:answer": "Not clearly."})
    assert "since you opened it" in response(refused).content
    assert button_labels(response(refused).components) == ["Edit and try again"]
    kept = world.bot.service.engine.fact(EDITED)
    assert kept is not None and "is moscow on board" in kept.aliases and kept.answer != "Not clearly."


async def test_aliases_history_and_unanswered_questions(world: World) -> None:
    await world.member.slash(world.channel, "ask", question="What is the weather in Kyiv, @everyone?")

    added = await world.moderator.slash(world.channel, "mod alias", fact=EDITED, alias="is moscow on board")
    assert "now also answers" in response(added).content
    answer = await world.member.slash(world.channel, "ask", question="is moscow on board")
    assert embed_of(answer).title == world.bot.service.engine.fact(EDITED).question  # type: ignore[union-attr]
    clash = await world.moderator.slash(world.channel, "mod alias", fact="who-is-putin", alias="is moscow on board")
    assert clash.ephemeral and EDITED in response(clash).content
    simcord.assert_error(world.env, Exception, contains="already leads to fact")

    offered = await world.moderator.autocomplete(world.channel, "mod unalias", "alias", "MOSCOW ON", fact=EDITED)
    assert [choice["value"] for choice in offered] == ["is moscow on board"]
    assert await world.moderator.autocomplete(world.channel, "mod unalias", "alias", "", fact="no-such-fact") == []
    dropped = await world.moderator.slash(world.channel, "mod unalias", fact=EDITED, alias="Is Moscow on board?")
    assert "no longer answers" in response(dropped).content
    assert "is moscow on board" not in world.bot.service.engine.fact(EDITED).aliases  # type: ignore[union-attr]
    again = await world.moderator.slash(world.channel, "mod unalias", fact=EDITED, alias="is moscow on board")
    assert again.ephemeral and "has no alias" in response(again).content
    simcord.assert_error(world.env, Exception, contains="has no alias")

    history = await world.moderator.slash(world.channel, "mod history", fact=EDITED)
    assert "alias_added" in str(embed_of(history).description)
    assert "alias_removed" in str(embed_of(history).description)
    unanswered = await world.moderator.slash(world.channel, "mod unanswered")
    text = str(embed_of(unanswered).description)
    assert "weather in Kyiv" in text and "@everyone" not in text  # echoed escaped


async def test_moderator_role_from_settings_passes_the_runtime_check(world: World) -> None:
    curators = world.guild.create_role("Curators")
    curator = world.guild.add_member(world.env.create_user("cara"), roles=[curators])
    world.bot.settings = world.bot.settings.model_copy(update={"moderator_role_ids": frozenset({curators.id})})
    # The server admin grants the group to the role (Server Settings > Integrations): the first gate.
    [group] = [command for command in await world.bot.tree.fetch_commands() if command.name == "mod"]
    world.guild.set_command_permissions(group, {curators: True})

    shown = await curator.slash(world.channel, "mod add")
    assert shown.modal is not None


MODERATOR_ACTIONS: list[tuple[str, dict[str, str]]] = [
    ("mod add", {}),
    ("mod edit", {"fact": EDITED}),
    ("mod remove", {"fact": EDITED}),
    ("mod restore", {"fact": EDITED}),
    ("mod alias", {"fact": EDITED, "alias": "sneaky alias"}),
    ("mod unalias", {"fact": EDITED, "alias": "sneaky alias"}),
    ("mod history", {}),
    ("mod unanswered", {}),
]


async def test_a_member_without_permission_is_refused_every_moderator_action(world: World) -> None:
    facts = world.bot.service.engine.facts
    size = await _history_size(world)
    # First gate: Discord hides the group from members without Manage Server.
    assert not [name for name in world.member.available_commands(world.channel) if name.startswith("mod")]
    with pytest.raises(simcord.SetupError, match="default-member-permissions"):
        await world.member.slash(world.channel, "mod add")

    # Second gate: even when an admin grants the group to the member, the bot refuses at run time.
    [group] = [command for command in await world.bot.tree.fetch_commands() if command.name == "mod"]
    world.guild.set_command_permissions(group, {world.member: True})
    for name, options in MODERATOR_ACTIONS:
        refused = await world.member.slash(world.channel, name, **options)
        assert refused.modal is None, name
        assert refused.ephemeral and "Only moderators" in response(refused).content, name
        simcord.assert_error(world.env, NotModerator)

    assert world.bot.service.engine.facts == facts
    assert await _history_size(world) == size


async def test_a_removal_confirmed_after_losing_the_permission_is_refused(world: World) -> None:
    asked = await world.moderator.slash(world.channel, "mod remove", fact=EDITED)
    world.env.backend.remove_member_role(world.guild.id, world.moderator.id, world.guild.roles["Managers"].id)
    await world.env.settle()

    refused = await world.moderator.click(response(asked), label="Remove")

    assert "Only moderators" in refused.followups[0].content and refused.followups[0].ephemeral
    simcord.assert_error(world.env, NotModerator)
    assert world.bot.service.engine.fact(EDITED) is not None


@pytest.mark.parametrize("topic", ["Not a topic!", "x" * 40])
async def test_a_bad_topic_is_refused_before_the_form_opens(world: World, topic: str) -> None:
    refused = await world.moderator.slash(world.channel, "mod add", topic=topic)
    assert refused.modal is None and "A topic is one word" in response(refused).content
    simcord.assert_error(world.env, discord.app_commands.CommandInvokeError)


async def test_picking_a_fact_completes_by_id_words_or_typos_and_topics_by_count(world: World) -> None:
    engine = world.bot.service.engine
    for typed in (EDITED, "russia positon on the ceasefire", "did russia accept"):
        choices = await world.moderator.autocomplete(world.channel, "mod edit", "fact", typed)
        assert choices and choices[0]["value"] == EDITED, typed
    by_id = await world.moderator.autocomplete(world.channel, "mod history", "fact", "rubio-mean-girls")
    assert by_id[0]["value"] == "rubio-mean-girls" and len({c["value"] for c in by_id}) == len(by_id)
    opening = await world.moderator.autocomplete(world.channel, "mod remove", "fact", "")
    assert [c["value"] for c in opening] == list(engine.facts)[:25]

    topics = await world.member.autocomplete(world.channel, "facts", "topic", "")
    counts = {c["value"]: c["name"] for c in topics}
    russia = sum(1 for fact in engine.facts.values() if "russia" in fact.tags)
    assert counts["russia"] == f"Russia ({russia} facts)"
    removed = await world.moderator.slash(world.channel, "mod remove", fact=EDITED)
    await world.moderator.click(response(removed), label="Remove")
    after = {c["value"]: c["name"] for c in await world.member.autocomplete(world.channel, "facts", "topic", "rus")}
    assert after == {"russia": f"Russia ({russia - 1} facts)"}
