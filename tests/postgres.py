"""A PostgreSQL server for the tests, and a fresh database on it for each test.

The server is ``TEST_DATABASE_URL`` when set (a URL whose database may create others, such as
``postgresql://postgres@127.0.0.1:5432/postgres``); otherwise a throwaway server the tests start themselves
when PostgreSQL's programs are installed (``initdb`` and ``pg_ctl``, on a private socket, stopped at the end);
otherwise the PostgreSQL tests are skipped with the reason, or fail when ``TEST_POSTGRESQL_REQUIRED`` is set
(as CI sets it, so that they always run there).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

__all__ = ["REQUIRED_VARIABLE", "URL_VARIABLE", "created_database", "postgres_server", "unavailable"]

URL_VARIABLE = "TEST_DATABASE_URL"
REQUIRED_VARIABLE = "TEST_POSTGRESQL_REQUIRED"
_START_TIMEOUT_SECONDS = 60


def unavailable(reason: str) -> None:
    """Skip the test for ``reason``, or fail it when PostgreSQL tests are required."""
    if os.environ.get(REQUIRED_VARIABLE):
        pytest.fail(f"PostgreSQL tests are required ({REQUIRED_VARIABLE} is set) but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL: {reason}")


def _program(name: str) -> str | None:
    """PostgreSQL's program ``name``: on the PATH, or in Debian's versioned folder (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    return str(candidates[-1]) if candidates else None


def _as_owner(command: list[str]) -> list[str]:
    """``command`` run as the postgres user when this is root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("runuser"):
        unavailable("running as root without runuser to start a server as the postgres user")
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def postgres_server(folder: Path) -> Iterator[str]:
    """The URL of a server to create test databases from: TEST_DATABASE_URL, or one started in ``folder``."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        yield url
        return
    initdb, pg_ctl = _program("initdb"), _program("pg_ctl")
    if initdb is None or pg_ctl is None:
        unavailable(f"{URL_VARIABLE} is not set and PostgreSQL's initdb and pg_ctl are not installed")
        return
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = random.randrange(20_000, 60_000)  # the socket's name; private to this folder in any case
    options = f"-k {sockets} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=200"
    log = folder / "server.log"
    try:
        subprocess.run(
            _as_owner([initdb, "-D", str(data), "-U", "postgres", "-A", "trust"]),
            check=True,
            capture_output=True,
            timeout=_START_TIMEOUT_SECONDS,
        )
        subprocess.run(
            _as_owner([pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]),
            check=True,
            capture_output=True,
            timeout=_START_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError) as error:
        shown = log.read_text(errors="replace")[-500:] if log.exists() else ""
        unavailable(f"a throwaway server could not be started ({error}) {shown}")
        return
    try:
        yield f"postgresql://postgres@/postgres?host={sockets}&port={port}"
    finally:
        subprocess.run(
            _as_owner([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True, check=False
        )


def _with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def created_database(server_url: str) -> Iterator[str]:
    """A new, empty database with a name of its own (others may test on the same server), dropped afterwards;
    its URL."""
    name = f"test_{uuid.uuid4().hex}"
    try:
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        unavailable(f"cannot create a database on {server_url} ({error})")
    try:
        yield _with_database(server_url, name)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
