"""The command line's JSON contract, streaming from standard input, and its independence from discord."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import ARTICLE_PATH, run_bot_cli

CITATION_KEYS = {"quote", "speaker", "source", "start", "end"}
RESULT_KEYS = {"question", "status", "answer", "fact_id", "score", "citations", "suggestions", "also"}


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment with the database in a temporary folder, so tests never touch data/."""
    return {**os.environ, "DATABASE_PATH": str(tmp_path / "bot.db"), "DISCORD_TOKEN": ""}


def assert_contract(result: dict[str, Any], article: str) -> None:
    assert set(result) == RESULT_KEYS
    assert result["status"] in {"answered", "ambiguous", "no_match"}
    assert 0 <= result["score"] <= 100
    assert len(result["suggestions"]) <= 3
    for suggestion in result["suggestions"]:
        assert set(suggestion) == {"fact_id", "question", "score"}
    for citation in result["citations"]:
        assert set(citation) == CITATION_KEYS
        assert article[citation["start"] : citation["end"]] == citation["quote"]
    if result["status"] == "answered":
        assert result["answer"] and result["fact_id"] and result["citations"]
    else:
        assert result["answer"] is None and result["fact_id"] is None and result["citations"] == []


def test_ask_json_answers_with_the_exact_quote(cli_env: dict[str, str], article_text: str) -> None:
    completed = run_bot_cli("ask", "--json", "did Russia accept?", env=cli_env)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert_contract(result, article_text)
    assert result["status"] == "answered"
    assert result["fact_id"] == "russia-position"
    assert "agree with the proposals for the ceasefire" in result["citations"][0]["quote"]


def test_ask_json_reads_stdin_one_object_per_line_in_order(cli_env: dict[str, str], article_text: str) -> None:
    questions = ["witkoff", "who won the super bowl", "", "not mean girls", "ceasefire?"]
    completed = run_bot_cli("ask", "--json", stdin="\n".join(questions) + "\n", env=cli_env)
    assert completed.returncode == 0, completed.stderr
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [r["question"] for r in results] == [q for q in questions if q]
    for result in results:
        assert_contract(result, article_text)
    assert results[1]["status"] == "no_match"


def test_stdin_answers_are_flushed_one_by_one(cli_env: dict[str, str]) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env=cli_env,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("witkoff\n")
        process.stdin.flush()
        # The answer arrives while standard input is still open: it was flushed, not buffered to the end.
        first = json.loads(process.stdout.readline())
        assert first["fact_id"] == "witkoff-trip"
        process.stdin.close()
        assert process.wait(timeout=30) == 0


def test_plain_ask_prints_answer_quote_speaker_and_source(cli_env: dict[str, str]) -> None:
    completed = run_bot_cli("ask", "what did rubio say about mean girls", env=cli_env)
    assert completed.returncode == 0, completed.stderr
    assert "Mean Girls" in completed.stdout
    assert "Marco Rubio" in completed.stdout
    assert "NOTUS" in completed.stdout


def test_ask_without_a_question_explains_usage(cli_env: dict[str, str]) -> None:
    completed = run_bot_cli("ask", env=cli_env)
    assert completed.returncode == 2
    assert "give a question" in completed.stderr


def test_ask_imports_no_discord(cli_env: dict[str, str]) -> None:
    code = (
        "import sys; from bot.cli import main; status = main(['ask', '--json', 'did russia accept?']); "
        "assert 'discord' not in sys.modules, 'discord was imported'; sys.exit(status)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=cli_env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_facts_list_json_has_every_fact_with_citations(cli_env: dict[str, str], article_text: str) -> None:
    completed = run_bot_cli("facts", "list", "--json", env=cli_env)
    assert completed.returncode == 0, completed.stderr
    facts = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(facts) >= 20
    assert len({fact["id"] for fact in facts}) == len(facts)
    for fact in facts:
        assert fact["citations"]
        for citation in fact["citations"]:
            assert article_text[citation["start"] : citation["end"]] == citation["quote"]


def test_facts_check_passes_on_shipped_data(cli_env: dict[str, str]) -> None:
    completed = run_bot_cli("facts", "check", env=cli_env)
    assert completed.returncode == 0, completed.stderr


def test_facts_check_reports_every_problem_and_fails(tmp_path: Path, cli_env: dict[str, str]) -> None:
    facts_dir = tmp_path / "facts"
    facts_dir.mkdir()
    (facts_dir / "lexicon.toml").write_text((PROJECT_ROOT / "facts" / "lexicon.toml").read_text())
    (facts_dir / "one.toml").write_text(
        '[[facts]]\nid = "a"\nquestion = "Did it happen?"\nanswer = "Yes."\n'
        '[[facts.citations]]\nquote = "Nothing like this"\nspeaker = "X"\nsource = "notus-ceasefire"\n'
        '[[facts]]\nid = "b"\nquestion = "Who said it?"\nanswer = "A"\n'
        '[[facts.citations]]\nquote = "Putin said"\nspeaker = "X"\nsource = "notus-ceasefire"\n'
        '[[facts]]\nid = "c"\nquestion = "Q"\nanswer = "A"\n'
        '[[facts.citations]]\nquote = "Putin presented demands"\nspeaker = "X"\nsource = "notus-ceasefire"\n'
    )
    completed = run_bot_cli("facts", "check", "--facts-dir", str(facts_dir), env=cli_env)
    assert completed.returncode == 1
    assert "'a'" in completed.stderr and "closest passage" in completed.stderr
    assert "'b'" in completed.stderr and "occurs 2 times" in completed.stderr
    assert "'c': question is too short (1 character): give a question of 3 to 100 characters" in completed.stderr
    assert "problem(s) found" in completed.stderr


def test_eval_prints_accuracy_and_false_answer_rate(tmp_path: Path, cli_env: dict[str, str]) -> None:
    questions = tmp_path / "set.jsonl"
    questions.write_text(
        '{"q": "witkoff", "gold": ["witkoff arrived in russia"]}\n{"q": "who won the super bowl", "abstain": true}\n'
    )
    completed = run_bot_cli("eval", str(questions), env=cli_env)
    assert completed.returncode == 0, completed.stderr
    assert "in-scope accuracy: 1/1" in completed.stdout
    assert "false answers on out-of-scope: 0/1" in completed.stdout


def test_the_seed_copy_is_what_offsets_index() -> None:
    assert ARTICLE_PATH.read_bytes().decode("utf-8").startswith("Russia Muddies Position")
