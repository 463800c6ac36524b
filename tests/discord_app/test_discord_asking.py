"""Asking through Discord: /ask, autocomplete, close-question buttons, feedback, context menu, mentions."""

from __future__ import annotations

import sqlite3
import time

import discord
import pytest
import simcord

from bot.core.decision import MatchStatus
from tests.discord_app.world import (
    World,
    button_labels,
    custom_ids,
    embed_of,
    embed_text,
    last_message,
    response,
)

RUSSIA_QUESTION = "Did Russia accept the ceasefire?"


def _ambiguous_question(world: World) -> str:
    """A question the engine finds ambiguous (found, not hard-coded, so matcher tuning cannot break this)."""
    engine = world.bot.service.engine
    for question in ("ukraine", "Tell me about Zelenskyy", "ceasefire", "peace", "the deal", "talks"):
        if engine.ask(question).status is MatchStatus.AMBIGUOUS:
            return question
    raise AssertionError("none of the candidate questions is ambiguous any more; add one")


async def test_ask_answers_with_the_exact_quote_in_an_embed(world: World) -> None:
    fact = world.bot.service.engine.ask(RUSSIA_QUESTION).fact
    assert fact is not None

    result = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)

    assert not result.ephemeral
    embed = embed_of(result)
    assert embed.title == fact.question
    assert embed.description == fact.answer
    quotes = [field.value for field in embed.fields if str(field.name).startswith("Quote")]
    for citation, value in zip(fact.citations, quotes, strict=True):
        assert value == f"> {citation.quote}\n\u2014 {citation.speaker}"
    assert str(embed.author.name).startswith("Source:") and "NOTUS, by John T. Seward" in str(embed.author.name)
    assert "Match" in str(embed.footer.text)
    assert {"Helpful", "Not helpful"} <= set(button_labels(response(result).components))


async def test_autocomplete_offers_at_most_25_valid_choices_quickly(world: World) -> None:
    questions = {fact.question for fact in world.bot.service.engine.facts.values()}
    for typed in ("", "russia", "did putin", "x" * 6000):
        started = time.perf_counter()
        choices = await world.member.autocomplete(world.channel, "ask", "question", typed)
        assert time.perf_counter() - started < 1.0
        assert len(choices) <= 25
        for choice in choices:
            assert 1 <= len(choice["name"]) <= 100 and choice["value"] == choice["name"]
            assert choice["name"] in questions
    choices = await world.member.autocomplete(world.channel, "ask", "question", "did russia accept")
    picked = await world.member.slash(world.channel, "ask", question=choices[0]["value"])
    assert embed_of(picked).title == choices[0]["value"]


async def test_an_ambiguous_question_offers_buttons_and_a_click_answers(world: World) -> None:
    question = _ambiguous_question(world)
    offered = world.bot.service.engine.ask(question).suggestions

    result = await world.member.slash(world.channel, "ask", question=question)

    embed = embed_of(result)
    assert embed.title == "Did you mean\u2026"
    assert button_labels(response(result).components) == [s.question for s in offered]
    clicked = await world.member.click(response(result), label=offered[0].question)
    assert clicked.ephemeral
    answer = embed_of(clicked)
    assert answer.title == offered[0].question
    assert any(str(field.name).startswith("Quote") for field in answer.fields)
    assert offered[0].question not in button_labels(response(clicked).components)  # not offered to itself
    with sqlite3.connect(world.bot.settings.database_path) as database:
        logged = database.execute("SELECT status, fact_id, score FROM asked_questions ORDER BY id DESC").fetchone()
    assert logged == ("answered", offered[0].fact_id, 100.0)  # feedback on this answer goes to the fact shown


async def test_feedback_buttons_record_feedback(world: World) -> None:
    result = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)
    feedback_id = next(i for i in custom_ids(response(result).components) if i.startswith("ask:feedback:"))
    asked_id = int(feedback_id.split(":")[2])

    clicked = await world.member.click(response(result), label="Not helpful")
    assert clicked.ephemeral and "not helpful" in response(clicked).content
    await world.moderator.click(response(result), label="Helpful")

    with sqlite3.connect(world.bot.settings.database_path) as database:
        rows = database.execute("SELECT asked_id, helpful, actor FROM feedback ORDER BY id").fetchall()
    assert [(row[0], row[1]) for row in rows] == [(asked_id, 0), (asked_id, 1)]
    assert str(world.member.id) in rows[0][2] and str(world.moderator.id) in rows[1][2]


async def test_the_message_context_menu_answers_about_the_message(world: World) -> None:
    target = await world.moderator.send(world.channel, "did russia accept the ceasefire or not?")

    result = await world.member.context_menu(world.channel, "Ask about this message", target)

    embed = embed_of(result)
    assert embed.fields[0].name == "About this message"
    assert embed.fields[0].value == "> did russia accept the ceasefire or not?"
    assert embed.title == world.bot.service.engine.ask(RUSSIA_QUESTION).fact.question  # type: ignore[union-attr]


async def test_a_mention_is_answered_in_a_reply(world: World) -> None:
    me = world.bot.user
    assert me is not None
    sent = await world.member.send(world.channel, f"{me.mention} did Russia accept the ceasefire?")

    reply = last_message(world.channel)
    assert reply.author.id == me.id and reply.reference is not None
    assert reply.reference.message_id == sent.id
    assert reply.embeds[0].title == world.bot.service.engine.ask(RUSSIA_QUESTION).fact.question  # type: ignore[union-attr]

    await world.member.send(world.channel, me.mention)
    assert "Ask me a question after the mention" in last_message(world.channel).content
    await world.member.send(world.channel, "@everyone did Russia accept?")
    assert last_message(world.channel).author.id == world.member.id  # not mentioned: no answer


async def test_a_mention_that_fails_gets_an_apology_in_reply(world: World, caplog: pytest.LogCaptureFixture) -> None:
    me = world.bot.user
    assert me is not None
    database = world.bot.settings.database_path
    with sqlite3.connect(database) as connection:  # recording the question fails: a real database error
        connection.execute("ALTER TABLE asked_questions RENAME TO asked_questions_away")
    try:
        sent = await world.member.send(world.channel, f"{me.mention} did Russia accept the ceasefire?")
    finally:
        with sqlite3.connect(database) as connection:
            connection.execute("ALTER TABLE asked_questions_away RENAME TO asked_questions")
    apology = last_message(world.channel)
    assert apology.author.id == me.id and apology.reference is not None and apology.reference.message_id == sent.id
    assert "something went wrong on my side" in apology.content
    assert any("Unhandled error in the reply to message" in r.getMessage() for r in caplog.records)


@pytest.mark.bot_settings(ask_cooldown_rate=2, ask_cooldown_seconds=30)
async def test_asking_too_fast_gets_a_friendly_ephemeral_message(world: World) -> None:
    for _ in range(2):
        assert embed_of(await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION))

    refused = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)
    assert refused.ephemeral and "Try again in" in response(refused).content
    simcord.assert_error(world.env, discord.app_commands.CommandOnCooldown)
    me = world.bot.user
    assert me is not None
    await world.member.send(world.channel, f"{me.mention} did Russia accept?")  # one limit for every way in
    assert "Try again in" in last_message(world.channel).content
    other = await world.moderator.slash(world.channel, "ask", question=RUSSIA_QUESTION)  # per user
    assert response(other).embeds

    await world.env.advance_time(31)
    assert embed_of(await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION))


async def test_source_quote_facts_and_help(world: World) -> None:
    source = await world.member.slash(world.channel, "source")
    assert "Russia Muddies Position" in embed_text(embed_of(source))

    found = await world.member.slash(world.channel, "quote", text="temporary BREATHER")
    assert embed_of(found).title == "In the article, word for word"
    assert "**temporary breather**" in str(embed_of(found).fields[0].value)
    missing = await world.member.slash(world.channel, "quote", text="a temporary breathing space for troops")
    assert "closest passage" in str(embed_of(missing).description)

    listing = await world.member.slash(world.channel, "facts")
    assert listing.ephemeral and "Page 1 of" in str(embed_of(listing).footer.text)
    turned = await world.member.click(response(listing), label="Next")
    assert "Page 2 of" in str(embed_of(turned).footer.text)
    russia = await world.member.slash(world.channel, "facts", topic="russia")
    assert embed_of(russia).title == "Facts about russia"
    typed = await world.member.slash(world.channel, "facts", topic=" Russia ")  # as topics are stored
    assert embed_of(typed).title == "Facts about russia" and embed_of(typed).description == embed_of(russia).description
    odd = await world.member.slash(world.channel, "facts", topic="**not a topic**")
    assert embed_of(odd).title == "Facts about \\*\\*not a topic\\*\\*"  # shown as typed, not as markdown

    helped = await world.member.slash(world.channel, "help")
    assert helped.ephemeral and "/ask question" in embed_text(embed_of(helped))
    assert "Moderators" not in embed_text(embed_of(helped))
    moderator_help = await world.moderator.slash(world.channel, "help")
    assert "/mod add" in embed_text(embed_of(moderator_help))
