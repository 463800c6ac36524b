"""``ask`` and the console chat: questions in, cited answers out."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from bot.cli._common import Subcommands, add_data_options, engine_from_args
from bot.core.engine import Engine
from bot.core.render import answer_card, card_text, result_json

__all__ = ["chat", "register"]

_PROMPT = "ask> "


def register(commands: Subcommands) -> None:
    """Add ``ask`` and ``chat``."""
    ask = commands.add_parser("ask", help="answer a question from the fact base")
    ask.add_argument("question", nargs="*", help="the question (with --json and none: read lines from stdin)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    add_data_options(ask)
    ask.set_defaults(handler=_ask)

    chat_parser = commands.add_parser("chat", help="ask questions in the terminal, one per line")
    add_data_options(chat_parser)
    chat_parser.set_defaults(handler=lambda args: chat(engine_from_args(args), sys.stdin, sys.stdout))


def _print_answer(engine: Engine, question: str, as_json: bool, out: TextIO) -> None:
    result = engine.ask(question)
    if as_json:
        out.write(json.dumps(result_json(result), ensure_ascii=False) + "\n")
    else:
        out.write(card_text(answer_card(result, engine.sources)) + "\n")
    out.flush()


def _ask(args: argparse.Namespace) -> int:
    engine = engine_from_args(args)
    question = " ".join(args.question).strip()
    if question:
        _print_answer(engine, question, args.json, sys.stdout)
        return 0
    if not args.json:
        print('error: give a question, e.g. python -m bot ask "did Russia accept?"', file=sys.stderr)
        return 2
    for line in sys.stdin:
        if line.strip():
            _print_answer(engine, line.strip(), True, sys.stdout)
    return 0


def chat(engine: Engine, source: TextIO, out: TextIO) -> int:
    """Answer each line of ``source`` until end of input; prompts only when talking to a terminal."""
    interactive = source.isatty()
    if interactive:
        out.write("Ask about the Russia-Ukraine ceasefire talks (Ctrl-D to quit).\n")
    while True:
        if interactive:
            out.write(_PROMPT)
            out.flush()
        line = source.readline()
        if not line:
            return 0
        if line.strip():
            _print_answer(engine, line.strip(), False, out)
            out.write("\n")
