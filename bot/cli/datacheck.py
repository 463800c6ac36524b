"""``facts check`` and ``facts list``: validating and listing the fact base."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Collection

from bot.cli._common import Subcommands, add_data_options, service_session, settings_from_args
from bot.core.datafiles import LEXICON_FILE, DataFileError, load_fact_files, load_sources
from bot.core.engine import Engine
from bot.core.lexicon import LexiconError, load_lexicon, raw_tokens
from bot.core.models import Fact, Source
from bot.core.render import fact_json

__all__ = ["check_data", "register"]


def register(actions: Subcommands) -> None:
    """Add ``check`` and ``list`` to the ``facts`` group."""
    check = actions.add_parser("check", help="validate every data file and report every problem")
    add_data_options(check)
    check.set_defaults(handler=_check)
    listing = actions.add_parser("list", help="list every fact served (curated and moderators')")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    add_data_options(listing, database=True)
    listing.set_defaults(handler=_list)


def _off_topic_mentioned(off_topic: Collection[tuple[str, ...]], sources: list[Source], facts: list[Fact]) -> list[str]:
    texts = [source.text for source in sources]
    texts += [" ".join((*fact.phrasings, fact.answer)) for fact in facts]
    problems = []
    for text in texts:
        words = " " + " ".join(raw_tokens(text)) + " "
        problems += [
            f"lexicon: off-topic name {' '.join(name)!r} occurs in the article or a fact; remove it from [off_topic]"
            for name in off_topic
            if f" {' '.join(name)} " in words
        ]
    return sorted(set(problems))


def check_data(args: argparse.Namespace) -> list[str]:
    """Every problem in the sources, facts and lexicon (an empty list when all is valid)."""
    settings = settings_from_args(args)
    problems: list[str] = []
    sources: dict[str, Source] = {}
    facts: list[Fact] = []
    try:
        sources = load_sources(settings.seeds_dir)
    except DataFileError as error:
        problems += error.problems
    try:
        facts = load_fact_files(settings.facts_dir, sources)
    except DataFileError as error:
        problems += error.problems
    try:
        lexicon = load_lexicon(settings.facts_dir / LEXICON_FILE)
    except LexiconError as error:
        problems += error.problems
    else:
        problems += _off_topic_mentioned(lexicon.off_topic, list(sources.values()), facts)
        problems += [f"phrasing: {clash}" for clash in Engine(lexicon, sources.values(), facts).clashes()]
    return problems


def _check(args: argparse.Namespace) -> int:
    problems = check_data(args)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print("all data files are valid")
    return 0


def _list(args: argparse.Namespace) -> int:
    with service_session(args) as session:
        facts = session.service.engine.facts.values()
    for fact in facts:
        if args.json:
            print(json.dumps(fact_json(fact), ensure_ascii=False))
        else:
            print(f"{fact.id:24} {fact.question}")
    return 0
