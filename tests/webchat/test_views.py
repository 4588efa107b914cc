"""The chat pages people see before and after the conversation."""

from datetime import time

import pytest
from django.utils import timezone

from tests.webchat.conftest import make_agent
from webchat import services
from webchat.models import Conversation, OpeningHours

pytestmark = pytest.mark.django_db


def test_closed_chat_says_so_and_offers_other_ways(client):
    html = client.get("/chat/").content.decode()
    assert "Web chat is closed right now" in html
    assert "report a crime online" in html
    assert "call 101" in html
    assert "Start chat" not in html


def test_open_chat_warns_about_999_and_explains_it_needs_javascript(client, agent):
    html = client.get("/chat/").content.decode()
    assert "Do not use chat in an emergency" in html
    assert "<noscript>" in html
    assert "Web chat needs JavaScript" in html
    assert "Start chat" in html


def test_when_everyone_is_away_no_queue_is_offered(
    client, chat_open, django_user_model
):
    make_agent(django_user_model, "alex", available=False)
    response = client.post("/chat/", {"topic": "advice"})
    assert response.status_code == 200
    assert "Web chat is closed right now" in response.content.decode()
    assert not Conversation.objects.exists()


def test_starting_a_chat_needs_a_topic(client, agent):
    response = client.post("/chat/", {"name": "Jo"})
    html = response.content.decode()
    assert "Select what you want to talk about" in html
    assert 'value="Jo"' in html
    assert not Conversation.objects.exists()


def test_starting_a_chat_puts_you_in_the_queue(citizen):
    html = citizen.get("/chat/conversation/").content.decode()
    assert "You are in the queue" in html
    assert Conversation.objects.get().display_name == "Jo"
    # Back to /chat/ while the chat is going on: the same chat, not a new one.
    assert citizen.get("/chat/")["Location"] == "/chat/conversation/"


def test_the_conversation_page_needs_your_own_chat(client, chat_open):
    assert client.get("/chat/conversation/")["Location"] == "/chat/"
    assert client.get("/chat/transcript/")["Location"] == "/chat/"


def test_after_the_chat_a_transcript_and_one_feedback_question(
    citizen, mailoutbox, django_capture_on_commit_callbacks
):
    chat = Conversation.objects.get()
    services.post_message(
        conversation_id=chat.pk,
        sender="citizen",
        body="Thanks <b>a lot</b>",
        now=timezone.now(),
    )
    services.end_conversation(conversation_id=chat.pk, by="agent", now=timezone.now())
    assert citizen.get("/chat/conversation/")["Location"] == "/chat/ended/"

    transcript = citizen.get("/chat/transcript/")
    assert transcript["Content-Disposition"].startswith("attachment;")
    assert "You: Thanks <b>a lot</b>" in transcript.content.decode()

    response = citizen.post("/chat/ended/", {"form": "feedback"})
    assert "Select how you felt about the chat" in response.content.decode()
    citizen.post(
        "/chat/ended/", {"form": "feedback", "satisfaction": "4", "comment": "Quick"}
    )
    chat.refresh_from_db()
    assert (chat.satisfaction, chat.feedback) == (4, "Quick")
    assert "Thank you for your feedback" in citizen.get("/chat/ended/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        citizen.post("/chat/ended/", {"form": "email", "email": "jo@example.com"})
    assert "Thanks <b>a lot</b>" in mailoutbox[0].body


def test_opening_hours_are_written_as_people_say_them(client, chat_open):
    OpeningHours.objects.filter(day__in=[0, 1]).delete()
    OpeningHours.objects.create(day=0, opens=time(8, 0), closes=time(20, 30))
    OpeningHours.objects.create(day=1, opens=time(0, 0), closes=time(12, 0))
    html = client.get("/chat/").content.decode()
    assert "8am to 8:30pm" in html
    assert "midnight to midday" in html


def test_staff_reading_a_stored_chat_is_audited(citizen, django_user_model):
    from casework.audit import AuditEntry
    from tests.casework.staff import make_staff, signed_in

    chat = Conversation.objects.get()
    supervisor = signed_in(make_staff(django_user_model, "supervisor"))
    page = supervisor.get(f"/admin/webchat/conversation/{chat.pk}/change/")
    assert page.status_code == 200
    entry = AuditEntry.objects.get(user__username="supervisor")
    assert entry.action == "view"
    assert entry.object_reference == f"Chat {chat.pk}"
