"""SIGKILL at random moments: the database stays intact, every acknowledged write is there, none half-applied."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time

from bot.settings import PROJECT_ROOT, Settings
from bot.store import records
from bot.store.backend import open_backend
from tests.store.helpers import consistency_problems

ROUNDS_MIN = 10
ROUNDS_MAX = 40
TIME_BUDGET = 8.0  # seconds of rounds after the minimum


def run_and_kill(settings: Settings, round_number: int, rng: random.Random) -> list[list[str]]:
    """Start the writer, SIGKILL it at a random moment, and return the acknowledgements it printed."""
    url = "" if settings.database_url is None else settings.database_url.get_secret_value()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.crash_writer", str(settings.database_path), str(round_number)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert child.stdout is not None
    if rng.random() < 0.2:  # sometimes while it opens: migrating or syncing the curated files
        time.sleep(rng.uniform(0.0, 0.4))
    else:
        assert child.stdout.readline() == "ready\n", "the writer failed to start"
        time.sleep(rng.uniform(0.0, 0.2))
    child.send_signal(signal.SIGKILL)
    output, _ = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    # A line cut short by the kill was never acknowledged.
    return [line.split() for line in output.splitlines(keepends=True) if line.endswith("\n") and line != "ready\n"]


async def missing_acknowledged(settings: Settings, acknowledged: list[list[str]]) -> list[str]:
    opened = await open_backend(settings)
    try:
        async with opened.read() as session:
            stored = await records.load_fact_records(session)
            missing = []
            for kind, *args in acknowledged:
                record = stored.get(args[0])
                if kind == "added" and record is None:
                    missing.append(f"fact {args[0]}")
                elif kind == "alias" and (record is None or " ".join(args[1:]) not in record.fact.aliases):
                    missing.append(f"alias of {args[0]}")
                elif kind == "removed" and (record is None or record.served):
                    missing.append(f"removal of {args[0]}")
                elif kind == "asked" and await session.fetch_value(session.sql.ASKED_EXISTS, (int(args[0]),)) is None:
                    missing.append(f"asked question {args[0]}")
            return missing
    finally:
        await opened.close()


def test_sigkill_loses_no_acknowledged_write_and_leaves_nothing_half_applied(settings: Settings) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    acknowledged: list[list[str]] = []
    started = time.monotonic()
    rounds = 0
    while rounds < ROUNDS_MAX and (rounds < ROUNDS_MIN or time.monotonic() - started < TIME_BUDGET):
        acknowledged += run_and_kill(settings, rounds, rng)
        rounds += 1
    assert sum(kind == "added" for kind, *_ in acknowledged) >= rounds // 2, f"too few writes (seed {seed})"
    assert asyncio.run(consistency_problems(settings)) == [], f"seed {seed}"
    assert asyncio.run(missing_acknowledged(settings, acknowledged)) == [], f"seed {seed}"
