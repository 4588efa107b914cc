"""Disseminating graded intelligence to a team: intelligence officers only,
graded and sanitised first, recorded and audited."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from casework.audit import AuditEntry
from casework.models import CaseEvent, Team
from intelligence import grading
from intelligence.models import IntelligenceSubmission
from tests.casework.staff import make_staff, signed_in
from tests.intelligence.journey import complete, submit

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["agent", "supervisor", "investigator", "editor"]
SANITISED = "Drug supply suspected at a Hatfield address in the evenings."


@pytest.fixture
def submission(client):
    cache.clear()
    submit(client, complete(client))
    return IntelligenceSubmission.objects.get()


@pytest.fixture
def officer(django_user_model):
    return make_staff(django_user_model, "intelligence")


@pytest.fixture
def team():
    return Team.objects.get(name="Crime Management Unit")


def graded(submission, officer, **changes):
    values = {
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "sanitised_text": SANITISED,
        **changes,
    }
    return grading.grade(
        submission_id=submission.pk, by=officer, now=timezone.now(), **values
    )


def disseminate_url(submission) -> str:
    return f"/admin/intelligence/intelligencesubmission/{submission.pk}/disseminate/"


def with_reason(client, submission):
    """Say why the record is opened, as admin asks before anything else."""
    client.post(
        f"/admin/intelligence/intelligencesubmission/{submission.pk}/reason/",
        {"reason": "Sharing graded drugs intelligence with CMU"},
    )
    return client


# --- The service ------------------------------------------------------------


def test_ungraded_intelligence_is_not_disseminated(submission, officer, team):
    with pytest.raises(grading.GradingError, match="Grade it before"):
        grading.disseminate(
            submission_id=submission.pk, team=team, by=officer, now=timezone.now()
        )
    submission.refresh_from_db()
    assert submission.status == "new"
    assert submission.disseminated_to is None


def test_intelligence_without_sanitised_text_is_not_disseminated(
    submission, officer, team
):
    graded(submission, officer)
    # Graded, then the text cleared (by an import, a data fix): still refused.
    IntelligenceSubmission.objects.filter(pk=submission.pk).update(sanitised_text="")
    with pytest.raises(grading.GradingError, match="sanitised text"):
        grading.disseminate(
            submission_id=submission.pk, team=team, by=officer, now=timezone.now()
        )
    assert not IntelligenceSubmission.objects.filter(disseminated_to=team).exists()


def test_a_team_must_be_chosen(submission, officer):
    graded(submission, officer)
    with pytest.raises(grading.GradingError, match="Choose the team"):
        grading.disseminate(
            submission_id=submission.pk, team=None, by=officer, now=timezone.now()
        )


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_intelligence_officers_disseminate(
    django_user_model, submission, officer, team, role
):
    graded(submission, officer)
    other = make_staff(django_user_model, role)
    with pytest.raises(grading.GradingError, match="Only intelligence officers"):
        grading.disseminate(
            submission_id=submission.pk, team=team, by=other, now=timezone.now()
        )


def test_disseminating_records_the_team_audits_and_notes_it(submission, officer, team):
    graded(submission, officer)
    done = grading.disseminate(
        submission_id=submission.pk, team=team, by=officer, now=timezone.now()
    )
    assert done.status == "disseminated"
    assert done.disseminated_to == team
    entry = AuditEntry.objects.get(
        object_type="intelligence.intelligencesubmission", action="change"
    )
    assert entry.username == "intelligence"
    assert entry.object_reference == submission.case.reference
    assert entry.detail == "Disseminated to Crime Management Unit (graded 2BP)"
    note = CaseEvent.objects.get(case=submission.case, kind=CaseEvent.Kind.NOTE)
    assert "disseminated to Crime Management Unit" in note.text
    # Once: it cannot be disseminated again (to the same or another team).
    with pytest.raises(grading.GradingError, match="cannot become disseminated"):
        grading.disseminate(
            submission_id=submission.pk, team=team, by=officer, now=timezone.now()
        )


# --- In admin ---------------------------------------------------------------


def test_an_officer_disseminates_from_the_submission_page(submission, officer, team):
    graded(submission, officer)
    client = with_reason(signed_in(officer), submission)
    change = f"/admin/intelligence/intelligencesubmission/{submission.pk}/change/"
    assert 'Not yet. <a href="' + disseminate_url(submission) in (
        client.get(change).content.decode()
    )
    page = client.get(disseminate_url(submission)).content.decode()
    assert SANITISED in page
    assert "Crime Management Unit" in page
    assert 'value="Disseminate"' in page
    # The hint is read out with the box it belongs to.
    assert 'aria-describedby="id_team_helptext"' in page
    assert 'id="id_team_helptext"' in page
    assert f'href="{change}" class="closelink">Cancel' in page
    response = client.post(disseminate_url(submission), {"team": team.pk})
    assert response.status_code == 302
    assert response["Location"] == change
    submission.refresh_from_db()
    assert submission.status == "disseminated"
    assert submission.disseminated_to == team
    after = client.get(change).content.decode()
    assert "was disseminated to Crime Management Unit" in after
    assert AuditEntry.objects.filter(
        detail="Disseminated to Crime Management Unit (graded 2BP)",
        reason="Sharing graded drugs intelligence with CMU",
    ).exists()


def test_the_page_says_why_ungraded_intelligence_cannot_go(submission, officer, team):
    client = with_reason(signed_in(officer), submission)
    page = client.get(disseminate_url(submission)).content.decode()
    assert "Grade it before disseminating it." in page
    assert 'value="Disseminate"' not in page
    response = client.post(disseminate_url(submission), {"team": team.pk})
    assert response.status_code == 200
    submission.refresh_from_db()
    assert submission.disseminated_to is None


def test_the_page_asks_for_a_team(submission, officer):
    graded(submission, officer)
    client = with_reason(signed_in(officer), submission)
    response = client.post(disseminate_url(submission), {"team": ""})
    assert "Choose the team to share it with" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == "assessing"


def test_the_page_asks_for_a_reason_first(submission, officer):
    graded(submission, officer)
    response = signed_in(officer).get(disseminate_url(submission))
    assert response.status_code == 302
    assert "/reason/" in response["Location"]


def test_the_list_action_leads_to_the_page_for_one_submission(submission, officer):
    client = signed_in(officer)
    response = client.post(
        "/admin/intelligence/intelligencesubmission/",
        {"action": "disseminate_selected", "_selected_action": [submission.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == disseminate_url(submission)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_refused_and_audited(
    django_user_model, submission, officer, team, role
):
    graded(submission, officer)
    other = signed_in(make_staff(django_user_model, role))
    assert other.get(disseminate_url(submission)).status_code == 403
    assert other.post(disseminate_url(submission), {"team": team.pk}).status_code == 403
    submission.refresh_from_db()
    assert submission.disseminated_to is None
    denied = AuditEntry.objects.filter(username=role, action="denied")
    assert denied.count() == 2
    assert all(entry.detail == disseminate_url(submission) for entry in denied)
