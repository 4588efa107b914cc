"""The console, the dashboard and the crime report form, inside admin."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from casework.models import OutboundEmail
from reports.models import Report
from tests.webchat.conftest import make_agent, sign_in
from webchat import services
from webchat.models import Conversation, Message

pytestmark = pytest.mark.django_db

CONSOLE = "/admin/webchat/console/"
DASHBOARD = "/admin/webchat/dashboard/"
STATS = "/admin/webchat/dashboard/stats.json"


def supervisor(django_user_model, username="sam"):
    user = make_agent(django_user_model, username)
    user.user_permissions.add(Permission.objects.get(codename="supervise_chats"))
    return user


@pytest.mark.parametrize("path", [CONSOLE, DASHBOARD, STATS])
def test_signed_out_people_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", [CONSOLE, DASHBOARD, STATS])
def test_staff_without_the_chat_permissions_are_refused(client, staff_user, path):
    sign_in(client, staff_user)
    assert client.get(path).status_code == 403


def test_an_agent_gets_the_console_but_not_the_dashboard(client, agent):
    sign_in(client, agent)
    response = client.get(CONSOLE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Accept next chat" in html
    assert 'type="module"' in html and "js/agent-console.js" in html
    # Translated strings reach the script as data, not as inline code.
    assert 'id="console-strings" type="application/json"' in html
    assert client.get(DASHBOARD).status_code == 403


def test_the_dashboard_shows_the_queue_without_javascript(
    client, django_user_model, chat_open
):
    boss = supervisor(django_user_model)
    now = timezone.now()
    services.start_conversation(
        topic="advice", display_name="", now=now - timezone.timedelta(minutes=7)
    )
    sign_in(client, boss)
    html = client.get(DASHBOARD).content.decode()
    assert '<dd data-stat="waiting">1</dd>' in html
    assert '<dd data-stat="longest_wait">7 min</dd>' in html
    assert '<dd data-stat="agents_available">1</dd>' in html
    stats = client.get(STATS).json()["stats"]
    assert stats["waiting"] == 1
    assert stats["longest_wait_seconds"] >= 7 * 60


def test_the_admin_index_links_to_the_console_and_dashboard(
    client, django_user_model, chat_open
):
    sign_in(client, supervisor(django_user_model))
    html = client.get("/admin/").content.decode()
    assert f'href="{CONSOLE}"' in html
    assert f'href="{DASHBOARD}"' in html


def test_the_admin_index_leaves_the_links_out_for_other_staff(client, staff_user):
    sign_in(client, staff_user)
    html = client.get("/admin/").content.decode()
    assert CONSOLE not in html
    assert DASHBOARD not in html


# --- Turning a chat into a crime report -----------------------------------


@pytest.fixture
def answered_chat(citizen, agent):
    conversation = Conversation.objects.get()
    services.accept_next_chat(agent=agent, now=timezone.now())
    for body in ["Someone took my bike", "It was outside Hitchin station"]:
        services.post_message(
            conversation_id=conversation.pk,
            sender=Message.Sender.CITIZEN,
            body=body,
            now=timezone.now(),
        )
    return conversation


def report_path(conversation) -> str:
    return f"/admin/webchat/conversation/{conversation.pk}/report/"


FORM = {
    "kind": "theft_cycle",
    "role": "victim",
    "occurred_on": "2026-01-05",
    "occurred_time": "2pm",
    "place": "Hitchin station cycle rack",
    "postcode": "sg5 1aa",
    "description": "Bike taken from the rack.",
    "items": "Blue Raleigh bike",
    "repeat": "no",
    "vulnerable": "no",
    "full_name": "Jo Public",
    "email": "jo@example.com",
}


def test_the_report_form_starts_from_what_the_person_wrote(
    client, agent, answered_chat
):
    sign_in(client, agent)
    html = client.get(report_path(answered_chat)).content.decode()
    assert "Someone took my bike\n\nIt was outside Hitchin station" in html
    assert 'value="Jo"' in html  # the name they gave


def test_creating_the_report_gives_the_chat_a_reference_once(
    client, agent, answered_chat, django_capture_on_commit_callbacks
):
    sign_in(client, agent)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(report_path(answered_chat), FORM)
        second = client.post(report_path(answered_chat), FORM)
    assert first.status_code == second.status_code == 302
    report = Report.objects.get()
    answered_chat.refresh_from_db()
    assert answered_chat.case == report.case
    assert report.case.reference.startswith("CR-")
    assert report.postcode == "SG5 1AA"
    assert OutboundEmail.objects.filter(to="jo@example.com").count() == 1
    told = answered_chat.messages.filter(sender=Message.Sender.SYSTEM).last()
    assert told.body == f"Your crime reference number is {report.case.reference}."
    page = client.get(report_path(answered_chat)).content.decode()
    assert report.case.reference in page
    assert 'name="kind"' not in page  # no second form to fill in


def test_a_theft_report_needs_what_was_stolen(client, agent, answered_chat):
    sign_in(client, agent)
    response = client.post(report_path(answered_chat), {**FORM, "items": ""})
    assert response.status_code == 200
    assert "Enter what was stolen or damaged" in response.content.decode()
    assert not Report.objects.exists()


def test_another_agent_cannot_report_someone_elses_chat(
    client, django_user_model, answered_chat
):
    other = make_agent(django_user_model, "kim")
    sign_in(client, other)
    assert client.get(report_path(answered_chat)).status_code == 403
    assert client.post(report_path(answered_chat), FORM).status_code == 403
    assert not Report.objects.exists()


def test_a_supervisor_can_report_any_answered_chat(
    client, django_user_model, answered_chat
):
    sign_in(client, supervisor(django_user_model))
    assert client.post(report_path(answered_chat), FORM).status_code == 302
    assert Report.objects.count() == 1
