"""Safety: the global error handler, and no request that pings anyone or breaks Discord's limits."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import simcord

from bot.discord_app.replies import DEFER_AFTER
from tests.discord_app.world import World, embed_of, last_message, request_problems, response

PINGS = "@everyone @here <@123> <@!123> <@&456> <@1456074443980800009> <@&1456074443980800010>"


async def test_the_error_handler_answers_ephemerally_and_the_bot_keeps_serving(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    service = world.bot.service
    real_ask = service.ask

    async def broken_ask(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(service, "ask", broken_ask)
    with caplog.at_level(logging.ERROR, logger="bot.discord_app"):
        failed = await world.member.slash(world.channel, "ask", question="Did Russia accept?")

    assert failed.ephemeral and "something went wrong" in response(failed).content
    simcord.assert_error(world.env, RuntimeError, contains="on fire")
    assert "Unhandled error in /ask" in caplog.text and "on fire" in caplog.text

    monkeypatch.setattr(service, "ask", real_ask)
    again = await world.member.slash(world.channel, "ask", question="Did Russia accept?")
    assert embed_of(again).title


async def test_a_failing_button_is_reported_too(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    answered = await world.member.slash(world.channel, "ask", question="Did Russia accept?")

    async def broken_feedback(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("feedback table missing")

    monkeypatch.setattr(world.bot.service, "record_feedback", broken_feedback)
    clicked = await world.member.click(response(answered), label="Helpful")

    assert clicked.ephemeral and "something went wrong" in response(clicked).content
    assert embed_of(await world.member.slash(world.channel, "source")).title


async def test_huge_and_mention_laden_input_never_pings_or_overflows(world: World) -> None:
    me = world.bot.user
    assert me is not None
    nasty = f"{PINGS} did Russia accept **the** ceasefire? ||spoiler|| " + "x" * 40
    huge = (nasty + " ") * (6000 // (len(nasty) + 1))
    huge += "y" * (6000 - len(huge))
    start = len(world.env.http_requests)

    await world.member.slash(world.channel, "ask", question=huge)
    await world.member.slash(world.channel, "ask", question=nasty)
    await world.member.autocomplete(world.channel, "ask", "question", huge)
    writer = world.guild.add_member(world.env.create_user("[@everyone **x**](https://evil)"))
    message = await writer.send(world.channel, (nasty + " ") * (2000 // (len(nasty) + 1)))
    about = await world.member.context_menu(world.channel, "Ask about this message", message)
    await world.member.send(world.channel, f"{me.mention} {nasty}"[:2000])
    mention_reply = last_message(world.channel)
    await world.member.slash(world.channel, "quote", text=f"{PINGS} temporary breather"[:300])
    unmatched = await world.member.slash(world.channel, "ask", question=f"{PINGS} weather in Kyiv")
    assert embed_of(unmatched).title == "No answer in the article"
    await world.moderator.slash(world.channel, "mod unanswered")
    shown = await world.moderator.slash(world.channel, "mod add")
    await world.moderator.submit_modal(
        shown,
        {
            "fact:question": f"{PINGS} question?"[:100],
            "fact:answer": "a" * 1000,
            "fact:quote": f"{PINGS} not in the article " + "q" * 700,
            "fact:speaker": PINGS[:100],
        },
    )

    requests = world.env.http_requests[start:]
    assert len(requests) > 10
    assert request_problems(requests) == []
    echoed = response(about).content  # the writer's name, escaped, in the link to their message
    assert "@everyone" not in echoed and "@\u200beveryone" in echoed and "\\*\\*x\\*\\*" in echoed
    assert echoed.endswith(f"'s message]({message.jump_url})") and "(https://evil)" in echoed
    assert not mention_reply.mention_everyone and not mention_reply.role_mentions


async def test_the_request_check_catches_pings_and_overflows() -> None:
    def callback(data: dict[str, Any]) -> simcord.HttpLogEntry:
        return simcord.HttpLogEntry("POST", "/interactions/1/token/callback", {}, {"type": 4, "data": data}, None)

    safe = {"content": "hi", "allowed_mentions": {"parse": []}}
    assert request_problems([callback(safe)]) == []
    for unsafe in (
        {"content": "hi"},
        {"content": "hi", "allowed_mentions": {"parse": ["everyone"]}},
        {"content": "hi", "allowed_mentions": {"parse": [], "replied_user": True}},
        {"content": "x" * 2001, "allowed_mentions": {"parse": []}},
        {"embeds": [{"description": "x" * 4097}], "allowed_mentions": {"parse": []}},
        {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}], "allowed_mentions": {"parse": []}},
    ):
        assert request_problems([callback(unsafe)]), unsafe
    followup = simcord.HttpLogEntry("POST", "/webhooks/1/token", {}, {"content": "@everyone"}, None)
    assert request_problems([followup])


@pytest.mark.simcord(settle_timeout=0.5)
async def test_slow_work_is_deferred_before_the_deadline(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    service = world.bot.service
    real_ask = service.ask

    async def slow_ask(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(10)  # virtual time: parked until the test advances the clock
        return await real_ask(*args, **kwargs)

    monkeypatch.setattr(service, "ask", slow_ask)
    result = await world.member.slash(world.channel, "ask", question="Did Russia accept?")
    assert not result.acknowledged
    await world.env.advance_time(DEFER_AFTER + 0.1)
    assert result.deferred and not result.ephemeral  # "thinking..." shown well before 3 seconds
    await world.env.advance_time(10)
    assert embed_of(result).title and not result.deferred


@pytest.mark.simcord(settle_timeout=0.5)
async def test_an_error_after_deferring_is_still_answered_privately(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow_failure(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(10)
        raise RuntimeError("timed out talking to the database")

    monkeypatch.setattr(world.bot.service, "ask", slow_failure)
    result = await world.member.slash(world.channel, "ask", question="Did Russia accept?")
    await world.env.advance_time(DEFER_AFTER + 0.1)
    await world.env.advance_time(10)

    [apology] = result.followups
    assert apology.ephemeral and "something went wrong" in apology.content
    assert not [m for m in world.channel.history(viewer=world.moderator) if m.author.id == world.bot.user.id]  # type: ignore[union-attr]
    simcord.assert_error(world.env, RuntimeError, contains="timed out")
