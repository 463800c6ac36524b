"""``ask`` and the console chat: questions in, cited answers out."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Callable
from typing import TextIO

from bot.cli._common import ServiceSession, Subcommands, add_data_options, service_session
from bot.core.engine import AskResult, Engine
from bot.core.limits import ASK_MAX
from bot.core.render import answer_card, card_text, result_json

__all__ = ["chat", "register"]

_PROMPT = "ask> "
_QUIT = frozenset({"quit", "exit"})


def register(commands: Subcommands) -> None:
    """Add ``ask`` and ``chat``."""
    ask = commands.add_parser("ask", help="answer a question from the fact base")
    ask.add_argument(
        "question",
        nargs="*",
        help=f"the question; only its first {ASK_MAX} characters are read (with --json and none: lines from stdin)",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    chat_parser = commands.add_parser("chat", help="ask questions in the terminal, one per line")
    for parser, handler in ((ask, _ask), (chat_parser, _chat)):
        parser.add_argument("--no-log", action="store_true", help="do not record the questions in the database")
        add_data_options(parser, database=True)
        parser.set_defaults(handler=handler)


def _asker(session: ServiceSession, args: argparse.Namespace) -> Callable[[str], AskResult]:
    """Answers from the database's facts, recording each question unless ``--no-log``."""

    def ask(question: str) -> AskResult:
        return session.run(session.service.ask(question, channel="cli", log=not args.no_log)).result

    return ask


def _warnings_to_stderr() -> None:
    """The store's warnings (say, questions going unrecorded on a read-only database) as ``warning:`` lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger("bot").addHandler(handler)


def _print_answer(engine: Engine, question: str, as_json: bool, out: TextIO, ask: Callable[[str], AskResult]) -> None:
    result = ask(question)
    if as_json:
        out.write(json.dumps(result_json(result), ensure_ascii=False) + "\n")
    else:
        out.write(card_text(answer_card(result, engine.sources)) + "\n")
    out.flush()


def _ask(args: argparse.Namespace) -> int:
    question = " ".join(args.question).strip()
    if not question and not args.json:
        print('error: give a question, e.g. python -m bot ask "did Russia accept?"', file=sys.stderr)
        return 2
    _warnings_to_stderr()
    with service_session(args) as session:
        engine, ask = session.service.engine, _asker(session, args)
        if question:
            _print_answer(engine, question, args.json, sys.stdout, ask)
            return 0
        for line in sys.stdin:
            if line.strip():
                _print_answer(engine, line.strip(), True, sys.stdout, ask)
    return 0


def _chat(args: argparse.Namespace) -> int:
    _warnings_to_stderr()
    with service_session(args) as session:
        return chat(session.service.engine, sys.stdin, sys.stdout, _asker(session, args))


def chat(engine: Engine, source: TextIO, out: TextIO, ask: Callable[[str], AskResult] | None = None) -> int:
    """Answer each line of ``source`` until end of input, ``quit`` or ``exit``, or Ctrl-C; prompts (with line
    editing where the platform has readline) only when talking to a terminal.

    ``ask`` answers a question (default: the engine, recording nothing).
    """
    ask = ask or engine.ask
    interactive = source.isatty()
    if interactive:
        _line_editing()
        out.write("Ask about the Russia-Ukraine ceasefire talks (quit, exit or Ctrl-D to leave).\n")
    try:
        while (line := _next_line(source, out, interactive)) is not None:
            question = line.strip()
            if question.lower() in _QUIT:
                break
            if question:
                _print_answer(engine, question, False, out, ask)
                out.write("\n")
    except KeyboardInterrupt:  # Ctrl-C leaves the chat like quit does, not with a traceback or an error status
        out.write("\n")
    return 0


def _line_editing() -> None:
    """Arrow keys and history for ``input`` through readline, where the platform has it."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - importing it is what turns line editing on


def _next_line(source: TextIO, out: TextIO, interactive: bool) -> str | None:
    """The next line typed (None at end of input); at a terminal through ``input``, which edits the line."""
    if interactive and source is sys.stdin:
        out.flush()
        try:
            return input(_PROMPT)
        except EOFError:
            out.write("\n")
            return None
    if interactive:
        out.write(_PROMPT)
        out.flush()
    return source.readline() or None
