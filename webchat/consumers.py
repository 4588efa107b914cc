"""Websocket ends of a chat: the member of the public here, and what both
ends share; the agent console's end is in agent_consumer.py.

Consumers only translate: they check who is asking, call a service, and pass
events on. Every message is stored (webchat/writer.py, then
messages.post_messages) before anyone is told about it.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from weakref import WeakKeyDictionary

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from webchat import selectors, services, timeouts
from webchat.broadcast import broadcasts_collected, send_all
from webchat.messages import Outgoing, post_messages
from webchat.models import Conversation, Message
from webchat.writer import writer_for_loop

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
# How many of its own messages a socket remembers, to skip their broadcast
# (a socket sends one a second at most: a broadcast lost or late by more
# than this many is simply sent).
ANSWERED_KEPT = 64
# How often the person's heartbeat and typing are written down at most: the
# idle sweep works in minutes, so once a minute is plenty.
CITIZEN_NOTE_SECONDS = 60


@cache
def database_threads() -> ThreadPoolExecutor:
    """The threads chat sockets do database work in (PostgreSQL only).

    Each thread takes a connection from the pool for one piece of work and
    gives it back after, so there are fewer threads than pooled connections:
    the rest serve Django's own thread-sensitive work (signing in a socket).
    """
    return ThreadPoolExecutor(
        max_workers=settings.CHAT_DATABASE_THREADS, thread_name_prefix="chat-db"
    )


def in_database_thread(function):
    """`function`, to be awaited: run where chat's database work runs.

    On PostgreSQL any of a few threads will do (database_threads), so one
    socket's work does not queue behind every other socket's. SQLite takes
    one writer at a time: Django's one thread.
    """
    if connection.vendor == "sqlite":
        return database_sync_to_async(function)
    return database_sync_to_async(
        function, thread_sensitive=False, executor=database_threads()
    )


async def store_messages(batch: list[Outgoing], *, wait: bool = True):
    return await in_database_thread(post_messages)(batch, wait=wait)


# channels-redis takes a Redis connection from a pool of 100 for each send
# and fails when none is free; hundreds of sockets broadcasting at once would
# ask for more. Sends beyond this many at once wait their turn instead.
SENDS_AT_ONCE = 32
_send_gates: WeakKeyDictionary = WeakKeyDictionary()


def send_gate() -> asyncio.Semaphore:
    """This event loop's gate (a semaphore belongs to one loop)."""
    loop = asyncio.get_running_loop()
    gate = _send_gates.get(loop)
    if gate is None:
        gate = _send_gates[loop] = asyncio.Semaphore(SENDS_AT_ONCE)
    return gate


class FloodLimit:
    """A token bucket: `rate` messages a second, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.tokens, self.updated = float(burst), time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """What the two ends share: heartbeats, flood limits, passing events on."""

    sender = ""

    async def connect(self) -> None:
        self.flood = FloodLimit(settings.CHAT_FLOOD_RATE, settings.CHAT_FLOOD_BURST)
        # Messages this socket sent and was answered with (post): an ordered
        # set of (conversation, seq), its oldest dropped past ANSWERED_KEPT.
        self.answered: dict[tuple[int, int], None] = {}
        self.groups_joined: set[str] = set()
        if not await self.authorise():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self.after_accept()

    async def dispatch(self, message: dict) -> None:
        """As channels does it, without closing old database connections
        first: that is a hop to Django's one thread and back for every frame
        and every broadcast. Nothing here holds a connection between events:
        `call` takes one for each piece of work and gives it back after."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def call(self, action, /, **kwargs):
        """Run a service or selector on a database thread, then send on this
        event loop what it committed: the thread is not held while Redis is
        told, and events go out in the order they were committed.
        """

        def collecting():
            with broadcasts_collected() as events:
                return action(**kwargs), events

        result, events = await in_database_thread(collecting)()
        for group, event in events:
            await self.group_send(group, event)
        return result

    async def post(self, item: Outgoing, *, echo: bool = True) -> Message:
        """Store a message through this process's writer (webchat/writer.py),
        tell the chat's sockets, and answer this one with the stored message.

        The answer (the ack) carries the stored message. Pages that show
        their own messages from it (they send "echo": false) are not sent
        this socket's copy of the broadcast as well: it comes on their own
        connection, where the broadcast, which the layer delivers at most
        once, might not. Pages loaded before that (an older script, still
        open across a release) are sent it, and show it from there.
        """
        message, events = await writer_for_loop(
            store_messages, partial(send_all, self.channel_layer)
        ).post(item)
        if not echo:
            self.answered[(message.conversation_id, message.seq)] = None
            while len(self.answered) > ANSWERED_KEPT:
                del self.answered[next(iter(self.answered))]
        for group, event in events:
            await self.group_send(group, event)
        await self.send_json(
            {
                "type": "ack",
                "conversation": message.conversation_id,
                "client_id": message.client_id,
                "seq": message.seq,
                "message": services.serialise(message),
            }
        )
        return message

    async def group_send(self, group: str, event: dict) -> None:
        async with send_gate():
            await self.channel_layer.group_send(group, event)

    async def join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def leave(self, group: str) -> None:
        if group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.discard(group)

    async def disconnect(self, code: int) -> None:
        for group in list(getattr(self, "groups_joined", ())):
            await self.leave(group)

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong", **await self.stored_so_far()})
            await self.on_heartbeat()
            return
        if kind in {"message", "note", "typing"} and not self.flood.allow():
            # Say which message was refused, so the page can send it again.
            await self.send_json(
                {
                    "type": "error",
                    "code": "too_fast",
                    "client_id": str(content.get("client_id", "")),
                }
            )
            return
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_type"})
            return
        try:
            await handler(content)
        except services.ChatError as error:
            await self.send_error(error.code, content)
        except (TypeError, ValueError, Conversation.DoesNotExist):
            await self.send_error("bad_request", content)
        except DatabaseError:
            # Not stored: the page keeps the message and sends it again.
            logger.exception("Chat database work failed")
            await self.send_error("try_again", content)

    async def send_error(self, code: str, content: dict) -> None:
        error = {"type": "error", "code": code}
        # The console holds several chats: say which one the error is about;
        # and which message, so the page can send it again.
        if isinstance(content.get("conversation"), int | str):
            error["conversation"] = content["conversation"]
        if isinstance(content.get("client_id"), str):
            error["client_id"] = content["client_id"]
        await self.send_json(error)

    async def on_heartbeat(self) -> None:
        """A ping came: the page is open."""

    async def stored_so_far(self) -> dict:
        """For the answer to a ping: how far each chat's numbers have gone.
        A broadcast can be lost (the layer delivers at most once) after its
        message was stored; a quiet chat would never show the gap, so every
        heartbeat tells the page, which asks for what it has not had."""
        return {}

    async def send_history(self, conversation_id: int, after) -> None:
        messages = await self.call(
            services.messages_after,
            conversation_id=conversation_id,
            after_seq=int(after or 0),
            include_notes=self.sender == Message.Sender.AGENT,
        )
        for message in messages:
            await self.send_json({"type": "message", "message": message})

    # Events from the channel layer ---------------------------------------

    async def chat_message(self, event: dict) -> None:
        message = event["message"]
        key = (message["conversation"], message["seq"])
        if key in self.answered:
            # Sent from here: the ack showed it already.
            del self.answered[key]
            return
        await self.send_json({"type": "message", "message": message})

    async def chat_typing(self, event: dict) -> None:
        if event.get("from") != self.sender:
            await self.send_json(
                {"type": "typing", "conversation": event.get("conversation")}
            )


class CitizenConsumer(ChatConsumer):
    """The member of the public: bound to the conversation token in their session."""

    sender = Message.Sender.CITIZEN

    async def authorise(self) -> bool:
        session = self.scope.get("session")
        token = session.get("chat_token") if session is not None else None
        self.conversation = await self.call(
            services.conversation_for_token, token=token or ""
        )
        return self.conversation is not None

    async def after_accept(self) -> None:
        self.noted = {"seen": 0.0, "typing": 0.0}
        await self.note("seen", timeouts.note_citizen_seen)
        await self.join(services.public_group(self.conversation.pk))
        await self.join(services.QUEUE_GROUP)
        await self.send_json(
            {
                "type": "hello",
                "status": self.conversation.status,
                "last_seq": self.conversation.last_seq,
            }
        )
        await self.send_queue_position()

    async def note(self, what: str, service, *, force: bool = False) -> None:
        """Write down that the person is there, at most once a minute each."""
        if not force and time.monotonic() - self.noted[what] < CITIZEN_NOTE_SECONDS:
            return
        self.noted[what] = time.monotonic()
        await self.call(
            service, conversation_id=self.conversation.pk, now=timezone.now()
        )

    async def on_heartbeat(self) -> None:
        await self.note("seen", timeouts.note_citizen_seen)

    async def stored_so_far(self) -> dict:
        last_seq = await self.call(
            selectors.last_seq, conversation_id=self.conversation.pk
        )
        return {"last_seq": last_seq}

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if getattr(self, "noted", None) is not None:
            # Gone from here: the queue sweep counts from now.
            await self.note("seen", timeouts.note_citizen_seen, force=True)

    async def send_queue_position(self) -> None:
        conversation = await self.call(
            Conversation.objects.get, pk=self.conversation.pk
        )
        if conversation.status != Conversation.Status.WAITING:
            await self.leave(services.QUEUE_GROUP)
            return
        now = timezone.now()
        position = await self.call(selectors.queue_position, conversation=conversation)
        wait = await self.call(
            selectors.estimated_wait_minutes, position=position, now=now
        )
        await self.send_json(
            {"type": "queue", "position": position, "wait_minutes": wait}
        )

    async def on_message(self, content: dict) -> None:
        await self.post(
            Outgoing(
                conversation_id=self.conversation.pk,
                sender=self.sender,
                body=str(content.get("body", "")),
                client_id=str(content.get("client_id", "")),
                now=timezone.now(),
            ),
            echo=content.get("echo") is not False,
        )

    async def on_sync(self, content: dict) -> None:
        # Notes are numbered with the rest but never sent here: say which
        # numbers they took (before the messages), or the page would see a
        # gap after every note and ask again for ever.
        after = int(content.get("after") or 0)
        hidden = await self.call(
            selectors.note_seqs_after,
            conversation_id=self.conversation.pk,
            after_seq=after,
        )
        if hidden:
            await self.send_json({"type": "skip", "seqs": hidden})
        await self.send_history(self.conversation.pk, after)

    async def on_typing(self, content: dict) -> None:
        await self.note("typing", timeouts.note_citizen_typing)
        await self.group_send(
            services.public_group(self.conversation.pk),
            {
                "type": "chat.typing",
                "from": self.sender,
                "conversation": self.conversation.pk,
            },
        )

    async def on_end(self, content: dict) -> None:
        await self.call(
            services.end_conversation,
            conversation_id=self.conversation.pk,
            by="citizen",
            now=timezone.now(),
        )

    async def queue_changed(self, event: dict) -> None:
        await self.send_queue_position()

    async def chat_status(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "status",
                "status": event["status"],
                "ended_by": event.get("ended_by", ""),
            }
        )
        if event["status"] != Conversation.Status.WAITING:
            await self.leave(services.QUEUE_GROUP)
        else:
            await self.join(services.QUEUE_GROUP)
            await self.send_queue_position()
