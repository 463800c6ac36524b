"""The matcher's index as bytes, so a restart with nothing changed reads it instead of analysing every fact again.

A file is only ever used for exactly the index it was made from: its key digests everything indexing depends
on (the facts' indexed texts in order, the lexicon, the code that analyses them and the Python running it),
and a checksum covers its contents (see :mod:`bot.core.cache_file`). Anything else (another key, a damaged or
foreign file) is refused with :class:`CacheFileError`, and the caller builds the index afresh. The format holds
only text and integer arrays: reading it runs no code from the file.
"""

from __future__ import annotations

import functools
import hashlib
import io
import sys
import unicodedata
from array import array
from collections.abc import Iterable
from pathlib import Path

from bot.core import analysis as analysis_module
from bot.core import cache_file as cache_file_module
from bot.core import lexical as lexical_module
from bot.core import lexical_state as lexical_state_module
from bot.core import lexicon as lexicon_module
from bot.core import text as text_module
from bot.core.cache_file import CacheFileError, read_header, seal, section_sizes, verify
from bot.core.lexical_state import IndexState, indexed_texts
from bot.core.lexicon import Lexicon
from bot.core.models import Fact

__all__ = [
    "HEAD_SIZE",
    "analyser_digest",
    "content_digest",
    "decode_index",
    "encode_index",
    "index_key",
    "note_of",
]

_MAGIC = b"factbot-index\n"
_FORMAT = 1
# Separators that no fact id, token, phrasing key or word holds (they are ASCII letters, digits, "_", "-",
# spaces and "|"): records apart, and fields within a record.
_RECORD = "\x1e"
_FIELD = "\x1f"
_ARRAY_TYPE = "i"
_SECTIONS = 11
HEAD_SIZE = 4096  # bytes at the start of a file that hold its header, unless the note is very long
_CONTENT_BATCH = 4096  # facts whose texts are joined and hashed in one update


@functools.cache
def _code_digest() -> bytes:
    """The code and runtime indexing depends on: the normaliser, lexicon, analysis, lexical index and index state
    sources, this format and its container, the Unicode tables folding uses, and the machine's integer layout.
    Computed once per process. (Scoring, bot.core.lexical_scoring, is left out: it reads an index, never builds one.)"""
    digest = hashlib.blake2b(digest_size=16)
    modules = (
        text_module,
        lexicon_module,
        analysis_module,
        lexical_module,
        lexical_state_module,
        cache_file_module,
        sys.modules[__name__],
    )
    for module in modules:
        digest.update(Path(str(module.__file__)).read_bytes())
    runtime = (_FORMAT, sys.version, unicodedata.unidata_version, sys.byteorder, array(_ARRAY_TYPE).itemsize)
    digest.update(repr(runtime).encode())
    return digest.digest()


def content_digest(facts: Iterable[Fact]) -> bytes:
    """A digest of every indexed text of ``facts``, in order (see :func:`bot.core.lexical_state.indexed_texts`)."""
    digest = hashlib.blake2b(digest_size=32)
    batch: list[str] = []
    for fact in facts:
        batch.append(fact.id)
        batch.extend(indexed_texts(fact))
        batch.append(_RECORD)
        if len(batch) >= _CONTENT_BATCH:
            digest.update(_FIELD.join(batch).encode("utf-8", "surrogatepass"))
            batch.clear()
    digest.update(_FIELD.join(batch).encode("utf-8", "surrogatepass"))
    return digest.digest()


def analyser_digest(lexicon: Lexicon) -> str:
    """A digest of what turns facts into an index besides the facts: this code and runtime, and ``lexicon``."""
    return hashlib.blake2b(_code_digest() + lexicon.fingerprint.encode(), digest_size=16).hexdigest()


def index_key(lexicon: Lexicon, contents: Iterable[bytes]) -> str:
    """The key of the index built under ``lexicon`` with this code by adding, in order, the runs of facts whose
    :func:`content_digest` values are ``contents`` (a base may be digested in parts, then indexed in parts)."""
    digest = hashlib.blake2b(analyser_digest(lexicon).encode(), digest_size=32)
    for content in contents:
        digest.update(content)
    return digest.hexdigest()


def _ints(values: Iterable[int]) -> bytes:
    return array(_ARRAY_TYPE, values).tobytes()


def _texts(values: Iterable[str], separator: str) -> bytes:
    return separator.join(values).encode("ascii")


def _strings(section: bytes, separator: str) -> list[str]:
    return section.decode("ascii").split(separator) if section else []


def encode_index(state: IndexState, key: str, note: str = "") -> list[bytes]:
    """``state`` under ``key`` (from :func:`index_key`), as the chunks of one file, to be written in order (not
    joined: at 100,000 facts that would hold a second copy of the index in memory). ``note`` is kept in the
    header for the caller (see :func:`note_of`); it plays no part in checking the file."""
    mention_sets = list(dict.fromkeys(state.mentions))  # facts share a few combinations of entities
    mention_numbers = {mentions: number for number, mentions in enumerate(mention_sets)}
    posting_lists = list(state.postings.values())
    flat = [array(_ARRAY_TYPE) for _ in range(3)]
    for postings in posting_lists:
        for credit, slots in zip(flat, postings, strict=True):
            credit.extend(slots)
    sections = [
        _texts(state.fact_ids, _RECORD),
        _texts(state.keys, _RECORD),
        _texts((" ".join(mentions) for mentions in mention_sets), _RECORD),
        _ints(mention_numbers[mentions] for mentions in state.mentions),
        _texts(state.postings, _FIELD),
        _ints(len(slots) for postings in posting_lists for slots in postings),
        *(credit.tobytes() for credit in flat),
        _texts(state.word_frequency, _FIELD),
        _ints(state.word_frequency.values()),
    ]
    fields: dict[str, object] = {
        "format": _FORMAT,
        "key": key,
        "facts": len(state.fact_ids),
        "first_slot": state.first_slot,
        "note": note,
    }
    return [*seal(_MAGIC, fields, sections), *sections]


def note_of(head: bytes) -> str | None:
    """The note of the index file starting with ``head`` (its first :data:`HEAD_SIZE` bytes suffice); None when
    ``head`` is not the start of an index file of this format."""
    try:
        header = read_header(io.BytesIO(head).read, _MAGIC, _FORMAT)
    except CacheFileError:
        return None
    note = header.get("note")
    return note if isinstance(note, str) else None


def decode_index(data: bytes, key: str) -> IndexState:
    """The state encoded in ``data`` (the chunks of :func:`encode_index` joined), which must have been made under
    ``key``; CacheFileError otherwise."""
    stream = io.BytesIO(data)
    header = read_header(stream.read, _MAGIC, _FORMAT)
    if header.get("key") != key:
        raise CacheFileError("made from other facts, another lexicon or other code")
    body = memoryview(data)[stream.tell() :]
    verify(header, [body])
    sizes = section_sizes(header, _SECTIONS)
    if sum(sizes) != len(body):
        raise CacheFileError("damaged: its sections do not add up")
    sections = []
    at = 0
    for size in sizes:
        sections.append(bytes(body[at : at + size]))
        at += size
    try:
        return _state_of(sections, header.get("facts"), header.get("first_slot"))
    except (ValueError, IndexError, UnicodeDecodeError) as error:
        raise CacheFileError(f"damaged: {error}") from error


def _state_of(sections: list[bytes], fact_count: object, first_slot: object) -> IndexState:
    ids, keys, mention_text, mention_numbers, tokens_text, lengths_bytes, *credit_bytes, words, counts = sections
    fact_ids = _strings(ids, _RECORD)
    # Split only when there are facts: a fact's keys, like a set of mentions, may be "" and is still one record.
    phrasing_keys = keys.decode("ascii").split(_RECORD) if fact_ids else []
    mention_sets = [tuple(text.split()) for text in mention_text.decode("ascii").split(_RECORD)] if fact_ids else []
    mentions = list(map(mention_sets.__getitem__, array(_ARRAY_TYPE, mention_numbers)))
    if not len(fact_ids) == len(phrasing_keys) == len(mentions) == fact_count:
        raise ValueError("fact records do not match their count")
    if type(first_slot) is not int or first_slot < 0:
        raise ValueError(f"no first slot: {first_slot!r}")
    tokens = _strings(tokens_text, _FIELD)
    lengths = array(_ARRAY_TYPE, lengths_bytes)
    credits = [array(_ARRAY_TYPE, credit) for credit in credit_bytes]
    if len(lengths) != 3 * len(tokens):
        raise ValueError("postings do not match their tokens")
    postings: dict[str, tuple[array[int], ...]] = {}
    starts = [0, 0, 0]
    for index, token in enumerate(tokens):
        lists = []
        for credit in range(3):
            end = starts[credit] + lengths[3 * index + credit]
            lists.append(credits[credit][starts[credit] : end])
            starts[credit] = end
        postings[token] = tuple(lists)
    if starts != [len(credit) for credit in credits]:
        raise ValueError("postings do not add up")
    words_list = _strings(words, _FIELD)
    word_counts = array(_ARRAY_TYPE, counts)
    if len(words_list) != len(word_counts):
        raise ValueError("words do not match their counts")
    return IndexState(
        fact_ids=fact_ids,
        keys=phrasing_keys,
        mentions=mentions,
        postings=postings,
        word_frequency=dict(zip(words_list, word_counts, strict=True)),
        first_slot=first_slot,
    )
