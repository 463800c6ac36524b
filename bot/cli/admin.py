"""Moderation and curation commands over FactService: ``facts add|edit|remove|restore|alias|history|export``,
``sources add``, ``unanswered`` and ``db backup|check|restore``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.cli._common import (
    CommandError,
    ServiceSession,
    Subcommands,
    add_data_options,
    operator_errors,
    service_session,
    settings_from_args,
)
from bot.core.datafiles import read_source_file
from bot.core.models import Fact
from bot.settings import database_location
from bot.store import FactService, parse_draft
from bot.store.backend import open_backend
from bot.store.sqlite_files import database_problems, restore_database

__all__ = ["register"]

Handler = Callable[[ServiceSession, argparse.Namespace], int]


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


def _command(
    actions: Subcommands, name: str, handler: Handler, summary: str, *, actor: bool = False
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=summary, description=summary)
    add_data_options(parser, database=True)
    if actor:
        parser.add_argument("--actor", default=_default_actor(), help="who makes the change (default: cli:USER)")
    parser.set_defaults(handler=lambda args: _run(handler, args))
    return parser


def _run(handler: Handler, args: argparse.Namespace) -> int:
    with service_session(args) as session:
        return handler(session, args)


_FACT_OPTIONS = ("question", "answer", "quote", "speaker", "source", "alias", "tag")
# A draft's fields as the options that set them, for error messages.
_OPTION_OF = {"id": "--id", "aliases": "--alias", "tags": "--tag", "citations": "--quote"} | {
    name: f"--{name}" for name in ("question", "answer", "quote", "speaker", "source")
}


def _add_fact_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--question", help="the canonical question (up to 100 characters)")
    parser.add_argument("--answer", help="a short answer faithful to the source")
    parser.add_argument("--quote", action="append", help="the source's words (repeat for several citations)")
    parser.add_argument("--speaker", action="append", help="who said it (once for all quotes, or once per quote)")
    parser.add_argument("--source", help="the source id (default: the only registered source)")
    parser.add_argument("--alias", action="append", help="another way to ask (repeatable)")
    parser.add_argument("--tag", action="append", help="a tag (repeatable)")


def register(commands: Subcommands, facts: Subcommands) -> None:
    """Add the moderation actions to the ``facts`` group and the ``sources``, ``unanswered`` and ``db`` commands."""
    add = _command(facts, "add", _add, "add a fact whose quotes are found in a registered source", actor=True)
    add.add_argument("--id", help="the fact id (default: made from the question)")
    _add_fact_options(add)
    edit = _command(facts, "edit", _edit, "change a fact; only the options given change", actor=True)
    edit.add_argument("fact_id", metavar="ID")
    _add_fact_options(edit)
    for name, handler, help_text in (
        ("remove", _remove, "stop serving a fact (restorable)"),
        ("restore", _restore, "serve a removed fact again"),
    ):
        _command(facts, name, handler, help_text, actor=True).add_argument("fact_id", metavar="ID")
    alias = _command(facts, "alias", _alias, "add or remove an alias of a fact", actor=True)
    alias.add_argument("fact_id", metavar="ID")
    change = alias.add_mutually_exclusive_group(required=True)
    change.add_argument("--add", metavar="ALIAS", help="a phrasing to add")
    change.add_argument("--remove", metavar="ALIAS", help="a phrasing to remove")
    history = _command(facts, "history", _history, "the latest changes, to one fact or to all")
    history.add_argument("fact_id", metavar="ID", nargs="?")
    _listing_options(history)
    _command(facts, "export", _export, "print moderators' facts as a curated data file (TOML)")

    sources = commands.add_parser("sources", help="register source documents")
    source_actions = sources.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    source = _command(source_actions, "add", _add_source, "register a plain-text (UTF-8) source document", actor=True)
    source.add_argument("file", type=Path, metavar="FILE")
    source.add_argument("--id", required=True, help="the source id (lower-case letters, digits, dashes)")
    source.add_argument("--title", required=True)
    source.add_argument("--outlet", required=True)
    source.add_argument("--author")

    _listing_options(_command(commands, "unanswered", _unanswered, "the questions most often left unanswered"))

    database = commands.add_parser("db", help="maintain the database")
    db_actions = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    backup = _command(db_actions, "backup", _backup, "copy the database while it is in use")
    backup.add_argument("path", type=Path, metavar="PATH", help="a new file (an existing one only with --force)")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists (never the database itself)")
    summary = "run the database's own consistency checks (SQLite's integrity and foreign key checks)"
    check = db_actions.add_parser("check", help=summary, description=summary)
    add_data_options(check, database=True)
    check.set_defaults(handler=_check)
    summary = "bring the database's schema up to date, then stop (once per upgrade, before starting the bots)"
    migrate = db_actions.add_parser("migrate", help=summary, description=summary)
    add_data_options(migrate, database=True)
    migrate.set_defaults(handler=_migrate)
    summary = "replace the database with a backup (the bot stopped; the replaced database is kept beside it)"
    restore = db_actions.add_parser("restore", help=summary, description=summary)
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="a file `db backup` wrote")
    add_data_options(restore, database=True)
    restore.set_defaults(handler=_restore_database)


def _listing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=20, help="how many to show (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


# -- facts -------------------------------------------------------------------------------------------------


def _broadcast(values: Sequence[str], count: int, option: str) -> list[str]:
    if len(values) == 1:
        return list(values) * count
    if len(values) != count:
        raise CommandError(f"give one {option} for all quotes, or one per --quote ({count})")
    return list(values)


def _default_source(service: FactService) -> str:
    sources = sorted(service.engine.sources)
    if len(sources) != 1:
        raise CommandError(f"give --source (registered: {', '.join(sources) or 'none'})")
    return sources[0]


def _citations(args: argparse.Namespace, service: FactService, current: Fact | None) -> list[dict[str, Any]]:
    if current is not None and not (args.quote or args.speaker or args.source):
        return [citation.model_dump(exclude_none=True) for citation in current.to_draft().citations]
    quotes = args.quote or ([c.quote for c in current.citations] if current else [])
    if not quotes:
        raise CommandError("give --quote: the source's words that support the answer")
    speakers = args.speaker or ([c.speaker for c in current.citations] if current else [])
    if not speakers:
        raise CommandError("give --speaker: who said the quoted words")
    if args.source:
        sources = [args.source]
    elif current is not None:
        sources = [c.source for c in current.citations]
    else:
        sources = [_default_source(service)]
    return [
        {"quote": quote, "speaker": speaker, "source": source}
        for quote, speaker, source in zip(
            quotes,
            _broadcast(speakers, len(quotes), "--speaker"),
            _broadcast(sources, len(quotes), "--source"),
            strict=True,
        )
    ]


def _fields(args: argparse.Namespace, service: FactService, current: Fact | None) -> dict[str, Any]:
    def chosen(given: Any, kept: Any) -> Any:
        return kept if given is None else given

    return {
        "question": chosen(args.question, current.question if current else None),
        "answer": chosen(args.answer, current.answer if current else None),
        "aliases": chosen(args.alias, list(current.aliases) if current else []),
        "tags": chosen(args.tag, list(current.tags) if current else []),
        "citations": _citations(args, service, current),
    }


def _print_fact(verb: str, fact: Fact) -> None:
    print(f"{verb} {fact.id}: {fact.question}")
    for citation in fact.citations:
        print(
            f"  > {citation.quote}\n    \u2014 {citation.speaker} ({citation.source} {citation.start}-{citation.end})"
        )


def _add(session: ServiceSession, args: argparse.Namespace) -> int:
    service = session.service
    draft = parse_draft({**_fields(args, service, None), "id": args.id}, _OPTION_OF)
    _print_fact("added", session.run(service.add_fact(draft, args.actor)))
    return 0


def _edit(session: ServiceSession, args: argparse.Namespace) -> int:
    if all(getattr(args, option) is None for option in _FACT_OPTIONS):
        raise CommandError(
            "give at least one change: --question, --answer, --quote, --speaker, --source, --alias or --tag "
            '(e.g. --answer "Not clearly.")'
        )
    service = session.service
    current = session.run(service.get_fact(args.fact_id))
    draft = parse_draft(_fields(args, service, current), _OPTION_OF)
    _print_fact("edited", session.run(service.edit_fact(args.fact_id, draft, args.actor)))
    return 0


def _remove(session: ServiceSession, args: argparse.Namespace) -> int:
    _print_fact("removed", session.run(session.service.remove_fact(args.fact_id, args.actor)))
    return 0


def _restore(session: ServiceSession, args: argparse.Namespace) -> int:
    _print_fact("restored", session.run(session.service.restore_fact(args.fact_id, args.actor)))
    return 0


def _alias(session: ServiceSession, args: argparse.Namespace) -> int:
    service = session.service
    if args.add is not None:
        fact = session.run(service.add_alias(args.fact_id, args.add, args.actor))
    else:
        fact = session.run(service.remove_alias(args.fact_id, args.remove, args.actor))
    print(f"{fact.id}: {fact.question}")
    for alias in fact.aliases:
        print(f"  alias: {alias}")
    return 0


def _history(session: ServiceSession, args: argparse.Namespace) -> int:
    for entry in session.run(session.service.history(args.fact_id, args.limit)):
        if args.json:
            print(json.dumps({**vars(entry), "at": entry.at.isoformat()}, ensure_ascii=False))
        else:
            print(f"#{entry.id:<5} {entry.at:%Y-%m-%d %H:%M:%S} {entry.action:14} {entry.fact_id:32} by {entry.actor}")
    return 0


def _export(session: ServiceSession, args: argparse.Namespace) -> int:
    sys.stdout.write(session.run(session.service.export_moderator_facts()))
    return 0


# -- sources, curators' loop, database ---------------------------------------------------------------------


def _add_source(session: ServiceSession, args: argparse.Namespace) -> int:
    try:
        text = read_source_file(args.file)
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {args.file} as UTF-8 text: {error}") from error
    service = session.service
    labels = {"id": "--id", "title": "--title", "outlet": "--outlet", "author": "--author", "text": str(args.file)}
    source = session.run(
        service.add_source(args.id, args.title, args.outlet, text, args.actor, args.author, labels=labels)
    )
    print(f"added source {source.id}: {source.title} ({len(source.text)} characters)")
    return 0


def _unanswered(session: ServiceSession, args: argparse.Namespace) -> int:
    for item in session.run(session.service.unanswered(args.limit)):
        if args.json:
            print(json.dumps({**vars(item), "last_asked": item.last_asked.isoformat()}, ensure_ascii=False))
        else:
            closest = f"  (closest: {item.best_fact_id})" if item.best_fact_id else ""
            print(f"{item.count:5}x  {item.last_asked:%Y-%m-%d %H:%M}  {item.question}{closest}")
    return 0


def _backup(session: ServiceSession, args: argparse.Namespace) -> int:
    with operator_errors(f"cannot write the backup to {args.path}"):
        session.run(session.service.backup(args.path, replace=args.force))
    print(f"backed up to {args.path}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    location = database_location(settings)

    async def migrate() -> None:
        database = await open_backend(settings)  # migrates, under a lock other processes wait for
        await database.close()

    with operator_errors(f"cannot migrate {location}"):
        asyncio.run(migrate())
    print(f"{location} is at the latest schema")
    return 0


def _restore_database(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if settings.database_url is not None:
        raise CommandError(
            "DATABASE_URL is set: a PostgreSQL database is restored with pg_restore from what pg_dump wrote "
            "(pg_restore --clean --dbname=DATABASE_URL BACKUP), with every bot process stopped"
        )
    database = settings.database_path
    with operator_errors(f"cannot restore {database} from {args.backup}"):
        kept = restore_database(database, args.backup)
    print(f"restored {database} from {args.backup}; it passes the integrity check")
    if kept is not None:
        print(f"the database it replaced is kept as {kept} (delete it when no longer needed)")
    return 0


def _check(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    if settings.database_url is not None:
        with service_session(args) as session:
            problems = session.run(session.service.check())
    else:  # straight on the file, so a database too damaged to open as the store is still examined
        if not settings.database_path.is_file():
            raise CommandError(f"there is no database at {settings.database_path} (check --db or DATABASE_PATH)")
        with operator_errors(f"cannot check {settings.database_path}"):
            problems = database_problems(settings.database_path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print("database is consistent")
    return 0
