"""One end of a web chat over a real websocket, keeping the rules of chat.js
and agent-console.js (static/src/js/chat-sequence.js).

The page shows each sequence number once and in order: a number at or below
the last one shown is a copy and is ignored; a number past the next one came
early and waits. If the missing one has not come after GAP_WAIT seconds, the
end asks once for everything after the last one it has, and again only if a
gap is still there GAP_WAIT later. Messages wait in an outbox until the
server acknowledges them and are sent again, with the same client_id, after
a reconnect.

Besides what a page would keep, an end records everything that reached it,
so a test can say what went wrong: every copy of every number, how many gaps
and copies there were, and every error the server sent.
"""

import asyncio
import contextlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

CITIZEN_PATH = "/ws/chat/"
AGENT_PATH = "/ws/agent/"
TIMEOUT = 20.0
GAP_WAIT = 1.5  # chat-sequence.js's GAP_WAIT_MS


def agent_session(agent) -> str:
    """The session key of an agent signed in to the console."""
    client = Client()
    client.force_login(agent)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def citizen_session(name: str = "") -> str:
    """The session key of someone who pressed "Start chat": a chat in the queue."""
    client = Client()
    response = client.post("/chat/", {"topic": "advice", "name": name})
    assert response.status_code == 302, response.content[:500]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def socket_url(port: int, path: str) -> str:
    return f"ws://127.0.0.1:{port}{path}"


@dataclass
class ChatEnd:
    """A citizen's page (`conversation` None) or an agent's console."""

    name: str
    path: str
    session_key: str
    conversation: int | None = None

    shown: list[dict] = field(default_factory=list)
    last_seq: int = 0
    copies: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    outbox: dict[str, str] = field(default_factory=dict)
    acks: dict[str, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    early: dict[int, dict] = field(default_factory=dict)
    gaps: int = 0
    gap_syncs: int = 0
    duplicates: int = 0
    connections: int = 0
    events: asyncio.Queue = field(default_factory=asyncio.Queue)

    _socket: ClientConnection | None = None
    _reader: asyncio.Task | None = None
    _gap_watch: asyncio.Task | None = None

    @property
    def is_agent(self) -> bool:
        return self.path == AGENT_PATH

    async def connect(self, port: int) -> None:
        """Open the socket; a citizen catches up and resends on "hello"."""
        self._socket = await connect(
            socket_url(port, self.path),
            origin=f"http://127.0.0.1:{port}",
            additional_headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}"
            },
            open_timeout=TIMEOUT,
            close_timeout=1,
        )
        self.connections += 1
        self._reader = asyncio.create_task(self._read(self._socket))
        if self.connections > 1 and self.is_agent:
            await self.catch_up()

    async def drop(self) -> None:
        """Lose the connection as a phone does: no closing handshake."""
        self._socket.transport.abort()
        await self._stop_reading()

    async def stop_listening(self) -> None:
        """Read nothing more: what the server sends now never reaches the page."""
        await self._stop_reading()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        await self._stop_reading()

    async def lost(self, timeout: float = TIMEOUT) -> None:
        """Wait until the server side has gone (its process was killed)."""
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)

    async def _stop_reading(self) -> None:
        for task in (self._reader, self._gap_watch):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _read(self, websocket: ClientConnection) -> None:
        try:
            async for frame in websocket:
                await self._handle(json.loads(frame))
        except ConnectionClosed:
            pass

    async def _handle(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "message":
            await self._receive(event["message"])
            return
        if kind == "ack":
            # The stored message comes with it: the sender's own copy (the
            # broadcast is not sent back to the socket that sent it).
            self.outbox.pop(event["client_id"], None)
            self.acks[event["client_id"]] = event["seq"]
            await self._receive(event["message"])
            return
        if kind == "error":
            self.errors.append(event)
        if kind == "hello" and not self.is_agent:
            await self.catch_up()
        self.events.put_nowait(event)

    async def _receive(self, message: dict) -> None:
        if self.is_agent and message["conversation"] != self.conversation:
            return
        self.copies[message["seq"]].append(message)
        if message["seq"] <= self.last_seq:
            self.duplicates += 1
            return
        if message["seq"] > self.last_seq + 1:
            if not self.early:
                self.gaps += 1
            self.early[message["seq"]] = message
            if self._gap_watch is None or self._gap_watch.done():
                self._gap_watch = asyncio.create_task(self._sync_while_gapped())
            return
        self._show(message)
        while self.last_seq + 1 in self.early:
            self._show(self.early.pop(self.last_seq + 1))
        for seq in [seq for seq in self.early if seq <= self.last_seq]:
            del self.early[seq]

    def _show(self, message: dict) -> None:
        self.last_seq = message["seq"]
        self.outbox.pop(message["client_id"], None)
        self.shown.append(message)

    async def _sync_while_gapped(self) -> None:
        while True:
            await asyncio.sleep(GAP_WAIT)
            if not self.early:
                return
            self.gap_syncs += 1
            await self.sync()

    async def catch_up(self) -> None:
        """What chat.js does on "hello": fetch what was missed, resend the rest."""
        await self.sync()
        for client_id, body in list(self.outbox.items()):
            await self._send_json(
                {"type": "message", "body": body, "client_id": client_id, "echo": False}
            )

    async def sync(self) -> None:
        await self._send_json({"type": "sync", "after": self.last_seq})

    async def send_message(self, body: str, client_id: str) -> None:
        self.outbox[client_id] = body
        await self._send_json(
            {"type": "message", "body": body, "client_id": client_id, "echo": False}
        )

    async def send(self, payload: dict) -> None:
        await self._send_json(payload)

    async def _send_json(self, payload: dict) -> None:
        if self.is_agent and self.conversation is not None:
            payload = {"conversation": self.conversation, **payload}
        # A message lost with the connection stays in the outbox and is sent
        # again after the next connect.
        with contextlib.suppress(ConnectionClosed):
            await self._socket.send(json.dumps(payload))

    async def next_event(self, *kinds: str, timeout: float = TIMEOUT) -> dict:
        """The next event of one of these kinds, skipping the others."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.name}: no {'/'.join(kinds)} event")
            event = await asyncio.wait_for(self.events.get(), remaining)
            if event.get("type") in kinds:
                return event

    def report(self) -> str:
        shown = [m["seq"] for m in self.shown]
        summary = {
            "last_seq": self.last_seq,
            "shown": f"{shown[:3]}…{shown[-3:]} ({len(shown)})",
            "outbox": list(self.outbox)[:10],
            "gaps": self.gaps,
            "asked again for gaps": self.gap_syncs,
            "copies ignored": self.duplicates,
            "errors": Counter(e.get("code") for e in self.errors),
            "connections": self.connections,
        }
        return f"{self.name}: {summary}"


async def wait_until(condition, *, timeout: float, describe) -> None:
    """Poll `condition` (a callable, maybe async) until true or fail saying why."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not reached within {timeout} s: {describe()}")


def run_bounded(scenario, timeout: float):
    """Run an async scenario from a sync test, failing it after `timeout` s."""

    async def bounded():
        async with asyncio.timeout(timeout):
            return await scenario()

    return async_to_sync(bounded)()
