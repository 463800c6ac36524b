"""The container the index files beside the database share: a magic line naming the kind of file, a JSON header
(its format, the key it was made under, the sizes of its sections, a checksum) and the sections one after another.

A file is a cache of what the database holds, only ever used for exactly what its key names; the checksum covers
the header and every section, so damage anywhere is caught and the caller rebuilds from the database. Reading a
file runs no code from it: the header is JSON, the sections are text and plain arrays.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Sequence

__all__ = ["CacheFileError", "Section", "checksum", "read_header", "seal", "section_sizes", "verify"]

_HEADER_SIZE = struct.Struct("<I")
Section = bytes | memoryview  # an array is written and checked as its memoryview (`array.data`)


class CacheFileError(ValueError):
    """The bytes are not a cache for what the caller wants (stale, damaged or foreign): it rebuilds instead."""


def checksum(fields: dict[str, object], body: Iterable[Section]) -> str:
    """A digest of the header's fields (all but the checksum) and the body: damage to either is caught."""
    digest = hashlib.blake2b(json.dumps(fields, sort_keys=True).encode("ascii"), digest_size=32)
    for part in body:
        digest.update(part)
    return digest.hexdigest()


def seal(magic: bytes, fields: dict[str, object], sections: Sequence[Section]) -> list[bytes]:
    """The start of a file of ``sections`` (to be written after it, in order): ``magic``, then a header of
    ``fields`` with the sections' sizes and the checksum over both."""
    sizes = [len(section) if isinstance(section, bytes) else section.nbytes for section in sections]
    fields = {**fields, "sections": sizes}
    header = json.dumps({**fields, "checksum": checksum(fields, sections)}).encode("ascii")
    return [magic, _HEADER_SIZE.pack(len(header)), header]


def read_header(read: Callable[[int], bytes], magic: bytes, format_number: int) -> dict[str, object]:
    """The header of a file whose bytes ``read`` gives in order (``read(n)``: up to n more), which must start
    with ``magic`` and be of ``format_number``; ``read`` is left at the first section."""
    if read(len(magic)) != magic:
        raise CacheFileError("not a file of this kind")
    try:
        (size,) = _HEADER_SIZE.unpack(read(_HEADER_SIZE.size))
        header = json.loads(read(size))
    except (struct.error, ValueError, RecursionError) as error:  # RecursionError: absurdly nested JSON
        raise CacheFileError(f"unreadable header: {error}") from error
    if not isinstance(header, dict) or header.get("format") != format_number:
        raise CacheFileError("another format of file")
    return header


def section_sizes(header: dict[str, object], count: int) -> list[int]:
    """The sizes of the ``count`` sections ``header`` announces; CacheFileError when they are not that."""
    sizes = header.get("sections")
    if not isinstance(sizes, list) or len(sizes) != count or not all(type(s) is int and s >= 0 for s in sizes):
        raise CacheFileError("damaged: its sections are not as announced")
    return sizes


def verify(header: dict[str, object], body: Iterable[Section]) -> None:
    """CacheFileError unless ``body`` (the sections read) matches the checksum in ``header``."""
    fields = {name: value for name, value in header.items() if name != "checksum"}
    if checksum(fields, body) != header.get("checksum"):
        raise CacheFileError("damaged: its checksum does not match")
