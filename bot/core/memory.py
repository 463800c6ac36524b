"""Giving the system back the memory a bulk load freed.

glibc's malloc keeps freed heap memory for the process to reuse instead of returning it, so after a load that
made and dropped hundreds of megabytes of temporaries (onnxruntime preparing the model's weights; the start
reading every fact) the resident size stays near the peak. ``malloc_trim`` returns the free pages; it costs a
walk of the heap (milliseconds), so it is called once after each such load, not per request.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

__all__ = ["release_freed_memory"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # the C library the process already has
    except (AttributeError, OSError):  # not glibc (musl, macOS, Windows): nothing to do
        return None
    return trim


def release_freed_memory() -> None:
    """Return the heap's free pages to the system, where the C library can (glibc); otherwise do nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
