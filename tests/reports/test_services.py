"""The report services: drafts, priority, routing, and the one submit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from casework.models import Case, OutboundEmail, StaffNotice
from casework.references import normalise_reference
from reports import services
from reports.models import Report, ReportDraft

pytestmark = pytest.mark.django_db


def complete_answers(**changes) -> dict:
    answers = {
        "kind": {"kind": "theft_cycle"},
        "when": {"when": "on"},
        "when-date": {"date": "2026-11-03", "time": "14:30"},
        "where": {"place": "Hitchin station", "postcode": "SG5 1AA"},
        "what-happened": {"description": "My bike was taken from the rack."},
        "role": {"role": "victim"},
        "your-details": {
            "full_name": "Sam Reporter",
            "email": "sam@example.com",
            "phone": "",
        },
        "contact": {"methods": ["email"], "voicemail": "no", "safe_times": ""},
        "repeat": {"repeat": "no"},
        "vulnerability": {"vulnerable": "no"},
        "help": {"needs": ["none"], "language": "", "adjustments": ""},
        "suspect-known": {"knows_suspect": "no"},
        "vehicles-involved": {"vehicles_involved": "no"},
        "items": {"items": [{"description": "Blue bike", "value": "350.00"}]},
        "witness-known": {"witnesses": "no"},
        "evidence": {"cctv": "no", "evidence": ""},
        "files": {"files": []},
    }
    answers.update(changes)
    return answers


def draft_with(answers: dict) -> ReportDraft:
    draft = services.start_draft(now=timezone.now())
    draft.answers = answers
    draft.save()
    return draft


def test_submitting_gives_a_reference_that_the_track_page_accepts():
    draft = draft_with(complete_answers())
    report = services.submit_report(draft_id=draft.pk, now=timezone.now())
    assert normalise_reference(report.case.reference) == report.case.reference
    assert report.case.reference.startswith("CR-")


def test_submitting_twice_gives_one_report_and_one_email():
    draft = draft_with(complete_answers())
    first = services.submit_report(draft_id=draft.pk, now=timezone.now())
    second = services.submit_report(draft_id=draft.pk, now=timezone.now())
    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_an_incomplete_draft_cannot_be_submitted():
    answers = complete_answers()
    del answers["where"]
    draft = draft_with(answers)
    with pytest.raises(services.IncompleteReport, match="where"):
        services.submit_report(draft_id=draft.pk, now=timezone.now())
    assert not Report.objects.exists()


def test_the_report_is_routed_to_the_district_of_its_postcode():
    report = services.submit_report(
        draft_id=draft_with(complete_answers()).pk, now=timezone.now()
    )
    assert report.case.district.name == "North Hertfordshire"
    assert report.case.team.name == "Crime Management Unit"
    assert not report.case.outside_force_area


def test_anti_social_behaviour_goes_to_the_local_neighbourhood_team():
    answers = complete_answers(kind={"kind": "asb"})
    del answers["items"]
    report = services.submit_report(draft_id=draft_with(answers).pk, now=timezone.now())
    assert report.case.team.name == "North Hertfordshire Safer Neighbourhood Team"


def test_a_postcode_outside_the_county_is_accepted_and_marked_to_pass_on():
    answers = complete_answers(where={"place": "Barnet", "postcode": "EN5 1AA"})
    report = services.submit_report(draft_id=draft_with(answers).pk, now=timezone.now())
    assert report.case.district is None
    assert report.case.outside_force_area
    routed = report.case.events.get(kind="routed").text
    assert "Outside Hertfordshire" in routed


@pytest.mark.parametrize(
    ("changes", "priority", "reasons"),
    [
        ({}, Case.Priority.STANDARD, []),
        ({"kind": {"kind": "hate"}}, Case.Priority.HIGH, ["hate crime or incident"]),
        ({"repeat": {"repeat": "yes"}}, Case.Priority.HIGH, ["repeat victim"]),
        (
            {"kind": {"kind": "hate"}, "vulnerability": {"vulnerable": "yes"}},
            Case.Priority.URGENT,
            ["hate crime or incident", "the victim may be vulnerable"],
        ),
    ],
)
def test_initial_priority_rises_with_each_concern(changes, priority, reasons):
    assert services.initial_priority(complete_answers(**changes)) == (priority, reasons)


def test_a_high_priority_report_alerts_the_control_room(
    django_capture_on_commit_callbacks,
):
    answers = complete_answers(kind={"kind": "hate"})
    del answers["items"]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(
            draft_id=draft_with(answers).pk, now=timezone.now()
        )
    notice = StaffNotice.objects.get()
    assert report.case.reference in notice.text
    assert notice.broadcast_at is not None
    assert report.case.is_sensitive


def test_a_standard_report_does_not_alert_the_control_room():
    services.submit_report(
        draft_id=draft_with(complete_answers()).pk, now=timezone.now()
    )
    assert not StaffNotice.objects.exists()


def test_acknowledgement_email_has_the_reference_and_no_details_of_the_crime(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(
            draft_id=draft_with(complete_answers()).pk, now=timezone.now()
        )
    [email] = mail.outbox
    assert email.to == ["sam@example.com"]
    assert report.case.reference in email.subject
    assert report.case.reference in email.body
    assert "bike" not in email.body.lower()
    assert OutboundEmail.objects.get().sent_at is not None


def test_answers_to_pages_that_no_longer_apply_are_not_submitted():
    answers = complete_answers(
        **{"when-between": {"date_from": "2026-11-01", "date_to": "2026-11-02"}}
    )
    report = services.submit_report(draft_id=draft_with(answers).pk, now=timezone.now())
    assert "when-between" not in report.answers
    assert report.occurred_from.isoformat() == "2026-11-03"


def test_a_submitted_draft_keeps_no_answers_of_its_own():
    draft = draft_with(complete_answers())
    services.submit_report(draft_id=draft.pk, now=timezone.now())
    draft.refresh_from_db()
    assert draft.answers == {}


def test_saving_one_page_keeps_the_others():
    draft = draft_with({"kind": {"kind": "asb"}})
    services.save_answer(
        draft_id=draft.pk, slug="when", answer={"when": "not_sure"}, now=timezone.now()
    )
    draft.refresh_from_db()
    assert draft.answers == {"kind": {"kind": "asb"}, "when": {"when": "not_sure"}}


def test_the_same_item_added_twice_is_one_item():
    draft = draft_with({})
    item = {"description": "Phone", "value": "", "serial_number": ""}
    for _ in range(2):
        services.add_item(
            draft_id=draft.pk, slug="items", item=item, now=timezone.now()
        )
    draft.refresh_from_db()
    assert draft.answers["items"]["items"] == [item]


def test_a_new_resume_link_replaces_the_old_one():
    draft = draft_with({"kind": {"kind": "asb"}})
    now = timezone.now()
    old = services.issue_resume_token(draft_id=draft.pk, now=now)
    new = services.issue_resume_token(draft_id=draft.pk, now=now)
    assert services.draft_for_resume_token(token=new, now=now).pk == draft.pk
    with pytest.raises(services.DraftNotFound):
        services.draft_for_resume_token(token=old, now=now)


def test_drafts_expire_after_30_days_and_are_deleted():
    now = timezone.now()
    old = draft_with({"kind": {"kind": "asb"}})
    fresh = draft_with({"kind": {"kind": "asb"}})
    ReportDraft.objects.filter(pk=old.pk).update(expires_at=now - timedelta(seconds=1))

    with pytest.raises(services.DraftNotFound):
        services.open_draft(draft_id=old.pk, now=now)
    assert services.purge_expired_drafts(now=now) == 1
    assert list(ReportDraft.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_saving_an_answer_gives_the_draft_another_30_days():
    draft = draft_with({})
    later = timezone.now() + timedelta(days=20)
    services.save_answer(draft_id=draft.pk, slug="when", answer={}, now=later)
    draft.refresh_from_db()
    assert draft.expires_at == later + timedelta(days=30)
