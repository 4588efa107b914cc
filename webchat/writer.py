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

A chat whose row other work has locked for a while (an agent turning it into
a crime report, the idle sweep ending it) is not waited for by the batch: its
message is stored on its own, on another database thread, while the writer
goes on with every other chat; that chat's later messages wait their turn.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from weakref import WeakKeyDictionary

from webchat.broadcast import Event
from webchat.messages import Busy, Outgoing, Posted
from webchat.models import Message

logger = logging.getLogger(__name__)

# Enough to carry every chat of a busy process in one commit; a bound keeps
# one statement's size (and the time anyone waits for it) in proportion.
MOST_AT_ONCE = 200

# store(batch, wait=...): webchat.messages.post_messages, run on a database
# thread.
Store = Callable[..., Awaitable[list[Posted]]]
Send = Callable[[list[Event]], Awaitable[None]]


class MessageWriter:
    def __init__(self, store: Store, send: Send | None = None):
        self.store = store
        # With `send`, the writer sends the events of a whole batch itself,
        # together (broadcast.send_all); without, each sender sends its own.
        self.send = send
        self.waiting: deque[tuple[Outgoing, asyncio.Future]] = deque()
        self.running: asyncio.Task | None = None
        # Chats with a message being stored on its own (their row was busy).
        self.held: set[int] = set()
        self.alone: set[asyncio.Task] = set()

    async def post(self, item: Outgoing) -> tuple[Message, list[Event]]:
        """Store the message: the stored message and the events to send for
        it; raises what refused it (ChatError, DoesNotExist, DatabaseError)."""
        done = asyncio.get_running_loop().create_future()
        self.waiting.append((item, done))
        self.start()
        result, events = await done
        if isinstance(result, Exception):
            raise result
        return result, events

    def start(self) -> None:
        if self.running is None and self.waiting:
            self.running = asyncio.get_running_loop().create_task(
                self.write_while_waiting()
            )

    def next_batch(self) -> list[tuple[Outgoing, asyncio.Future]]:
        batch, later, chats = [], [], set(self.held)
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
        batch: list[tuple[Outgoing, asyncio.Future]] = []
        try:
            while batch := self.next_batch():
                try:
                    results = await self.store([item for item, _ in batch], wait=False)
                except Exception as error:  # noqa: BLE001 - each sender hears of it
                    results = [(error, [])] * len(batch)
                results = await self.sent(results)
                for (item, done), (result, events) in zip(batch, results, strict=True):
                    if isinstance(result, Busy):
                        self.store_alone(item, done)
                    elif not done.done():
                        done.set_result((result, events))
                batch = []
        finally:
            # Cancelled (the process is stopping): nobody is left waiting.
            for _, done in batch:
                if not done.done():
                    done.cancel()
            self.running = None

    async def sent(self, results: list[Posted]) -> list[Posted]:
        """The results, their events sent if this writer sends them. The
        messages are stored whatever happens here: a failure to send is
        logged, and the chat's sockets catch up when they next sync."""
        if self.send is None:
            return results
        events = [event for _, events in results for event in events]
        if events:
            try:
                await self.send(events)
            except Exception:
                logger.exception(
                    "Chat messages stored but not broadcast (chat, number): %s",
                    [
                        (e["message"]["conversation"], e["message"]["seq"])
                        for _, e in events
                        if "message" in e
                    ],
                )
        return [(result, []) for result, _ in results]

    def store_alone(self, item: Outgoing, done: asyncio.Future) -> None:
        self.held.add(item.conversation_id)
        task = asyncio.get_running_loop().create_task(self._store_alone(item, done))
        self.alone.add(task)
        task.add_done_callback(self.alone.discard)

    async def _store_alone(self, item: Outgoing, done: asyncio.Future) -> None:
        result = None
        try:
            [result] = await self.sent(await self.store([item], wait=True))
        except Exception as error:  # noqa: BLE001 - the sender hears of it
            result = (error, [])
        finally:
            self.held.discard(item.conversation_id)
            # That chat's later messages can go now.
            self.start()
            if not done.done():
                if result is None:  # cancelled: the process is stopping
                    done.cancel()
                else:
                    done.set_result(result)


_writers: WeakKeyDictionary = WeakKeyDictionary()


def writer_for_loop(store: Store, send: Send | None = None) -> MessageWriter:
    """This event loop's writer (its futures belong to one loop)."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = MessageWriter(store, send)
    return writer
