"""Running the bot: settings errors, the console fallback, clean shutdown on signals, explicit command sync."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import discord
import pytest
import simcord

from bot.discord_app.client import CeasefireBot, create_bot
from bot.discord_app.runner import TokenRejectedError, serve, sync_tree
from bot.settings import PROJECT_ROOT, Settings
from bot.store import open_service
from tests.conftest import run_bot_cli
from tests.discord_app.world import embed_of


def _bot_command(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` with a blank token (whatever a developer's .env holds) and a fresh database."""
    environment = {**os.environ, "DISCORD_TOKEN": "", "DATABASE_PATH": str(tmp_path / "bot.db"), **env}
    return run_bot_cli(*args, env=environment, stdin=stdin)


@pytest.mark.parametrize(
    ("args", "env", "names"),
    [
        (("run",), {}, "DISCORD_TOKEN"),
        (("sync", "--global"), {}, "DISCORD_TOKEN"),
        (("run",), {"ASK_COOLDOWN_RATE": "often"}, "ASK_COOLDOWN_RATE"),
        (("run",), {"MODERATOR_ROLE_IDS": "mods"}, "MODERATOR_ROLE_IDS"),
    ],
)
def test_missing_or_malformed_settings_stop_with_one_line(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], names: str
) -> None:
    finished = _bot_command(tmp_path, *args, **env)
    assert finished.returncode == 2
    [line] = finished.stderr.splitlines()
    assert line.startswith("error: ") and names in line


def test_start_without_a_token_explains_and_runs_the_console_chat(tmp_path: Path) -> None:
    finished = _bot_command(tmp_path, "start", stdin="did Russia accept the ceasefire?\n")
    assert finished.returncode == 0
    assert "DISCORD_TOKEN is not set" in finished.stderr
    assert "Did Russia accept the ceasefire proposal?" in finished.stdout


def test_asking_on_the_command_line_never_imports_discord(tmp_path: Path) -> None:
    check = (
        "import sys\n"
        "from bot.cli import main\n"
        f"status = main(['ask', '--db', {str(tmp_path / 'bot.db')!r}, 'did Russia accept?'])\n"
        "assert not [m for m in sys.modules if m == 'discord' or m.startswith('discord.')], 'discord imported'\n"
        "sys.exit(status)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60, check=False
    )
    assert finished.returncode == 0, finished.stderr


def _offline(bot: CeasefireBot, failure: BaseException | None = None) -> None:
    """Replace the bot's connection to Discord: set it up as login would, then idle until closed."""

    async def start(token: str, *, reconnect: bool = True) -> None:
        await bot.setup_hook()
        if failure is not None:
            raise failure
        while not bot.is_closed():
            await asyncio.sleep(0.01)

    bot.start = start  # type: ignore[method-assign]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_shuts_down_cleanly_and_closes_the_database(
    settings: Settings, signum: signal.Signals
) -> None:
    bot = create_bot(settings)
    _offline(bot)
    serving = asyncio.create_task(serve(bot, "token"))
    while bot._service is None:
        await asyncio.sleep(0.01)
    service = bot.service
    closed: list[bool] = []
    real_close = service.close

    async def close() -> None:
        await real_close()
        closed.append(True)

    service.close = close  # type: ignore[method-assign]
    await service.ask("What is the weather in Kyiv?")

    os.kill(os.getpid(), signum)
    await asyncio.wait_for(serving, timeout=10)

    assert bot.is_closed() and closed == [True]
    reopened = await open_service(settings)
    try:  # nothing lost: the question asked before the signal was committed
        assert [entry.question for entry in await reopened.unanswered()] == ["What is the weather in Kyiv?"]
    finally:
        await reopened.close()


async def test_a_rejected_token_is_reported_and_the_bot_closed(settings: Settings) -> None:
    bot = create_bot(settings)
    _offline(bot, discord.LoginFailure("Improper token has been passed."))
    with pytest.raises(TokenRejectedError):
        await serve(bot, "bad token")
    assert bot.is_closed() and bot._service is None


async def test_sync_to_one_guild_makes_the_commands_usable_there(simcord_env: simcord.Env) -> None:
    bot = simcord_env.bot
    assert isinstance(bot, CeasefireBot)
    guild = simcord_env.create_guild("Development")
    channel = guild.create_text_channel("testing")
    member = guild.add_member(simcord_env.create_user("dev"))

    names = await sync_tree(bot, guild.id)

    assert {"ask", "facts", "help", "mod", "quote", "source", "sync", "Ask about this message"} == set(names)
    assert embed_of(await member.slash(channel, "ask", question="Did Russia accept the ceasefire?")).title
    await bot.close()
