"""The sharded deployment: the real bot in 1 or 2 processes against the loopback Discord, on SQLite or PostgreSQL.

Two figures per deployment: answers per second (``/ask`` interactions in flight together, spread over every
shard, each counted when its answer reaches Discord) and edit-to-every-process latency (a moderator's ``/mod
alias`` through one process, from its acknowledgement until every process answers the new phrasing).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot.bench.stats import Latency
from bot.core.engine import Engine
from bot.loopback import Cluster, LoopbackDiscord
from bot.loopback.payloads import command_interaction
from bot.settings import PROJECT_ROOT, cluster_shards

__all__ = ["ClusterOptions", "measure_deployments"]

_SHARDS = 4
_IN_FLIGHT = 16
_EDIT_TIMEOUT_S = 5.0
_POLL_S = 0.005


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How much to measure, and the PostgreSQL server to create a scratch database on (None: SQLite only)."""

    questions: int = 400
    edits: int = 20
    postgres_url: str | None = None


def _phrasings() -> tuple[list[str], str, str]:
    """Curated questions to ask, and one fact (id, question) to teach new phrasings to."""
    engine = Engine.from_data(PROJECT_ROOT / "facts", PROJECT_ROOT / "seeds")
    facts = list(engine.facts.values())
    questions = [phrasing for fact in facts for phrasing in (fact.question, *fact.aliases)]
    return questions, facts[0].id, facts[0].question


async def _answers_per_second(cluster: Cluster, guilds: list[int], questions: list[str], count: int) -> dict[str, Any]:
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for n in queue:
            started = time.perf_counter()
            reply = await cluster.discord.ask(guilds[n % len(guilds)], 10_000 + n, questions[n % len(questions)])
            if not reply.text:
                raise RuntimeError(f"an empty answer to {questions[n % len(questions)]!r}")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(_IN_FLIGHT)))
    wall = time.perf_counter() - started
    latency = Latency.of(latencies)
    return {"answers_per_s": round(count / wall, 1), "answer_p50_ms": latency.p50_ms, "answer_p99_ms": latency.p99_ms}


async def _edit_latency(
    cluster: Cluster, guild_of: dict[str, int], fact_id: str, question: str, edits: int
) -> dict[str, Any]:
    """Per edit: seconds from the moderator's acknowledgement until the slowest process answers the new alias."""
    editor = next(iter(guild_of.values()))
    slowest: list[float] = []
    for n in range(edits):
        alias = f"zebra harbour {secrets.token_hex(3)} lantern {n}"
        done = await cluster.discord.interact(
            command_interaction(editor, 1, "alias", {"fact": fact_id, "alias": alias}, group="mod", moderator=True)
        )
        if "now also answers" not in done.text:
            raise RuntimeError(f"the edit was refused: {done.text}")
        acknowledged = time.perf_counter()
        seen = await asyncio.gather(*(_until_answered(cluster, guild, alias, question) for guild in guild_of.values()))
        slowest.append(max(seen) - acknowledged)
    latency = Latency.of(slowest)
    return {"edit_to_all_p50_ms": latency.p50_ms, "edit_to_all_p99_ms": latency.p99_ms}


async def _until_answered(cluster: Cluster, guild: int, alias: str, question: str) -> float:
    deadline = time.perf_counter() + _EDIT_TIMEOUT_S
    asker = 500_000
    while time.perf_counter() < deadline:
        asker += 1
        reply = await cluster.discord.ask(guild, asker, alias)
        if question in reply.text:
            return time.perf_counter()
        await asyncio.sleep(_POLL_S)
    raise RuntimeError(f"a process did not answer an edit within {_EDIT_TIMEOUT_S} s")


class _NoServerError(RuntimeError):
    """The PostgreSQL server cannot be used."""


@contextlib.contextmanager
def _scratch_database(server_url: str) -> Iterator[str]:
    """A new database on the server (dropped afterwards); its URL."""
    import asyncpg

    name = f"bench_{uuid.uuid4().hex}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(server_url, timeout=10)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        raise _NoServerError(f"cannot create a database on {server_url}: {error}") from error
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass(frozen=True, slots=True)
class _Deployment:
    cluster: Cluster
    guilds: list[int]  # one per shard, in shard order
    owners: dict[int, str]  # shard -> the tag of the process running it


@contextlib.asynccontextmanager
async def _deployment(processes: int, database: dict[str, str], folder: Path) -> AsyncIterator[_Deployment]:
    async with LoopbackDiscord(shard_count=_SHARDS, max_concurrency=_SHARDS) as discord:
        cluster = Cluster(discord, folder)
        try:
            settings = {**database, "SHARD_COUNT": str(_SHARDS), "ASK_COOLDOWN_SECONDS": "0", "LOG_LEVEL": "WARNING"}
            guilds = [discord.add_guild(shard) for shard in range(_SHARDS)]
            owners: dict[int, str] = {}
            for n in range(processes):
                cluster.start(f"p{n}", CLUSTER_ID=str(n), CLUSTER_COUNT=str(processes), **settings)
                owners.update(dict.fromkeys(cluster_shards(n, processes, _SHARDS), f"p{n}"))
            await cluster.live(owners)
            yield _Deployment(cluster, guilds, owners)
        finally:
            cluster.stop_all()


async def _measure(processes: int, database: dict[str, str], options: ClusterOptions, folder: Path) -> dict[str, Any]:
    questions, fact_id, question = _phrasings()
    async with _deployment(processes, database, folder) as deployment:
        cluster, guilds, owners = deployment.cluster, deployment.guilds, deployment.owners
        await _answers_per_second(cluster, guilds, questions, min(50, options.questions))  # warm-up
        answering = await _answers_per_second(cluster, guilds, questions, options.questions)
        guild_of = {owners[shard]: guilds[shard] for shard in sorted(owners)}  # one guild per process
        editing = await _edit_latency(cluster, guild_of, fact_id, question, options.edits)
    return {"processes": processes, **answering, **editing}


def measure_deployments(options: ClusterOptions, progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Every deployment's figures: SQLite with one process, and PostgreSQL with one and two when a server is
    given (else a row saying why not)."""
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-deployments-") as scratch:
        folder = Path(scratch)
        progress("deployments: SQLite, 1 process ...")
        sqlite = {"DATABASE_PATH": str(folder / "bot.db")}
        rows.append({"store": "SQLite", **asyncio.run(_measure(1, sqlite, options, folder))})
        if options.postgres_url is None:
            rows.append({"store": "PostgreSQL", "skipped": "no PostgreSQL server given (--postgres URL)"})
            return rows
        for processes in (1, 2):
            progress(f"deployments: PostgreSQL, {processes} process(es) ...")
            try:
                with _scratch_database(options.postgres_url) as url:
                    figures = asyncio.run(_measure(processes, {"DATABASE_URL": url}, options, folder))
            except _NoServerError as error:
                rows.append({"store": "PostgreSQL", "skipped": str(error)})
                break
            rows.append({"store": "PostgreSQL", **figures})
    return rows
