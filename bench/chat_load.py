"""The clients of bench/chat_latency.py: both ends of every chat, on one loop.

Each citizen sends one message per period on a fixed schedule (not waiting
for the previous answer, so a slow server cannot slow the offered load down);
each agent's socket answers every citizen message at once; the citizen's
socket times the answer. Every frame the server sends is read and parsed, as
a browser would.
"""

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.servers import Server, cpu_seconds, machine_busy

REPLY_TIMEOUT = 10.0  # after the last send, how long to wait for replies
CONNECT_AT_ONCE = 20
CONNECT_ATTEMPTS = 5


@dataclass
class Endpoints:
    """Where each end of each chat connects, and with which headers."""

    citizen_url: Callable[[dict], str]
    agent_url: Callable[[int, list[dict]], str]
    citizen_headers: Callable[[dict], dict]
    agent_headers: Callable[[str], dict]
    origin_a: str | None
    origin_b: str | None


def site_endpoints(servers: list[Server]) -> Endpoints:
    a, b = servers
    return Endpoints(
        citizen_url=lambda chat: f"ws://127.0.0.1:{a.port}/ws/chat/",
        agent_url=lambda agent, chats: f"ws://127.0.0.1:{b.port}/ws/agent/",
        citizen_headers=lambda chat: {"Cookie": f"sessionid={chat['citizen']}"},
        agent_headers=lambda key: {"Cookie": f"sessionid={key}"},
        origin_a=f"http://127.0.0.1:{a.port}",
        origin_b=f"http://127.0.0.1:{b.port}",
    )


def relay_endpoints(servers: list[Server]) -> Endpoints:
    a, b = servers
    return Endpoints(
        citizen_url=lambda chat: f"ws://127.0.0.1:{a.port}/citizen/{chat['id']}/",
        agent_url=lambda agent, chats: (
            f"ws://127.0.0.1:{b.port}/agent/{','.join(str(c['id']) for c in chats)}/"
        ),
        citizen_headers=lambda chat: {},
        agent_headers=lambda key: {},
        origin_a=None,
        origin_b=None,
    )


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)
    # How late each send left the client: large values mean the client, not
    # the server, was the bottleneck.
    send_lateness: list[float] = field(default_factory=list)
    sent: dict[str, tuple[float, bool]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    connects_retried: Counter = field(default_factory=Counter)
    frames: Counter = field(default_factory=Counter)  # what each end received
    first_timed_send: float = 0.0
    window: float = 0.0  # from the first timed send to the last reply awaited
    reply_times: list[float] = field(default_factory=list)  # every round's
    # (when sent, round trip) of every answered round, warm-up included: how
    # the round trip changes over the run (the start is the busiest part).
    answered: list[tuple[float, float]] = field(default_factory=list)
    start: float = 0.0
    period: float = 1.0
    timed_sent: int = 0
    client_cpu: float = 0.0
    server_cpu: list[float] = field(default_factory=list)
    machine_busy: float = 0.0


async def open_socket(url: str, headers: dict, origin: str | None, gate, retried):
    """Connect, trying again if the server gives up on the handshake.

    daphne drops a connection its application has not accepted within 5 s
    (--websocket_connect_timeout); hundreds of consoles connecting at once
    queue behind one another for the database, so some are dropped.
    """
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidHandshake

    for attempt in range(CONNECT_ATTEMPTS):
        async with gate:
            try:
                return await connect(
                    url,
                    origin=origin,
                    additional_headers=headers,
                    compression=None,
                    open_timeout=60,
                    max_queue=None,
                    ping_interval=None,
                )
            except (InvalidHandshake, OSError):
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
                retried[url.split("/")[3]] += 1
        await asyncio.sleep(1)
    raise AssertionError("unreachable")


async def citizen_reads(websocket, measured: Measured) -> None:
    with closed_counted(measured):
        await read_as_citizen(websocket, measured)


async def agent_reads(websocket, measured: Measured, reply: str) -> None:
    with closed_counted(measured):
        await read_as_agent(websocket, measured, reply)


@contextlib.contextmanager
def closed_counted(measured: Measured):
    from websockets.exceptions import ConnectionClosed

    try:
        yield
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else "abruptly"
        measured.errors[f"socket closed {code}"] += 1


async def read_as_citizen(websocket, measured: Measured) -> None:
    async for frame in websocket:
        event = json.loads(frame)
        kind = event.get("type")
        measured.frames[f"citizen {kind}"] += 1
        if kind == "message" and event["message"]["sender"] == "agent":
            now = time.perf_counter()
            sent = measured.sent.pop(event["message"]["client_id"][2:], None)
            if sent is None:
                continue
            measured.reply_times.append(now)
            measured.answered.append((sent[0], now - sent[0]))
            if sent[1]:
                measured.latencies.append(now - sent[0])
        elif kind == "error":
            measured.errors[event.get("code")] += 1


async def read_as_agent(websocket, measured: Measured, reply: str) -> None:
    async for frame in websocket:
        event = json.loads(frame)
        kind = event.get("type")
        measured.frames[f"agent {kind}"] += 1
        if kind == "message" and event["message"]["sender"] == "citizen":
            message = event["message"]
            await websocket.send(
                json.dumps(
                    {
                        "type": "message",
                        "conversation": message["conversation"],
                        "body": reply,
                        "client_id": f"r-{message['client_id']}",
                        "echo": False,
                    }
                )
            )
        elif kind == "error":
            measured.errors[event.get("code")] += 1


async def citizen_talks(websocket, chat_id, measured, *, start, args, body) -> None:
    with closed_counted(measured):
        await talk(websocket, chat_id, measured, start=start, args=args, body=body)


async def talk(websocket, chat_id, measured, *, start, args, body) -> None:
    for number in range(args.warmup + args.rounds):
        due = start + number * args.period
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        client_id = f"{chat_id}-{number}"
        timed = number >= args.warmup
        now = time.perf_counter()
        measured.sent[client_id] = (now, timed)
        if timed:
            measured.timed_sent += 1
            measured.send_lateness.append(now - due)
        await websocket.send(
            json.dumps(
                {"type": "message", "body": body, "client_id": client_id, "echo": False}
            )
        )


def send_slots(chats: list[dict], period: float) -> dict[int, float]:
    """When in each period each conversation sends, spread evenly.

    An agent's chats are spread the farthest apart (period / chats held), so
    the replies of one agent socket keep the site's pace of one a second.
    """
    place_in_agent: dict[int, int] = {}
    held: dict[int, int] = {}
    for chat in chats:
        place_in_agent[chat["id"]] = held.get(chat["agent"], 0)
        held[chat["agent"]] = place_in_agent[chat["id"]] + 1
    order = sorted(chats, key=lambda chat: (place_in_agent[chat["id"]], chat["agent"]))
    return {chat["id"]: n * period / len(chats) for n, chat in enumerate(order)}


async def run_load(endpoints: Endpoints, fixtures: dict, args, pids) -> Measured:
    measured = Measured()
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    chats = fixtures["chats"]
    by_agent: dict[int, list[dict]] = {}
    for chat in chats:
        by_agent.setdefault(chat["agent"], []).append(chat)
    body = "c" * args.body_bytes
    reply = "a" * args.body_bytes

    citizens = await asyncio.gather(
        *(
            open_socket(
                endpoints.citizen_url(chat),
                endpoints.citizen_headers(chat),
                endpoints.origin_a,
                gate,
                measured.connects_retried,
            )
            for chat in chats
        )
    )
    agents = await asyncio.gather(
        *(
            open_socket(
                endpoints.agent_url(agent, held),
                endpoints.agent_headers(fixtures["agents"][agent]),
                endpoints.origin_b,
                gate,
                measured.connects_retried,
            )
            for agent, held in by_agent.items()
        )
    )
    readers = [
        asyncio.create_task(citizen_reads(websocket, measured))
        for websocket in citizens
    ] + [
        asyncio.create_task(agent_reads(websocket, measured, reply))
        for websocket in agents
    ]
    # Let connect-time answers (history, queue) settle before timing starts.
    await asyncio.sleep(2)

    start = time.perf_counter() + 0.5
    measured.start, measured.period = start, args.period
    measured.first_timed_send = start + args.warmup * args.period
    slots = send_slots(chats, args.period)
    talkers = [
        asyncio.create_task(
            citizen_talks(
                websocket,
                chat["id"],
                measured,
                start=start + slots[chat["id"]],
                args=args,
                body=body,
            )
        )
        for websocket, chat in zip(citizens, chats, strict=True)
    ]
    await asyncio.sleep(max(0.0, measured.first_timed_send - time.perf_counter()))
    cpu_before = [cpu_seconds(pid) for pid in pids]
    client_before = time.process_time()
    busy_before = machine_busy()

    await asyncio.gather(*talkers)
    deadline = time.perf_counter() + REPLY_TIMEOUT
    while time.perf_counter() < deadline and any(t for _, t in measured.sent.values()):
        await asyncio.sleep(0.05)
    unanswered = any(timed for _, timed in measured.sent.values())
    end = time.perf_counter() if unanswered else measured.reply_times[-1]
    measured.window = window = end - measured.first_timed_send
    measured.client_cpu = (time.process_time() - client_before) / window
    measured.server_cpu = [
        (cpu_seconds(pid) - before) / window
        for pid, before in zip(pids, cpu_before, strict=True)
    ]
    busy_after = machine_busy()
    measured.machine_busy = (busy_after[0] - busy_before[0]) / (
        busy_after[1] - busy_before[1]
    )
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(
        *(websocket.close() for websocket in citizens + agents),
        return_exceptions=True,
    )
    return measured
