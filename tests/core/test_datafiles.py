"""Every shipped data file is valid, and broken files are reported all at once with what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.datafiles import DataFileError, load_fact_files, load_sources
from tests.conftest import FACTS_DIR, SEEDS_DIR

ARTICLE_FILE = "000_b1ce338e24cbc02e.txt"


def test_shipped_sources_and_facts_load() -> None:
    sources = load_sources(SEEDS_DIR)
    facts = load_fact_files(FACTS_DIR, sources)
    assert set(sources) == {"notus-ceasefire"}
    assert len(facts) >= 20
    assert all(fact.provenance.origin == "curated" and fact.provenance.file for fact in facts)


def test_no_curated_quote_is_cut_inside_its_quotation_marks() -> None:
    # A quotation is cited with its marks, as the article prints it: the asker sees whose words start where.
    sources = load_sources(SEEDS_DIR)
    marks = "\u201c\u201d\u2018\u2019\"'"
    cut = [
        f"{fact.id}: {citation.quote[:40]}"
        for fact in load_fact_files(FACTS_DIR, sources)
        for citation in fact.citations
        if sources[citation.source].text[citation.start - 1 : citation.start] in tuple(marks)
        or sources[citation.source].text[citation.end : citation.end + 1] in tuple(marks)
    ]
    assert cut == []


def test_seed_is_the_shared_article_byte_for_byte() -> None:
    shared = SEEDS_DIR.parent.parent / "shared" / "seeds" / ARTICLE_FILE
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert (SEEDS_DIR / ARTICLE_FILE).read_bytes() == shared.read_bytes()


def _copy_data(tmp_path: Path) -> tuple[Path, Path]:
    facts, seeds = tmp_path / "facts", tmp_path / "seeds"
    shutil.copytree(FACTS_DIR, facts)
    shutil.copytree(SEEDS_DIR, seeds)
    return facts, seeds


BROKEN = """
[[facts]]
id = "bad-quote"
question = "Did Russia invade Canada?"
answer = "No."
[[facts.citations]]
quote = "Russia invaded Canada on Friday"
speaker = "Nobody"
source = "notus-ceasefire"

[[facts]]
id = "bad-source"
question = "Is this from another paper?"
answer = "No."
[[facts.citations]]
quote = "Putin said"
speaker = "Nobody"
source = "no-such-source"

[[facts]]
id = "Bad Id"
question = "Q"
answer = ""
citations = []

[[facts]]
id = "dup-phrasing"
question = "Did Russia accept the ceasefire proposal?"
answer = "Repeats a curated question."
[[facts.citations]]
quote = "Putin presented demands"
speaker = "NOTUS"
source = "notus-ceasefire"
"""


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    facts_dir, seeds_dir = _copy_data(tmp_path)
    (facts_dir / "zz_broken.toml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_fact_files(facts_dir, load_sources(seeds_dir))
    report = "\n".join(caught.value.problems)
    assert "'bad-quote'" in report and "closest passage" in report
    assert 'unknown source "no-such-source"' in report
    assert "id 'Bad Id' is not allowed" in report and "question is" in report and "answer is" in report
    assert "is already used by fact 'russia-position'" in report
    assert all("zz_broken.toml" in line for line in caught.value.problems)


def test_unreadable_toml_names_the_file(tmp_path: Path) -> None:
    facts_dir, seeds_dir = _copy_data(tmp_path)
    (facts_dir / "bad.toml").write_text("[[facts]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad\.toml: cannot read"):
        load_fact_files(facts_dir, load_sources(seeds_dir))


def test_source_metadata_must_appear_in_the_text(tmp_path: Path) -> None:
    _, seeds_dir = _copy_data(tmp_path)
    meta = seeds_dir / "000_b1ce338e24cbc02e.toml"
    meta.write_text(meta.read_text().replace("John T. Seward", "Jane Doe"), encoding="utf-8")
    with pytest.raises(DataFileError, match="author 'Jane Doe' does not appear"):
        load_sources(seeds_dir)
