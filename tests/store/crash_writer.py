"""The child process of the crash test: moderator writes in a loop, each acknowledged on stdout after it commits.

Run as ``python -m tests.store.crash_writer DATABASE ROUND`` (DATABASE is the SQLite file, unless the environment
sets ``DATABASE_URL``); it prints ``ready`` once open, then lines
``added ID``, ``alias ID ALIAS``, ``removed ID`` and (on SQLite) ``asked ID`` until it is killed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from bot.store import open_service
from tests.store.helpers import draft


def acknowledge(*words: object) -> None:
    print(*words, flush=True)


async def write_forever(database: Path, round_number: int) -> None:
    settings = Settings(database_path=database)
    # On PostgreSQL the question log is written in batches (bot.store.asked_log): a kill loses the questions of its
    # last fraction of a second by design, so only SQLite's, written one by one, are acknowledged as stored.
    questions_stored_at_once = settings.database_url is None
    async with await open_service(settings) as service:
        acknowledge("ready")
        for n in range(1, 10_000):
            fact_id = f"crash-{round_number}-{n}"
            question = f"Crash round {round_number} write {n}: where did Witkoff go?"
            await service.add_fact(draft(id=fact_id, question=question), "crash-test")
            acknowledge("added", fact_id)
            alias = f"crash alias {round_number} {n}"
            await service.add_alias(fact_id, alias, "crash-test")
            acknowledge("alias", fact_id, alias)
            record = await service.ask(question, channel="crash-test")
            if questions_stored_at_once:
                acknowledge("asked", record.asked_id)
            if n % 3 == 0:
                await service.remove_fact(fact_id, "crash-test")
                acknowledge("removed", fact_id)


if __name__ == "__main__":
    asyncio.run(write_forever(Path(sys.argv[1]), int(sys.argv[2])))
