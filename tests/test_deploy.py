"""deploy/: the environment file is valid settings, and the unit's restart policy matches the bot's exit statuses."""

from __future__ import annotations

import configparser
import os
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings, Sharding
from tests.conftest import run_bot_cli

DEPLOY = PROJECT_ROOT / "deploy"


def _unit() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(DEPLOY / "bot@.service", encoding="utf-8")
    return parser["Service"]


def _assignments(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


def test_the_environment_file_names_only_real_settings_and_gives_each_cluster_its_shards() -> None:
    assignments = _assignments(DEPLOY / "bot.env.example")
    fields = {name.upper() for name in Settings.model_fields}
    assert set(assignments) <= fields
    count = int(assignments["CLUSTER_COUNT"])
    shards: list[int] = []
    for cluster_id in range(count):  # as the unit sets CLUSTER_ID=%i
        values = {**{k.lower(): v for k, v in assignments.items() if v}, "cluster_id": cluster_id}
        sharding = Settings.model_validate(values).sharding
        assert isinstance(sharding, Sharding)
        shards += sharding.shard_ids
    assert shards == list(range(int(assignments["SHARD_COUNT"])))


def test_the_unit_runs_one_cluster_per_instance_and_restarts_with_back_off() -> None:
    service = _unit()
    assert service["ExecStart"].endswith("-m bot run") and service["Environment"] == "CLUSTER_ID=%i"
    assert service["Restart"] == "on-failure" and service["KillSignal"] == "SIGTERM"
    assert service["RestartSec"] and service["RestartMaxDelaySec"] and int(service["RestartSteps"]) > 1


@pytest.mark.parametrize("env", [{"SHARD_COUNT": "4", "CLUSTER_ID": "0", "CLUSTER_COUNT": "2"}, {"DISCORD_TOKEN": ""}])
def test_a_setting_to_fix_exits_with_the_status_the_unit_does_not_restart_on(
    env: dict[str, str], tmp_path: Path
) -> None:
    prevented = {int(status) for status in _unit()["RestartPreventExitStatus"].split()}
    environment = {**os.environ, "DISCORD_TOKEN": "x", "DATABASE_PATH": str(tmp_path / "bot.db"), **env}
    environment.pop("DATABASE_URL", None)
    done = run_bot_cli("run", env=environment)
    assert done.returncode in prevented and len(done.stderr.splitlines()) == 1
