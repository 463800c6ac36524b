"""A cold ``python -m bot ask`` on the curated base: its wall time, and which heavy modules it imports."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT

__all__ = ["QUESTION", "measure_cold_ask"]

QUESTION = "did russia accept the ceasefire?"
_HEAVY = ("discord", "aiohttp", "simcord", "aiosqlite", "rapidfuzz", "pydantic")
# Runs the command line in-process with its output discarded (shared by both probes).
_RUN_ASK = f"""
import contextlib, io, json, runpy, sys
sys.argv = ["bot", "ask", {QUESTION!r}]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
    except SystemExit:
        pass
"""
# Then lists the heavy packages it imported.
_PROBE = _RUN_ASK + (
    f"print(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}} & set({list(_HEAVY)!r}))))\n"
)
# Then the question's own vector, as answering costs when it ranks by meaning: the model loaded from cold (a no-op
# when ``ask`` already loaded it).
_WITH_MODEL = _RUN_ASK + f"from bot.core.embedding import default_encoder\ndefault_encoder().encode([{QUESTION!r}])\n"


def measure_cold_ask(runs: int = 5) -> dict[str, Any]:
    """Median wall time of ``runs`` fresh processes (after one that creates the database), and the imports."""
    command = [sys.executable, "-m", "bot", "ask", QUESTION]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_PATH": str(Path(folder) / "bot.db")}

        def run(arguments: list[str]) -> subprocess.CompletedProcess[str]:
            return subprocess.run(arguments, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)

        run(command)  # creates and syncs the database: a one-off, not a cold start
        walls, with_model = [], []
        for _ in range(runs):
            started = time.perf_counter()
            run(command)
            walls.append(time.perf_counter() - started)
            started = time.perf_counter()
            run([sys.executable, "-c", _WITH_MODEL])
            with_model.append(time.perf_counter() - started)
        imported = json.loads(run([sys.executable, "-c", _PROBE]).stdout.strip().splitlines()[-1])
        slowest = _slowest_imports(run([sys.executable, "-X", "importtime", *command[1:]]).stderr)
    return {
        "question": QUESTION,
        "wall_s": round(statistics.median(walls), 3),
        "wall_s_runs": [round(wall, 3) for wall in walls],
        "with_model_s": round(statistics.median(with_model), 3),
        "with_model_s_runs": [round(wall, 3) for wall in with_model],
        "imports_discord": "discord" in imported,
        "heavy_imports": imported,
        "slowest_imports_ms": slowest,
    }


def _slowest_imports(importtime: str, count: int = 5) -> dict[str, float]:
    """The top-level packages that took longest to import (cumulative), from ``-X importtime`` output."""
    totals: dict[str, float] = {}
    for line in importtime.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if len(parts[2]) - len(parts[2].lstrip()) == 1:  # one space: imported by the program itself
            totals[name] = int(parts[1]) / 1000.0
    ranked = sorted(totals.items(), key=lambda item: -item[1])[:count]
    return {name: round(ms, 1) for name, ms in ranked}
