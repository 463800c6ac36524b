"""Two bot processes, two shards each, over one PostgreSQL database and the loopback Discord: the deployment of
the README's "Running on several processes", end to end (each phase bounded; processes always stopped)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from itertools import pairwise

import asyncpg
import pytest

from bot.discord_app.identify import bucket_of
from bot.loopback import Cluster, Reply
from bot.loopback.payloads import command_interaction, modal_submit

SHARDS = 4
MAX_CONCURRENCY = 2
OWNERS = {0: "A", 1: "A", 2: "B", 3: "B"}
CATCH_UP_S = 1.0  # the bound for an edit to reach every process
QUOTE = "nothing other than a temporary breather for Ukrainian troops"
_users: Iterator[int] = itertools.count(1_000)

pytestmark = pytest.mark.loopback(shard_count=SHARDS, max_concurrency=MAX_CONCURRENCY)


def _settings(cluster_id: int, url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "SHARD_COUNT": str(SHARDS),
        "CLUSTER_ID": str(cluster_id),
        "CLUSTER_COUNT": "2",
        "ASK_COOLDOWN_RATE": "2",
        "ASK_COOLDOWN_SECONDS": "60",
        "DATABASE_CHECK_SECONDS": "0.5",
    }


async def _ask(cluster: Cluster, guild: int, question: str, user: int | None = None) -> tuple[Reply, str]:
    """``/ask`` by a fresh member (unless ``user``); the reply and the interaction's id."""
    interaction = command_interaction(guild, next(_users) if user is None else user, "ask", {"question": question})
    return await cluster.discord.interact(interaction), interaction["id"]


async def _answered_within(cluster: Cluster, guild: int, question: str, expected: str, seconds: float) -> float:
    """Ask until the answer shows ``expected``; the seconds it took (fails after ``seconds``)."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        reply, _ = await _ask(cluster, guild, question)
        if expected in reply.text:
            return elapsed
        await asyncio.sleep(0.02)
    pytest.fail(f"{question!r} was not answered with {expected!r} within {seconds} s in guild {guild}")


async def _add_fact(cluster: Cluster, guild: int, question: str) -> Reply:
    """``/mod add``, then the form submitted, by a moderator of ``guild``."""
    moderator = next(_users)
    form = await cluster.discord.interact(command_interaction(guild, moderator, "add", {}, group="mod", moderator=True))
    assert form.kind == 9, form.text  # the modal
    values = {
        "fact:question": question,
        "fact:aliases": "",
        "fact:answer": "Ushakov called the deal a temporary breather for Ukrainian troops.",
        "fact:quote": QUOTE,
        "fact:speaker": "Yuri Ushakov",
    }
    return await cluster.discord.interact(modal_submit(guild, moderator, form.body, values))


async def _alias(cluster: Cluster, guild: int, fact_id: str, alias: str) -> Reply:
    options = {"fact": fact_id, "alias": alias}
    return await cluster.discord.interact(
        command_interaction(guild, next(_users), "alias", options, group="mod", moderator=True)
    )


def _identify_checks(cluster: Cluster) -> None:
    identifies = cluster.discord.identifies
    assert {(i.tag, i.shard) for i in identifies} == {(OWNERS[s], (s, SHARDS)) for s in range(SHARDS)}
    for bucket in range(MAX_CONCURRENCY):
        times = sorted(i.at for i in identifies if i.shard and bucket_of(i.shard[0], MAX_CONCURRENCY) == bucket)
        assert all(later - earlier >= 5.0 for earlier, later in pairwise(times)), (bucket, times)


async def _terminate_connections(url: str) -> int:
    """``pg_terminate_backend`` on every other connection to the test database; how many."""
    admin = await asyncpg.connect(url)
    try:
        rows = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    return len(rows)


async def test_two_processes_share_the_shards_the_limits_and_every_edit(postgres_url: str, cluster: Cluster) -> None:
    # postgres_url first: the processes (cluster) are stopped before the database is dropped.
    guilds = {shard: cluster.discord.add_guild(shard, f"server {shard}") for shard in range(SHARDS)}
    a_guild, b_guild = guilds[0], guilds[2]
    cluster.start("A", **_settings(0, postgres_url))
    cluster.start("B", **_settings(1, postgres_url))
    await cluster.live(OWNERS)

    # IDENTIFY: the right [shard_id, shard_count] from the right process, one per bucket per window overall.
    _identify_checks(cluster)

    # Each server is answered by exactly one process: the one running its shard.
    for shard, guild in guilds.items():
        reply, interaction_id = await _ask(cluster, guild, "did Russia accept the ceasefire?")
        assert reply.tag == OWNERS[shard] and "Did Russia accept the ceasefire proposal?" in reply.text
        assert [callback.tag for callback in cluster.discord.callbacks_of(interaction_id)] == [OWNERS[shard]]

    # The rate limit holds across processes: two questions (one through each), then the third is refused.
    member = next(_users)
    for guild in (a_guild, b_guild):
        assert "Try again" not in (await _ask(cluster, guild, "what did Putin say?", member))[0].text
    assert "Try again in" in (await _ask(cluster, a_guild, "what did Putin say?", member))[0].text

    # A fact added through A is answered by B within a second.
    question = "Which two words did Ushakov use for the lull in fighting?"
    assert question not in (await _ask(cluster, b_guild, question))[0].text
    added = await _add_fact(cluster, a_guild, question)
    assert "Added fact" in added.text, added.text
    fact_id = added.text.split("`")[1]
    assert await _answered_within(cluster, b_guild, question, question, CATCH_UP_S) < CATCH_UP_S

    # kill -9 of B: A keeps answering (and editing); B restarted catches up on what it missed.
    cluster.processes["B"].kill()
    await cluster.live({0: "A", 1: "A"})
    missed = "lantern harbour zebra truce words"
    assert "now also answers" in (await _alias(cluster, a_guild, fact_id, missed)).text
    await _answered_within(cluster, guilds[1], missed, question, CATCH_UP_S)
    cluster.start("B", **_settings(1, postgres_url))
    await cluster.live(OWNERS)
    await _answered_within(cluster, guilds[3], missed, question, CATCH_UP_S)

    # Every connection to PostgreSQL killed while edits go on: nothing acknowledged is lost, every process catches up.
    acknowledged: list[str] = []
    for n in range(12):
        if n == 4:
            # Each process holds at least its pool's connection and its listener's.
            assert await _terminate_connections(postgres_url) >= 4
        alias = f"quay beacon walrus {n}"
        if "now also answers" in (await _alias(cluster, a_guild, fact_id, alias)).text:
            acknowledged.append(alias)
    assert len(acknowledged) >= 8  # the link comes back within a few edits
    for alias in acknowledged:
        for guild in (a_guild, b_guild):
            await _answered_within(cluster, guild, alias, question, 10.0)
    connection = await asyncpg.connect(postgres_url)
    try:
        stored = {row["alias"] for row in await connection.fetch("SELECT alias FROM aliases")}
    finally:
        await connection.close()
    assert set(acknowledged) <= stored
