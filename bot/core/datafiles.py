"""Reading the reviewed data files: sources in ``seeds/`` and curated facts in ``facts/``.

Every loader collects all problems before failing, so one run of ``facts check`` shows everything to fix.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.models import Fact, FactDraft, FactError, Provenance, Source, phrasing_key, resolve_fact
from bot.core.problems import ProblemsError
from bot.core.validation import format_validation_error

__all__ = [
    "DataFileError",
    "find_phrasing_clashes",
    "load_fact_files",
    "load_sources",
    "read_source_file",
]

FACTS_GLOB = "*.toml"
LEXICON_FILE = "lexicon.toml"


class DataFileError(ProblemsError):
    """One or more data files are invalid; ``problems`` names each file, fact and fix."""

    heading = "the data files are invalid (run `python -m bot facts check`)"


class _SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    file: str
    title: str
    outlet: str
    author: str | None = None
    photo_credit: str | None = None


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        problems.append(f"{path}: cannot read: {error}")
        return None


def read_source_file(path: Path) -> str:
    """A source document's text, decoded as UTF-8 exactly as stored (offsets index this string)."""
    return path.read_bytes().decode("utf-8")


def load_sources(seeds_dir: Path) -> dict[str, Source]:
    """Every source described by a ``*.toml`` file in ``seeds_dir``, keyed by id."""
    problems: list[str] = []
    sources: dict[str, Source] = {}
    for path in sorted(seeds_dir.glob("*.toml")):
        data = _read_toml(path, problems)
        if data is None:
            continue
        try:
            meta = _SourceFile.model_validate(data)
            text = read_source_file(seeds_dir / meta.file)
            source = Source(text=text, **meta.model_dump(exclude={"file"}))
        except ValidationError as error:
            problems.extend(f"{path}: {line}" for line in format_validation_error(error))
            continue
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path}: cannot read its text file: {error}")
            continue
        for field in ("title", "outlet", "author", "photo_credit"):
            value = getattr(source, field)
            if value is not None and not source.folded.find_all(value):
                problems.append(f"{path}: {field} {value!r} does not appear in {meta.file}")
        if source.id in sources:
            problems.append(f"{path}: source id {source.id!r} is already used by another seed file")
        sources[source.id] = source
    if not sources and not problems:
        problems.append(f"{seeds_dir}: no source descriptions (*.toml) found")
    if problems:
        raise DataFileError(problems)
    return sources


def find_phrasing_clashes(facts: Iterable[Fact]) -> list[tuple[Fact, str, str]]:
    """Phrasings (question or alias) shared by two facts, as ``(fact, phrasing, other fact id)``."""
    owner: dict[str, str] = {}
    clashes = []
    for fact in facts:
        for phrasing in fact.phrasings:
            other = owner.setdefault(phrasing_key(phrasing), fact.id)
            if other != fact.id:
                clashes.append((fact, phrasing, other))
    return clashes


def load_fact_files(facts_dir: Path, sources: Mapping[str, Source]) -> list[Fact]:
    """Every curated fact in ``facts_dir/*.toml``, quotes verified; raises DataFileError listing all problems."""
    problems: list[str] = []
    facts: list[Fact] = []
    where: dict[str, Path] = {}
    paths = [path for path in sorted(facts_dir.glob(FACTS_GLOB)) if path.name != LEXICON_FILE]
    if not paths:
        problems.append(f"{facts_dir}: no fact files (*.toml) found")
    for path in paths:
        data = _read_toml(path, problems)
        if data is None:
            continue
        unknown_keys = set(data) - {"facts"}
        if unknown_keys:
            problems.append(f"{path}: unknown top-level keys {sorted(unknown_keys)}; facts go in [[facts]] tables")
        entries = data.get("facts", [])
        if not isinstance(entries, list) or not entries:
            problems.append(f"{path}: no [[facts]] tables")
            continue
        for number, entry in enumerate(entries, start=1):
            label = f"{path}: fact {entry.get('id', f'#{number}')!r}" if isinstance(entry, dict) else f"{path}"
            try:
                draft = FactDraft.model_validate(entry)
            except ValidationError as error:
                problems.extend(f"{label}: {line}" for line in format_validation_error(error))
                continue
            if draft.id is None:
                problems.append(f"{label}: curated facts need an id")
                continue
            if draft.id in where:
                problems.append(f"{label}: id already used in {where[draft.id]}")
                continue
            where[draft.id] = path
            provenance = Provenance(origin="curated", file=f"{facts_dir.name}/{path.name}")
            try:
                facts.append(resolve_fact(draft, draft.id, sources, provenance))
            except FactError as error:
                problems.extend(f"{label}: {problem}" for problem in error.problems)
    problems.extend(
        f'{where[fact.id]}: fact {fact.id!r}: phrasing "{phrasing}" is already used by fact {other!r}'
        for fact, phrasing, other in find_phrasing_clashes(facts)
    )
    if problems:
        raise DataFileError(problems)
    return facts
