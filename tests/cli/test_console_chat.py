"""The console chat as a newcomer uses it: quit or exit leave it, Ctrl-C leaves it cleanly, and at a terminal
the line can be edited with the arrow keys."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.conftest import run_bot_cli

ENV = {**os.environ, "DISCORD_TOKEN": ""}


def test_quit_and_exit_leave_the_chat(tmp_path: Path) -> None:
    for word in ("quit", "EXIT"):
        chatted = run_bot_cli("chat", "--db", str(tmp_path / "bot.db"), env=ENV,
                              stdin=f"did russia accept?\n{word}\nwho is marco rubio?\n")  # fmt: skip
        assert chatted.returncode == 0, chatted.stderr
        assert "Russia" in chatted.stdout and "Rubio" not in chatted.stdout  # nothing after quit is answered


def test_ctrl_c_leaves_the_chat_cleanly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "bot.db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env=ENV,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("did russia accept?\n")
    process.stdin.flush()
    assert process.stdout.readline()  # the chat is up and answering; the input stays open
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors


def _read_until(master: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
    return seen


def test_at_a_terminal_the_arrow_keys_edit_the_line(tmp_path: Path) -> None:
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--no-log", "--db", str(tmp_path / "bot.db")],
        stdin=terminal, stdout=terminal, stderr=terminal, cwd=PROJECT_ROOT, env={**ENV, "TERM": "xterm"},
    )  # fmt: skip
    os.close(terminal)
    try:
        assert b"ask> " in _read_until(master, b"ask> ", 60)
        # "xit", three times the left arrow, then "e": "exit" only when the arrows move the cursor.
        os.write(master, b"xit\x1b[D\x1b[D\x1b[De\r")
        _read_until(master, b"never printed", 5)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
