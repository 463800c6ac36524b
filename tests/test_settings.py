"""Sharding settings: which shards this process runs, and one clear line for a combination that cannot work."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.settings import Settings, SettingsError, Sharding, database_location, load_settings

_SHARED = "postgresql://bot@127.0.0.1/bot"


def _sharding(**fields: object) -> Sharding | None:
    return Settings.model_validate({"database_url": _SHARED, **fields}).sharding


def test_no_shard_setting_runs_one_unsharded_bot() -> None:
    assert _sharding() is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"shard_count": 4}, Sharding((0, 1, 2, 3), 4)),
        ({"shard_count": 8, "shard_ids": "4-5, 7"}, Sharding((4, 5, 7), 8)),
        ({"shard_count": 4, "shard_ids": "2,2,3"}, Sharding((2, 3), 4)),
        ({"shard_count": 4, "cluster_id": 1, "cluster_count": 2}, Sharding((2, 3), 4)),
        ({"shard_count": 5, "cluster_id": 0, "cluster_count": 2}, Sharding((0, 1), 5)),
        ({"shard_count": 5, "cluster_id": 1, "cluster_count": 2}, Sharding((2, 3, 4), 5)),
    ],
)
def test_shard_ids_and_clusters_give_this_process_its_shards(fields: dict[str, object], expected: Sharding) -> None:
    assert _sharding(**fields) == expected


@pytest.mark.parametrize("count", [1, 2, 3, 7, 16, 100])
def test_clusters_cover_every_shard_once_in_contiguous_ranges(count: int) -> None:
    for clusters in range(1, count + 1):
        parts = [_sharding(shard_count=count, cluster_id=i, cluster_count=clusters) for i in range(clusters)]
        shards = [shard for part in parts if part for shard in part.shard_ids]
        assert shards == list(range(count))
        sizes = {len(part.shard_ids) for part in parts if part}
        assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"SHARD_IDS": "0,1"}, "SHARD_COUNT"),
        ({"CLUSTER_ID": "0", "CLUSTER_COUNT": "2"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0", "CLUSTER_ID": "0", "CLUSTER_COUNT": "2"}, "not both"),
        ({"SHARD_COUNT": "4", "CLUSTER_ID": "0"}, "CLUSTER_COUNT"),
        ({"SHARD_COUNT": "4", "CLUSTER_ID": "2", "CLUSTER_COUNT": "2"}, "CLUSTER_ID must be 0 to 1"),
        ({"SHARD_COUNT": "2", "CLUSTER_ID": "0", "CLUSTER_COUNT": "3"}, "cannot exceed SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1,2"}, "from 0 to 1"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "first"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "3-1"}, "backwards"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0-1"}, "set DATABASE_URL"),
        ({"SHARD_COUNT": "4", "CLUSTER_ID": "1", "CLUSTER_COUNT": "2"}, "set DATABASE_URL"),
    ],
)
def test_bad_combinations_are_one_line_naming_the_settings(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], names: str
) -> None:
    for name in ("SHARD_COUNT", "SHARD_IDS", "CLUSTER_ID", "CLUSTER_COUNT", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert names in message and "\n" not in message and "Value error" not in message


def test_a_blank_shard_list_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARD_IDS", " ")
    assert load_settings().sharding is None


def test_one_process_may_run_every_shard_on_sqlite() -> None:
    assert Settings(shard_count=3).sharding == Sharding((0, 1, 2), 3)
    assert Settings.model_validate({"shard_count": 2, "shard_ids": "0,1"}).sharding == Sharding((0, 1), 2)


def test_database_url_must_be_postgresql_and_blank_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://bot@db/bot")
    with pytest.raises(SettingsError, match=r"DATABASE_URL: .*postgresql://user:password@host:port/database"):
        load_settings()
    monkeypatch.setenv("DATABASE_URL", "  ")
    assert load_settings().database_url is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:s3cret@db.example.org:5432/bot", "postgresql://bot:***@db.example.org:5432/bot"),
        ("postgres://bot@db/bot", "postgres://bot@db/bot"),
        ("postgresql:///bot?host=/run/postgresql", "postgresql:///bot?host=/run/postgresql"),
    ],
)
def test_the_database_is_named_in_messages_without_its_password(url: str, shown: str) -> None:
    assert database_location(Settings(database_url=SecretStr(url))) == shown
