"""Every workflow action refuses a role that may not take it, whoever calls
it (admin, a management command, the chat console): the rule is in
casework.workflow, not only in admin.

Control room agents and supervisors work on every report; intelligence
officers on intelligence only; investigators on their own team's reports;
content editors on none. Assigning to others is for supervisors and
intelligence officers. A superuser may do everything.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casework import workflow
from casework.models import Case, CaseEvent, Team
from tests.casework.factories import make_case
from tests.casework.staff import make_staff

pytestmark = pytest.mark.django_db

GRADES = dict.fromkeys(
    ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"], 1
)

# Each action as a call, given the case and the person.
ACTIONS = {
    "change_status": lambda case, by: workflow.change_status(
        case_id=case.pk, to=Case.Status.TRIAGED, by=by, now=timezone.now()
    ),
    "close_case": lambda case, by: workflow.close_case(
        case_id=case.pk,
        outcome="no_crime",
        reason="No crime took place.",
        by=by,
        now=timezone.now(),
    ),
    "take_case": lambda case, by: workflow.take_case(
        case_id=case.pk, by=by, now=timezone.now()
    ),
    "assign": lambda case, by: workflow.assign(
        case_ids=[case.pk],
        to_team=Team.objects.get(name="Hate Crime Unit"),
        by=by,
        now=timezone.now(),
    ),
    "assess": lambda case, by: workflow.assess(
        case_id=case.pk, grades=GRADES, notes={}, by=by, now=timezone.now()
    ),
    "add_note": lambda case, by: workflow.add_note(
        case_id=case.pk, text="Checked PNC", by=by, now=timezone.now()
    ),
    "send_public_update": lambda case, by: workflow.send_public_update(
        case_id=case.pk, text="We are looking into it.", by=by, now=timezone.now()
    ),
    "mark_seen": lambda case, by: workflow.mark_seen(
        case_id=case.pk, by=by, now=timezone.now()
    ),
}

CASES = ["our_team_report", "other_team_report", "intelligence"]
ALL = set(CASES)
REPORTS = {"our_team_report", "other_team_report"}
WORKS_ON = {
    "agent": REPORTS,
    "supervisor": REPORTS,
    "intelligence": {"intelligence"},
    "investigator": {"our_team_report"},  # the Crime Management Unit's
    "editor": set(),
    "superuser": ALL,
    "former staff": set(),  # deactivated
}
ASSIGNS = {
    "supervisor": REPORTS,
    "intelligence": {"intelligence"},
    "superuser": ALL,
}


def person(django_user_model, role: str):
    if role == "superuser":
        return django_user_model.objects.create_superuser(
            username="root", password="a-long-test-password"
        )
    if role == "former staff":
        user = make_staff(django_user_model, "supervisor", "gone")
        user.is_active = False
        user.save()
        return user
    return make_staff(django_user_model, role)


def a_case(kind: str) -> Case:
    if kind == "intelligence":
        case = make_case(channel=Case.Channel.INTELLIGENCE)
    else:
        case = make_case()
    if kind == "other_team_report":
        case.team = Team.objects.get(name="Force Control Room")
    case.needs_attention = True
    case.save()
    return case


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.priority,
        case.team_id,
        case.assigned_to_id,
        case.needs_attention,
        CaseEvent.objects.filter(case=case).count(),
        case.assessments.count(),
    )


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("role", list(WORKS_ON))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_may_act_only_on_the_cases_it_works_on(
    django_user_model, action, role, kind
):
    by = person(django_user_model, role)
    case = a_case(kind)
    before = snapshot(case)
    allowed = kind in (ASSIGNS if action == "assign" else WORKS_ON).get(role, set())
    if allowed:
        ACTIONS[action](case, by)
        assert snapshot(case) != before, f"{action} by {role} changed nothing"
    else:
        with pytest.raises(workflow.NotAllowed) as refused:
            ACTIONS[action](case, by)
        assert snapshot(case) == before, f"{action} by {role} changed the case"
        # Admin shows it as a message (WorkflowError); a view lets it be a 403.
        assert isinstance(refused.value, workflow.WorkflowError)
        assert isinstance(refused.value, PermissionDenied)
        assert str(refused.value)


def test_the_refusal_says_why_in_words_staff_understand(django_user_model):
    agent = make_staff(django_user_model, "agent")
    editor = make_staff(django_user_model, "editor")
    report, intelligence = a_case("our_team_report"), a_case("intelligence")
    with pytest.raises(workflow.NotAllowed, match="Only supervisors and intel"):
        ACTIONS["assign"](report, agent)
    with pytest.raises(workflow.NotAllowed, match="not one of the cases your role"):
        ACTIONS["add_note"](intelligence, agent)
    with pytest.raises(workflow.NotAllowed, match="Your role does not work on cases"):
        ACTIONS["add_note"](report, editor)
    with pytest.raises(workflow.NotAllowed, match="Only staff"):
        ACTIONS["add_note"](report, None)


def test_one_case_another_role_may_not_touch_stops_a_whole_bulk_assignment(
    django_user_model,
):
    supervisor = make_staff(django_user_model, "supervisor")
    report, intelligence = a_case("our_team_report"), a_case("intelligence")
    with pytest.raises(workflow.NotAllowed):
        workflow.assign(
            case_ids=[report.pk, intelligence.pk],
            to_team=Team.objects.get(name="Hate Crime Unit"),
            by=supervisor,
            now=timezone.now(),
        )
    report.refresh_from_db()
    assert report.team.name == "Crime Management Unit"


def test_a_duplicate_can_only_point_at_a_case_the_closer_may_see(django_user_model):
    agent = make_staff(django_user_model, "agent")
    report, intelligence = a_case("our_team_report"), a_case("intelligence")
    with pytest.raises(workflow.WorkflowError, match="Enter the reference"):
        workflow.close_case(
            case_id=report.pk,
            outcome="duplicate",
            duplicate_of=intelligence.reference,
            reason="Same as before.",
            by=agent,
            now=timezone.now(),
        )


@pytest.mark.parametrize(
    ("assignee", "team", "allowed"),
    [
        ("investigator", "Crime Management Unit", True),
        ("investigator", "Hate Crime Unit", False),  # not their team
        ("agent", "Hate Crime Unit", True),
        ("intelligence", "Crime Management Unit", False),  # reports: not theirs
        ("editor", "Crime Management Unit", False),
    ],
)
def test_a_case_goes_only_to_someone_who_can_work_on_it(
    django_user_model, assignee, team, allowed
):
    supervisor = make_staff(django_user_model, "supervisor")
    person_given_it = make_staff(django_user_model, assignee)
    report = a_case("our_team_report")
    before = snapshot(report)

    def give():
        workflow.assign(
            case_ids=[report.pk],
            to_user=person_given_it,
            to_team=Team.objects.get(name=team),
            by=supervisor,
            now=timezone.now(),
        )

    if allowed:
        give()
        report.refresh_from_db()
        assert report.assigned_to == person_given_it
    else:
        with pytest.raises(workflow.NotAllowed, match="cannot work on"):
            give()
        assert snapshot(report) == before
