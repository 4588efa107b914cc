"""Telling the sockets of a chat what changed, once it is committed.

Services call `send_after_commit`: nobody hears of a row that was rolled
back. Called from a websocket consumer, a service runs inside
`broadcasts_collected()`, which hands the committed events back instead of
sending them from the database thread: the consumer then sends them on its
own event loop, in order, while the thread is already free for the next
piece of database work. Anywhere else (admin, tasks) they are sent on commit.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

AGENTS_GROUP = "chat-agents"
QUEUE_GROUP = "chat-queue"

Event = tuple[str, dict]  # (group, event)

logger = logging.getLogger(__name__)

_collecting: ContextVar[list[Event] | None] = ContextVar(
    "chat_broadcasts", default=None
)


def public_group(conversation_id: int) -> str:
    return f"chat-{conversation_id}"


def staff_group(conversation_id: int) -> str:
    return f"chat-{conversation_id}-staff"


def agent_group(agent_id: int) -> str:
    return f"chat-agent-{agent_id}"


def send_after_commit(group: str, event: dict) -> None:
    collected = _collecting.get()
    if collected is not None:
        transaction.on_commit(lambda: collected.append((group, event)), robust=True)
        return
    layer = get_channel_layer()
    transaction.on_commit(
        lambda: async_to_sync(layer.group_send)(group, event), robust=True
    )


@contextmanager
def broadcasts_collected() -> Iterator[list[Event]]:
    """The events committed inside the block, in order, for the caller to send."""
    collected: list[Event] = []
    token = _collecting.set(collected)
    try:
        yield collected
    finally:
        _collecting.reset(token)


async def send_all(layer, events: list[Event]) -> None:
    """Send events to their groups, in order.

    On the Redis Pub/Sub layer, in one pipeline per Redis server: a batch of
    chat messages is one round trip, where channels-redis's group_send is a
    round trip each, every one waiting its turn for the connection's lock.
    This reaches into channels-redis 4.3 (pinned): its group channel names,
    shards, lock and client, as its own group_send uses them; the
    integration tests, which carry messages between two daphne processes,
    fail if those change. Other layers (in memory): group_send, one by one.
    """
    loop_layer_of = getattr(layer, "_get_layer", None)
    if loop_layer_of is None:
        for group, event in events:
            await layer.group_send(group, event)
        return
    loop_layer = loop_layer_of()
    by_shard: dict = {}
    for group, event in events:
        channel = loop_layer._get_group_channel_name(group)
        shard = loop_layer._get_shard(channel)
        by_shard.setdefault(shard, []).append(
            (channel, layer.serialize(event), (group, event))
        )
    failed: list[Event] = []
    for shard, published in by_shard.items():
        try:
            async with shard._lock:
                shard._ensure_redis()
                pipe = shard._redis.pipeline(transaction=False)
                for channel, data, _ in published:
                    pipe.publish(channel, data)
                await pipe.execute()
        except Exception:  # noqa: BLE001 - tried again below, one by one
            logger.warning("Chat broadcasts failed together; trying each alone")
            failed += [event for _, _, event in published]
    # One at a time, as channels-redis sends them; what fails here, raises.
    for group, event in failed:
        await layer.group_send(group, event)
