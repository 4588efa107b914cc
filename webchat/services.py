"""Web chat actions. Every message is stored, numbered, then broadcast.

The channel layer delivers at most once, so nothing depends on it: each
message is written with the next sequence number of its conversation before
it is sent, and a client that missed anything asks for what came after the
last number it has (`messages_after`).
"""

import hashlib
import secrets
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.models import StaffNotice
from casework.services import post_staff_notice
from webchat import selectors
from webchat.models import AgentPresence, Conversation, DangerPhrase, Message

AGENTS_GROUP = "chat-agents"
QUEUE_GROUP = "chat-queue"
MAX_MESSAGE_LENGTH = 1000


class ChatError(Exception):
    """An action that cannot be done; `code` tells the client which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def public_group(conversation_id: int) -> str:
    return f"chat-{conversation_id}"


def staff_group(conversation_id: int) -> str:
    return f"chat-{conversation_id}-staff"


def agent_group(agent_id: int) -> str:
    return f"chat-agent-{agent_id}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_after_commit(group: str, event: dict) -> None:
    layer = get_channel_layer()
    transaction.on_commit(
        lambda: async_to_sync(layer.group_send)(group, event), robust=True
    )


# --- The queue ----------------------------------------------------------------


def _queue_changed() -> None:
    _send_after_commit(AGENTS_GROUP, {"type": "queue.changed"})
    _send_after_commit(QUEUE_GROUP, {"type": "queue.changed"})


# --- Starting and finding a conversation ------------------------------------


@transaction.atomic
def start_conversation(
    *, topic: str, display_name: str, now: datetime
) -> tuple[Conversation, str]:
    """A new chat in the queue, and the token that alone gives access to it."""
    token = secrets.token_urlsafe(32)
    conversation = Conversation.objects.create(
        token_hash=hash_token(token),
        topic=topic,
        display_name=display_name,
        created_at=now,
        last_citizen_activity=now,
        citizen_seen_at=now,
    )
    post_message(
        conversation_id=conversation.pk,
        sender=Message.Sender.SYSTEM,
        body=_("You are in the queue. An agent will join as soon as one is free."),
        now=now,
    )
    _queue_changed()
    return conversation, token


def conversation_for_token(token: str) -> Conversation | None:
    if not token:
        return None
    return Conversation.objects.filter(token_hash=hash_token(token)).first()


# --- Messages ---------------------------------------------------------------


def is_dangerous(body: str) -> bool:
    text = body.casefold()
    return any(
        phrase.casefold() in text
        for phrase in DangerPhrase.objects.values_list("phrase", flat=True)
    )


def serialise(message: Message) -> dict:
    return {
        "seq": message.seq,
        "sender": message.sender,
        "body": message.body,
        "client_id": message.client_id,
        "flagged": message.flagged,
        "sent_at": message.created_at.isoformat(),
        "conversation": message.conversation_id,
    }


@transaction.atomic
def post_message(
    *,
    conversation_id: int,
    sender: str,
    body: str,
    now: datetime,
    author=None,
    client_id: str = "",
) -> Message:
    """Store a message with the conversation's next number, then broadcast it.

    Locks the conversation row: numbers are given one at a time. A message
    whose client_id was stored already is returned as it was, not stored
    again (a resend after a dropped connection).
    """
    body = (body or "").strip()
    if not body:
        raise ChatError("empty")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ChatError("too_long")
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.status == Conversation.Status.ENDED:
        raise ChatError("ended")
    if client_id:
        existing = Message.objects.filter(
            conversation=conversation, client_id=client_id
        ).first()
        if existing:
            return existing
    conversation.last_seq += 1
    updates = ["last_seq"]
    if sender == Message.Sender.CITIZEN:
        conversation.last_citizen_activity = now
        updates.append("last_citizen_activity")
    conversation.save(update_fields=updates)
    message = Message.objects.create(
        conversation=conversation,
        seq=conversation.last_seq,
        sender=sender,
        author=author,
        body=body,
        client_id=client_id[:64],
        flagged=sender == Message.Sender.CITIZEN and is_dangerous(body),
        created_at=now,
    )
    group = (
        staff_group(conversation.pk)
        if sender == Message.Sender.NOTE
        else public_group(conversation.pk)
    )
    _send_after_commit(group, {"type": "chat.message", "message": serialise(message)})
    return message


def messages_after(
    *, conversation_id: int, after_seq: int, include_notes: bool = False
) -> list[dict]:
    messages = Message.objects.filter(
        conversation_id=conversation_id, seq__gt=after_seq
    ).order_by("seq")
    if not include_notes:
        messages = messages.exclude(sender=Message.Sender.NOTE)
    return [serialise(message) for message in messages]


# --- Agents -----------------------------------------------------------------


def check_can_answer(agent) -> AgentPresence:
    if not (
        agent.is_active and agent.is_staff and agent.has_perm("webchat.answer_chats")
    ):
        raise ChatError("forbidden")
    presence, _ = AgentPresence.objects.get_or_create(agent=agent)
    return presence


@transaction.atomic
def set_presence(*, agent, status: str, capacity: int | None = None) -> AgentPresence:
    presence = check_can_answer(agent)
    if status not in AgentPresence.Status.values:
        raise ChatError("bad_status")
    presence.status = status
    if capacity is not None:
        presence.capacity = max(1, min(int(capacity), 10))
    presence.save()
    _queue_changed()
    return presence


@transaction.atomic
def accept_next_chat(*, agent, now: datetime) -> Conversation | None:
    """Give the agent the longest-waiting chat, or None if the queue is empty.

    SKIP LOCKED on PostgreSQL: two agents pressing at once each get a
    different chat, never the same one, and neither waits for the other.
    """
    check_can_answer(agent)
    # The agent's own row, locked: two accepts from one agent (two console
    # tabs) take turns, so the second counts the first's chat.
    presence = AgentPresence.objects.select_for_update().get(agent=agent)
    active = Conversation.objects.filter(
        agent=agent, status=Conversation.Status.ACTIVE
    ).count()
    if active >= presence.capacity:
        raise ChatError("at_capacity")
    conversation = (
        Conversation.objects.select_for_update(skip_locked=True)
        .filter(status=Conversation.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if conversation is None:
        return None
    conversation.status = Conversation.Status.ACTIVE
    conversation.agent = agent
    conversation.accepted_at = conversation.accepted_at or now
    conversation.save(update_fields=["status", "agent", "accepted_at"])
    post_message(
        conversation_id=conversation.pk,
        sender=Message.Sender.SYSTEM,
        body=_("%(name)s has joined the chat.") % {"name": selectors.agent_name(agent)},
        now=now,
    )
    _send_after_commit(
        public_group(conversation.pk),
        {
            "type": "chat.status",
            "status": conversation.status,
            "conversation": conversation.pk,
        },
    )
    _queue_changed()
    return conversation


def check_agent_owns(*, agent, conversation_id: int) -> Conversation:
    check_can_answer(agent)
    conversation = Conversation.objects.filter(pk=conversation_id, agent=agent).first()
    if conversation is None:
        raise ChatError("not_yours")
    return conversation


@transaction.atomic
def transfer(*, conversation_id: int, by, to=None, now: datetime) -> Conversation:
    """Hand a chat to another agent, or back to the queue when `to` is None.

    Only a chat in progress, and only to an agent who is available and has
    room for one more: a chat must not land on an empty desk.
    """
    check_agent_owns(agent=by, conversation_id=conversation_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.status != Conversation.Status.ACTIVE:
        raise ChatError("not_active")
    if to is not None:
        presence = check_can_answer(to)
        holding = Conversation.objects.filter(
            agent=to, status=Conversation.Status.ACTIVE
        ).count()
        if (
            to.pk == by.pk
            or presence.status != AgentPresence.Status.AVAILABLE
            or holding >= presence.capacity
        ):
            raise ChatError("agent_unavailable")
        conversation.agent = to
        body = _("You are being passed to %(name)s.") % {
            "name": selectors.agent_name(to)
        }
    else:
        conversation.agent = None
        conversation.status = Conversation.Status.WAITING
        body = _("You are being passed to the next free agent.")
    conversation.save(update_fields=["agent", "status"])
    post_message(
        conversation_id=conversation.pk,
        sender=Message.Sender.SYSTEM,
        body=body,
        now=now,
    )
    if to is not None:
        _send_after_commit(
            agent_group(to.pk),
            {"type": "chat.assigned", "conversation": conversation.pk},
        )
    _send_after_commit(
        public_group(conversation.pk),
        {
            "type": "chat.status",
            "status": conversation.status,
            "conversation": conversation.pk,
        },
    )
    _queue_changed()
    return conversation


@transaction.atomic
def end_conversation(*, conversation_id: int, by: str, now: datetime) -> Conversation:
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.status == Conversation.Status.ENDED:
        return conversation
    endings = {
        "citizen": _("You ended the chat."),
        "agent": _("The agent ended the chat."),
        "timeout": _("The chat was closed because there was no reply."),
    }
    post_message(
        conversation_id=conversation.pk,
        sender=Message.Sender.SYSTEM,
        body=endings.get(by, endings["agent"]),
        now=now,
    )
    conversation.refresh_from_db(fields=["last_seq"])
    conversation.status = Conversation.Status.ENDED
    conversation.ended_at = now
    conversation.ended_by = by
    conversation.save(update_fields=["status", "ended_at", "ended_by"])
    _send_after_commit(
        public_group(conversation.pk),
        {
            "type": "chat.status",
            "status": conversation.status,
            "ended_by": by,
            "conversation": conversation.pk,
        },
    )
    _queue_changed()
    return conversation


@transaction.atomic
def flag_for_dispatch(*, conversation_id: int, agent, now: datetime) -> Conversation:
    """Tell supervisors a chat may need 999 dispatch: an urgent staff notice,
    and an internal note in the chat (while it is still open).

    Locks the conversation; a second press changes nothing.
    """
    check_agent_owns(agent=agent, conversation_id=conversation_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.dispatch_flagged_at is not None:
        return conversation
    conversation.dispatch_flagged_at = now
    conversation.save(update_fields=["dispatch_flagged_at"])
    name = agent.get_full_name() or agent.get_username()
    if conversation.status != Conversation.Status.ENDED:
        post_message(
            conversation_id=conversation.pk,
            sender=Message.Sender.NOTE,
            author=agent,
            body=_("Flagged for 999 dispatch by %(name)s: possible risk to life.")
            % {"name": name},
            now=now,
        )
    post_staff_notice(
        text=_("Web chat %(id)s flagged for 999 dispatch by %(name)s")
        % {"id": conversation.pk, "name": name},
        level=StaffNotice.Level.URGENT,
        link=reverse("admin:webchat_conversation_change", args=[conversation.pk]),
    )
    _send_after_commit(
        staff_group(conversation.pk),
        {"type": "chat.flagged", "conversation": conversation.pk},
    )
    return conversation


@transaction.atomic
def record_feedback(*, conversation_id: int, satisfaction: int, comment: str) -> None:
    Conversation.objects.filter(pk=conversation_id, satisfaction__isnull=True).update(
        satisfaction=satisfaction, feedback=comment
    )
