"""The storage serialisation stands apart from display: fingerprints of format 1 never change, and a field
added to what ``facts list --json`` shows does not make the next start re-apply the curated files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.core.models import Citation, Fact, Provenance
from bot.core.storage import STORAGE_FORMAT, curated_fingerprint, fact_snapshot
from bot.settings import PROJECT_ROOT
from tests.conftest import run_bot_cli

FACT = Fact(
    id="demands",
    question="What does Putin demand?",
    aliases=("putin's demands",),
    answer="Terms for a long-term peace.",
    citations=(Citation(quote="Putin presented demands", speaker="NOTUS", source="notus-ceasefire", start=10, end=33),),
    tags=("putin",),
    provenance=Provenance(origin="curated", file="facts/mine.toml"),
)

# A program that starts the command line with a display-only field added to ``facts list --json``'s objects.
_DISPLAY_CHANGED = """
import sys
import bot.core.render as render
shown = render.fact_json
render.fact_json = lambda fact: {**shown(fact), "display_only": True}
from bot.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_format_1_fingerprints_are_those_every_stored_database_holds() -> None:
    # Databases written by every earlier version hold this value for this fact (computed by the code before this
    # module existed); a different one would make
    # the next start take the fact for changed in its file and re-apply it over a moderator's edit.
    assert curated_fingerprint(FACT) == "2d57193420f96d3a798b2568059f3808960083e2ffce6d872754ba222fc4a34b"


def test_a_fingerprint_ignores_who_changed_the_fact_and_when() -> None:
    stamped = FACT.model_copy(
        update={"provenance": Provenance(origin="curated", file="facts/mine.toml", actor="mod", at=datetime.now(UTC))}
    )
    assert curated_fingerprint(stamped) == curated_fingerprint(FACT)
    edited = FACT.model_copy(update={"answer": "Other terms."})
    assert curated_fingerprint(edited) != curated_fingerprint(FACT)


def test_audit_snapshots_carry_their_format() -> None:
    snapshot = fact_snapshot(FACT)
    assert snapshot["format"] == STORAGE_FORMAT and snapshot["answer"] == FACT.answer
    assert snapshot["citations"][0] == {"quote": "Putin presented demands", "speaker": "NOTUS",
                                        "source": "notus-ceasefire", "start": 10, "end": 33}  # fmt: skip


def test_a_display_only_field_leaves_a_moderators_edit_of_a_curated_fact_in_place(tmp_path: Path) -> None:
    database = str(tmp_path / "bot.db")
    env = {**os.environ, "DISCORD_TOKEN": ""}
    edited = run_bot_cli("facts", "edit", "witkoff-trip", "--answer", "Yes: Witkoff flew to Moscow.",
                         "--db", database, env=env)  # fmt: skip
    assert edited.returncode == 0, edited.stderr
    listed = subprocess.run(
        [sys.executable, "-c", _DISPLAY_CHANGED, "facts", "list", "--json", "--db", database],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    facts = {fact["id"]: fact for fact in map(json.loads, listed.stdout.splitlines())}
    assert facts["witkoff-trip"]["display_only"] is True  # the display did change
    assert facts["witkoff-trip"]["answer"] == "Yes: Witkoff flew to Moscow."  # and the moderator's edit stands
    history = run_bot_cli("facts", "history", "witkoff-trip", "--json", "--db", database, env=env)
    assert [json.loads(line)["action"] for line in history.stdout.splitlines()] == ["edited", "created"]
