"""FactService: the one API the command line and the Discord bot use to answer, moderate and curate.

Every change is validated first, written with its audit entry and change-log row in one transaction (what each
change does and refuses is :mod:`bot.store.moderation`), and only then applied to the engine, so the engine never
serves what the database does not hold. Changes made by other processes on the same database (say, the admin CLI
while the bot runs, or other shards) reach the engine from the change log: on SQLite before the next answer, on
PostgreSQL as they are announced (see :meth:`FactService.catch_up`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.core.decision import MatchStatus
from bot.core.engine import AskResult, Engine
from bot.core.models import Fact, FactDraft, Source, phrasing_key
from bot.store import moderation, records
from bot.store.asked_log import AskedLog
from bot.store.backend import Backend
from bot.store.changes import changes_since
from bot.store.errors import ReadOnlyDatabaseError
from bot.store.export import facts_toml
from bot.store.records import FactRecord, now
from bot.store.sync import SYNC_ACTOR
from bot.store.terms import (
    AskRecord,
    AuditEntry,
    FactNotFoundError,
    ModerationError,
    UnansweredQuestion,
    check_actor,
    parse_draft,
    printable,
)
from bot.store.vectors import Embedder

__all__ = [
    "AskRecord",
    "AuditEntry",
    "FactNotFoundError",
    "FactService",
    "ModerationError",
    "UnansweredQuestion",
    "parse_draft",
]

logger = logging.getLogger(__name__)


class FactService:
    """Facts in the database and the engine that answers from them; open with :meth:`open`, then close."""

    def __init__(self, database: Backend, engine: Engine, last_seq: int, asked_log: AskedLog | None = None) -> None:
        """The service over ``database`` and ``engine``, whose facts are the database's as of change ``last_seq``
        (see :func:`bot.store.startup.open_service`); questions are logged through ``asked_log`` in batches when
        given, else each as it is asked."""
        self._database = database
        self._asked_log = asked_log
        self._engine = engine
        self._embedder = Embedder(database, engine)
        self._last_seq = last_seq
        self._catching_up = asyncio.Lock()
        self._read_only_noted = False  # the warning that questions go unrecorded is logged once

    async def close(self) -> None:
        """Write the questions still waiting, finish the write and the embedding in progress and close the
        database."""
        try:
            await self._embedder.close()
            if self._asked_log is not None:
                await self._asked_log.close()
        finally:
            await self._database.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def engine(self) -> Engine:
        """The engine answering from every served fact, kept in step with each committed change."""
        return self._engine

    # -- answering -------------------------------------------------------------------------------------

    async def ask(
        self, question: str, *, asker: str | None = None, channel: str | None = None, log: bool = True
    ) -> AskRecord:
        """Answer ``question``; unless ``log`` is false, record it with its outcome for the curators."""
        await self._refresh()
        await self._embedder.settle()
        result = self._engine.ask(question)
        if not log or result.status is MatchStatus.USAGE:  # "hi" and "help" are nothing for the curators
            return AskRecord(result, None)
        try:
            return await self._record(result, asker, channel)
        except ReadOnlyDatabaseError as error:  # the answer matters more than the log: give it unrecorded
            if not self._read_only_noted:
                self._read_only_noted = True
                logger.warning("answering without recording the questions: %s", error)
            return AskRecord(result, None)

    async def ask_fact(self, fact_id: str, *, asker: str | None = None, channel: str | None = None) -> AskRecord | None:
        """Answer with the fact the asker picked from the questions offered (see :meth:`Engine.choose`), recorded
        like any question; None when the fact is no longer served."""
        await self._refresh()
        await self._embedder.settle()
        result = self._engine.choose(fact_id)
        return None if result is None else await self._record(result, asker, channel)

    async def _record(self, result: AskResult, asker: str | None, channel: str | None) -> AskRecord:
        """Record an answered (or unanswered) question with its outcome, for the curators and for feedback."""
        closest = result.fact.id if result.fact else next((s.fact_id for s in result.suggestions), None)
        row = (
            printable(result.question),
            phrasing_key(printable(result.question) or ""),
            result.status.value,
            closest,
            result.score,
            printable(asker),
            printable(channel),
            records.timestamp(now()),
        )
        if self._asked_log is not None:
            return AskRecord(result, await self._asked_log.add(row))
        async with self._database.write(serialised=False) as session:
            asked_id: int = await session.fetch_value(session.sql.INSERT_ASKED, row)
        return AskRecord(result, asked_id)

    async def _flush_asked(self) -> None:
        """Write the questions waiting in the batch, before reading the log."""
        if self._asked_log is not None:
            await self._asked_log.flush()

    async def record_feedback(self, asked_id: int, helpful: bool, actor: str) -> None:
        """Attach helpful / not helpful to an asked question (a later vote by the same actor replaces theirs)."""
        actor = check_actor(actor)
        await self._flush_asked()
        async with self._database.write(serialised=False) as session:
            if await session.fetch_value(session.sql.ASKED_EXISTS, (asked_id,)) is None:
                raise ModerationError([f"There is no asked question #{asked_id} to give feedback on."])
            await session.execute(
                session.sql.UPSERT_FEEDBACK, (asked_id, int(helpful), actor, records.timestamp(now()))
            )

    # -- moderation ------------------------------------------------------------------------------------

    async def add_fact(self, draft: FactDraft, actor: str) -> Fact:
        """Store a new moderator fact; its id comes from the question when ``draft.id`` is None."""
        return await self._change("created", actor, moderation.new_fact(draft, self._engine))

    async def edit_fact(
        self, fact_id: str, draft: FactDraft, actor: str, *, unless_changed: Fact | None = None
    ) -> Fact:
        """Replace a served fact's question, aliases, answer, citations and tags with ``draft``'s.

        Quotes the draft keeps unchanged stay pinned to the place they cite. With ``unless_changed`` (the fact as
        the editor saw it), an edit made meanwhile by anyone is refused rather than silently undone.
        """
        return await self._change("edited", actor, moderation.edited_fact(fact_id, draft, self._engine, unless_changed))

    async def remove_fact(self, fact_id: str, actor: str) -> Fact:
        """Stop serving a fact (a soft delete: :meth:`restore_fact` brings it back)."""
        return await self._change("removed", actor, moderation.removed_fact(fact_id))

    async def restore_fact(self, fact_id: str, actor: str) -> Fact:
        """Serve a removed fact again (refused if another fact took one of its phrasings meanwhile)."""
        return await self._change("restored", actor, moderation.restored_fact(fact_id))

    async def add_alias(self, fact_id: str, alias: str, actor: str) -> Fact:
        """Add another phrasing that leads to the fact."""
        return await self._change("alias_added", actor, moderation.alias_added(fact_id, alias))

    async def remove_alias(self, fact_id: str, alias: str, actor: str) -> Fact:
        """Remove one alias (matched the way questions are: case, spacing and end punctuation aside)."""
        return await self._change("alias_removed", actor, moderation.alias_removed(fact_id, alias))

    async def add_source(  # noqa: PLR0917 - the signature the Discord adapter codes against
        self,
        source_id: str,
        title: str,
        outlet: str,
        text: str,
        actor: str,
        author: str | None = None,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> Source:
        """Register a plain-text source document that quotes can then cite; ``labels`` names the fields in error
        messages as the person gave them (e.g. ``--title``)."""
        actor = check_actor(actor)
        source = moderation.checked_source(source_id, title, outlet, text, author=author, labels=labels)
        await self._refresh()

        async def run() -> None:
            async with self._database.write() as session:
                await moderation.save_new_source(session, source, actor)
            await self.catch_up()

        await asyncio.shield(run())
        return source

    # -- curators' views -------------------------------------------------------------------------------

    async def served_fact(self, fact_id: str) -> Fact:
        """A served fact; FactNotFoundError when no fact has the id, ModerationError when it is removed."""
        async with self._database.read() as session:
            return (await moderation.served_record(session, fact_id)).fact

    async def get_fact(self, fact_id: str) -> Fact:
        """A stored fact, served or removed; FactNotFoundError when no fact has the id."""
        async with self._database.read() as session:
            return (await moderation.stored_record(session, fact_id)).fact

    async def history(self, fact_id: str | None = None, limit: int = 20) -> list[AuditEntry]:
        """The latest changes, newest first: to one fact, or to any."""
        limit = max(1, limit)
        async with self._database.read() as session:
            if fact_id is None:
                rows = await session.fetch_all(session.sql.SELECT_AUDIT, (limit,))
            else:
                await moderation.stored_record(session, fact_id)
                rows = await session.fetch_all(session.sql.SELECT_FACT_AUDIT, (fact_id, limit))
        return [
            AuditEntry(
                id=row["id"],
                fact_id=row["fact_id"],
                action=row["action"],
                actor=row["actor"],
                at=records.parse_time(row["at"]),
                before=None if row["before"] is None else json.loads(row["before"]),
                after=None if row["after"] is None else json.loads(row["after"]),
            )
            for row in rows
        ]

    async def unanswered(self, limit: int = 20) -> list[UnansweredQuestion]:
        """The questions most often asked without an answer (grouped by phrasing), most frequent first."""
        await self._flush_asked()
        async with self._database.read() as session:
            rows = await session.fetch_all(session.sql.SELECT_UNANSWERED, (max(1, limit),))
        return [
            UnansweredQuestion(row["question"], row["asked"], records.parse_time(row["last_asked"]), row["fact_id"])
            for row in rows
        ]

    async def removed_facts(self) -> list[Fact]:
        """Every removed fact, most recently removed last."""
        async with self._database.read() as session:
            stored = await records.load_removed_records(session)
        removed = sorted(stored, key=lambda r: (r.removed_at, r.fact.id))
        return [record.fact for record in removed]

    async def export_moderator_facts(self) -> str:
        """Served facts written or edited by moderators, as a data file in the curated format."""
        async with self._database.read() as session:
            stored = await records.load_fact_records(session)
        facts = [
            record.fact
            for record in stored.values()
            if record.served
            and (record.fact.provenance.origin == "moderator" or record.fact.provenance.actor != SYNC_ACTOR)
        ]
        return facts_toml(facts, self._engine.sources)

    async def backup(self, path: Path, *, replace: bool = False) -> None:
        """Write a consistent copy of the database to ``path`` while it stays in use; an existing file at ``path``
        is refused unless ``replace``, and the database itself always (DatabaseUnusableError; for PostgreSQL,
        always, saying to use pg_dump)."""
        await self._database.backup(path, replace=replace)

    async def check(self) -> list[str]:
        """Whatever the database's own checks find (an empty list when consistent)."""
        return await self._database.check()

    async def catch_up(self) -> None:
        """Apply to the engine every change committed after the last one applied, by any process.

        One catch-up at a time, each reading the change log and the changed rows in one snapshot: the engine
        moves from one committed state to a later one, never back.
        """
        async with self._catching_up:
            async with self._database.read() as session:
                changes = await changes_since(session, self._last_seq)
            for source in changes.sources:
                self._engine.put_source(source)
            for record in changes.facts:
                self._serve(record)
            self._last_seq = changes.last_seq

    # -- internals -------------------------------------------------------------------------------------

    async def _change(self, action: str, actor: str, change: moderation.FactChange) -> Fact:
        """Write ``change`` by ``actor``, with its audit entry, then serve it (by catching up with the change log,
        which brings in any change committed by another process meanwhile too).

        Shielded: once started, a change and the engine update after its commit finish even if the caller is
        cancelled, so the engine never falls behind a committed write.
        """
        actor = check_actor(actor)
        await self._refresh()

        async def run() -> Fact:
            async with self._database.write() as session:
                after = await moderation.write_change(session, action, actor, change)
            await self.catch_up()
            # Its vectors right after, stored so that a restart (or the process beside this one) reads them.
            self._embedder.soon()
            return after.fact

        return await asyncio.shield(run())

    def _serve(self, record: FactRecord) -> None:
        if record.served:
            self._engine.put_fact(record.fact)
        else:
            self._engine.drop_fact(record.fact.id)

    async def _refresh(self) -> None:
        """Catch up when the database says another connection may have committed (SQLite; PostgreSQL announces
        changes instead, see :meth:`catch_up`)."""
        if await self._database.changed_elsewhere():
            await self.catch_up()
