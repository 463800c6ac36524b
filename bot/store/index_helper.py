"""``python -m bot.store.index_helper DATABASE LEXICON FIRST``: index the served facts from position FIRST on and
write the index to standard output (see :mod:`bot.core.index_file`), keyed by those facts' content. The facts
are read from the SQLite file DATABASE, or from PostgreSQL when the environment sets ``DATABASE_URL``.

Started by the service while it reads and indexes the facts before FIRST itself, so that on a machine with two
cores a large base is indexed in about half the time. It only reads the database. The service checks the key
against the facts it read, so an index of other facts (one changed in between) is never used.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

from bot.core.index_file import content_digest, encode_index, index_key
from bot.core.lexical import LexicalIndex
from bot.core.lexicon import load_lexicon
from bot.core.models import Fact
from bot.settings import Settings
from bot.store import records
from bot.store.backend import open_backend

__all__ = ["main"]


async def _served_facts(database_path: Path, first: int) -> list[Fact]:
    database = await open_backend(Settings(database_path=database_path), migrate=False)
    try:
        async with database.read() as session:
            return await records.load_served_facts(session, first)
    finally:
        await database.close()


def main(argv: list[str]) -> int:
    """Index the facts from position ``argv[2]`` on; the index on standard output, problems on standard error."""
    if len(argv) != 3 or not argv[2].isdigit():
        print("usage: python -m bot.store.index_helper DATABASE LEXICON FIRST", file=sys.stderr)
        return 2
    database_path, lexicon_path, first = Path(argv[0]), Path(argv[1]), int(argv[2])
    gc.disable()  # every object made here lives until the process ends (see bot.store.startup)
    later = asyncio.run(_served_facts(database_path, first))
    lexicon = load_lexicon(lexicon_path)
    matcher = LexicalIndex(lexicon)
    matcher.extend(later)
    # Numbered as the service will hold them, so it only appends the arrays.
    state = matcher.state().moved_to(first)
    chunks = encode_index(state, index_key(lexicon, [content_digest(later)]))
    sys.stdout.buffer.writelines(chunks)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
