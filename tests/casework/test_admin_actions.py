"""The case page and the staff actions on it, through admin."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from casework import workflow
from casework.models import Case, CaseEvent, OutboundEmail, Team
from tests.casework.factories import make_case
from tests.reports.journey_data import complete_journey

pytestmark = pytest.mark.django_db


def page(case: Case, action: str = "change") -> str:
    return f"/admin/casework/case/{case.pk}/{action}/"


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


GRADES = {
    "threat": "1",
    "harm": "3",
    "risk": "1",
    "investigation": "2",
    "vulnerability": "1",
    "engagement": "2",
}


def test_the_report_reads_as_a_summary_not_raw_json(staff, evidence_root):
    citizen = Client()
    complete_journey(
        citizen,
        {"what-happened": {"description": "My <b>bike</b> was taken."}},
    )
    citizen.post("/report/check/", {"confirm": "on"})
    case = Case.objects.get()

    html = staff("agent").get(page(case)).content.decode()

    assert "What happened" in html
    assert "People, vehicles and things" in html
    assert "Sam Reporter" in html
    assert "Blue Raleigh bicycle" in html
    assert "My &lt;b&gt;bike&lt;/b&gt; was taken." in html
    assert '"what-happened"' not in html


def test_thrive_sets_the_priority_and_keeps_the_earlier_assessment(staff):
    case = make_case()
    client = staff("agent")

    response = client.post(page(case, "assess"), {**GRADES, "harm_note": "Injured"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.priority == Case.Priority.URGENT
    assert case.status == Case.Status.TRIAGED

    client.post(page(case, "assess"), {**GRADES, "harm": "1"})
    case.refresh_from_db()
    assert case.priority == Case.Priority.STANDARD
    assert case.assessments.count() == 2
    html = client.get(page(case)).content.decode()
    assert "1 earlier assessment" in html
    assert "Injured" in html


def test_thrive_form_asks_for_every_grade(staff):
    case = make_case()
    response = staff("agent").post(page(case, "assess"), {"threat": "1"})
    assert response.status_code == 200
    assert "Grade harm" in response.content.decode()
    assert not case.assessments.exists()


def test_closing_needs_an_outcome_and_a_reason_the_reporter_sees(staff):
    case = make_case()
    client = staff("agent")

    response = client.post(
        page(case, "close"), {"outcome": "crime_recorded", "reason": "Recorded."}
    )
    assert response.status_code == 200
    assert "Enter the crime number." in said(response)
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED

    response = client.post(
        page(case, "close"),
        {
            "outcome": "crime_recorded",
            "crime_number": "41/1234/26",
            "reason": "We have recorded the crime.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.crime_number == "41/1234/26"
    assert OutboundEmail.objects.filter(body__contains="We have recorded").exists()


def test_the_second_to_take_a_case_is_told_who_has_it(staff):
    case = make_case()
    first = staff("agent", "first")
    second = staff("agent", "second")

    first.post(page(case, "take"))
    response = second.post(page(case, "take"))

    assert response.status_code == 302
    assert said(response) == [
        f"{case.reference} was taken by Agent Tester a moment ago."
    ]
    case.refresh_from_db()
    assert case.assigned_to == first.user


def test_assign_one_case_to_a_team_and_officer(staff):
    case = make_case()
    client = staff("supervisor")
    officer = staff("agent").user
    team = Team.objects.get(name="Hate Crime Unit")

    response = client.post(page(case, "assign"), {"team": team.pk, "user": officer.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.team, case.assigned_to, case.status) == (team, officer, "assigned")


def test_a_case_given_to_someone_who_could_not_open_it_is_refused_in_words(staff):
    """An investigator sees only their own team's cases: moving a case to
    another team and giving it to them would leave it where they cannot see."""
    case = make_case()
    client = staff("supervisor")
    investigator = staff("investigator").user  # Crime Management Unit
    team = Team.objects.get(name="Hate Crime Unit")

    response = client.post(
        page(case, "assign"), {"team": team.pk, "user": investigator.pk}, follow=True
    )

    assert "Investigator Tester cannot work on" in response.content.decode()
    case.refresh_from_db()
    assert (case.team.name, case.assigned_to) == ("Crime Management Unit", None)


def test_assign_in_bulk_from_the_list(staff):
    cases = [make_case(), make_case()]
    client = staff("supervisor")
    team = Team.objects.get(name="Roads Policing Unit")

    response = client.post(
        "/admin/casework/case/",
        {"action": "assign_selected", "_selected_action": [c.pk for c in cases]},
    )
    assert response.status_code == 302
    form_page = client.get(response["Location"])
    assert "Assign 2 cases" in form_page.content.decode()
    response = client.post(
        "/admin/casework/case/assign/",
        {"ids": [c.pk for c in cases], "team": team.pk, "assign": "1"},
    )

    assert response.status_code == 302
    assert set(Case.objects.values_list("team", flat=True)) == {team.pk}


def test_take_selected_cases_from_the_list(staff):
    cases = [make_case(), make_case()]
    client = staff("agent")
    client.post(
        "/admin/casework/case/",
        {"action": "take_selected", "_selected_action": [c.pk for c in cases]},
    )
    assert set(Case.objects.values_list("assigned_to", flat=True)) == {client.user.pk}


def test_notes_and_updates_are_different_things_and_look_different(staff):
    case = make_case()
    client = staff("agent")
    client.post(page(case, "note"), {"text": "Called the shop; no CCTV."})
    client.post(page(case, "update"), {"text": "An officer will call you."})

    note = CaseEvent.objects.get(kind="note")
    update = CaseEvent.objects.get(kind="public_update")
    assert not note.is_public and update.is_public
    html = client.get(page(case)).content.decode()
    assert "Internal note · staff only" in html
    assert "Sent to the reporter" in html
    assert 'class="hr-event hr-event--note"' in html
    assert 'class="hr-event hr-event--public_update"' in html

    tracked = Client().post(
        "/track/",
        {"reference": case.reference, "secret": "sam@example.com"},
        follow=True,
    )
    text = tracked.content.decode()
    assert "An officer will call you." in text
    assert "no CCTV" not in text


def test_an_empty_note_is_refused_with_a_message(staff):
    case = make_case()
    response = staff("agent").post(page(case, "note"), {"text": " "})
    assert response.status_code == 200
    assert "Write the note" in response.content.decode()


def test_status_moves_only_where_the_workflow_allows(staff):
    case = make_case()
    client = staff("agent")
    response = client.post(page(case, "status"), {"to": "awaiting_information"})
    assert response.status_code == 200  # not a choice from "received"
    response = client.post(page(case, "status"), {"to": "triaged"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "triaged"


def test_new_information_from_the_reporter_is_flagged_until_seen(staff):
    case = make_case()
    workflow.add_reporter_information(
        case_id=case.pk, text="I found a photo.", now=timezone.now()
    )
    client = staff("agent")
    assert (
        "New information from the reporter." in client.get(page(case)).content.decode()
    )
    client.post(page(case, "seen"))
    case.refresh_from_db()
    assert not case.needs_attention


def test_possible_duplicates_are_suggested_on_the_case(staff):
    now = timezone.now()
    case = make_case(received_at=now)
    same_place = make_case(email="x@example.com", received_at=now - timedelta(hours=3))
    elsewhere = make_case(email="y@example.com", postcode="WD17 1AA", received_at=now)
    html = staff("agent").get(page(case)).content.decode()
    assert "Possible duplicates" in html
    assert same_place.reference in html
    assert elsewhere.reference not in html


def test_nothing_changes_a_case_by_posting_its_fields(staff):
    case = make_case()
    response = staff("supervisor").post(page(case), {"priority": 1, "status": "closed"})
    assert response.status_code == 405
    case.refresh_from_db()
    assert case.status == "received"
