"""How facts are kept: a versioned serialisation for the audit log and the curated-fact fingerprints, apart from
how facts are displayed (:mod:`bot.core.render` may change freely; this may not).

Format 1 is frozen: the same fact must give the same fingerprint in every version of the code, or a start after
an upgrade would take every curated fact for changed and re-apply the files over moderators' edits. A new layout
is a new format number, with a migration of what was stored in the old one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.core.models import Citation, Fact

__all__ = ["STORAGE_FORMAT", "curated_fingerprint", "fact_snapshot"]

STORAGE_FORMAT = 1


def _citation_fields(citation: Citation) -> dict[str, Any]:
    return {
        "quote": citation.quote,
        "speaker": citation.speaker,
        "source": citation.source,
        "start": citation.start,
        "end": citation.end,
    }


def _fact_fields(fact: Fact) -> dict[str, Any]:
    """Format 1's fields of a fact (its content, verified spans and provenance)."""
    return {
        "id": fact.id,
        "question": fact.question,
        "aliases": list(fact.aliases),
        "answer": fact.answer,
        "citations": [_citation_fields(c) for c in fact.citations],
        "tags": list(fact.tags),
        "provenance": fact.provenance.model_dump(mode="json", exclude_none=True),
    }


def fact_snapshot(fact: Fact) -> dict[str, Any]:
    """The fact as the audit log keeps it, marked with its format."""
    return {"format": STORAGE_FORMAT, **_fact_fields(fact)}


def curated_fingerprint(fact: Fact) -> str:
    """A fingerprint of a curated fact as its file states it (content, verified spans and file): it changes when
    and only when the file's entry does."""
    data = _fact_fields(fact)
    data["provenance"] = {"file": fact.provenance.file}
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()
