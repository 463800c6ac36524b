"""``python -m bot calibrate`` writes the decision and its asked questions together, or neither."""

from __future__ import annotations

import os
from pathlib import Path

from bot.core.asked import load_asked
from bot.core.calibration import synthetic_out_of_scope
from bot.core.decision import load_calibration
from bot.core.embedding import default_encoder
from bot.settings import PROJECT_ROOT
from tests.conftest import run_bot_cli

PARAPHRASES = PROJECT_ROOT / "eval" / "paraphrases.jsonl"


def test_the_fit_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    decision, asked = tmp_path / "decision.toml", tmp_path / "asked.jsonl"
    written = run_bot_cli(
        "calibrate", "--set", str(PARAPHRASES), "--output", str(decision), "--asked-output", str(asked),
        env=dict(os.environ),
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    load_calibration(decision)
    kept = load_asked(asked, default_encoder().fingerprint)
    assert len(kept) == len(PARAPHRASES.read_text().splitlines()) + len(synthetic_out_of_scope())
    before = decision.read_bytes()

    unwritable = run_bot_cli(
        "calibrate", "--set", str(PARAPHRASES), "--output", str(decision),
        "--asked-output", str(tmp_path / "no such folder" / "asked.jsonl"), env=dict(os.environ),
    )  # fmt: skip
    assert unwritable.returncode == 2 and "Traceback" not in unwritable.stderr, unwritable.stderr
    assert len(unwritable.stderr.strip().splitlines()) == 1 and "cannot write the fit" in unwritable.stderr
    assert decision.read_bytes() == before  # the decision is not left without its asked questions
    assert sorted(path.name for path in tmp_path.iterdir()) == ["asked.jsonl", "decision.toml"]
