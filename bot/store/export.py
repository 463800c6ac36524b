"""Writing facts as a curated data file (the ``facts/*.toml`` format), for review into the repository."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from bot.core.models import Fact, Source
from bot.store.records import occurrence_of, timestamp

__all__ = ["facts_toml"]


def _string(value: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also requires DEL to be escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(_string(value) for value in values) + "]"


def _fact_lines(fact: Fact, sources: Mapping[str, Source]) -> list[str]:
    provenance = fact.provenance
    origin = f"from {provenance.file}, " if provenance.file else ""
    changed = f"{origin}last changed by {provenance.actor}"
    if provenance.at is not None:
        changed += f" at {timestamp(provenance.at)}"
    lines = [f"# {changed}", "[[facts]]", f"id = {_string(fact.id)}", f"question = {_string(fact.question)}"]
    if fact.aliases:
        lines.append(f"aliases = {_strings(fact.aliases)}")
    lines.append(f"answer = {_string(fact.answer)}")
    if fact.tags:
        lines.append(f"tags = {_strings(fact.tags)}")
    for citation in fact.citations:
        lines += [
            "",
            "[[facts.citations]]",
            f"quote = {_string(citation.quote)}",
            f"speaker = {_string(citation.speaker)}",
            f"source = {_string(citation.source)}",
        ]
        source = sources.get(citation.source)
        occurrence = None if source is None else occurrence_of(citation, source)
        if occurrence is not None:
            lines.append(f"occurrence = {occurrence}")
    return lines


def facts_toml(facts: Iterable[Fact], sources: Mapping[str, Source]) -> str:
    """``facts`` as the text of a data file ``load_fact_files`` reads back to the same facts."""
    lines = ["# Facts from the database, exported for review. Move the ones you accept into facts/*.toml."]
    for fact in facts:
        lines += ["", *_fact_lines(fact, sources)]
    return "\n".join(lines) + "\n"
