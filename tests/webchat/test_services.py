"""Chat rules: when it is open, the queue, accepting, numbering."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from casework.models import StaffNotice
from tests.webchat.conftest import make_agent
from webchat import selectors, services
from webchat.models import Conversation, DangerPhrase, Message, OpeningHours

pytestmark = pytest.mark.django_db


def start(now=None):
    conversation, _ = services.start_conversation(
        topic="advice", display_name="", now=now or timezone.now()
    )
    return conversation


def test_chat_is_closed_outside_opening_hours(django_user_model):
    make_agent(django_user_model, "alex")
    now = timezone.now()
    local = timezone.localtime(now)
    OpeningHours.objects.create(
        day=local.weekday(), opens=time(0, 0), closes=time(0, 0)
    )
    availability = selectors.chat_availability(now=now)
    assert not availability.within_hours
    assert not availability.is_open


def test_chat_is_closed_when_no_agent_is_available(chat_open, django_user_model):
    make_agent(django_user_model, "alex", available=False)
    availability = selectors.chat_availability(now=timezone.now())
    assert availability.within_hours
    assert not availability.is_open


def test_queue_position_counts_the_people_ahead(agent):
    now = timezone.now()
    first, second = start(now), start(now + timedelta(seconds=1))
    assert selectors.queue_position(conversation=first) == 1
    assert selectors.queue_position(conversation=second) == 2


def test_wait_estimate_uses_recent_handle_times(agent):
    now = timezone.now()
    done = start(now - timedelta(hours=1))
    Conversation.objects.filter(pk=done.pk).update(
        status="ended",
        accepted_at=now - timedelta(minutes=50),
        ended_at=now - timedelta(minutes=30),
    )
    # One agent, 20-minute chats: second in the queue waits about 40 minutes.
    assert selectors.estimated_wait_minutes(position=2, now=now) == 40


def test_accept_next_takes_the_longest_waiting(agent):
    now = timezone.now()
    older, newer = start(now - timedelta(minutes=5)), start(now)
    accepted = services.accept_next_chat(agent=agent, now=now)
    assert accepted.pk == older.pk
    assert accepted.status == "active"
    assert newer.pk != older.pk
    joined = accepted.messages.order_by("-seq").first()
    assert joined.body == "Alex has joined the chat."


def test_an_agent_at_capacity_cannot_accept_more(django_user_model, chat_open):
    busy = make_agent(django_user_model, "sam", capacity=1)
    start(), start()
    services.accept_next_chat(agent=busy, now=timezone.now())
    with pytest.raises(services.ChatError, match="at_capacity"):
        services.accept_next_chat(agent=busy, now=timezone.now())


def test_someone_without_the_agent_permission_cannot_accept(
    django_user_model, chat_open
):
    start()
    clerk = django_user_model.objects.create_user(username="clerk", is_staff=True)
    with pytest.raises(services.ChatError, match="forbidden"):
        services.accept_next_chat(agent=clerk, now=timezone.now())


def test_an_agent_set_to_away_cannot_accept_a_chat(django_user_model, chat_open):
    away = make_agent(django_user_model, "sam", available=False)
    waiting = start()
    with pytest.raises(services.ChatError) as refused:
        services.accept_next_chat(agent=away, now=timezone.now())
    assert refused.value.code == "away"
    waiting.refresh_from_db()
    assert waiting.status == Conversation.Status.WAITING


def test_a_message_in_a_chat_the_agent_no_longer_holds_is_refused(
    agent, django_user_model
):
    other = make_agent(django_user_model, "sam")
    start()
    taken = services.accept_next_chat(agent=agent, now=timezone.now())
    with pytest.raises(services.ChatError) as refused:
        services.post_agent_message(
            agent=other,
            conversation_id=taken.pk,
            sender=Message.Sender.AGENT,
            body="Hello",
            client_id="s1",
            now=timezone.now(),
        )
    assert refused.value.code == "not_yours"
    assert not Message.objects.filter(client_id="s1").exists()


def test_an_empty_queue_gives_nothing(agent):
    assert services.accept_next_chat(agent=agent, now=timezone.now()) is None


def test_messages_are_numbered_in_order(agent):
    conversation = start()
    seqs = [
        services.post_message(
            conversation_id=conversation.pk,
            sender="citizen",
            body=f"m{n}",
            now=timezone.now(),
        ).seq
        for n in range(5)
    ]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 5
    assert seqs[0] == 2  # 1 is the "you are in the queue" message


def test_a_message_resent_with_the_same_client_id_is_stored_once(agent):
    conversation = start()
    for _ in range(3):
        services.post_message(
            conversation_id=conversation.pk,
            sender="citizen",
            body="hello",
            client_id="abc",
            now=timezone.now(),
        )
    assert Message.objects.filter(conversation=conversation, body="hello").count() == 1


@pytest.mark.parametrize(("body", "code"), [("   ", "empty"), ("x" * 1001, "too_long")])
def test_empty_and_overlong_messages_are_refused(agent, body, code):
    conversation = start()
    with pytest.raises(services.ChatError, match=code):
        services.post_message(
            conversation_id=conversation.pk,
            sender="citizen",
            body=body,
            now=timezone.now(),
        )


def test_nothing_can_be_said_in_an_ended_chat(agent):
    conversation = start()
    services.end_conversation(
        conversation_id=conversation.pk, by="citizen", now=timezone.now()
    )
    with pytest.raises(services.ChatError, match="ended"):
        services.post_message(
            conversation_id=conversation.pk,
            sender="citizen",
            body="hi",
            now=timezone.now(),
        )


def test_danger_words_flag_the_message(agent):
    DangerPhrase.objects.create(phrase="knife")
    conversation = start()
    message = services.post_message(
        conversation_id=conversation.pk,
        sender="citizen",
        body="He has a KNIFE",
        now=timezone.now(),
    )
    assert message.flagged


def test_internal_notes_are_not_in_the_citizens_history(agent):
    conversation = start()
    services.post_message(
        conversation_id=conversation.pk,
        sender="note",
        body="check PNC",
        now=timezone.now(),
    )
    public = services.messages_after(conversation_id=conversation.pk, after_seq=0)
    staff = services.messages_after(
        conversation_id=conversation.pk, after_seq=0, include_notes=True
    )
    assert "check PNC" not in [m["body"] for m in public]
    assert "check PNC" in [m["body"] for m in staff]


def test_transfer_back_to_the_queue(agent):
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    services.transfer(
        conversation_id=conversation.pk, by=agent, to=None, now=timezone.now()
    )
    conversation.refresh_from_db()
    assert conversation.status == "waiting"
    assert conversation.agent is None


def test_only_the_agent_holding_a_chat_can_act_on_it(agent, django_user_model):
    other = make_agent(django_user_model, "kim")
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    with pytest.raises(services.ChatError, match="not_yours"):
        services.check_agent_owns(agent=other, conversation_id=conversation.pk)


def test_flagging_for_999_dispatch_tells_supervisors_once(
    agent, django_capture_on_commit_callbacks
):
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.flag_for_dispatch(
                conversation_id=conversation.pk, agent=agent, now=timezone.now()
            )
    notice = StaffNotice.objects.get()
    assert notice.level == "urgent"
    assert "flagged for 999 dispatch" in notice.text
    assert notice.link == f"/admin/webchat/conversation/{conversation.pk}/change/"
    note = conversation.messages.get(sender="note")
    assert note.body == "Flagged for 999 dispatch by Alex: possible risk to life."
    public = services.messages_after(conversation_id=conversation.pk, after_seq=0)
    assert "999 dispatch" not in " ".join(m["body"] for m in public)


def test_only_the_agent_holding_a_chat_can_flag_it(agent, django_user_model):
    other = make_agent(django_user_model, "kim")
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    with pytest.raises(services.ChatError, match="not_yours"):
        services.flag_for_dispatch(
            conversation_id=conversation.pk, agent=other, now=timezone.now()
        )
    assert not StaffNotice.objects.exists()


def test_transfer_to_an_available_agent(agent, django_user_model):
    kim = make_agent(django_user_model, "kim")
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    services.transfer(
        conversation_id=conversation.pk, by=agent, to=kim, now=timezone.now()
    )
    conversation.refresh_from_db()
    assert (conversation.agent, conversation.status) == (kim, "active")
    assert conversation.messages.last().body == "You are being passed to Kim."


@pytest.mark.parametrize("reason", ["away", "full", "self"])
def test_no_transfer_to_an_agent_who_cannot_take_it(agent, django_user_model, reason):
    kim = make_agent(django_user_model, "kim", available=reason != "away", capacity=1)
    if reason == "full":
        Conversation.objects.create(
            token_hash="x",
            topic="advice",
            status="active",
            agent=kim,
            created_at=timezone.now(),
        )
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    with pytest.raises(services.ChatError, match="agent_unavailable"):
        services.transfer(
            conversation_id=conversation.pk,
            by=agent,
            to=agent if reason == "self" else kim,
            now=timezone.now(),
        )
    conversation.refresh_from_db()
    assert conversation.agent == agent


def test_an_ended_chat_cannot_be_put_back_in_the_queue(agent):
    conversation = start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    services.end_conversation(
        conversation_id=conversation.pk, by="citizen", now=timezone.now()
    )
    with pytest.raises(services.ChatError, match="not_active"):
        services.transfer(
            conversation_id=conversation.pk, by=agent, to=None, now=timezone.now()
        )
    conversation.refresh_from_db()
    assert conversation.status == "ended"


def test_agents_on_duty_show_how_full_they_are(agent, django_user_model):
    make_agent(django_user_model, "kim", available=False)
    start()
    services.accept_next_chat(agent=agent, now=timezone.now())
    board = selectors.agents_on_duty()
    assert [(a["name"], a["chats"], a["capacity"]) for a in board] == [("Alex", 1, 3)]
