"""A base in the database: writing it, loading it through the store, and asking the bot through SimCord.

Loading is measured the way the bot starts: ``open_service`` migrates, syncs the curated files, reads every
fact and builds the engine. Synthetic facts are stored as a moderator's, so the sync leaves them alone.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from bot.bench.stats import Latency, resident_memory_mb
from bot.bench.synthetic import SyntheticBase
from bot.core.embedding import MINILM
from bot.core.semantic import VectorTable
from bot.settings import PROJECT_ROOT, Settings

__all__ = ["bench_settings", "measure_discord", "measure_loading", "store_base"]

_ACTOR = "bench"


def bench_settings(database: Path, facts_dir: Path | None = None) -> Settings:
    """Settings for a benchmark process: no token, and no cooldown in the way of back-to-back questions."""
    fields: dict[str, Any] = {"discord_token": None, "database_path": database, "ask_cooldown_rate": 1_000_000}
    if facts_dir is not None:
        fields["facts_dir"] = facts_dir
    return Settings(**fields)


async def store_base(base: SyntheticBase, folder: Path, vectors: VectorTable) -> Settings:
    """Write ``base`` into a new database in ``folder`` with its lexicon as the curated one (the project's seeds
    and curated facts stay as they are) and its facts' ``vectors``, as if moderators had added them one by one, and
    open it once, as a first start would; the settings that open it."""
    from bot.store import records
    from bot.store.database import Database
    from bot.store.vectors import save_vectors

    facts_dir = folder / "facts"
    facts_dir.mkdir(parents=True)
    # The store wants curated files beside the lexicon: the project's own go along (a few dozen facts).
    for path in (PROJECT_ROOT / "facts").glob("*.toml"):
        if path.name != "lexicon.toml":
            shutil.copy(path, facts_dir / path.name)
    (facts_dir / "lexicon.toml").write_text(base.vocabulary.lexicon_toml(), encoding="utf-8")
    settings = bench_settings(folder / "bench.db", facts_dir)
    database = await Database.open(settings.database_path)
    try:
        at = records.now()
        async with database.write() as session:
            for source in base.sources:
                await records.save_source(session, source, "moderator", _ACTOR, at, exists=False)
            for fact in base.facts:
                stored = records.stamped(fact, "moderator", None, _ACTOR, at)
                await records.save_fact(session, records.FactRecord(stored, None, _ACTOR, at), exists=False)
            await save_vectors(session, MINILM.model_id, vectors)
    finally:
        await database.close()
    await measure_loading(settings, index_file=False)  # the first start syncs the curated files; later ones load
    return settings


async def measure_loading(settings: Settings, index_file: bool) -> dict[str, Any]:
    """Open the store as the bot does (timed), then its resident memory; run in a fresh process. Without
    ``index_file`` the index file is deleted first, so the index is built (a first start, or one after facts
    changed); with it, the file a previous start wrote is read (a restart with nothing changed). The semantic
    index's file (``vectors_file``) goes or stays with it."""
    from bot.store import startup

    paths = [startup.index_file(settings), startup.vectors_file(settings)]
    for path in paths:
        if not index_file:
            path.unlink(missing_ok=True)
        elif not path.is_file():
            raise RuntimeError(f"no index file at {path}: measure a start without one first")
    started = time.perf_counter()
    service = await startup.open_service(settings)
    seconds = time.perf_counter() - started
    before_model, _ = resident_memory_mb()
    started = time.perf_counter()
    service.engine.semantic_rank("did they agree?", 3)  # what a first question adds: the model, loaded
    first_question_s = time.perf_counter() - started
    resident, peak = resident_memory_mb()
    facts = len(service.engine)
    vectors = service.engine.vectors.index.rows
    await service.close()
    return {
        "load_s": round(seconds, 3),
        "rss_mb": round(resident, 1),
        "rss_before_model_mb": round(before_model, 1),
        "peak_rss_mb": round(peak, 1),
        "first_semantic_question_s": round(first_question_s, 3),
        "stored_facts": facts,
        "semantic_vectors": vectors,
    }


class _HandlingClock:
    """The bot's own time for each interaction, from its command tree receiving it (as the gateway delivers it) to
    the tree's handler returning, the response sent: what the bot does, without the simulator around it.

    It wraps the tree's receive and dispatch on this instance only (discord.py's ``_from_interaction`` and
    ``_call``, pinned with discord.py); the bot's own code is unchanged.
    """

    def __init__(self, tree: Any) -> None:
        self.seconds: dict[str, list[float]] = {"application_command": [], "autocomplete": []}
        received: dict[int, float] = {}
        receive, call = tree._from_interaction, tree._call

        def timed_receive(interaction: Any) -> None:
            received[interaction.id] = time.perf_counter()
            receive(interaction)

        async def timed_call(interaction: Any) -> None:
            try:
                await call(interaction)
            finally:
                started = received.pop(interaction.id, None)
                if started is not None:
                    self.seconds.setdefault(interaction.type.name, []).append(time.perf_counter() - started)

        setattr(tree, "_from_interaction", timed_receive)  # noqa: B010 - an instance attribute, not a method
        setattr(tree, "_call", timed_call)  # noqa: B010

    def take(self, kind: str) -> float:
        """The handling time of the one interaction of ``kind`` (an InteractionType name) since the last take."""
        found = self.seconds[kind]
        if len(found) != 1:
            raise RuntimeError(f"expected one {kind} interaction to be handled, not {len(found)}")
        return found.pop()


async def measure_discord(settings: Settings, questions: list[str], partials: list[str]) -> dict[str, Any]:
    """The real bot (``create_bot``) in a SimCord world, for each ``/ask`` and each autocomplete request: the
    bot's own handling time (see :class:`_HandlingClock`; the figure to compare with Discord's 3-second limit),
    and the round trip through the simulator, from the member's action until SimCord has settled the bot (its
    settling waits in steps of 50 ms, so that figure is mostly SimCord's). Skipped, saying why, when the bot cannot
    be built."""
    try:
        import simcord

        from bot.discord_app.client import create_bot
        from bot.discord_app.runner import sync_tree
    except ImportError as error:
        return {"skipped": f"the Discord bot cannot be imported ({error})"}
    bot = create_bot(settings)
    clock = _HandlingClock(bot.tree)
    env = simcord.Env(bot)
    await env.start()
    try:
        await sync_tree(bot)
        guild = env.create_guild("Bench")
        channel = guild.create_text_channel("general")
        member = guild.add_member(env.create_user("reader"))
        asks, asks_handled = [], []
        for question in questions:
            started = time.perf_counter()
            await member.slash(channel, "ask", question=question)
            asks.append(time.perf_counter() - started)
            asks_handled.append(clock.take("application_command"))
        completions, completions_handled = [], []
        for partial in partials:
            started = time.perf_counter()
            await member.autocomplete(channel, "ask", "question", partial)
            completions.append(time.perf_counter() - started)
            completions_handled.append(clock.take("autocomplete"))
    finally:
        await bot.close()
        await env.shutdown()
    return {
        "ask_bot": Latency.of(asks_handled).as_dict(),
        "autocomplete_bot": Latency.of(completions_handled).as_dict(),
        "ask": Latency.of(asks).as_dict(),
        "autocomplete": Latency.of(completions).as_dict(),
    }
