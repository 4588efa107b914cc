"""Chats nobody is on the other end of: warn the person, then close the chat.

Two cases, swept every minute by `webchat.tasks.close_idle_chats`:

- In a chat in progress, the person has gone quiet while it is their turn
  (the agent spoke last, or has just joined). After ten minutes they are
  asked "Are you still there?", once; five minutes after that, with still
  nothing from them, the chat ends (by "timeout"). A person waiting for the
  agent's answer is never timed out: the agent may be checking something.
- A chat in the queue whose page has been closed for half an hour (no
  connection, no heartbeat) is nobody waiting, and ends too.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from webchat import services
from webchat.models import Conversation, Message

WARN_AFTER = timedelta(minutes=10)
CLOSE_AFTER_WARNING = timedelta(minutes=5)
QUEUE_ABANDONED_AFTER = timedelta(minutes=30)


def idle_warning() -> str:
    return _(
        "Are you still there? This chat will close in 5 minutes if we do not "
        "hear from you."
    )


@dataclass
class Sweep:
    warned: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)


# --- What the citizen's consumer reports ------------------------------------
# Plain UPDATEs of a time, without a lock: the later one wins, which is right.


def note_citizen_seen(*, conversation_id: int, now: datetime) -> None:
    """The person's chat page is open (it connected, or its heartbeat came)."""
    Conversation.objects.filter(pk=conversation_id).update(citizen_seen_at=now)


def note_citizen_typing(*, conversation_id: int, now: datetime) -> None:
    """Typing counts as being there: a long message takes a while to write."""
    Conversation.objects.filter(
        pk=conversation_id, status=Conversation.Status.ACTIVE
    ).update(last_citizen_activity=now)


# --- The sweep --------------------------------------------------------------


def quiet_since(conversation: Conversation) -> datetime | None:
    """Since when the person has said nothing while it was their turn, or None
    when they spoke last (the agent owes them an answer).

    Their turn starts with the agent's last message, or the last thing the
    chat told them (an agent joined, a reference number, the warning itself).
    """
    said = conversation.messages.filter(
        sender__in=[Message.Sender.CITIZEN, Message.Sender.AGENT]
    )
    last = said.order_by("-seq").values("sender", "created_at").first()
    if last and last["sender"] == Message.Sender.CITIZEN:
        return None
    told = (
        conversation.messages.filter(sender=Message.Sender.SYSTEM)
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    moments = [
        conversation.accepted_at,
        conversation.last_citizen_activity,
        last and last["created_at"],
        told,
    ]
    return max((moment for moment in moments if moment), default=None)


def check_idle_chat(*, conversation_id: int, now: datetime) -> str:
    """Warn or close one chat in progress if its person has gone quiet.

    Locks the conversation: a message the person sends meanwhile waits for
    the decision, and is refused if the chat was just closed (their page then
    shows it has ended). Returns "warned", "ended" or "".
    """
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        if conversation.status != Conversation.Status.ACTIVE:
            return ""
        since = quiet_since(conversation)
        if since is None:
            return ""
        warned = conversation.idle_warned_at
        if warned is not None and warned >= since:
            if now - warned < CLOSE_AFTER_WARNING:
                return ""
            services.end_conversation(
                conversation_id=conversation.pk, by="timeout", now=now
            )
            return "ended"
        if now - since < WARN_AFTER:
            return ""
        services.post_message(
            conversation_id=conversation.pk,
            sender=Message.Sender.SYSTEM,
            body=idle_warning(),
            now=now,
        )
        conversation.idle_warned_at = now
        conversation.save(update_fields=["idle_warned_at"])
        return "warned"


def close_abandoned_queued_chat(*, conversation_id: int, now: datetime) -> bool:
    """End a queued chat whose page has been gone for half an hour."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        last_seen = conversation.citizen_seen_at or conversation.created_at
        if (
            conversation.status != Conversation.Status.WAITING
            or now - last_seen < QUEUE_ABANDONED_AFTER
        ):
            return False
        services.end_conversation(
            conversation_id=conversation.pk, by="timeout", now=now
        )
        return True


def close_idle_chats(*, now: datetime) -> Sweep:
    """One pass over every open chat; each is decided in its own transaction,
    so one failure leaves the others done."""
    sweep = Sweep()
    active = Conversation.objects.filter(status=Conversation.Status.ACTIVE)
    for conversation_id in active.values_list("pk", flat=True):
        outcome = check_idle_chat(conversation_id=conversation_id, now=now)
        if outcome == "warned":
            sweep.warned.append(conversation_id)
        elif outcome == "ended":
            sweep.ended.append(conversation_id)
    abandoned = (
        Conversation.objects.filter(status=Conversation.Status.WAITING)
        .annotate(last_seen=Coalesce("citizen_seen_at", "created_at"))
        .filter(last_seen__lt=now - QUEUE_ABANDONED_AFTER)
    )
    for conversation_id in abandoned.values_list("pk", flat=True):
        if close_abandoned_queued_chat(conversation_id=conversation_id, now=now):
            sweep.ended.append(conversation_id)
    return sweep
