"""Pictures of the bot for the README: its main flows, rendered by SimCord's preview, photographed by Chromium.

    make screenshots            # or: .venv/bin/python -m scripts.screenshots [--out DIR] [--chromium PATH]

The real bot (``create_bot`` over a temporary database) runs in a SimCord world; each flow is shown in SimCord's
Discord-like preview page and Debian's Chromium (``apt-get install chromium``) saves it as a PNG under
``docs/images/``. It needs the ``docs`` extra (``simcord[preview]``). Not part of ``make test``: run it after a
change to what the bot shows, look at the pictures, and commit them.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import discord
import simcord
from PIL import Image

from bot.discord_app.client import CeasefireBot, create_bot
from bot.discord_app.runner import sync_tree
from bot.settings import PROJECT_ROOT, Settings

__all__ = ["main"]

_CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=5000",
)
_WIDTH = 760
_MARGIN = 16  # pixels of background kept under the last line
_SHADE = 6  # colour steps within which a pixel counts as background


@dataclass
class Scene:
    """The world a flow is acted in."""

    env: simcord.Env
    channel: simcord.ChannelHandle
    member: simcord.MemberActor
    moderator: simcord.MemberActor


@dataclass(frozen=True)
class Flow:
    """One picture: its file name, its height, and what the member does (returning what to show)."""

    name: str
    height: int
    act: Callable[[Scene], Awaitable[simcord.InteractionResult]]
    viewer: str = "member"


async def _answer(scene: Scene) -> simcord.InteractionResult:
    return await scene.member.slash(scene.channel, "ask", question="did russia accept?")


async def _no_answer(scene: Scene) -> simcord.InteractionResult:
    return await scene.member.slash(scene.channel, "ask", question="did China agree?")


async def _did_you_mean(scene: Scene) -> simcord.InteractionResult:
    return await scene.member.slash(scene.channel, "ask", question="ukraine")


async def _facts(scene: Scene) -> simcord.InteractionResult:
    return await scene.member.slash(scene.channel, "facts")


async def _modal(scene: Scene) -> simcord.InteractionResult:
    return await scene.moderator.slash(scene.channel, "mod add", topic="article")


FLOWS = (
    Flow("answer", 720, _answer),
    Flow("no-answer", 420, _no_answer),
    Flow("did-you-mean", 400, _did_you_mean),
    Flow("facts", 860, _facts),
    Flow("modal", 900, _modal, viewer="moderator"),
)


async def _photograph(chromium: str, url: str, path: Path, height: int) -> None:
    """Save the page at ``url`` as ``path`` (Chromium runs beside the event loop serving the page)."""
    with tempfile.TemporaryDirectory(prefix="screenshots-profile-") as profile:
        process = await asyncio.create_subprocess_exec(
            chromium,
            *_CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={_WIDTH},{height}",
            f"--screenshot={path}",
            url,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, errors = await asyncio.wait_for(process.communicate(), timeout=120)
    if process.returncode != 0 or not path.exists():
        raise RuntimeError(f"Chromium could not photograph {path.name}: {errors.decode(errors='replace')[-500:]}")
    _trim(path)


def _trim(path: Path) -> None:
    """Keep the conversation (or form) only: cut the preview's own toolbar and the empty page around it.

    The page's background is the colour near the bottom-right corner (the edges carry a faint shadow); the
    toolbar ends at the first row of that colour, and the picture keeps the rows from the first to the last
    holding anything else, with a margin.
    """
    with Image.open(path) as image:
        picture = image.convert("RGB")
    width, height = picture.size
    background = picture.getpixel((width - 1, height - _MARGIN))

    def empty(y: int) -> bool:
        return all(_near(picture.getpixel((x, y)), background) for x in range(_MARGIN, width, 3))

    rows = [empty(y) for y in range(height)]
    below_toolbar = next((y for y in range(height) if rows[y]), 0)
    content = next((y for y in range(below_toolbar, height) if not rows[y]), below_toolbar)
    top = max(below_toolbar, content - _MARGIN)
    bottom = next((y for y in range(height - 1, top, -1) if not rows[y]), height - 1)
    picture.crop((0, top, width, min(height, bottom + _MARGIN))).save(path, optimize=True)


def _near(colour: object, background: object) -> bool:
    """Whether two RGB pixels differ by at most a shade in every channel."""
    assert isinstance(colour, tuple) and isinstance(background, tuple)
    return all(abs(a - b) <= _SHADE for a, b in zip(colour, background, strict=True))


async def _scene(env: simcord.Env) -> Scene:
    bot = env.bot
    assert isinstance(bot, CeasefireBot) and bot.user is not None
    await bot.user.edit(username="Ceasefire Bot")
    await sync_tree(bot)
    guild = env.create_guild("Newsroom")
    channel = guild.create_text_channel("ceasefire-talks")
    managers = guild.create_role("Moderators", permissions=discord.Permissions(manage_guild=True))
    member = guild.add_member(env.create_user("alice", global_name="Alice"))
    moderator = guild.add_member(env.create_user("mo", global_name="Mo"), roles=[managers])
    return Scene(env, channel, member, moderator)


async def render(out: Path, chromium: str, names: set[str] | None) -> list[Path]:
    """Photograph every flow (or those in ``names``) into ``out``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="screenshots-db-") as folder:
        settings = Settings(discord_token=None, database_path=Path(folder) / "bot.db")
        async with simcord.run(create_bot(settings)) as env:
            scene = await _scene(env)
            for flow in FLOWS:
                if names is not None and flow.name not in names:
                    continue
                shown = await flow.act(scene)
                viewer = scene.moderator if flow.viewer == "moderator" else scene.member
                async with env.preview(
                    scene.channel, viewers=[viewer], display="fixed", width=_WIDTH, height=flow.height
                ) as preview:
                    await preview.show(shown)
                    path = out / f"{flow.name}.png"
                    await _photograph(chromium, preview.url, path, flow.height)
                written.append(path)
            await env.bot.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Render the pictures; one line per picture written, or one line saying what is missing."""
    parser = argparse.ArgumentParser(prog="python -m scripts.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "images", help="where the PNGs go")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium", help="Chromium's path")
    parser.add_argument("flows", nargs="*", help=f"only these ({', '.join(flow.name for flow in FLOWS)})")
    args = parser.parse_args(argv)
    if shutil.which(args.chromium) is None:
        print(f"error: Chromium not found ({args.chromium}); install it: apt-get install chromium", file=sys.stderr)
        return 2
    unknown = set(args.flows) - {flow.name for flow in FLOWS}
    if unknown:
        print(f"error: no such picture: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for path in asyncio.run(render(args.out, args.chromium, set(args.flows) or None)):
        print(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
