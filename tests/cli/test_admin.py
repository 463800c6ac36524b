"""The admin commands: every change over FactService, answered by ``ask`` in the next process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import PROJECT_ROOT
from tests.conftest import ARTICLE_PATH

WITKOFF = "U.S. special envoy Steve Witkoff arrived in Russia on Thursday"
FACT_ID = "where-did-witkoff-go-on-thursday"
# Typed with straight quotes; the article prints curly ones.
TYPED = 'Russia does "agree with the proposals for the ceasefire," Putin said.'


def run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--db", str(database)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DISCORD_TOKEN": ""},
        timeout=60,
        check=False,
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.db"


def cli(database: Path, *args: str) -> int:
    return main([*args, "--db", str(database)])


def add_witkoff(database: Path, *extra: str) -> int:
    return cli(
        database,
        "facts",
        "add",
        "--question",
        "Where did Witkoff go on Thursday?",
        "--answer",
        "He arrived in Russia.",
        "--quote",
        WITKOFF,
        "--speaker",
        "NOTUS",
        "--actor",
        "tester",
        *extra,
    )


def test_a_fact_added_is_answered_by_ask_in_the_next_command(database: Path) -> None:
    added = run(
        "facts",
        "add",
        "--question",
        "What did Putin say he agrees with?",
        "--answer",
        "The proposals for the ceasefire.",
        "--quote",
        TYPED,
        "--speaker",
        "Vladimir Putin",
        "--alias",
        "putin agrees with what",
        database=database,
    )
    assert added.returncode == 0, added.stderr
    fact_id = "what-did-putin-say-he-agrees-with"
    assert added.stdout.startswith(f"added {fact_id}")
    asked = run("ask", "--json", "putin agrees with what", database=database)
    assert asked.returncode == 0, asked.stderr
    result = json.loads(asked.stdout)
    assert result["status"] == "answered" and result["fact_id"] == fact_id
    citation = result["citations"][0]
    assert citation["quote"] == "Russia does \u201cagree with the proposals for the ceasefire,\u201d Putin said."
    article = ARTICLE_PATH.read_bytes().decode("utf-8")
    assert article[citation["start"] : citation["end"]] == citation["quote"]


def test_failures_exit_non_zero_with_the_reason_on_stderr(database: Path) -> None:
    refused = run(
        "facts",
        "add",
        "--question",
        "Where did Witkoff go?",
        "--answer",
        "Moscow.",
        "--quote",
        "Witkoff arrived in Moscow on Friday",
        "--speaker",
        "NOTUS",
        database=database,
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert "Quote not found" in refused.stderr and "closest passage" in refused.stderr
    missing = run("facts", "remove", "no-such-fact", database=database)
    assert missing.returncode == 2 and 'There is no fact "no-such-fact"' in missing.stderr


def test_a_database_changed_outside_the_bot_is_reported_without_a_traceback(database: Path) -> None:
    assert run("facts", "list", database=database).returncode == 0  # creates and syncs the database
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM citations WHERE fact_id = 'rubio-mean-girls'")
    broken = run("facts", "list", database=database)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "'rubio-mean-girls' has no citations in the database" in broken.stderr and "backup" in broken.stderr


def test_edit_remove_restore_alias_and_history(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert add_witkoff(database) == 0
    assert cli(database, "facts", "edit", FACT_ID, "--answer", "Russia.", "--actor", "editor") == 0
    assert cli(database, "facts", "alias", FACT_ID, "--add", "witkoff thursday") == 0
    assert cli(database, "facts", "alias", FACT_ID, "--remove", "witkoff thursday") == 0
    assert cli(database, "facts", "remove", FACT_ID) == 0
    assert cli(database, "facts", "restore", FACT_ID) == 0
    capsys.readouterr()
    assert cli(database, "facts", "history", FACT_ID, "--json") == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [entry["action"] for entry in entries] == [
        "restored",
        "removed",
        "alias_removed",
        "alias_added",
        "edited",
        "created",
    ]
    assert entries[4]["actor"] == "editor" and entries[4]["after"]["answer"] == "Russia."
    assert entries[4]["after"]["citations"] == entries[5]["after"]["citations"]  # quotes untouched by the edit
    assert cli(database, "facts", "history", "--limit", "1") == 0
    assert "restored" in capsys.readouterr().out


def test_list_shows_moderators_facts_and_export_writes_them_as_toml(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add_witkoff(database, "--tag", "witkoff") == 0
    capsys.readouterr()
    assert cli(database, "facts", "list") == 0
    assert FACT_ID in capsys.readouterr().out
    assert cli(database, "facts", "export") == 0
    exported = capsys.readouterr().out
    assert f'id = "{FACT_ID}"' in exported and 'tags = ["witkoff"]' in exported
    assert f'quote = "{WITKOFF}"' in exported


def test_sources_add_then_cite_it(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text("The envoy\u2019s flight landed at 9 a.m. in Moscow.", encoding="utf-8")
    assert cli(database, "sources", "add", str(memo), "--id", "memo", "--title", "Memo", "--outlet", "Office") == 0
    args = ["--question", "When did the envoy land?", "--answer", "At 9 a.m.", "--speaker", "Memo"]
    assert cli(database, "facts", "add", *args, "--quote", "envoy's flight landed at 9 a.m.") == 2
    assert "give --source" in capsys.readouterr().err
    quote = "envoy's flight landed at 9 a.m."
    assert cli(database, "facts", "add", *args, "--quote", quote, "--source", "memo") == 0
    assert "envoy\u2019s flight landed" in capsys.readouterr().out
    assert (
        cli(database, "sources", "add", str(tmp_path / "absent.txt"), "--id", "x", "--title", "T", "--outlet", "O") == 2
    )
    assert "cannot read" in capsys.readouterr().err


def test_ask_records_unless_no_log_and_unanswered_lists_the_misses(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert cli(database, "ask", "who won the super bowl") == 0
    assert cli(database, "ask", "--no-log", "what about llamas") == 0
    capsys.readouterr()
    assert cli(database, "unanswered", "--json") == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(item["question"], item["count"]) for item in listed] == [("who won the super bowl", 2)]


def test_db_backup_and_check(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert add_witkoff(database) == 0
    copy = tmp_path / "backups" / "copy.db"
    assert cli(database, "db", "backup", str(copy)) == 0
    assert cli(copy, "db", "check") == 0
    assert "database is consistent" in capsys.readouterr().out
    assert cli(copy, "ask", "--json", "--no-log", "where did witkoff go on thursday") == 0
    assert json.loads(capsys.readouterr().out)["fact_id"] == FACT_ID


def test_db_names_a_sqlite_file_even_when_database_url_is_set(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A server nobody listens on: were it used, the command would fail to connect.
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot@127.0.0.1:9/none?connect_timeout=1")
    assert cli(database, "facts", "list") == 0
    assert database.is_file()


HARBOUR = (
    "Harbour Board Approves Ferry Terminal\n\nThe harbour board voted on Monday to build a new ferry terminal on the "
    'east pier. "The terminal will open to passengers next spring, once the dredging is finished," said board chair '
    "Anna Lind.\n"
)


def test_a_moderator_fact_is_found_by_paraphrase_in_the_next_command(database: Path, tmp_path: Path) -> None:
    source = tmp_path / "harbour.txt"
    source.write_text(HARBOUR, encoding="utf-8")
    added = run("sources", "add", str(source), "--id", "harbour", "--title", "Harbour Board Approves Ferry Terminal",
                "--outlet", "Test Gazette", database=database)  # fmt: skip
    assert added.returncode == 0, added.stderr
    fact = run(
        "facts", "add", "--question", "When will the new ferry terminal open?", "--answer",
        "Next spring, once the dredging is finished, the board chair said.", "--quote",
        "The terminal will open to passengers next spring, once the dredging is finished", "--speaker", "Anna Lind",
        "--source", "harbour", database=database,
    )  # fmt: skip
    assert fact.returncode == 0, fact.stderr
    # None shares a content word with the question (new, ferry, terminal, open), and the lexicon was not changed.
    for paraphrase in (
        "when can travellers start using the boat station",
        "when may riders begin boarding boats at that harbour building",
        "when does the boat station start taking travellers",
    ):
        asked = run("ask", "--json", paraphrase, database=database)
        assert asked.returncode == 0, asked.stderr
        answer = json.loads(asked.stdout)
        assert (answer["status"], answer["fact_id"]) == ("answered", "when-will-the-new-ferry-terminal-open"), answer
