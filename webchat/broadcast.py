"""Telling the sockets of a chat what changed, once it is committed.

Services call `send_after_commit`: nobody hears of a row that was rolled
back. Called from a websocket consumer, a service runs inside
`broadcasts_collected()`, which hands the committed events back instead of
sending them from the database thread: the consumer then sends them on its
own event loop, in order, while the thread is already free for the next
piece of database work. Anywhere else (admin, tasks) they are sent on commit.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

AGENTS_GROUP = "chat-agents"
QUEUE_GROUP = "chat-queue"

Event = tuple[str, dict]  # (group, event)

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
