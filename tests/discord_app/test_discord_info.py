"""Information through Discord: /source, /quote, /facts (with a menu to ask one), /help and the owner's /sync."""

from __future__ import annotations

import re

import discord
import simcord

from bot.discord_app.errors import NotOwner
from tests.discord_app.world import World, embed_of, embed_text, response, select_options

_FACT_ID_SHOWN = re.compile(r"`[a-z0-9-]+`")


async def test_source_and_quote(world: World) -> None:
    source = await world.member.slash(world.channel, "source")
    assert "Russia Muddies Position" in embed_text(embed_of(source))

    found = await world.member.slash(world.channel, "quote", text="temporary BREATHER")
    assert embed_of(found).title == "In the article, word for word"
    assert "**temporary breather**" in str(embed_of(found).fields[0].value)
    missing = await world.member.slash(world.channel, "quote", text="a temporary breathing space for troops")
    assert "closest passage" in str(embed_of(missing).description)


async def test_facts_lists_questions_by_capitalised_topic_without_ids_and_asks_one(world: World) -> None:
    engine = world.bot.service.engine
    listing = await world.member.slash(world.channel, "facts")
    assert listing.ephemeral and "Page 1 of" in str(embed_of(listing).footer.text)
    page = embed_of(listing)
    assert not _FACT_ID_SHOWN.search(embed_text(page))  # members never see internal ids
    assert all(str(field.name)[:1].isupper() for field in page.fields)
    assert "United States" in [field.name for field in page.fields] or "Article" in [f.name for f in page.fields]
    [menu] = select_options(response(listing).components).values()
    assert len(menu) == 10 and all(f"\u2022 {question}" in embed_text(page) for question in menu)

    turned = await world.member.click(response(listing), label="Next")
    assert "Page 2 of" in str(embed_of(turned).footer.text)
    [second] = select_options(response(listing).components).values()
    assert second != menu and all(f"\u2022 {question}" in embed_text(embed_of(listing)) for question in second)
    fact = next(fact for fact in engine.facts.values() if fact.question == second[0])
    asked = await world.member.select(response(listing), [fact.id])
    assert asked.ephemeral and embed_of(asked).title == fact.question

    moderated = await world.moderator.slash(world.channel, "facts")
    assert _FACT_ID_SHOWN.search(embed_text(embed_of(moderated)))  # moderators pick facts by id

    russia = await world.member.slash(world.channel, "facts", topic="russia")
    assert embed_of(russia).title == "Facts about Russia"
    typed = await world.member.slash(world.channel, "facts", topic=" Russia ")  # as topics are stored
    assert embed_of(typed).title == "Facts about Russia" and embed_of(typed).fields == embed_of(russia).fields
    odd = await world.member.slash(world.channel, "facts", topic="**not a topic**")
    assert embed_of(odd).title == "Facts about \\*\\*not a topic\\*\\*"  # shown as typed, not as markdown
    assert "No facts on that topic" in str(embed_of(odd).description)


async def test_help_uses_the_bots_mention_and_clickable_commands(world: World) -> None:
    me = world.bot.user
    assert me is not None
    published = {command.name: command.id for command in await world.bot.tree.fetch_commands()}

    helped = await world.member.slash(world.channel, "help")

    text = embed_text(embed_of(helped))
    assert helped.ephemeral and me.mention in text and "@Ceasefire Bot" not in text
    assert f"</ask:{published['ask']}>" in text and f"</facts:{published['facts']}>" in text
    assert "Moderators" not in text
    moderator_help = embed_text(embed_of(await world.moderator.slash(world.channel, "help")))
    assert f"</mod add:{published['mod']}>" in moderator_help


async def test_only_the_owner_syncs_from_discord(world: World) -> None:
    assert "sync" not in world.member.available_commands(world.channel)  # hidden from all but administrators
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    admin = world.guild.add_member(world.env.create_user("ada"), roles=[admins])
    refused = await admin.slash(world.channel, "sync", scope="here")
    assert refused.ephemeral and "Only the bot's owner" in response(refused).content
    simcord.assert_error(world.env, NotOwner)

    world.bot.owner_id = admin.id
    synced = await admin.slash(world.channel, "sync", scope="here")
    assert synced.ephemeral and response(synced).content.startswith("Published 8 commands to this server: ")
    guild_commands = await world.bot.tree.fetch_commands(guild=discord.Object(world.guild.id))
    assert "ask" in {command.name for command in guild_commands}
