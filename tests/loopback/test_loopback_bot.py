"""The real bot (``python -m bot run``) against the loopback Discord, in one process: sharded and not."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from bot.discord_app.identify import IDENTIFY_WINDOW, bucket_of
from bot.loopback import Cluster


def _database(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_PATH": str(tmp_path / "bot.db")}


@pytest.mark.loopback(shard_count=1, max_concurrency=1)
async def test_without_shard_settings_one_unsharded_connection_answers(cluster: Cluster, tmp_path: Path) -> None:
    guild = cluster.discord.add_guild(0)
    cluster.start("solo", **_database(tmp_path))
    await cluster.live({0: "solo"})

    reply = await cluster.discord.ask(guild, 7, "did Russia accept the ceasefire?")

    assert [identify.shard for identify in cluster.discord.identifies] == [None]
    assert reply.tag == "solo" and "Did Russia accept the ceasefire proposal?" in reply.text


@pytest.mark.loopback(shard_count=4, max_concurrency=2)
async def test_one_process_runs_every_shard_paced_by_bucket_and_answers_each_guild(
    cluster: Cluster, tmp_path: Path
) -> None:
    guilds = {shard: cluster.discord.add_guild(shard) for shard in range(4)}
    cluster.start("all", SHARD_COUNT="4", **_database(tmp_path))
    await cluster.live(dict.fromkeys(range(4), "all"))

    identifies = cluster.discord.identifies
    assert sorted(identify.shard for identify in identifies if identify.shard) == [(s, 4) for s in range(4)]
    for bucket in range(2):
        times = sorted(i.at for i in identifies if i.shard and bucket_of(i.shard[0], 2) == bucket)
        assert all(later - earlier >= 5.0 for earlier, later in pairwise(times)), times
    # Different buckets do not wait for each other: the first two shards identify together.
    first_two = sorted(i.at for i in identifies)[:2]
    assert first_two[1] - first_two[0] < IDENTIFY_WINDOW / 2
    for shard, guild in guilds.items():
        reply = await cluster.discord.ask(guild, 100 + shard, "what did Putin say about the ceasefire?")
        assert reply.tag == "all" and reply.text
        assert not cluster.discord.unknown_requests
