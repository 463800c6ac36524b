"""Asking through Discord: the answer card, its components, "Did you mean", quiet failures, the context menu,
mentions, autocomplete and the rate limit."""

from __future__ import annotations

import re
import sqlite3
import statistics
from difflib import SequenceMatcher

import pytest

from bot.core.brief import WEAK_BELOW
from bot.core.decision import MatchStatus
from bot.core.evaluation import load_cases
from bot.settings import PROJECT_ROOT
from tests.discord_app.world import (
    World,
    button_labels,
    button_styles,
    custom_ids,
    embed_of,
    last_message,
    member_text,
    response,
    select_options,
)

RUSSIA_QUESTION = "Did Russia accept the ceasefire?"
BLURPLE, GREY = 1, 2
# What a member must never read: a score, a threshold or the matcher's jargon.
NUMBERS = re.compile(r"\d+\s*/\s*100|\bscore\b|\bmatch \d|\(strong\)|\(fair\)", re.IGNORECASE)


def _questions_to_try() -> list[str]:
    """Short questions, then those people wrote from the article (eval/*.jsonl): where to look for an example."""
    written = [case.q for path in sorted((PROJECT_ROOT / "eval").glob("*.jsonl")) for case in load_cases(path)]
    return ["ukraine", "Tell me about Zelenskyy", "ceasefire", "peace", "the deal", "talks", "moscow", *written]


def _ambiguous_question(world: World) -> str:
    """A question the engine finds ambiguous (found, not hard-coded, so matcher tuning cannot break this)."""
    engine = world.bot.service.engine
    for question in _questions_to_try():
        if engine.ask(question).status is MatchStatus.AMBIGUOUS:
            return question
    raise AssertionError("no question of the sets is ambiguous any more")


def _weak_question(world: World) -> str:
    """A question answered, but below the strong-match line (found, not hard-coded)."""
    engine = world.bot.service.engine
    for question in _questions_to_try():
        result = engine.ask(question)
        if result.status is MatchStatus.ANSWERED and result.score < WEAK_BELOW:
            return question
    raise AssertionError("no question of the sets is a weak match any more")


def _shared_words(a: str, b: str) -> int:
    """The longest run of characters two texts share (curly quotes aside), a plain measure of repetition."""
    fold = str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''")
    left, right = a.translate(fold).casefold(), b.translate(fold).casefold()
    return SequenceMatcher(None, left, right, autojunk=False).find_longest_match().size


async def test_the_answer_card_is_short_quotes_by_speaker_and_shows_no_numbers(world: World) -> None:
    fact = world.bot.service.engine.ask(RUSSIA_QUESTION).fact
    assert fact is not None

    result = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)

    assert not result.ephemeral
    embed = embed_of(result)
    assert embed.title == fact.question
    names = [str(field.name) for field in embed.fields]
    assert len(names) == 2 and names == ["Vladimir Putin", "Reported by NOTUS"]  # by speaker; narration credited
    quotes = {citation.quote for citation in fact.citations}
    for field in embed.fields:
        assert str(field.value).startswith("> ") and str(field.value)[2:] in quotes
        assert _shared_words(str(embed.description), str(field.value)[2:]) < 30  # the answer does not repeat it
    assert str(embed.description).startswith("Not clearly.") and len(str(embed.description)) < len(fact.answer)
    assert embed.footer.text == "Source: NOTUS, John T. Seward" and not embed.author.name
    assert len(embed) < 600
    assert not NUMBERS.search(member_text(response(result)))
    # Related questions in one grey menu; more quotes and feedback, grey, on their own row.
    components = response(result).components
    assert select_options(components)["ask:related"] == [
        s.question for s in world.bot.service.engine.ask(RUSSIA_QUESTION).suggestions
    ]
    assert button_labels(components) == ["More quotes (2)", "Helpful", "Not helpful"]
    assert set(button_styles(components).values()) == {GREY}
    assert [len(row["components"]) for row in components] == [1, 3]


async def test_a_typical_answer_stays_under_600_characters(world: World) -> None:
    engine = world.bot.service.engine
    sizes = []
    for fact in engine.facts.values():
        result = await world.member.slash(world.channel, "ask", question=fact.question)
        embed = embed_of(result)
        assert embed.title == fact.question
        assert len(embed.fields) <= 2 and not NUMBERS.search(member_text(response(result)))
        assert all(not str(field.name).startswith("Quote") for field in embed.fields)
        sizes.append(len(embed))
    assert statistics.median(sizes) < 600 and max(sizes) < 800, sizes


async def test_a_weak_match_says_so_in_words(world: World) -> None:
    weak = await world.member.slash(world.channel, "ask", question=_weak_question(world))
    strong = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)

    assert "closest match" in str(embed_of(weak).description)
    assert "closest match" not in str(embed_of(strong).description)
    assert not NUMBERS.search(member_text(response(weak)))


async def test_more_quotes_shows_the_rest_privately(world: World) -> None:
    fact = world.bot.service.engine.ask(RUSSIA_QUESTION).fact
    assert fact is not None
    result = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)
    shown = {str(field.value) for field in embed_of(result).fields}

    more = await world.moderator.click(response(result), label="More quotes (2)")

    assert more.ephemeral
    rest = embed_of(more).fields
    assert len(rest) == 2 and not {str(field.value) for field in rest} & shown
    assert {str(field.value) for field in rest} | shown == {f"> {citation.quote}" for citation in fact.citations}
    assert "Yuri Ushakov" in [field.name for field in rest]


async def test_a_related_question_picked_from_the_menu_is_answered_privately(world: World) -> None:
    result = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)
    related = world.bot.service.engine.ask(RUSSIA_QUESTION).suggestions[0]

    picked = await world.moderator.select(response(result), [related.fact_id], custom_id="ask:related")

    assert picked.ephemeral and embed_of(picked).title == related.question
    assert embed_of(result).title != related.question  # the public answer is left alone


async def test_the_other_question_of_a_message_is_named_and_offered_first_in_the_menu(world: World) -> None:
    message = "who took the photo? and who wrote the article?"
    other = world.bot.service.engine.ask(message).also[0]

    result = await world.member.slash(world.channel, "ask", question=message)

    embed = embed_of(result)
    asked = next(field for field in embed.fields if field.name == "You also asked")
    assert other.question in (asked.value or "")
    assert select_options(response(result).components)["ask:related"][0] == other.question


async def test_did_you_mean_offers_blurple_choices_and_the_askers_pick_becomes_the_answer(world: World) -> None:
    question = _ambiguous_question(world)
    offered = world.bot.service.engine.ask(question).suggestions

    result = await world.member.slash(world.channel, "ask", question=question)

    assert not result.ephemeral
    embed = embed_of(result)
    assert embed.title == "Did you mean\u2026"
    assert "\u2022" not in str(embed.description) and not embed.fields  # the choices are the buttons, once
    assert not NUMBERS.search(member_text(response(result)))
    components = response(result).components
    assert button_labels(components) == [s.question for s in offered]
    assert set(button_styles(components).values()) == {BLURPLE}

    other = await world.moderator.click(response(result), label=offered[1].question)  # someone else: privately
    assert other.ephemeral and embed_of(other).title == offered[1].question
    assert embed_of(result).title == "Did you mean\u2026"

    picked = await world.member.click(response(result), label=offered[0].question)  # the asker: in place
    assert picked.response is not None and picked.response.id == response(result).id
    answer = embed_of(result)
    assert answer.title == offered[0].question and answer.fields
    assert "Helpful" in button_labels(response(result).components)
    assert offered[0].question not in select_options(response(result).components).get("ask:related", [])
    with sqlite3.connect(world.bot.settings.database_path) as database:
        logged = database.execute("SELECT status, fact_id, score FROM asked_questions ORDER BY id DESC").fetchone()
    chosen = world.bot.service.engine.choose(offered[0].fact_id)
    assert chosen is not None
    assert logged == ("answered", offered[0].fact_id, chosen.score)  # feedback on this answer goes to the fact shown


async def test_a_slash_command_without_an_answer_is_private_with_a_browse_button(world: World) -> None:
    result = await world.member.slash(world.channel, "ask", question="What is the weather in Kyiv?")

    assert result.ephemeral
    embed = embed_of(result)
    assert embed.title == "No answer in the article" and not NUMBERS.search(member_text(response(result)))
    assert "Browse questions" in button_labels(response(result).components)
    assert not [m for m in world.channel.history(viewer=world.moderator) if m.author.id == world.bot.user.id]  # type: ignore[union-attr]

    browsed = await world.member.click(response(result), label="Browse questions")
    assert browsed.ephemeral and embed_of(browsed).title == "Everything I can answer"


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


async def test_the_message_context_menu_names_and_links_the_message_it_answers(world: World) -> None:
    target = await world.moderator.send(world.channel, "did russia accept the ceasefire or not?")

    result = await world.member.context_menu(world.channel, "Ask about this message", target)

    assert not result.ephemeral
    assert response(result).content == f"Answering [mo's message]({target.jump_url})"
    embed = embed_of(result)
    assert embed.title == world.bot.service.engine.ask(RUSSIA_QUESTION).fact.question  # type: ignore[union-attr]
    assert [field.name for field in embed.fields] == ["Vladimir Putin", "Reported by NOTUS"]

    unclear = await world.moderator.send(world.channel, _ambiguous_question(world))
    offered = await world.member.context_menu(world.channel, "Ask about this message", unclear)
    choice = button_labels(response(offered).components)[0]
    await world.member.click(response(offered), label=choice)
    assert embed_of(offered).title == choice  # the asker's pick answers in place, still linking the message
    assert response(offered).content == f"Answering [mo's message]({unclear.jump_url})"


async def test_a_mention_is_answered_in_a_reply(world: World) -> None:
    me = world.bot.user
    assert me is not None
    sent = await world.member.send(world.channel, f"{me.mention} did Russia accept the ceasefire?")

    reply = last_message(world.channel)
    assert reply.author.id == me.id and reply.reference is not None
    assert reply.reference.message_id == sent.id
    assert reply.embeds[0].title == world.bot.service.engine.ask(RUSSIA_QUESTION).fact.question  # type: ignore[union-attr]

    await world.member.send(world.channel, f"{me.mention} what is the weather in Kyiv?")  # public and short
    missed = last_message(world.channel)
    assert missed.embeds[0].title == "No answer in the article" and len(missed.embeds[0]) < 300
    await world.member.send(world.channel, me.mention)  # nothing asked: how to ask
    assert last_message(world.channel).embeds[0].title == "How to ask"
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


async def test_autocomplete_ranks_questions_containing_the_typed_text_first(world: World) -> None:
    questions = {fact.question for fact in world.bot.service.engine.facts.values()}
    for typed in ("", "russia", "did putin", "wal", "x" * 6000):
        choices = await world.member.autocomplete(world.channel, "ask", "question", typed)
        assert len(choices) <= 25
        for choice in choices:
            assert 1 <= len(choice["name"]) <= 100 and choice["value"] == choice["name"]
            assert choice["name"] in questions
        containing = [typed.casefold() in choice["name"].casefold() for choice in choices]
        assert containing == sorted(containing, reverse=True), (typed, choices)  # every containing one first
    walz = await world.member.autocomplete(world.channel, "ask", "question", "wal")
    assert sum("wal" in choice["name"].casefold() for choice in walz) >= 2
    choices = await world.member.autocomplete(world.channel, "ask", "question", "did russia accept")
    picked = await world.member.slash(world.channel, "ask", question=choices[0]["value"])
    assert embed_of(picked).title == choices[0]["value"]


@pytest.mark.bot_settings(ask_cooldown_rate=2, ask_cooldown_seconds=30)
async def test_asking_too_fast_gets_a_friendly_private_message_on_every_way_in(world: World) -> None:
    for _ in range(2):
        assert embed_of(await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION))

    refused = await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION)
    assert refused.ephemeral and "Try again in" in response(refused).content
    me = world.bot.user
    assert me is not None
    await world.member.send(world.channel, f"{me.mention} did Russia accept?")  # one limit for every way in
    assert "Try again in" in last_message(world.channel).content
    answered = await world.moderator.slash(world.channel, "ask", question=RUSSIA_QUESTION)  # per user
    related = world.bot.service.engine.ask(RUSSIA_QUESTION).suggestions[0].fact_id
    picked = await world.member.select(response(answered), [related], custom_id="ask:related")
    assert picked.ephemeral and "Try again in" in response(picked).content

    await world.env.advance_time(31)
    assert embed_of(await world.member.slash(world.channel, "ask", question=RUSSIA_QUESTION))


def test_the_no_numbers_check_catches_scores() -> None:
    for shown in ("Match 100/100 (strong)", "Best match 0/100", "score 73"):
        assert NUMBERS.search(shown), shown
    assert not NUMBERS.search("Ukraine agreed to a U.S. proposal for a 30-day ceasefire on Tuesday.")


async def test_a_message_without_text_is_refused_privately(world: World) -> None:
    target = await world.moderator.send(world.channel, "", attachments=[("map.png", b"\x89PNG")])
    result = await world.member.context_menu(world.channel, "Ask about this message", target)
    assert result.ephemeral and "no text" in response(result).content


async def test_a_greeting_or_help_request_gets_the_short_usage_reply(world: World) -> None:
    greeted = await world.member.slash(world.channel, "ask", question="hello, what can you do?")

    assert greeted.ephemeral  # like /help: no channel noise
    embed = embed_of(greeted)
    assert embed.title == "How to ask" and not embed.fields and len(embed) < 400
    assert button_labels(response(greeted).components) == ["Browse questions"]

    me = world.bot.user
    assert me is not None
    await world.member.send(world.channel, f"{me.mention} commands")
    usage = last_message(world.channel)
    assert usage.author.id == me.id and usage.embeds[0].title == "How to ask" and not usage.embeds[0].fields
