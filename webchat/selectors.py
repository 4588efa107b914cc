"""What web chat pages, the console and the dashboard read (no writes here)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from webchat.models import (
    AgentPresence,
    CannedReply,
    Conversation,
    Message,
    OpeningHours,
)

DEFAULT_HANDLE_MINUTES = 8


@dataclass(frozen=True)
class Availability:
    within_hours: bool
    agents_available: int

    @property
    def is_open(self) -> bool:
        return self.within_hours and self.agents_available > 0


def chat_availability(*, now: datetime) -> Availability:
    local = timezone.localtime(now)
    hours = OpeningHours.objects.filter(day=local.weekday()).first()
    within = bool(hours and hours.opens <= local.time() < hours.closes)
    available = AgentPresence.objects.filter(
        status=AgentPresence.Status.AVAILABLE
    ).count()
    return Availability(within_hours=within, agents_available=available)


def opening_hours() -> list[OpeningHours]:
    return list(OpeningHours.objects.all())


def queue_position(*, conversation: Conversation) -> int:
    return Conversation.objects.filter(
        status=Conversation.Status.WAITING, created_at__lte=conversation.created_at
    ).count()


def estimated_wait_minutes(*, position: int, now: datetime) -> int:
    """From recent handle times and how many agents are answering."""
    recent = Conversation.objects.filter(
        ended_at__gte=now - timedelta(hours=24), accepted_at__isnull=False
    ).aggregate(handle=Avg(F("ended_at") - F("accepted_at")))["handle"]
    minutes = recent.total_seconds() / 60 if recent else DEFAULT_HANDLE_MINUTES
    agents = max(
        AgentPresence.objects.filter(status=AgentPresence.Status.AVAILABLE).count(), 1
    )
    return max(1, round(position * minutes / agents))


def queue_snapshot(*, now: datetime) -> list[dict]:
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING).order_by(
        "created_at", "pk"
    )[:50]
    return [
        {
            "id": conversation.pk,
            "position": position,
            "topic": conversation.get_topic_display(),
            "name": conversation.display_name,
            "waiting_seconds": int((now - conversation.created_at).total_seconds()),
        }
        for position, conversation in enumerate(waiting, start=1)
    ]


def dashboard(*, now: datetime) -> dict:
    """What a supervisor watches: the queue, the longest wait, who is free."""
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "longest_wait_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "agents_available": AgentPresence.objects.filter(
            status=AgentPresence.Status.AVAILABLE
        ).count(),
        "in_progress": Conversation.objects.filter(
            status=Conversation.Status.ACTIVE
        ).count(),
    }


def agent_name(agent) -> str:
    """What the public see an agent called: their call sign or first name."""
    presence = AgentPresence.objects.filter(agent=agent).first()
    return (presence and presence.call_sign) or agent.first_name or _("An agent")


def agents_on_duty() -> list[dict]:
    """Agents not away, with how many chats each holds: for transfers and the
    supervisor's board."""
    presences = (
        AgentPresence.objects.exclude(status=AgentPresence.Status.AWAY)
        .filter(agent__is_active=True)
        .select_related("agent")
        .annotate(
            chats=Count(
                "agent__chat_conversations",
                filter=Q(agent__chat_conversations__status=Conversation.Status.ACTIVE),
            )
        )
        .order_by("agent__first_name", "agent__username")
    )
    return [
        {
            "id": presence.agent_id,
            "name": presence.call_sign
            or presence.agent.get_full_name()
            or presence.agent.get_username(),
            "status": presence.status,
            "status_label": presence.get_status_display(),
            "chats": presence.chats,
            "capacity": presence.capacity,
        }
        for presence in presences
    ]


def canned_replies() -> list[dict]:
    return [
        {"id": reply.pk, "title": reply.title, "body": reply.body}
        for reply in CannedReply.objects.all()
    ]


def active_agent(agent_id: int):
    return get_user_model().objects.filter(pk=agent_id, is_active=True).first()


def note_seqs_after(*, conversation_id: int, after_seq: int) -> list[int]:
    """The numbers internal notes took: the public side never gets those
    messages, so it is told to skip the numbers rather than wait for them."""
    return list(
        Message.objects.filter(
            conversation_id=conversation_id,
            seq__gt=after_seq,
            sender=Message.Sender.NOTE,
        )
        .order_by("seq")
        .values_list("seq", flat=True)
    )


def last_seq(*, conversation_id: int) -> int:
    """The last number the chat has given (notes included)."""
    found = Conversation.objects.filter(pk=conversation_id).values_list(
        "last_seq", flat=True
    )
    return next(iter(found), 0)


def last_seqs_held_by(agent) -> dict[int, int]:
    """The last number each chat the agent holds has given."""
    return dict(
        Conversation.objects.filter(
            agent=agent, status=Conversation.Status.ACTIVE
        ).values_list("pk", "last_seq")
    )
