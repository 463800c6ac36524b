"""The loopback Discord server: a gateway (HELLO, IDENTIFY, READY, heartbeats, RESUME, dispatches) and the REST
routes the bot uses, on 127.0.0.1. Each bot process gets its own URL prefix (``/p/TAG``), so every IDENTIFY and
every reply is known to come from that process.

Guild events go to the shard Discord would send them to (``(guild_id >> 22) % shard_count``); an interaction is
answered when the bot's callback (or, after a deferral, its follow-up) arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.loopback import payloads

__all__ = ["Identify", "LoopbackDiscord", "Reply"]

_HELLO, _HEARTBEAT, _IDENTIFY, _RESUME, _INVALID_SESSION, _HEARTBEAT_ACK, _DISPATCH = 10, 1, 2, 6, 9, 11, 0
_FINAL_CALLBACKS = {4, 7, 9}  # a message, an updated message, a modal: the answer itself


@dataclass(frozen=True)
class Identify:
    """An IDENTIFY as received: when (monotonic seconds), from which process, and its ``shard`` field
    (``[shard_id, shard_count]``; None when the bot is not sharded)."""

    at: float
    tag: str
    shard: tuple[int, int] | None


@dataclass(frozen=True)
class Reply:
    """What the bot answered to one interaction, and which process answered."""

    tag: str
    kind: int  # the callback type, or 0 for a follow-up after a deferral
    body: dict[str, Any]

    @property
    def text(self) -> str:
        """Content, embed titles, descriptions and field values, joined (for assertions)."""
        parts = [self.body.get("content") or ""]
        for embed in self.body.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [item.get("value") or "" for item in embed.get("fields") or []]
        return "\n".join(part for part in parts if part)


@dataclass
class _Session:
    tag: str
    shard_id: int
    shard_count: int
    session_id: str
    socket: web.WebSocketResponse | None
    sequence: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class _Pending:
    tag: str | None = None
    callbacks: list[Reply] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    final: Reply | None = None


def _json(data: object, status: int = 200) -> web.Response:
    # Discord's exact content type: discord.py decodes a body only when the header is exactly this.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


class LoopbackDiscord:
    """Start with :meth:`start`; give each bot process :meth:`base_url` (see ``bot.loopback.child``)."""

    def __init__(self, shard_count: int = 1, max_concurrency: int = 1) -> None:
        self.shard_count = shard_count
        self.max_concurrency = max_concurrency
        self.identifies: list[Identify] = []
        self.guilds: dict[int, str] = {}
        self.unknown_requests: list[str] = []
        self._sessions: dict[str, _Session] = {}
        self._pending: dict[str, _Pending] = {}
        self._session_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._changed = asyncio.Condition()

    # -- lifetime ----------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/p/{tag}/gateway", self._gateway)
        app.router.add_route("*", "/p/{tag}/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        for session in self._sessions.values():
            if session.socket is not None:
                await session.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> LoopbackDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def base_url(self, tag: str) -> str:
        """The URL prefix for the process named ``tag``."""
        return f"http://127.0.0.1:{self._port}/p/{tag}"

    # -- guilds and shards -------------------------------------------------------------------------------

    def add_guild(self, shard_id: int, name: str = "server") -> int:
        """A new guild on ``shard_id``; connections identifying for that shard from now on receive it."""
        guild_id = payloads.guild_id_on_shard(shard_id, self.shard_count)
        self.guilds[guild_id] = name
        return guild_id

    def live_shards(self) -> dict[int, str]:
        """Shard id -> the tag of the process whose connection for it is open and READY."""
        return {
            s.shard_id: s.tag
            for s in self._sessions.values()
            if s.socket is not None and not s.socket.closed and s.ready.is_set()
        }

    async def wait_for_shards(self, expected: dict[int, str], timeout: float) -> None:
        """Wait until exactly ``expected`` (shard -> tag) are live; TimeoutError says what is live instead."""

        async def settled() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self.live_shards() == expected)

        try:
            await asyncio.wait_for(settled(), timeout)
        except TimeoutError:
            raise TimeoutError(f"shards {expected} not live after {timeout} s: {self.live_shards()}") from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- interactions ------------------------------------------------------------------------------------

    async def interact(self, interaction: dict[str, Any], timeout: float = 10.0) -> Reply:
        """Dispatch ``interaction`` to the shard owning its guild and return the answer (TimeoutError if none)."""
        await self.dispatch(interaction)
        return await self.answer_of(interaction["id"], timeout)

    async def dispatch(self, interaction: dict[str, Any]) -> None:
        """Send INTERACTION_CREATE to the live connection of the guild's shard (LookupError if there is none)."""
        shard_id = payloads.shard_of(int(interaction["guild_id"]), self.shard_count)
        session = next(
            (s for s in self._sessions.values() if s.shard_id == shard_id and s.socket and not s.socket.closed),
            None,
        )
        if session is None:
            raise LookupError(f"no live connection for shard {shard_id}")
        self._pending[interaction["id"]] = _Pending()
        await self._send_event(session, "INTERACTION_CREATE", interaction)

    async def answer_of(self, interaction_id: str, timeout: float) -> Reply:
        """The final answer to a dispatched interaction, waiting up to ``timeout`` seconds."""
        pending = self._pending[interaction_id]
        await asyncio.wait_for(pending.answered.wait(), timeout)
        assert pending.final is not None
        return pending.final

    def callbacks_of(self, interaction_id: str) -> list[Reply]:
        """Every initial callback the bot made to an interaction (Discord accepts exactly one)."""
        return list(self._pending[interaction_id].callbacks)

    async def ask(self, guild_id: int, user_id: int, question: str, timeout: float = 10.0) -> Reply:
        """``/ask question`` by ``user_id`` in ``guild_id``."""
        return await self.interact(
            payloads.command_interaction(guild_id, user_id, "ask", {"question": question}), timeout
        )

    # -- the gateway -------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        tag = request.match_info["tag"]
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        await socket.send_json({"op": _HELLO, "d": {"heartbeat_interval": 41_250}})
        session: _Session | None = None
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                op, data = message.get("op"), message.get("d")
                if op == _HEARTBEAT:
                    await socket.send_json({"op": _HEARTBEAT_ACK})
                elif op == _IDENTIFY:
                    session = await self._identify(tag, socket, data)
                elif op == _RESUME:
                    session = await self._resume(socket, data)
        finally:
            if session is not None and session.socket is socket:
                session.socket = None
            await self._notify()
        return socket

    async def _identify(self, tag: str, socket: web.WebSocketResponse, data: dict[str, Any]) -> _Session:
        shard = data.get("shard")
        self.identifies.append(Identify(time.monotonic(), tag, None if shard is None else (shard[0], shard[1])))
        shard_id, shard_count = shard or (0, 1)
        session_id = f"session-{next(self._session_ids)}"
        session = _Session(tag, shard_id, shard_count, session_id, socket)
        self._sessions[session_id] = session
        guilds = [g for g in self.guilds if payloads.shard_of(g, shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": payloads.bot_user(),
            "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
            "session_id": session_id,
            "resume_gateway_url": self.base_url(tag).replace("http", "ws", 1) + "/gateway",
            "shard": [shard_id, shard_count],
            "application": {"id": str(payloads.APPLICATION_ID), "flags": 0},
        }
        await self._send_event(session, "READY", ready)
        for guild_id in guilds:
            await self._send_event(session, "GUILD_CREATE", payloads.guild_create(guild_id, self.guilds[guild_id]))
        session.ready.set()
        await self._notify()
        return session

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> _Session | None:
        session = self._sessions.get(data.get("session_id", ""))
        if session is None:
            await socket.send_json({"op": _INVALID_SESSION, "d": False})
            return None
        session.socket = socket
        await self._send_event(session, "RESUMED", {})
        await self._notify()
        return session

    async def _send_event(self, session: _Session, event: str, data: dict[str, Any]) -> None:
        assert session.socket is not None
        session.sequence += 1
        await session.socket.send_json({"op": _DISPATCH, "t": event, "s": session.sequence, "d": data})

    # -- REST --------------------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        tag, path = request.match_info["tag"], request.match_info["path"]
        parts = path.split("/")
        body: Any = {}  # an object, or a list for bulk command updates
        if request.can_read_body:
            with contextlib.suppress(json.JSONDecodeError):
                body = await request.json()
        match request.method, parts:
            case "GET", ["users", "@me"]:
                return _json(payloads.bot_user())
            case "GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]:
                return _json(payloads.application())
            case "GET", ["gateway", "bot"]:
                return _json(self._gateway_bot(tag))
            case "GET", ["gateway"]:
                return _json({"url": self._gateway_bot(tag)["url"]})
            case "POST", ["interactions", interaction_id, _token, "callback"]:
                return _json(self._callback(tag, interaction_id, body))
            case "POST", ["webhooks", _app, token]:
                return _json(self._follow_up(tag, token, body))
            case "PATCH", ["webhooks", _app, token, "messages", _message]:
                return _json(self._follow_up(tag, token, body))
            case "PUT", ["applications", _app, *_where, "commands"]:
                commands = [command | {"id": str(payloads.snowflake()), "version": "1"} for command in body]
                return _json(commands)
        self.unknown_requests.append(f"{request.method} /{path}")
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _gateway_bot(self, tag: str) -> dict[str, Any]:
        return {
            "url": self.base_url(tag).replace("http", "ws", 1) + "/gateway",
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 86_400_000,
                "max_concurrency": self.max_concurrency,
            },
        }

    def _callback(self, tag: str, interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        pending = self._pending.setdefault(interaction_id, _Pending())
        kind, data = body.get("type", 0), body.get("data") or {}
        reply = Reply(tag, kind, data)
        pending.callbacks.append(reply)
        pending.tag = tag
        if kind in _FINAL_CALLBACKS and pending.final is None:
            pending.final = reply
            pending.answered.set()
        response: dict[str, Any] = {"interaction": {"id": interaction_id, "type": 2}}
        if kind == 4:
            response["resource"] = {"type": kind, "message": payloads.message("0", data, interaction_id=interaction_id)}
        return response

    def _follow_up(self, tag: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        interaction_id = token.removeprefix("token-")
        pending = self._pending.get(interaction_id)
        if pending is not None and pending.final is None:
            pending.final = Reply(tag, 0, body)
            pending.answered.set()
        return payloads.message("0", body, interaction_id=interaction_id)
