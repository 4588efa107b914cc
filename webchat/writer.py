"""One writer per process for the messages its chat sockets send.

Every line typed in every chat is stored before anyone sees it, and each
store on its own is a commit: a flush of PostgreSQL's log that takes far
longer than the rest of the work. So the sockets of one event loop hand
their messages to one writer, which stores all that are waiting in one
transaction (webchat.messages.post_messages) while the next ones gather.
Nothing waits for a batch to fill: a message that comes alone is stored at
once, alone; under load each commit carries many.

A batch holds at most one message per chat; a second one for the same chat
waits for the next batch, so a chat's messages are stored in the order they
were handed over.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from weakref import WeakKeyDictionary

from webchat.broadcast import Event
from webchat.messages import Outgoing, Posted
from webchat.models import Message

# Enough to carry every chat of a busy process in one commit; a bound keeps
# one statement's size (and the time anyone waits for it) in proportion.
MOST_AT_ONCE = 200

Store = Callable[[list[Outgoing]], Awaitable[list[Posted]]]


class MessageWriter:
    def __init__(self, store: Store):
        self.store = store
        self.waiting: deque[tuple[Outgoing, asyncio.Future]] = deque()
        self.running: asyncio.Task | None = None

    async def post(self, item: Outgoing) -> tuple[Message, list[Event]]:
        """Store the message: the stored message and the events to send for
        it; raises what refused it (ChatError, or DoesNotExist)."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self.waiting.append((item, done))
        if self.running is None:
            self.running = loop.create_task(self.write_while_waiting())
        result, events = await done
        if isinstance(result, Exception):
            raise result
        return result, events

    def next_batch(self) -> list[tuple[Outgoing, asyncio.Future]]:
        batch, later, chats = [], [], set()
        while self.waiting and len(batch) < MOST_AT_ONCE:
            entry = self.waiting.popleft()
            if entry[0].conversation_id in chats:
                later.append(entry)
            else:
                chats.add(entry[0].conversation_id)
                batch.append(entry)
        self.waiting.extendleft(reversed(later))
        return batch

    async def write_while_waiting(self) -> None:
        try:
            while self.waiting:
                batch = self.next_batch()
                try:
                    results = await self.store([item for item, _ in batch])
                except Exception as error:  # noqa: BLE001 - each sender hears of it
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(error)
                    continue
                for (_, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)
        finally:
            self.running = None


_writers: WeakKeyDictionary = WeakKeyDictionary()


def writer_for_loop(store: Store) -> MessageWriter:
    """This event loop's writer (its futures belong to one loop)."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = MessageWriter(store)
    return writer
