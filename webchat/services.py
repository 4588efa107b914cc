"""Web chat actions: the queue, agents, and the life of a conversation.

Messages are stored and numbered in webchat/messages.py, and what a change
means for the sockets of a chat is sent after commit (webchat/broadcast.py);
both are named here too, as the actions every caller uses.
"""

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.models import StaffNotice
from casework.services import post_staff_notice
from webchat import selectors
from webchat.broadcast import (
    AGENTS_GROUP,
    QUEUE_GROUP,
    agent_group,
    public_group,
    staff_group,
)
from webchat.broadcast import send_after_commit as _send_after_commit
from webchat.errors import ChatError
from webchat.messages import (
    MAX_MESSAGE_LENGTH,
    check_may_answer,
    is_dangerous,
    messages_after,
    post_message,
    serialise,
)
from webchat.models import AgentPresence, Conversation, Message

__all__ = [
    "AGENTS_GROUP",
    "MAX_MESSAGE_LENGTH",
    "QUEUE_GROUP",
    "ChatError",
    "check_may_answer",
    "is_dangerous",
    "messages_after",
    "post_message",
    "serialise",
    "staff_group",
]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- The queue ----------------------------------------------------------------


def _queue_changed() -> None:
    # Each change has an id: the consoles of one process told of the same
    # change share one look at the queue (agent_consumer.queue_board).
    event = {"type": "queue.changed", "change": secrets.token_hex(8)}
    _send_after_commit(AGENTS_GROUP, event)
    _send_after_commit(QUEUE_GROUP, event)


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


# --- Agents -----------------------------------------------------------------


def check_can_answer(agent) -> AgentPresence:
    check_may_answer(agent)
    presence, _ = AgentPresence.objects.get_or_create(agent=agent)
    return presence


def post_agent_message(
    *, agent, conversation_id: int, sender: str, body: str, client_id: str, now
) -> Message:
    """A message or internal note from the agent holding the chat.

    Whether they still hold it is part of storing it (one statement), not a
    query of its own before.
    """
    check_may_answer(agent)
    return post_message(
        conversation_id=conversation_id,
        sender=sender,
        body=body,
        client_id=client_id,
        author=agent,
        held_by=agent,
        now=now,
    )


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
    """Give the agent the longest-waiting chat, or None if nobody is waiting.

    Refused while the agent is away or has as many chats as they take.
    SKIP LOCKED on PostgreSQL: two agents pressing at once each get a
    different chat, never the same one. A waiting chat can also be locked
    for a moment by something else (a message being stored, the idle
    sweep): when every waiting chat is locked, wait for the oldest one's
    lock rather than answer that nobody is waiting. When another agent held
    it to take it, it is no longer waiting once they commit, so look again.
    """
    check_can_answer(agent)
    # The agent's own row, locked: two accepts from one agent (two console
    # tabs) take turns, so the second counts the first's chat.
    presence = AgentPresence.objects.select_for_update().get(agent=agent)
    if presence.status == AgentPresence.Status.AWAY:
        raise ChatError("away")
    active = Conversation.objects.filter(
        agent=agent, status=Conversation.Status.ACTIVE
    ).count()
    if active >= presence.capacity:
        raise ChatError("at_capacity")
    conversation = _lock_oldest_waiting_chat()
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


def _lock_oldest_waiting_chat() -> Conversation | None:
    """The oldest waiting chat, locked; None only when nobody is waiting."""
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING).order_by(
        "created_at", "pk"
    )
    for _attempt in range(5):
        conversation = waiting.select_for_update(skip_locked=True).first()
        if conversation is not None or not waiting.exists():
            return conversation
        # Every waiting chat is locked just now: wait for the oldest lock.
        # The row is checked again once it is released, so a chat another
        # agent took meanwhile is passed over.
        conversation = waiting.select_for_update().first()
        if conversation is not None:
            return conversation
    raise ChatError("try_again")


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
