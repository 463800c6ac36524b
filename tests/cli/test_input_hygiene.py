"""Text from people reaches an operator's terminal harmless, and what cannot be served is refused at the door."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.core.limits import ASK_MAX, SOURCE_TEXT_MAX
from tests.cli.test_refusals import bot, refused
from tests.conftest import run_bot_cli

RETITLE = "\x1b]0;pwned\x07 what about llamas \x1b[2J\u202e"


def test_control_characters_people_typed_are_escaped_in_terminal_output(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    assert bot(database, "ask", RETITLE).returncode == 0
    listed = bot(database, "unanswered")
    assert listed.returncode == 0, listed.stderr
    assert "\\u001b]0;pwned\\u0007 what about llamas \\u001b[2J\\u202e" in listed.stdout
    assert not any(char in listed.stdout for char in "\x1b\x07\u202e")
    as_json = bot(database, "unanswered", "--json")
    assert json.loads(as_json.stdout.splitlines()[0])["question"] == RETITLE  # still valid JSON, same text


def test_sources_add_refuses_binary_and_oversized_files(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    zeros = tmp_path / "zeros.txt"
    zeros.write_bytes(b"\x00" * 1000)
    refused(bot(database, "sources", "add", str(zeros), "--id", "zeros", "--title", "T", "--outlet", "O"),
            f"{zeros} must be plain text", "control characters")  # fmt: skip
    memo = tmp_path / "memo.txt"
    memo.write_text("The envoy landed at 9 a.m.", encoding="utf-8")
    refused(bot(database, "sources", "add", str(memo), "--id", "Memo!", "--title", "Memo", "--outlet", "Office"),
            "--id 'Memo!' is not allowed", "e.g. ")  # fmt: skip
    huge = tmp_path / "huge.txt"
    huge.write_text("word " * (SOURCE_TEXT_MAX // 5 + 1), encoding="utf-8")
    refused(bot(database, "sources", "add", str(huge), "--id", "huge", "--title", "T", "--outlet", "O"),
            "too long", f"{SOURCE_TEXT_MAX:,} characters")  # fmt: skip
    assert "zeros" not in bot(database, "facts", "list").stdout


def test_an_answer_hiding_a_link_behind_text_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    masked = "Yes, [read the article](https://example.com/phish)."
    refused(bot(database, "facts", "edit", "witkoff-trip", "--answer", masked), "--answer", "hide a link")
    plain = bot(database, "facts", "edit", "witkoff-trip", "--answer", "Yes, see https://example.com/article.")
    assert plain.returncode == 0, plain.stderr


def test_sync_publishes_everywhere_only_when_asked_by_name() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DEV_GUILD_ID"}
    result = run_bot_cli("sync", env={**environment, "DISCORD_TOKEN": "not-a-real-token"})
    refused(result, "--guild", "--global")


def test_ask_help_says_how_much_of_a_question_is_read() -> None:
    helped = run_bot_cli("ask", "--help", env=dict(os.environ))
    assert f"first {ASK_MAX} characters" in " ".join(helped.stdout.split())
