"""A chat turned into a crime report goes through the same submit as online."""

import pytest
from django.utils import timezone

from casework.models import Case, OutboundEmail
from reports.models import Report
from reports.services import IncompleteReport
from tests.webchat.conftest import make_agent
from webchat import crime_reports, services
from webchat.models import Message

pytestmark = pytest.mark.django_db


def answers(**changes) -> dict:
    """What the agent's form gives for a stolen bike."""
    given = {
        "kind": {"kind": "theft_cycle"},
        "when": {"when": "on"},
        "when-date": {"date": "2026-01-05", "time": "14:00"},
        "where": {"place": "Hitchin station", "postcode": "SG5 1AA"},
        "what-happened": {"description": "My bike was taken from the rack."},
        "role": {"role": "victim"},
        "your-details": {
            "full_name": "Jo Public",
            "email": "jo@example.com",
            "phone": "",
        },
        "repeat": {"repeat": "no"},
        "vulnerability": {"vulnerable": "no"},
        "items": {
            "items": [{"description": "Blue bike", "value": "", "serial_number": ""}]
        },
    }
    given.update(changes)
    return given


@pytest.fixture
def chat(agent):
    conversation, _ = services.start_conversation(
        topic="report", display_name="Jo", now=timezone.now()
    )
    services.accept_next_chat(agent=agent, now=timezone.now())
    return conversation


def create(chat, agent, given=None):
    return crime_reports.create_report_from_chat(
        conversation_id=chat.pk,
        agent=agent,
        answers=given or answers(),
        now=timezone.now(),
    )


def test_the_report_is_a_case_like_any_online_report(
    chat, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = create(chat, agent)
    assert report.case.channel == Case.Channel.REPORT
    assert report.case.reference.startswith("CR-")
    assert report.reporter_email == "jo@example.com"
    email = OutboundEmail.objects.get()
    assert report.case.reference in email.subject


def test_the_pages_the_agent_was_not_asked_assume_least(chat, agent):
    report = create(chat, agent)
    assert report.answers["help"] == {
        "needs": ["none"],
        "language": "",
        "adjustments": "",
    }
    assert report.answers["contact"]["methods"] == ["email"]
    assert report.answers["witness-known"] == {"witnesses": "not_sure"}
    assert report.answers["suspect-known"] == {"knows_suspect": "no"}


def test_the_reference_is_posted_in_the_chat(chat, agent):
    report = create(chat, agent)
    chat.refresh_from_db()
    assert chat.case_id == report.case_id
    last = chat.messages.order_by("-seq").first()
    assert last.sender == Message.Sender.SYSTEM
    assert last.body == f"Your crime reference number is {report.case.reference}."


def test_creating_twice_makes_one_report_and_one_message(chat, agent):
    first, second = create(chat, agent), create(chat, agent)
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert OutboundEmail.objects.count() == 1
    assert chat.messages.filter(body__startswith="Your crime reference").count() == 1


def test_an_ended_chat_can_still_be_reported(chat, agent):
    services.end_conversation(conversation_id=chat.pk, by="citizen", now=timezone.now())
    report = create(chat, agent)
    chat.refresh_from_db()
    # The person sees the reference on their "chat ended" page instead.
    assert chat.case_id == report.case_id
    assert not chat.messages.filter(body__startswith="Your crime reference").exists()


def test_a_missing_page_creates_nothing(chat, agent):
    given = answers()
    del given["items"]
    with pytest.raises(IncompleteReport, match="items"):
        create(chat, agent, given)
    chat.refresh_from_db()
    assert chat.case_id is None
    assert not Report.objects.exists()
    assert not Case.objects.exists()


def test_only_the_agent_holding_the_chat_may_report_it(chat, django_user_model):
    other = make_agent(django_user_model, "kim")
    with pytest.raises(services.ChatError, match="not_yours"):
        create(chat, other)
    assert not Report.objects.exists()
