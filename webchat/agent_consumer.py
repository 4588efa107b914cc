"""The agent console's websocket: the queue, presence, and every chat held.

The protocol, from the console (static/src/js/agent-console.js):

- it sends `presence` {status, capacity}, `accept`, and per chat (each with
  `conversation`): `message` and `note` {body, client_id}, `sync` {after},
  `typing`, `transfer` {to: agent id or "queue"}, `flag`, `end`; and `ping`.
- it receives `hello` {agent, presence, canned, conversations} first, then
  `conversation` {conversation: summary} for each chat it holds, `queue`
  {waiting, stats, agents} whenever the queue or anyone's presence changes,
  `message`, `ack`, `typing`, `status`, `flagged`, `released` (the chat is
  no longer this agent's), `presence`, `error` {code, conversation?}, `pong`.

Messages carry their conversation's sequence number; the console keeps the
last it has per chat and asks for what follows after a reconnect or a gap.
"""

import asyncio
import time
from weakref import WeakKeyDictionary

from django.utils import timezone

from casework.admin_security import note_staff_activity, passed_second_factor
from webchat import selectors, services
from webchat.consumers import ChatConsumer
from webchat.messages import Outgoing
from webchat.models import AgentPresence, Conversation, Message

# How long the board read for one queue change is kept for consoles of this
# process that are told of that change later.
BOARD_KEPT_SECONDS = 5.0
_boards: WeakKeyDictionary = WeakKeyDictionary()  # event loop -> {key: entry}


def queue_board(load, *, change: str | None, joined_at: float = 0.0) -> asyncio.Future:
    """The queue, stats and agents on duty, read once for every console of
    this process that asks about the same moment.

    Every console is sent the whole board on each change; read per console,
    that is the number of consoles times the number of agents for every
    change. A board read after a change was committed is right for everyone
    told of that change (`change`, the event's id). A console that has just
    joined may share a read that began after it joined: any later change
    reaches it as an event.
    """
    loop = asyncio.get_running_loop()
    boards = _boards.setdefault(loop, {})
    now = time.monotonic()
    for key, (started, task) in list(boards.items()):
        if task.done() and now - started > BOARD_KEPT_SECONDS:
            del boards[key]
    key = change or "joined"
    entry = boards.get(key)
    if entry is not None and (change is not None or entry[0] >= joined_at):
        return asyncio.shield(entry[1])
    task = loop.create_task(load())
    boards[key] = (now, task)
    return asyncio.shield(task)


def chat_number(content: dict) -> int:
    """The chat a console's frame is about (ValueError: not a chat's number;
    the consumer answers bad_request)."""
    number = int(content.get("conversation"))
    if not 0 < number < 2**63:
        raise ValueError(number)
    return number


class AgentConsumer(ChatConsumer):
    """A control-room agent's console: the queue and every chat they hold."""

    sender = Message.Sender.AGENT

    async def authorise(self) -> bool:
        self.agent = self.scope.get("user")
        if not (self.agent and self.agent.is_authenticated):
            return False
        session = self.scope.get("session")
        if not await self.call(passed_second_factor, user=self.agent, session=session):
            return False
        try:
            await self.call(services.check_can_answer, agent=self.agent)
        except services.ChatError:
            return False
        return True

    async def receive_json(self, content, **kwargs) -> None:
        # An agent working in the console is active, though it makes no
        # page requests: keep their staff session from timing out.
        if isinstance(content, dict) and content.get("type") not in {None, "ping"}:
            await self.note_activity()
        await super().receive_json(content, **kwargs)

    async def note_activity(self) -> None:
        # The session was read at connect (who the agent is), so this looks
        # at it in memory; only a change, about once a minute, is saved.
        session = self.scope.get("session")
        if session is not None and note_staff_activity(session):
            await self.call(session.save)

    async def after_accept(self) -> None:
        await self.join(services.AGENTS_GROUP)
        self.joined_at = time.monotonic()
        await self.join(services.agent_group(self.agent.pk))
        conversations = await self.call(self.held_conversations)
        await self.send_json(await self.call(self.hello, conversations=conversations))
        for conversation_id in conversations:
            await self.follow(conversation_id)
        await self.send_queue()

    def hello(self, conversations: list[int]) -> dict:
        presence = AgentPresence.objects.get(agent=self.agent)
        return {
            "type": "hello",
            "agent": {"id": self.agent.pk, "name": selectors.agent_name(self.agent)},
            "presence": {"status": presence.status, "capacity": presence.capacity},
            "canned": selectors.canned_replies(),
            "conversations": conversations,
        }

    async def stored_so_far(self) -> dict:
        last_seqs = await self.call(selectors.last_seqs_held_by, agent=self.agent)
        return {"last_seqs": {str(chat): seq for chat, seq in last_seqs.items()}}

    def held_conversations(self) -> list[int]:
        return list(selectors.last_seqs_held_by(self.agent))

    async def follow(self, conversation_id: int) -> None:
        await self.join(services.public_group(conversation_id))
        await self.join(services.staff_group(conversation_id))
        await self.send_summary(conversation_id)

    async def send_summary(self, conversation_id: int) -> None:
        summary = await self.call(
            self.conversation_summary, conversation_id=conversation_id
        )
        await self.send_json({"type": "conversation", "conversation": summary})

    def conversation_summary(self, conversation_id: int) -> dict:
        conversation = Conversation.objects.select_related("case").get(
            pk=conversation_id
        )
        return {
            "id": conversation.pk,
            "topic": conversation.get_topic_display(),
            "name": conversation.display_name,
            "status": conversation.status,
            "last_seq": conversation.last_seq,
            "dispatch_flagged": conversation.dispatch_flagged_at is not None,
            "case_reference": conversation.case.reference if conversation.case else "",
        }

    async def send_queue(self, change: str | None = None) -> None:
        board = queue_board(self.read_board, change=change, joined_at=self.joined_at)
        await self.send_json(await board)

    async def read_board(self) -> dict:
        now = timezone.now()
        queue = await self.call(selectors.queue_snapshot, now=now)
        stats = await self.call(selectors.dashboard, now=now)
        agents = await self.call(selectors.agents_on_duty)
        return {"type": "queue", "waiting": queue, "stats": stats, "agents": agents}

    async def owned(self, content: dict) -> int:
        conversation_id = chat_number(content)
        await self.call(
            services.check_agent_owns, agent=self.agent, conversation_id=conversation_id
        )
        return conversation_id

    async def release(self, conversation_id: int) -> None:
        """Stop following a chat that is no longer this agent's."""
        await self.leave(services.public_group(conversation_id))
        await self.leave(services.staff_group(conversation_id))
        await self.send_json({"type": "released", "conversation": conversation_id})

    async def on_accept(self, content: dict) -> None:
        conversation = await self.call(
            services.accept_next_chat, agent=self.agent, now=timezone.now()
        )
        if conversation is None:
            await self.send_json({"type": "error", "code": "queue_empty"})
            return
        await self.follow(conversation.pk)

    async def on_message(self, content: dict, *, sender: str = Message.Sender.AGENT):
        conversation_id = chat_number(content)
        # Whether this agent still holds the chat is part of storing it.
        await self.post(
            Outgoing(
                conversation_id=conversation_id,
                sender=sender,
                body=str(content.get("body", "")),
                client_id=str(content.get("client_id", "")),
                now=timezone.now(),
                agent=self.agent,
            ),
            echo=content.get("echo") is not False,
        )

    async def on_note(self, content: dict) -> None:
        await self.on_message(content, sender=Message.Sender.NOTE)

    async def on_sync(self, content: dict) -> None:
        """What the console missed in one chat, then the chat as it is now
        (it may have ended, or been passed on, while the console was away)."""
        try:
            conversation_id = await self.owned(content)
        except services.ChatError as error:
            if error.code != "not_yours":
                raise
            await self.release(chat_number(content))
            return
        await self.send_history(conversation_id, content.get("after"))
        await self.send_summary(conversation_id)

    async def on_typing(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        await self.group_send(
            services.public_group(conversation_id),
            {
                "type": "chat.typing",
                "from": self.sender,
                "conversation": conversation_id,
            },
        )

    async def on_end(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        await self.call(
            services.end_conversation,
            conversation_id=conversation_id,
            by="agent",
            now=timezone.now(),
        )

    async def on_flag(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        await self.call(
            services.flag_for_dispatch,
            conversation_id=conversation_id,
            agent=self.agent,
            now=timezone.now(),
        )

    async def on_transfer(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        to = content.get("to")
        target = None
        if to not in (None, "", "queue"):
            target = await self.call(selectors.active_agent, agent_id=int(to))
            if target is None:
                raise services.ChatError("no_such_agent")
        await self.call(
            services.transfer,
            conversation_id=conversation_id,
            by=self.agent,
            to=target,
            now=timezone.now(),
        )
        await self.release(conversation_id)

    async def on_presence(self, content: dict) -> None:
        capacity = content.get("capacity")
        presence = await self.call(
            services.set_presence,
            agent=self.agent,
            status=str(content.get("status", "")),
            capacity=int(capacity) if capacity not in (None, "") else None,
        )
        await self.send_json(
            {
                "type": "presence",
                "status": presence.status,
                "capacity": presence.capacity,
            }
        )

    # Events from the channel layer ---------------------------------------

    async def queue_changed(self, event: dict) -> None:
        await self.send_queue(event.get("change"))

    async def chat_status(self, event: dict) -> None:
        await self.send_json(
            {
                "type": "status",
                "conversation": event.get("conversation"),
                "status": event["status"],
                "ended_by": event.get("ended_by", ""),
            }
        )

    async def chat_assigned(self, event: dict) -> None:
        await self.follow(event["conversation"])

    async def chat_flagged(self, event: dict) -> None:
        await self.send_json({"type": "flagged", "conversation": event["conversation"]})
