"""IDENTIFY pacing and the sharded bot's construction (the gateway itself is exercised in test_loopback_*)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from discord.ext import commands
from pydantic import SecretStr

from bot.discord_app.client import CeasefireBot, ShardedCeasefireBot, create_bot
from bot.discord_app.identify import IdentifyPacer, LocalSlots, bucket_of
from bot.settings import Settings


def test_without_shard_settings_the_bot_is_the_plain_unsharded_one(tmp_path: Path) -> None:
    bot = create_bot(Settings(database_path=tmp_path / "bot.db"))
    assert type(bot) is CeasefireBot and not isinstance(bot, commands.AutoShardedBot)


def test_shard_settings_give_an_auto_sharded_bot_with_this_process_shards(tmp_path: Path) -> None:
    settings = Settings(
        database_url=SecretStr("postgresql://bot@127.0.0.1/bot"), shard_count=6, cluster_id=1, cluster_count=3
    )
    bot = create_bot(settings)
    assert isinstance(bot, ShardedCeasefireBot) and isinstance(bot, commands.AutoShardedBot)
    assert (bot.shard_ids, bot.shard_count) == ([2, 3], 6)


def test_buckets_follow_discords_rule() -> None:
    assert [bucket_of(shard, 4) for shard in range(9)] == [0, 1, 2, 3, 0, 1, 2, 3, 0]
    assert {bucket_of(shard, 1) for shard in range(5)} == {0}


async def test_one_identify_per_bucket_per_window_and_buckets_do_not_wait_for_each_other() -> None:
    pacer = IdentifyPacer(LocalSlots(), max_concurrency=2, window=0.3)
    started = time.monotonic()
    times: dict[int, float] = {}

    async def identify(shard_id: int) -> None:
        await pacer.wait_turn(shard_id)
        times[shard_id] = time.monotonic() - started

    await asyncio.gather(*(identify(shard) for shard in range(4)))
    assert times[0] < 0.1 and times[1] < 0.1  # different buckets: together
    assert abs(times[2] - times[0]) >= 0.3 and abs(times[3] - times[1]) >= 0.3  # same bucket: a window apart
