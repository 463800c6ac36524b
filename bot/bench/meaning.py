"""The semantic side of the benchmark: the first embedding of a synthetic base, and search latency.

Embedding 100,000 facts (400,000 texts) takes the better part of an hour on the target machine, longer when it
is busy, so the vectors of a synthetic base are kept in ``data/bench/`` as they are computed, in chunks, each with
the time it took; a later run of the same base (same texts, same model) reuses them and says so. A run encodes
for at most ``budget_s`` seconds; texts still without a vector then borrow the vector of a computed one (the
search's cost and the memory do not depend on the values), and the report says how many did and the time a
full first embedding takes at the measured rate. Each run adds its chunks, so a base is complete after a few.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np

from bot.bench.stats import Latency
from bot.bench.synthetic import BenchQuestion
from bot.core.embedding import OnnxEncoder
from bot.core.engine import Engine
from bot.core.models import Fact
from bot.core.semantic import Quantized, VectorTable, quantize, semantic_texts, text_digest
from bot.settings import PROJECT_ROOT
from bot.store.index_cache import usable_cores

__all__ = ["CACHE_DIR", "base_vectors", "measure_semantic"]

CACHE_DIR = PROJECT_ROOT / "data" / "bench"
CHUNK = 4096  # texts encoded and kept together


def _texts(facts: list[Fact]) -> dict[str, str]:
    """Every text of ``facts`` that gets a vector, by digest, in the facts' order."""
    return {text_digest(text): text for fact in facts for _, text in semantic_texts(fact)}


def _cache_name(model_id: str, texts: dict[str, str], chunk_size: int) -> str:
    digest = hashlib.blake2b("".join(texts).encode("ascii"), digest_size=12).hexdigest()
    return f"{model_id}-{len(texts)}-{digest}-{chunk_size}"


def _read_chunk(path: Path) -> tuple[Quantized, float]:
    with np.load(path) as stored:
        return Quantized(stored["codes"], stored["scales"]), float(stored["seconds"])


def base_vectors(
    facts: list[Fact], budget_s: float, *, cache: Path = CACHE_DIR, chunk_size: int = CHUNK, progress: Any = None
) -> tuple[VectorTable, dict[str, Any]]:
    """A vector for every text of ``facts`` and how their first embedding went: chunks cached (in ``cache``) by
    earlier runs are read, then missing chunks encoded (the model on every core this process may use) for up to
    ``budget_s`` seconds, at least one, and cached; any texts left borrow computed vectors (see the module's
    note)."""
    encoder = OnnxEncoder(threads=usable_cores(), memo=0)
    texts = _texts(facts)
    values = list(texts.values())
    folder = cache / _cache_name(encoder.model_id, texts, chunk_size)
    folder.mkdir(parents=True, exist_ok=True)
    chunks: list[Quantized] = []
    reused_seconds, reused_texts, encoded_seconds, encoded_texts = 0.0, 0, 0.0, 0
    started_run = time.perf_counter()
    for number, start in enumerate(range(0, len(values), chunk_size)):
        path = folder / f"chunk-{number:05d}.npz"
        if path.is_file():
            chunk, seconds = _read_chunk(path)
            reused_seconds, reused_texts = reused_seconds + seconds, reused_texts + len(chunk)
        elif not chunks or time.perf_counter() - started_run < budget_s:
            started = time.perf_counter()
            chunk = quantize(encoder.encode(values[start : start + chunk_size]))
            seconds = time.perf_counter() - started
            encoded_seconds, encoded_texts = encoded_seconds + seconds, encoded_texts + len(chunk)
            partial = folder / f"chunk-{number:05d}.tmp.npz"
            np.savez(partial, codes=chunk.codes, scales=chunk.scales, seconds=seconds)
            partial.replace(path)
            if progress is not None:
                progress(f"embedded {start + len(chunk):,} of {len(values):,} texts")
        else:
            break
        chunks.append(chunk)
    computed = Quantized.join(chunks)
    rows = np.arange(len(values)) % max(1, len(computed))  # borrowed vectors for texts not encoded yet
    vectors = computed.take(rows) if len(computed) < len(values) else computed
    done_texts, done_seconds = reused_texts + encoded_texts, reused_seconds + encoded_seconds
    rate = done_texts / done_seconds if done_seconds else None
    info = {
        "texts": len(values),
        "facts": len(facts),
        "encoded_now": encoded_texts,
        "encoded_now_s": round(encoded_seconds, 1),
        "reused": reused_texts,
        "borrowed": len(values) - done_texts,
        "texts_per_s": None if rate is None else round(rate, 1),
        "first_embedding_s": round(len(values) / rate, 1) if rate else None,
        "first_embedding_measured": done_texts == len(values),
        "threads": usable_cores(),
        "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return VectorTable({digest: row for row, digest in enumerate(texts)}, vectors), info


def measure_semantic(engine: Engine, questions: list[BenchQuestion], limit: int = 3) -> dict[str, Any]:
    """Per question: answering it (``Engine.ask``, which ranks by words and by meaning: the question's vector and
    the semantic search included), then the semantic part alone (the question's vector and the search)."""
    semantic, answering = [], []
    for question in questions:
        started = time.perf_counter()
        engine.ask(question.text)
        asked = time.perf_counter()
        engine.semantic_rank(question.text, limit)
        done = time.perf_counter()
        answering.append(asked - started)
        semantic.append(done - asked)
    return {"semantic": Latency.of(semantic).as_dict(), "ask_and_semantic": Latency.of(answering).as_dict()}
