"""The triage workflow: every move checked in one place."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import workflow
from casework.models import Case, CaseEvent, StaffNotice, Team
from casework.selectors import possible_duplicates
from tests.casework.factories import make_case
from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db

S = Case.Status
ALL = list(S.values)


@pytest.fixture
def officer(django_user_model):
    """A control-room supervisor: works on every report, and assigns."""
    user = make_staff(django_user_model, "supervisor", "officer")
    user.first_name, user.last_name = "Olu", "Officer"
    user.save()
    return user


def set_status(case, status):
    Case.objects.filter(pk=case.pk).update(status=status)


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("to", [s for s in ALL if s != S.CLOSED])
def test_every_illegal_move_is_refused_and_every_legal_one_allowed(officer, start, to):
    case = make_case()
    set_status(case, start)
    allowed = to in workflow.TRANSITIONS[start]
    if allowed:
        workflow.change_status(case_id=case.pk, to=to, by=officer, now=timezone.now())
        case.refresh_from_db()
        assert case.status == to
    else:
        with pytest.raises(workflow.IllegalTransition):
            workflow.change_status(
                case_id=case.pk, to=to, by=officer, now=timezone.now()
            )
        case.refresh_from_db()
        assert case.status == start


def test_closing_needs_an_outcome_and_a_reason(officer):
    case = make_case()
    for outcome, reason, extra in [
        ("", "Done", {}),
        ("no_crime", "  ", {}),
        ("crime_recorded", "Recorded", {}),
        ("duplicate", "Same as the other", {"duplicate_of": "CR-26-999999-A"}),
    ]:
        with pytest.raises(workflow.WorkflowError):
            workflow.close_case(
                case_id=case.pk,
                outcome=outcome,
                reason=reason,
                by=officer,
                now=timezone.now(),
                **extra,
            )
    case.refresh_from_db()
    assert case.status == S.RECEIVED


def test_closing_tells_the_reporter_why(
    officer, django_capture_on_commit_callbacks, mailoutbox
):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.close_case(
            case_id=case.pk,
            outcome="crime_recorded",
            crime_number="41/12345/26",
            reason="We have recorded the crime and an officer will call you.",
            by=officer,
            now=timezone.now(),
        )
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.crime_number == "41/12345/26"
    public = case.events.get(is_public=True)
    assert "an officer will call you" in public.text
    assert case.reference in mailoutbox[0].subject


def test_a_duplicate_points_to_the_original(officer):
    original, copy = make_case(), make_case()
    workflow.close_case(
        case_id=copy.pk,
        outcome="duplicate",
        duplicate_of=original.reference.lower(),
        reason="You told us about this already.",
        by=officer,
        now=timezone.now(),
    )
    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_a_closed_case_can_be_reopened(officer):
    case = make_case()
    workflow.close_case(
        case_id=case.pk, outcome="no_crime", reason="r", by=officer, now=timezone.now()
    )
    workflow.change_status(
        case_id=case.pk, to=S.IN_PROGRESS, by=officer, now=timezone.now()
    )
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert case.outcome == ""


def test_taking_a_case_someone_else_took_is_refused_with_their_name(
    officer, django_user_model
):
    other = make_staff(django_user_model, "agent", "kim")
    case = make_case()
    workflow.take_case(case_id=case.pk, by=officer, now=timezone.now())
    with pytest.raises(workflow.AlreadyTaken, match="Olu Officer"):
        workflow.take_case(case_id=case.pk, by=other, now=timezone.now())
    case.refresh_from_db()
    assert case.assigned_to == officer
    assert case.status == S.ASSIGNED
    assert case.first_reviewed_at is not None


def test_bulk_assignment_to_a_team(officer):
    cases = [make_case() for _ in range(3)]
    team = Team.objects.get(name="Hate Crime Unit")
    workflow.assign(
        case_ids=[c.pk for c in cases], to_team=team, by=officer, now=timezone.now()
    )
    assert set(Case.objects.values_list("team__name", flat=True)) == {"Hate Crime Unit"}
    assert CaseEvent.objects.filter(kind="assigned").count() == 3


def test_thrive_sets_the_priority_and_keeps_the_history(officer):
    case = make_case()
    low = dict.fromkeys(
        ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"], 1
    )
    workflow.assess(
        case_id=case.pk,
        grades={**low, "harm": 3},
        notes={"harm": "Injury"},
        by=officer,
        now=timezone.now(),
    )
    case.refresh_from_db()
    assert case.priority == Case.Priority.URGENT
    assert case.status == S.TRIAGED
    workflow.assess(
        case_id=case.pk, grades=low, notes={}, by=officer, now=timezone.now()
    )
    case.refresh_from_db()
    assert case.priority == Case.Priority.STANDARD
    assert case.assessments.count() == 2
    assert case.assessments.last().harm_note == "Injury"


def test_thrive_needs_every_grade(officer):
    case = make_case()
    with pytest.raises(workflow.WorkflowError):
        workflow.assess(
            case_id=case.pk,
            grades={"threat": 1},
            notes={},
            by=officer,
            now=timezone.now(),
        )


def test_internal_notes_are_not_public_and_updates_are(
    officer, django_capture_on_commit_callbacks, mailoutbox
):
    case = make_case()
    workflow.add_note(
        case_id=case.pk, text="Suspect known to us", by=officer, now=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.send_public_update(
            case_id=case.pk,
            text="We have viewed the CCTV.",
            by=officer,
            now=timezone.now(),
        )
    assert list(case.events.filter(is_public=True).values_list("text", flat=True)) == [
        "We have viewed the CCTV."
    ]
    assert len(mailoutbox) == 1
    assert "Suspect known" not in mailoutbox[0].body
    assert "We have viewed the CCTV." in mailoutbox[0].body


def test_reporter_information_flags_the_case_for_staff():
    case = make_case()
    workflow.add_reporter_information(
        case_id=case.pk, text="I remembered the van", now=timezone.now()
    )
    case.refresh_from_db()
    assert case.needs_attention


def test_overdue_cases_alert_supervisors_once(django_capture_on_commit_callbacks):
    late = make_case(received_at=timezone.now() - timedelta(days=3))
    make_case()  # on time
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.alert_overdue(now=timezone.now()) == 1
    assert workflow.alert_overdue(now=timezone.now()) == 0
    notice = StaffNotice.objects.get()
    assert late.reference in notice.text


def test_possible_duplicates_same_kind_and_place_or_same_email():
    case = make_case(postcode="SG5 1AA", email="a@example.com")
    nearby = make_case(postcode="SG5 9ZZ", email="b@example.com")
    same_email = make_case(postcode="AL1 1AA", email="A@example.com")
    make_case(postcode="AL1 1AA", email="c@example.com")  # elsewhere, other person
    make_case(
        postcode="SG5 1AB",
        email="d@example.com",
        received_at=timezone.now() - timedelta(days=5),
    )
    assert set(possible_duplicates(case)) == {nearby, same_email}
