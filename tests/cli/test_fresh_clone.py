"""What a newcomer runs on a fresh clone works as the README says."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from bot.cli.evaluating import OWN_SETS
from bot.settings import PROJECT_ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_eval_scores_the_projects_own_sets_without_the_shared_one() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "eval", "SHARED_EVAL=/nowhere/dev.jsonl"],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=dict(os.environ), timeout=900, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for path in sorted(OWN_SETS.glob("*.jsonl")):
        assert f"== {path}" in result.stdout
    assert result.stdout.count("in-scope accuracy:") == len(list(OWN_SETS.glob("*.jsonl")))


def test_the_readme_runs_the_command_line_from_the_virtual_environment() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/python -m bot" in readme
    assert "after `make run` once" not in readme  # outside the environment, `python -m bot` lacks the packages
