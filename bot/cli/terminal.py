"""What the command line prints is safe for a terminal: text people typed (a Discord member's question, a
moderator's answer) cannot move the cursor, retitle the window or reorder what is shown.

Control characters (other than newline and tab) and the bidirectional-override characters are written as
``\\uXXXX`` escapes, which stay valid inside the JSON and TOML strings the commands print.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

__all__ = ["escaped", "terminal_safe_output"]

_UNSAFE = [*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {code: f"\\u{code:04x}" for code in _UNSAFE}


def escaped(text: str) -> str:
    """``text`` with every character that could control a terminal written as a visible escape."""
    return text.translate(_ESCAPES)


class _EscapingStream:
    """A text stream that escapes what it is given before passing it on (everything else is the stream's own)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escaped(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_safe_output() -> Iterator[None]:
    """Standard output and error escaped (see :func:`escaped`) for the duration of the block."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = _EscapingStream(stdout)
    sys.stderr = _EscapingStream(stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr
