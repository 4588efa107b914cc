"""Websocket ends of a chat: the member of the public, and the agent console.

Consumers only translate: they check who is asking, call a service, and pass
events on. Every message goes through services.post_message, which stores it
before anyone is told about it.
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from webchat import services
from webchat.models import Conversation, Message

CLOSE_FORBIDDEN = 4403


class FloodLimit:
    """A token bucket: `rate` messages a second, bursts of up to `burst`."""

    def __init__(self, rate: float = 1.0, burst: int = 8):
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
        self.flood = FloodLimit()
        self.groups_joined: set[str] = set()
        if not await self.authorise():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self.after_accept()

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
            await self.send_json({"type": "pong"})
            return
        if kind in {"message", "note", "typing"} and not self.flood.allow():
            await self.send_json({"type": "error", "code": "too_fast"})
            return
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_type"})
            return
        try:
            await handler(content)
        except services.ChatError as error:
            await self.send_json({"type": "error", "code": error.code})
        except (TypeError, ValueError, Conversation.DoesNotExist):
            await self.send_json({"type": "error", "code": "bad_request"})

    async def send_history(self, conversation_id: int, after) -> None:
        messages = await database_sync_to_async(services.messages_after)(
            conversation_id=conversation_id,
            after_seq=int(after or 0),
            include_notes=self.sender == Message.Sender.AGENT,
        )
        for message in messages:
            await self.send_json({"type": "message", "message": message})

    # Events from the channel layer ---------------------------------------

    async def chat_message(self, event: dict) -> None:
        await self.send_json({"type": "message", "message": event["message"]})

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
        self.conversation = await database_sync_to_async(
            services.conversation_for_token
        )(token or "")
        return self.conversation is not None

    async def after_accept(self) -> None:
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

    async def send_queue_position(self) -> None:
        conversation = await database_sync_to_async(Conversation.objects.get)(
            pk=self.conversation.pk
        )
        if conversation.status != Conversation.Status.WAITING:
            await self.leave(services.QUEUE_GROUP)
            return
        now = timezone.now()
        position = await database_sync_to_async(services.queue_position)(
            conversation=conversation
        )
        wait = await database_sync_to_async(services.estimated_wait_minutes)(
            position=position, now=now
        )
        await self.send_json(
            {"type": "queue", "position": position, "wait_minutes": wait}
        )

    async def on_message(self, content: dict) -> None:
        message = await database_sync_to_async(services.post_message)(
            conversation_id=self.conversation.pk,
            sender=self.sender,
            body=str(content.get("body", "")),
            client_id=str(content.get("client_id", "")),
            now=timezone.now(),
        )
        await self.send_json(
            {"type": "ack", "client_id": message.client_id, "seq": message.seq}
        )

    async def on_sync(self, content: dict) -> None:
        await self.send_history(self.conversation.pk, content.get("after"))

    async def on_typing(self, content: dict) -> None:
        await self.channel_layer.group_send(
            services.public_group(self.conversation.pk),
            {
                "type": "chat.typing",
                "from": self.sender,
                "conversation": self.conversation.pk,
            },
        )

    async def on_end(self, content: dict) -> None:
        await database_sync_to_async(services.end_conversation)(
            conversation_id=self.conversation.pk, by="citizen", now=timezone.now()
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


class AgentConsumer(ChatConsumer):
    """A control-room agent's console: the queue and every chat they hold."""

    sender = Message.Sender.AGENT

    async def authorise(self) -> bool:
        self.agent = self.scope.get("user")
        if not (self.agent and self.agent.is_authenticated):
            return False
        try:
            await database_sync_to_async(services.check_can_answer)(self.agent)
        except services.ChatError:
            return False
        return True

    async def after_accept(self) -> None:
        await self.join(services.AGENTS_GROUP)
        await self.join(services.agent_group(self.agent.pk))
        for conversation_id in await self.my_conversations():
            await self.follow(conversation_id)
        await self.send_queue()

    @database_sync_to_async
    def my_conversations(self) -> list[int]:
        return list(
            Conversation.objects.filter(
                agent=self.agent, status=Conversation.Status.ACTIVE
            ).values_list("pk", flat=True)
        )

    async def follow(self, conversation_id: int) -> None:
        await self.join(services.public_group(conversation_id))
        await self.join(services.staff_group(conversation_id))
        summary = await database_sync_to_async(self.conversation_summary)(
            conversation_id
        )
        await self.send_json({"type": "conversation", "conversation": summary})

    def conversation_summary(self, conversation_id: int) -> dict:
        conversation = Conversation.objects.get(pk=conversation_id)
        return {
            "id": conversation.pk,
            "topic": conversation.get_topic_display(),
            "name": conversation.display_name,
            "status": conversation.status,
            "last_seq": conversation.last_seq,
        }

    async def send_queue(self) -> None:
        now = timezone.now()
        queue = await database_sync_to_async(services.queue_snapshot)(now=now)
        stats = await database_sync_to_async(services.dashboard)(now=now)
        await self.send_json({"type": "queue", "waiting": queue, "stats": stats})

    async def owned(self, content: dict) -> int:
        conversation_id = int(content.get("conversation"))
        await database_sync_to_async(services.check_agent_owns)(
            agent=self.agent, conversation_id=conversation_id
        )
        return conversation_id

    async def on_accept(self, content: dict) -> None:
        conversation = await database_sync_to_async(services.accept_next_chat)(
            agent=self.agent, now=timezone.now()
        )
        if conversation is None:
            await self.send_json({"type": "error", "code": "queue_empty"})
            return
        await self.follow(conversation.pk)

    async def on_message(self, content: dict, *, sender: str = Message.Sender.AGENT):
        conversation_id = await self.owned(content)
        message = await database_sync_to_async(services.post_message)(
            conversation_id=conversation_id,
            sender=sender,
            body=str(content.get("body", "")),
            client_id=str(content.get("client_id", "")),
            author=self.agent,
            now=timezone.now(),
        )
        await self.send_json(
            {
                "type": "ack",
                "conversation": conversation_id,
                "client_id": message.client_id,
                "seq": message.seq,
            }
        )

    async def on_note(self, content: dict) -> None:
        await self.on_message(content, sender=Message.Sender.NOTE)

    async def on_sync(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        await self.send_history(conversation_id, content.get("after"))

    async def on_typing(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        await self.channel_layer.group_send(
            services.public_group(conversation_id),
            {
                "type": "chat.typing",
                "from": self.sender,
                "conversation": conversation_id,
            },
        )

    async def on_end(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        await database_sync_to_async(services.end_conversation)(
            conversation_id=conversation_id, by="agent", now=timezone.now()
        )

    async def on_transfer(self, content: dict) -> None:
        conversation_id = await self.owned(content)
        to = content.get("to")
        target = None
        if to not in (None, "", "queue"):
            target = await database_sync_to_async(self.agent_by_id)(int(to))
        await database_sync_to_async(services.transfer)(
            conversation_id=conversation_id,
            by=self.agent,
            to=target,
            now=timezone.now(),
        )
        await self.leave(services.public_group(conversation_id))
        await self.leave(services.staff_group(conversation_id))

    def agent_by_id(self, agent_id: int):
        from django.contrib.auth import get_user_model

        agent = get_user_model().objects.filter(pk=agent_id, is_active=True).first()
        if agent is None:
            raise services.ChatError("no_such_agent")
        return agent

    async def on_presence(self, content: dict) -> None:
        capacity = content.get("capacity")
        await database_sync_to_async(services.set_presence)(
            agent=self.agent,
            status=str(content.get("status", "")),
            capacity=int(capacity) if capacity not in (None, "") else None,
        )
        await self.send_json({"type": "presence", "status": content.get("status")})

    async def queue_changed(self, event: dict) -> None:
        await self.send_queue()

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
