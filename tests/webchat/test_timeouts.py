"""Quiet people are asked if they are still there, then their chat closes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webchat import services, timeouts
from webchat.models import Conversation, Message
from webchat.tasks import close_idle_chats

pytestmark = pytest.mark.django_db

WARNING = (
    "Are you still there? This chat will close in 5 minutes if we do not hear from you."
)


@pytest.fixture
def start():
    """A chat started at `start`, answered at once, and the agent's question."""
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def chat(agent, start):
    conversation, _ = services.start_conversation(
        topic="advice", display_name="", now=start
    )
    services.accept_next_chat(agent=agent, now=start)
    services.post_message(
        conversation_id=conversation.pk,
        sender=Message.Sender.AGENT,
        author=agent,
        body="How can I help?",
        now=start,
    )
    return conversation


def sweep(at):
    return timeouts.close_idle_chats(now=at)


def warnings(chat) -> int:
    return chat.messages.filter(body=WARNING).count()


def test_a_quiet_person_is_warned_once_after_ten_minutes(chat, start):
    assert sweep(start + timedelta(minutes=9)).warned == []
    assert sweep(start + timedelta(minutes=10)).warned == [chat.pk]
    assert sweep(start + timedelta(minutes=12)).warned == []
    assert warnings(chat) == 1
    chat.refresh_from_db()
    assert chat.status == "active"


def test_the_chat_closes_five_minutes_after_the_warning(chat, start):
    sweep(start + timedelta(minutes=10))
    assert sweep(start + timedelta(minutes=14)).ended == []
    assert sweep(start + timedelta(minutes=15)).ended == [chat.pk]
    chat.refresh_from_db()
    assert (chat.status, chat.ended_by) == ("ended", "timeout")
    last = chat.messages.order_by("-seq").first()
    assert last.body == "The chat was closed because there was no reply."


def test_replying_after_the_warning_keeps_the_chat_open(chat, start):
    sweep(start + timedelta(minutes=10))
    services.post_message(
        conversation_id=chat.pk,
        sender=Message.Sender.CITIZEN,
        body="Sorry, yes",
        now=start + timedelta(minutes=11),
    )
    assert sweep(start + timedelta(minutes=16)).ended == []
    chat.refresh_from_db()
    assert chat.status == "active"


def test_typing_counts_as_being_there(chat, start):
    timeouts.note_citizen_typing(
        conversation_id=chat.pk, now=start + timedelta(minutes=8)
    )
    assert sweep(start + timedelta(minutes=12)).warned == []
    assert sweep(start + timedelta(minutes=18)).warned == [chat.pk]


def test_a_person_waiting_for_the_agent_is_never_timed_out(chat, start):
    services.post_message(
        conversation_id=chat.pk,
        sender=Message.Sender.CITIZEN,
        body="My car was broken into",
        now=start + timedelta(minutes=1),
    )
    result = sweep(start + timedelta(minutes=40))
    assert result.warned == result.ended == []
    assert warnings(chat) == 0


def test_a_queued_chat_whose_page_is_gone_is_ended_after_half_an_hour(agent):
    now = timezone.now()
    conversation, _ = services.start_conversation(
        topic="advice", display_name="", now=now - timedelta(minutes=40)
    )
    timeouts.note_citizen_seen(
        conversation_id=conversation.pk, now=now - timedelta(minutes=29)
    )
    assert sweep(now).ended == []
    assert sweep(now + timedelta(minutes=1, seconds=1)).ended == [conversation.pk]
    conversation.refresh_from_db()
    assert (conversation.status, conversation.ended_by) == ("ended", "timeout")


def test_a_queued_chat_with_its_page_open_stays_in_the_queue(agent):
    now = timezone.now()
    conversation, _ = services.start_conversation(
        topic="advice", display_name="", now=now - timedelta(hours=2)
    )
    timeouts.note_citizen_seen(conversation_id=conversation.pk, now=now)
    assert sweep(now + timedelta(minutes=5)).ended == []
    assert Conversation.objects.get().status == "waiting"


def test_the_task_runs_the_sweep(chat, start, monkeypatch):
    monkeypatch.setattr(
        "webchat.tasks.timezone.now", lambda: start + timedelta(minutes=10)
    )
    assert close_idle_chats.delay().get() == {"warned": 1, "ended": 0}
    assert warnings(chat) == 1


def test_the_clock_starts_again_when_a_chat_comes_back_from_the_queue(
    chat, agent, start
):
    services.transfer(
        conversation_id=chat.pk, by=agent, to=None, now=start + timedelta(minutes=1)
    )
    services.accept_next_chat(agent=agent, now=start + timedelta(minutes=30))
    assert sweep(start + timedelta(minutes=35)).warned == []
    assert sweep(start + timedelta(minutes=40)).warned == [chat.pk]
